// netparse page: the JSON downloads, and files dropped on the upload area. The page works
// without this script, except for the download buttons.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Each button names the script element that holds its JSON as a JSON string: exactly the
  // bytes the CLI and the API give.
  const buttons = [["download", "report-json"]];
  document.querySelectorAll("button[data-json]").forEach((b) => {
    if (!b.id) b.id = `download-${b.dataset.json}`;
    buttons.push([b.id, b.dataset.json]);
  });
  for (const [id, source] of buttons) {
    const button = document.getElementById(id);
    const data = document.getElementById(source);
    if (!button || !data) continue;
    button.addEventListener("click", () => {
      const text = JSON.parse(data.textContent);
      const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = button.dataset.filename || "netparse.json";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
  }

  // A link to a folded capture unfolds it.
  const unfold = () => {
    const target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "DETAILS") target.open = true;
  };
  window.addEventListener("hashchange", unfold);
  unfold();

  const files = document.getElementById("files");
  const folder = document.getElementById("folder");
  const chosen = document.getElementById("chosen");
  const zone = document.getElementById("drop-zone");
  const show = () => {
    const count = (files ? files.files.length : 0) + (folder ? folder.files.length : 0);
    if (chosen) chosen.textContent = count ? `${count} file${count === 1 ? "" : "s"} chosen` : "";
  };
  if (files) files.addEventListener("change", show);
  if (folder) folder.addEventListener("change", show);
  if (zone && files) {
    zone.addEventListener("dragover", (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
    zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("dragging");
      if (event.dataTransfer && event.dataTransfer.files.length) {
        files.files = event.dataTransfer.files;
        show();
      }
    });
  }
});
