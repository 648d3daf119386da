"""`netparse` entry point. Imports stay inside the commands so `netparse --help` starts fast."""

from __future__ import annotations

import sys

import click

from netparse import __version__
from netparse.errors import NetparseError


def _fail(error: Exception, source: str | None = None) -> None:
    from netparse.errors import ParseError
    from netparse.render.visible import visible

    if isinstance(error, ParseError) and source and not error.source:
        error = error.located(source)
    # The message may quote a file name or a line of the input: controls shown, not sent.
    message = visible(str(error))
    click.echo(f"netparse: {message}" if not isinstance(error, ParseError) else message, err=True)
    sys.exit(2)


def _out(text: str | bytes = "", nl: bool = True) -> None:
    """Print to standard output, names that are not UTF-8 escaped (a dump's path on the command
    line); one that cannot be written (a full disk) is an error, not a traceback. A broken pipe
    (`| head`) is left to click, which exits quietly. Bytes are written as they are (a large
    model's JSON, not copied again to text)."""
    import errno
    import os

    from netparse.sources.names import shown

    _check_stdout()
    try:
        click.echo(text if isinstance(text, bytes) else shown(text), nl=False)
        if nl:
            click.echo()
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise
        # What is left in the buffer would fail again when Python flushes it at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        _fail(NetparseError(f"cannot write the output: {exc.strerror or exc}"))


def _check_stdout() -> None:
    if sys.stdout is None:  # `>&-`: printing nothing and exiting 0 would look like success
        _fail(NetparseError("standard output is closed"))


def _read(path: str) -> bytes:
    """One capture's bytes; one larger than a capture can be is refused before it is read (a
    file by its size, standard input once that much came), and anything but a file before it
    is opened (a named pipe would wait for a writer)."""
    import os
    import stat

    from netparse.errors import LimitError, SourceError
    from netparse.sources import limits, stdin_stream, too_large
    from netparse.sources.limits import read_bounded

    limit = limits.MAX_FILE_BYTES
    if path == "-":
        data = stdin_stream().read(limit + 1)
        if len(data) > limit:
            raise LimitError("<stdin>", too_large(f"standard input of more than "
                                                   f"{limit / limits.MiB:g} MiB"))
        return data
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise SourceError(path, "not a file")
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise LimitError(path, too_large(f"file of {size / limits.MiB:.0f} MiB"))
        return read_bounded(handle, limit, path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="netparse")
def main() -> None:
    """Offline analyzer for the network of a Docker host."""


@main.command("parse")
@click.argument("file")
@click.option("--kind", "-k", metavar="KIND", help="The command the file comes from "
              "(see `netparse kinds`); detected from the content when left out.")
@click.option("--strict", is_flag=True, help="Fail on the first line the parser does not understand.")
def parse_command(file: str, kind: str | None, strict: bool) -> None:
    """Parse one command's output (FILE, or - for standard input) and print the model as JSON."""
    import os

    from netparse.parsers import parse
    from netparse.sources.limits import check_memory

    source = "<stdin>" if file == "-" else file
    try:
        data = _read(file)
        named = kind
        if named is None:
            from netparse.sources.names import kind_of_name

            named = kind_of_name(os.path.basename(file))[0]
        check_memory(source, data, named)
        model = parse(data, kind, strict=strict)
    except NetparseError as exc:
        _fail(exc, source)
    except OSError as exc:
        _fail(NetparseError(f"{source}: {exc.strerror or exc}"))
    # The model's own serializer: what TypeAdapter(type(model)).dump_json gives, without
    # building an adapter (a schema walk) first.
    _out(model.__pydantic_serializer__.to_json(model, indent=2))


@main.command("analyze")
@click.argument("path")
@click.option("--format", "-f", "fmt", default="text", show_default=True,
              type=click.Choice(["text", "json", "dot", "mermaid"]),
              help="text: readable report; json: the versioned report (`netparse schema report`); "
                   "dot, mermaid: the topology as a diagram.")
@click.option("--fail-on", default="error", show_default=True,
              type=click.Choice(["error", "warning", "info", "never"]),
              help="Exit 1 when a finding reaches this severity.")
@click.option("--color/--no-color", default=None,
              help="Colour the text report (default: only on a terminal).")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(min=1),
              help="Processes that analyse a folder of dumps at once (see below).")
@click.option("--host", default=None, metavar="NAME",
              help="Of a paste that holds several hosts (prompts naming two hosts, Ansible or "
                   "pssh blocks, ==> host <==), analyse only this one.")
def analyze_command(path: str, fmt: str, fail_on: str, color: bool | None, jobs: int,
                    host: str | None) -> None:
    """Rebuild a Docker host's network from a dump and say what is wrong.

    PATH is a folder of captures, a .tar/.tar.gz/.zip of one, a terminal transcript, a
    sosreport folder, or - for standard input.

    PATH may also be a folder of dumps (subfolders or archives, no capture of its own): each is
    analysed on its own, --jobs at a time, and a report is printed for each, then a summary
    table. The exit status is the worst of the dumps'.

    A paste that holds captures of several hosts is never merged into one: it is refused (exit
    status 2, naming each host and its lines) unless --host chooses one.
    """
    from netparse.batch import dumps_in

    _check_stdout()  # before the report, which asks it whether it is a terminal
    dumps = dumps_in(path)
    if dumps is not None and host is not None:
        _fail(NetparseError(f"{path}: --host chooses a host in one paste, not in a folder of "
                            f"dumps"))
    if dumps is not None:
        _analyze_batch(path, dumps, fmt, fail_on, color, jobs)
        return
    from netparse.analysis import analyze
    from netparse.analysis.model import Severity
    from netparse.parsers import no_cyclic_gc
    from netparse.render import render

    # The collector stays off from reading to the end: the objects of a large dump are made
    # once and never form cycles, so each pass over them would be time lost.
    with no_cyclic_gc():
        try:
            report = analyze(path, host=host)
        except NetparseError as exc:
            _fail(exc)
        except OSError as exc:
            _fail(NetparseError(f"{path}: {exc.strerror or exc}"))
        opts = {"color": color} if fmt == "text" else {}
        output = render(report, fmt, **opts)
        _out(output, nl=False)
        status = 0
        if fail_on != "never":
            limit = Severity(fail_on).rank
            status = int(any(f.severity.rank <= limit for f in report.findings))
        _exit_now(status)
    if status:
        sys.exit(status)


def _exit_now(status: int) -> None:
    """In a process of its own, end it once the report is out, without freeing the report's
    objects one by one (a large dump's take a tenth of the run). Only when netparse is the
    program (`netparse`, `python -m netparse.cli.main`): a program that runs the command
    inside itself (click's test runner) goes on as usual."""
    import os

    sys.stdout.flush()
    sys.stderr.flush()
    program = sys.argv[0] if sys.argv else ""
    if os.path.basename(program) == "netparse" or \
            os.path.realpath(program) == os.path.realpath(__file__):
        os._exit(status)


def _analyze_batch(path: str, dumps: list[str], fmt: str, fail_on: str, color: bool | None,
                   jobs: int) -> None:
    import json
    import os
    import shutil

    from netparse.batch import analyze_many, summary
    from netparse.render.visible import visible

    opts: dict = {}
    if fmt == "text":
        # Decided here, where stdout is known: the workers' output is collected, not printed.
        tty = sys.stdout.isatty()
        opts["color"] = color if color is not None else (
            tty and os.environ.get("TERM") != "dumb" and not os.environ.get("NO_COLOR"))
        if tty:
            opts["width"] = shutil.get_terminal_size((100, 24)).columns
    results = analyze_many(dumps, jobs=jobs, fmt=fmt, fail_on=fail_on, render_opts=opts)
    prefix = path.rstrip("/" + os.sep) + os.sep
    if fmt == "json":
        docs = [{"path": r.path, "exit_status": r.exit_status,
                 **({"error": r.error} if r.error else {"report": json.loads(r.output)})}
                for r in results]
        _out(json.dumps({"dumps": docs}, indent=2))
    else:
        comment = {"text": "===", "dot": "//", "mermaid": "%%"}[fmt]
        for r in results:
            _out(f"{comment} {visible(r.path)}")
            _out(f"netparse: {visible(r.error)}\n" if r.error else r.output, nl=False)
            _out()
        if fmt == "text":
            _out(f"=== summary: {len(results)} dumps in {path}")
            _out(summary(results, prefix), nl=False)
    sys.exit(max((r.exit_status for r in results), default=0))


def _reach_format(fmt: str, value) -> str:
    if fmt == "json":
        return value.model_dump_json(indent=2, by_alias=True) + "\n"
    from netparse.render.reach import render_reach_text, render_trace_text

    return render_reach_text(value) if hasattr(value, "paths") else render_trace_text(value)


@main.command("reach")
@click.argument("path")
@click.option("--to", "targets", multiple=True, metavar="ADDR",
              help="Also try every container to this address (repeatable).")
@click.option("--client", metavar="ADDR",
              help="Try every published port from an outside client at ADDR.")
@click.option("--format", "-f", "fmt", default="text", show_default=True,
              type=click.Choice(["text", "json"]),
              help="text: a matrix with the broken cells explained; json: `netparse schema "
                   "reach`.")
def reach_command(path: str, targets: tuple[str, ...], client: str | None, fmt: str) -> None:
    """Which container reaches which, through the host's bridges, routes and firewall.

    Each path is walked there and back; a verdict that depends on something not captured is
    `unknown`, with what would settle it. PATH is what `netparse analyze` takes.
    """
    from netparse.analysis import load
    from netparse.parsers import no_cyclic_gc
    from netparse.reach import reach, summary
    from netparse.render.reach import GRID_LIMIT

    with no_cyclic_gc():  # as analyze: nothing the report is made of forms a cycle
        try:
            snapshot = load(path, stdin=sys.stdin.buffer if path == "-" else None)
            # The text shows a large matrix counted: counted without a model for each path.
            report = reach(snapshot, to=targets, client=client) if fmt == "json" else \
                summary(snapshot, to=targets, client=client, grid=GRID_LIMIT)
        except NetparseError as exc:
            _fail(exc)
        _out(_reach_format(fmt, report), nl=False)
        _exit_now(0)


@main.command("diff")
@click.argument("before")
@click.argument("after")
@click.option("--to", "targets", multiple=True, metavar="ADDR",
              help="Also compare every container's path to this address (repeatable).")
@click.option("--client", metavar="ADDR",
              help="Also compare every published port from an outside client at ADDR.")
@click.option("--format", "-f", "fmt", default="text", show_default=True,
              type=click.Choice(["text", "json"]),
              help="text: what broke, then what changed; json: `netparse schema diff`.")
@click.option("--fail-on", default="error", show_default=True,
              type=click.Choice(["error", "warning", "info", "never"]),
              help="Exit 1 when a new finding reaches this severity, or a path is lost "
                   "(an error).")
def diff_command(before: str, after: str, targets: tuple[str, ...], client: str | None,
                 fmt: str, fail_on: str) -> None:
    """What changed on the host between two dumps, and what it broke.

    BEFORE and AFTER are what `netparse analyze` takes (one of them may be -). Findings new
    and resolved and the paths of `netparse reach` lost and gained come first, each lost path
    with the changes on its way; then the objects changed, keyed by what survives a restart
    (names, not Docker's IDs, veth names or counters). What one dump holds and the other does
    not is listed as not compared, never as unchanged.
    """
    from netparse.analysis.model import Severity
    from netparse.compare import diff

    if before == "-" and after == "-":
        _fail(NetparseError("only one of BEFORE and AFTER can be standard input"))
    try:
        report = diff(before, after, to=targets, client=client,
                      stdin=sys.stdin.buffer if "-" in (before, after) else None)
    except NetparseError as exc:
        _fail(exc)
    except OSError as exc:
        _fail(NetparseError(f"{exc.filename or before}: {exc.strerror or exc}"))
    if fmt == "json":
        _out(report.model_dump_json(indent=2, by_alias=True))
    else:
        from netparse.render.diff import render_diff_text

        _out(render_diff_text(report), nl=False)
    if fail_on != "never":
        limit = Severity(fail_on).rank
        if report.reachability.lost or any(f.severity.rank <= limit
                                           for f in report.findings.new):
            sys.exit(1)


@main.command("trace")
@click.argument("path")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO[:PORT]")
@click.option("--format", "-f", "fmt", default="text", show_default=True,
              type=click.Choice(["text", "json"]))
def trace_command(path: str, source: str, target: str, fmt: str) -> None:
    """One path hop by hop: each rule, route and address rewrite, there and back.

    FROM is a container name or an outside client's address; TO a container name or an
    address, with :PORT for a published port (from a client) or a TCP port.
    """
    from netparse.analysis import load
    from netparse.reach import trace

    name, port = target, None
    if ":" in target and target.rsplit(":", 1)[1].isdigit() and target.count(":") == 1:
        name, port = target.rsplit(":", 1)[0], int(target.rsplit(":", 1)[1])
    try:
        path_ = trace(load(path, stdin=sys.stdin.buffer if path == "-" else None), source,
                      name, port)
    except NetparseError as exc:
        _fail(exc)
    _out(_reach_format(fmt, path_), nl=False)
    sys.exit(0 if path_.verdict.value == "reachable" else 1)


@main.command("collect")
@click.argument("outdir", required=False)
@click.option("--archive", "-a", is_flag=True, help="Write OUTDIR.tar.gz instead of a folder.")
@click.option("--redact", "-r", is_flag=True,
              help="Mask secret-looking environment values and labels in docker inspect output.")
@click.option("--timeout", "-t", default=20, show_default=True, type=click.IntRange(min=1),
              help="Seconds a command may run before it is stopped.")
@click.option("--inside", "-i", default="auto", show_default=True,
              type=click.Choice(["auto", "nsenter", "exec", "skip"]),
              help="How to capture inside running containers: nsenter (root), docker exec, or "
                   "skip; auto is nsenter as root, docker exec otherwise.")
@click.option("--script", is_flag=True,
              help="Print a POSIX sh script that collects the same dump (for a host without "
                   "Python or netparse) instead of collecting.")
def collect_command(outdir: str | None, archive: bool, redact: bool, timeout: int, inside: str,
                    script: bool) -> None:
    """Capture this Docker host's network into OUTDIR, the dump `netparse analyze` reads.

    Run it on the host, as root for the most complete dump. It only reads. Each command's exit
    status, standard error and duration go into OUTDIR/manifest.json; a command that is missing,
    fails or hangs is recorded there and collection goes on.
    """
    from netparse.collect import collect, script as make_script

    if script:
        _out(make_script(), nl=False)
        return
    if not outdir:
        raise click.UsageError("OUTDIR is required (or --script)")
    try:
        path, manifest = collect(outdir, archive=archive, redact_secrets=redact,
                                 timeout=timeout, inside=inside)
    except NetparseError as exc:
        _fail(exc)
    ran = [e for e in manifest["commands"] if "skipped" not in e]
    failed = [e for e in ran if e["exit_status"] != 0]
    kept = [e for e in ran if e.get("kept")]
    click.echo(f"netparse: wrote {path} ({len(kept)} captures, {len(failed)} commands failed "
               f"or timed out; see manifest.json)", err=True)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback lets others on the network "
                   "send data to this machine.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--max-upload", default=64, show_default=True, type=click.IntRange(1, 1024),
              metavar="MIB", help="Largest request (all files together), in MiB.")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(1, 3600),
              metavar="SECONDS", help="Longest time one request may take to parse and analyse.")
def serve_command(host: str, port: int, max_upload: int, timeout: float) -> None:
    """Serve the page to paste or upload captures, and the HTTP API (/docs)."""
    import ipaddress

    try:
        from netparse.web import serve
        from netparse.web.app import Settings
    except ImportError as exc:
        _fail(NetparseError(f"the web server needs the web extra: pip install 'netparse[web]' "
                            f"({exc.name} is missing)"))
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    _check_listen(host, port)
    if not loopback:
        click.echo(f"netparse: listening on {host}: anyone who can reach it can send data and "
                   f"read the results", err=True)
    try:
        serve(host, port, Settings(max_body=max_upload * 1024 * 1024, work_timeout=timeout))
    except SystemExit as exc:  # uvicorn's when it could not start, after its own message
        if exc.code not in (None, 0):
            _fail(NetparseError(f"the server did not start on {host}:{port}"))
        raise


def _check_listen(host: str, port: int) -> None:
    """Fail in one line when `host`:`port` cannot be listened on (taken, or no such address),
    before the server starts and reports it among its log lines."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
            probe.bind(address)
    except OSError as exc:
        _fail(NetparseError(f"cannot listen on {host}:{port}: {exc.strerror or exc}"))


@main.command("checks")
@click.option("--markdown", is_flag=True,
              help="Print README's table of the checks and the facts they need, in Markdown.")
def checks_command(markdown: bool) -> None:
    """List the checks `netparse analyze` runs: code, severity and meaning."""
    from netparse.analysis.checks import CHECKS

    if markdown:
        from netparse.analysis.checks.markdown import table

        click.echo(table(), nl=False)
        return
    width = max(len(c.code) for c in CHECKS)
    for c in CHECKS:
        _out(f"{c.code:<{width}}  {c.severity.value:<7}  {c.summary}")


@main.command("kinds")
@click.option("--markdown", is_flag=True, help="Print README's table of kinds instead.")
def kinds_command(markdown: bool) -> None:
    """List the kinds of capture netparse reads, with the commands they come from."""
    from netparse.kinds import KINDS, markdown as table

    if markdown:
        _out(table(), nl=False)
        return
    width = max(len(name) for name in KINDS)
    for kind in KINDS.values():
        _out(f"{kind.name:<{width}}  {kind.summary}")
        _out(f"{'':<{width}}  from: {'; '.join(kind.commands)}")


@main.command("schema")
@click.argument("kind")
def schema_command(kind: str) -> None:
    """Print the JSON Schema of a kind's model, of the analysis report (KIND = report), of
    `netparse reach` (KIND = reach) or of `netparse diff` (KIND = diff)."""
    import json

    from netparse.kinds import get_kind

    if kind == "report":
        from netparse.analysis.model import Report as model
    elif kind == "reach":
        from netparse.reach.model import ReachReport as model
    elif kind == "diff":
        from netparse.compare.model import DiffReport as model
    else:
        try:
            model = get_kind(kind).module().MODEL
        except NetparseError as exc:
            _fail(exc)
    _out(json.dumps(model.model_json_schema(mode="serialization"), indent=2))


if __name__ == "__main__":
    main()
