"""netparse: offline analyzer for the network of a Docker host.

    >>> import netparse
    >>> capture = netparse.parse(open("brctl_show.txt").read())
    >>> capture.bridges[0].name
    >>> report = netparse.analyze("dump/")
    >>> [f.code for f in report.findings]
"""

from __future__ import annotations

from netparse.errors import DetectError, NetparseError, ParseError

__version__ = "0.1.0"
__all__ = ["DetectError", "NetparseError", "ParseError", "analyze", "detect", "diff", "load",
           "parse", "__version__"]


def parse(text, kind=None, *, strict=False):
    """Parse one command's output into its model; see `netparse.parsers.parse`."""
    from netparse.parsers import parse as _parse

    return _parse(text, kind, strict=strict)


def detect(text):
    """The kind of capture `text` is, or a DetectError listing the candidates."""
    from netparse.parsers import detect as _detect, prepare

    return _detect(prepare(text))


def load(path, *, stdin=None, host=None):
    """Find and parse every capture of a dump; see `netparse.analysis.load`."""
    from netparse.analysis import load as _load

    return _load(path, stdin=stdin, host=host)


def analyze(path, *, stdin=None, host=None):
    """Analyse a dump (folder, archive, transcript, sosreport or `-`) into a Report. A paste
    that holds several hosts is refused (HostsError) unless `host` names the one to analyse."""
    from netparse.analysis import analyze as _analyze

    return _analyze(path, stdin=stdin, host=host)


def diff(before, after, *, to=(), client=None, stdin=None):
    """Compare two dumps (each anything `analyze` takes) into a DiffReport: findings new and
    resolved, paths lost and gained, object changes; see `netparse.compare`."""
    from netparse.compare import diff as _diff

    return _diff(before, after, to=to, client=client, stdin=stdin)
