"""The `sh` collector: `collect.sh.in` (beside this module) with the steps of
`netparse.collect.steps` written in, so it runs the very commands `netparse collect` runs."""

from __future__ import annotations

from importlib import resources
from shlex import quote

from netparse import __version__
from netparse.collect import steps

_SED_DELIMITER = "#"


def _sed_expression(rule: steps.Redaction) -> str:
    for part in (rule.pattern, rule.replacement):
        assert _SED_DELIMITER not in part, part
    expr = f"s{_SED_DELIMITER}{rule.pattern}{_SED_DELIMITER}{rule.replacement}{_SED_DELIMITER}g"
    if rule.unless:
        assert "/" not in rule.unless, rule.unless
        expr = f"/{rule.unless}/!{expr}"
    return quote(expr)


def _enter(command: str) -> str:
    """An ENTER command as a double-quoted sh word, with $1 for the name and $2 for the pid."""
    assert not set('"$`\\') & set(command), command
    return '"' + command.replace("{name}", "$1").replace("{pid}", "$2") + '"'


def _steps() -> str:
    out = [f"NAMESPACES={quote(steps.NAMESPACES)}",
           f"INSPECT_FILES={quote(' '.join(steps.INSPECT_FILES))}",
           "",
           "# enter NAME PID: the command that runs what follows inside the container",
           "enter() {",
           "    case $INSIDE in"]
    out += [f"        {mode}) echo {_enter(command)} ;;" for mode, command in steps.ENTER.items()]
    out += ["    esac", "}", "",
            "# inside_steps NAME PID REASON",
            "inside_steps() {"]
    out += [f'    inside_step "$1" "$2" "$3" {quote(s.file)} {quote(s.command)}'
            for s in steps.INSIDE]
    out += ["}", "",
            "redact() {",
            "    sed -E " + " ".join(f"-e {_sed_expression(r)}" for r in steps.REDACTIONS),
            "}", ""]
    out += [f"tool {quote(name)} {quote(command)}" for name, command in steps.TOOLS]
    out += [f"list {name} {quote(command)}" for name, command in steps.LISTS.items()]
    for s in steps.HOST:
        over = f" {s.over} {quote(steps.LISTS[s.over])}" if s.over else ""
        out.append(f"capture {quote(s.file)} {quote(s.command)}{over}")
    return "\n".join(out)


def script() -> str:
    """The POSIX sh script that collects the same dump as `netparse collect`."""
    template = resources.files("netparse.collect").joinpath("collect.sh.in").read_text("utf-8")
    return (template.replace("@@STEPS@@", _steps())
            .replace("@@VERSION@@", __version__)
            .replace("@@TIMEOUT@@", str(steps.TIMEOUT)))
