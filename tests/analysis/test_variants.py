"""Checks whose fault no machine here can produce, on documented variants of real dumps.

Each test copies a real dump and changes the fewest bytes that make the fault, and says which.
The engine refuses to create these states itself (two containers with one address, an address
outside the subnet, a published port that is configured but not bound), or producing them would
need traffic or another host; the analysis must still recognise them in a customer's captures.
"""

import json
import shutil

import netparse
from tests.conftest import FIXTURES

DUMP = FIXTURES / "dumps/default-bridge"


def copy_dump(tmp_path, src=DUMP):
    dst = tmp_path / "dump"
    shutil.copytree(src, dst)
    return dst


def edit_inspect(dump, fn):
    path = dump / "docker_inspect.json"
    data = json.loads(path.read_text())
    fn({c["Name"].lstrip("/"): c for c in data})
    path.write_text(json.dumps(data, indent=4))


def codes(report):
    return {(f.code, f.severity.value): f for f in report.findings}


def test_duplicate_ip_on_one_network(tmp_path):
    """np-app's recorded address set to np-web's (172.17.0.2) in docker_inspect.json."""
    dump = copy_dump(tmp_path)
    edit_inspect(dump, lambda c: c["np-app"]["NetworkSettings"]["Networks"]["bridge"].update(
        IPAddress="172.17.0.2"))
    found = codes(netparse.analyze(dump))
    dup = found[("duplicate-address", "error")]
    assert {"172.17.0.2", "np-web", "np-app"} <= set(dup.subjects)


def test_duplicate_mac(tmp_path):
    """np-db's recorded MAC set to np-web's in docker_inspect.json."""
    dump = copy_dump(tmp_path)
    edit_inspect(dump, lambda c: c["np-db"]["NetworkSettings"]["Networks"]["bridge"].update(
        MacAddress=c["np-web"]["NetworkSettings"]["Networks"]["bridge"]["MacAddress"]))
    dup = codes(netparse.analyze(dump))[("duplicate-address", "error")]
    assert "02:42:ac:11:00:02" in dup.subjects


def test_address_outside_subnet(tmp_path):
    """np-db's recorded address set to 10.9.9.9 (its network is 172.17.0.0/16); the address
    inside the container is then also different, so drift is reported too."""
    dump = copy_dump(tmp_path)
    edit_inspect(dump, lambda c: c["np-db"]["NetworkSettings"]["Networks"]["bridge"].update(
        IPAddress="10.9.9.9"))
    found = codes(netparse.analyze(dump))
    assert {"np-db", "bridge", "172.17.0.0/16"} <= set(found[("address-outside-subnet", "error")].subjects)
    assert "np-db" in found[("address-drift", "error")].subjects


def test_published_port_configured_but_not_bound(tmp_path):
    """np-web's NetworkSettings.Ports loses its 8080/tcp host bindings, as when the engine could
    not bind the port; HostConfig.PortBindings still asks for it."""
    dump = copy_dump(tmp_path)
    edit_inspect(dump, lambda c: c["np-web"]["NetworkSettings"]["Ports"].update({"80/tcp": None}))
    f = codes(netparse.analyze(dump))[("port-mapping-missing", "error")]
    assert f.subjects[0] == "np-web" and "8080->80/tcp" in f.subjects


def test_default_route_via_a_foreign_gateway(tmp_path):
    """np-web's `route -n` gateway 172.17.0.1 changed to 172.17.0.254 in its default route."""
    dump = copy_dump(tmp_path)
    path = dump / "containers/np-web/route_n.txt"
    lines = path.read_text().splitlines(keepends=True)
    lines[2] = lines[2].replace("172.17.0.1  ", "172.17.0.254")
    path.write_text("".join(lines))
    f = codes(netparse.analyze(dump))[("container-default-route", "error")]
    assert f.subjects == ["np-web", "172.17.0.254"]


def test_captures_of_an_unknown_container(tmp_path):
    """containers/np-db renamed to containers/np-gone."""
    dump = copy_dump(tmp_path)
    (dump / "containers/np-db").rename(dump / "containers/np-gone")
    report = netparse.analyze(dump)
    assert codes(report)[("unknown-container", "warning")].subjects == ["np-gone"]
    # np-db lost its inside capture; the one namespace left on docker0 is still its own.
    db = next(c for c in report.topology.containers if c.name == "np-db")
    assert db.endpoints[0].host_veth == "vethd999e61" and db.endpoints[0].evidence.value == "netnsid"


def test_same_command_twice_is_kept_apart_and_reported(tmp_path):
    """A second `brctl show` taken earlier, before np-db started: its docker0 line lacks
    vethd999e61."""
    dump = copy_dump(tmp_path)
    text = (dump / "brctl_show.txt").read_text()
    (dump / "brctl_show_before.txt").write_text(
        "".join(l for l in text.splitlines(keepends=True) if "vethd999e61" not in l))
    report = netparse.analyze(dump)
    brctl = {s.path.rsplit("/", 1)[-1]: s for s in report.sources if s.kind == "brctl_show"}
    assert {name: (s.order, s.ordered_by) for name, s in brctl.items()} == {
        "brctl_show_before.txt": (1, "name"), "brctl_show.txt": (2, "name")}
    # The name says which is earlier: an earlier state, not a disagreement, and the latest
    # (brctl_show.txt, not the one whose name sorts last) is the state analysed.
    assert ("captures-disagree", "warning") not in codes(report)
    note = codes(report)[("earlier-state", "info")]
    assert note.evidence[:2] == [f"earlier: {dump}/brctl_show_before.txt:1",
                                 f"latest: {dump}/brctl_show.txt:1"]
    docker0 = next(b for b in report.topology.bridges if b.name == "docker0")
    assert "vethd999e61" in [p.name for p in docker0.ports]


def test_same_command_twice_in_no_told_order_is_a_disagreement(tmp_path):
    """Two `brctl show` whose names say nothing of time (`brctl_show.txt`, `bridges.txt`):
    which is the later is not known, so their difference stays a warning."""
    dump = copy_dump(tmp_path)
    text = (dump / "brctl_show.txt").read_text()
    (dump / "bridges.txt").write_text(
        "".join(l for l in text.splitlines(keepends=True) if "vethd999e61" not in l))
    report = netparse.analyze(dump)
    brctl = [s for s in report.sources if s.kind == "brctl_show"]
    assert [(s.order, s.ordered_by) for s in brctl] == [(1, None), (2, None)]
    assert ("captures-disagree", "warning") in codes(report)
    assert ("earlier-state", "info") not in codes(report)


def test_ip_forward_off_from_a_full_sysctl(tmp_path):
    """sysctl.txt replaced by the real `sysctl -a` excerpt of the same host with ip_forward
    set to 0 in the text."""
    dump = copy_dump(tmp_path)
    full = (FIXTURES / "captures/default-bridge/sysctl_a.txt").read_text()
    assert "net.ipv4.ip_forward = 1" in full
    (dump / "sysctl.txt").write_text(full.replace("net.ipv4.ip_forward = 1", "net.ipv4.ip_forward = 0"))
    f = codes(netparse.analyze(dump))[("ip-forward-off", "error")]
    assert {"net.ipv4.ip_forward", "np-web", "np-app", "np-db"} <= set(f.subjects)


def test_veth_missing_on_the_host(tmp_path):
    """np-app's host veth (veth838a99c, ifindex 52) cut out of every host capture: as if the host
    side were captured after the veth was deleted and the container's side before (deleting a
    veth for real removes the container's eth0 too, so no single moment shows this)."""
    import re

    dump = copy_dump(tmp_path)
    for name in ("ip_addr.txt", "ip_link.txt"):
        blocks = re.split(r"(?m)^(?=\d+: )", (dump / name).read_text())
        (dump / name).write_text("".join(b for b in blocks if "veth838a99c" not in b))
    for name in ("brctl_show.txt", "bridge_link.txt", "bridge_fdb.txt"):
        lines = (dump / name).read_text().splitlines(keepends=True)
        (dump / name).write_text("".join(l for l in lines if "veth838a99c" not in l))
    report = netparse.analyze(dump)
    f = codes(report)[("detached-endpoint", "error")]
    assert f.subjects == ["np-app", "docker0"] and "ifindex 52" in f.evidence[0]
    app = next(c for c in report.topology.containers if c.name == "np-app")
    assert app.endpoints[0].host_veth is None and app.endpoints[0].host_ifindex == 52


def test_a_bridge_docker_does_not_manage_raises_no_bridge_finding(tmp_path):
    """The real down, portless, addressless np-br0 of captures/empty-bridge (its `ip addr` block
    and `brctl show` line) added to default-bridge's host captures; its `ip -d link` was not
    taken then, so that capture is left out of the copy."""
    dump = copy_dump(tmp_path)
    (dump / "ip_link.txt").unlink()
    extra = FIXTURES / "captures/empty-bridge"
    block = (extra / "ip_addr.txt").read_text().split("1402: np-br0:", 1)[1]
    with open(dump / "ip_addr.txt", "a") as f:
        f.write("1402: np-br0:" + block)
    line = next(l for l in (extra / "brctl_show.txt").read_text().splitlines(True) if "np-br0" in l)
    with open(dump / "brctl_show.txt", "a") as f:
        f.write(line)
    report = netparse.analyze(dump)
    br = next(b for b in report.topology.bridges if b.name == "np-br0")
    assert br.managed is False and br.up is False
    assert not [f for f in report.findings if "np-br0" in f.subjects]
    plain = tmp_path / "plain"
    shutil.copytree(DUMP, plain)
    (plain / "ip_link.txt").unlink()
    assert [(f.code, f.subjects) for f in report.findings] == \
        [(f.code, f.subjects) for f in netparse.analyze(plain).findings]
