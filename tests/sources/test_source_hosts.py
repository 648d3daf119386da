"""Filtered views, the kind a command line decides, time order and hosts, on real pastes: the
seed note (tests/fixtures/transcripts/seed_note.md), the time-and-hosts pastes
(tests/fixtures/pastes/time-and-hosts/) and multi-host outputs made on this project's Docker host
(tests/fixtures/transcripts/README.md)."""

import json

import pytest
from click.testing import CliRunner

import netparse
from netparse import sources
from netparse.cli.main import main
from netparse.errors import HostsError, SourceError
from netparse.sources import transcript
from netparse.sources.names import kind_of_name, moment_in_name
from tests.conftest import FIXTURES

TRANSCRIPTS = FIXTURES / "transcripts"
SEED = TRANSCRIPTS / "seed_note.md"
TIME_AND_HOSTS = FIXTURES / "pastes" / "time-and-hosts"
ANSIBLE = TRANSCRIPTS / "ansible-two-hosts-ip-addr.log"
TAIL = TRANSCRIPTS / "tail-two-hosts-ip-addr.log"
PSSH = TRANSCRIPTS / "pssh-two-hosts-ip-route.log"
SWARM = TIME_AND_HOSTS / "moby-25386-network-ls-two-swarm-nodes.txt"


def _items(found):
    return [(i.first_line, i.kind, i.command, i.container, i.filtered, i.host)
            for i in found.items]


# --- the seed note: every output it holds (tests/fixtures/pastes/README.md, "The seed log") -----

def test_the_seed_note_is_split_into_every_output_it_holds():
    found = sources.load(SEED)
    assert _items(found) == [
        (19, "docker_network_ls", "docker network ls", None, None, "project"),
        (26, "brctl_show", "brctl show", None, None, "project"),
        (34, "route_n", "route -n", "8f407c2e9a2b", None, "project"),
        # "# 호스트 상에서 ip addr show 결과 중 하나": a comment naming the command, then its output
        (43, "ip_addr", "ip addr", None, None, None),
        (67, "brctl_show", "brctl show", None, None, None),
        (76, "docker_ps", "docker ps", None, None, None),
        (95, "ip_addr", "ip addr", None, "| grep -A 2 docker0:", None),
        # the command line decides: a view of `docker inspect` of containers, not `ip link`
        (102, "docker_inspect", "docker inspect $(docker ps -q)", None,
         '| grep -e "IPAddress\\|Id"', "project"),
    ]
    ignored = {i.path.rsplit(":", 1)[1]: i.reason for i in found.ignored}
    # `docker exec -it [컨테이너 ID] bash`: the `route -n` typed in it is a container's, which one
    # is not known; it is said so rather than taken for the host's.
    assert ignored["86"] == ("`route -n`: taken inside a container named only by a placeholder "
                             "([컨테이너 ID]): which one is not known")
    assert ignored["58"] == "`brctl show`: no output"


def test_the_seed_notes_inspect_view_reaches_the_parser_and_is_reported():
    report = netparse.analyze(SEED)
    (inspect,) = [s for s in report.sources if s.kind == "docker_inspect"]
    assert inspect.filtered == '| grep -e "IPAddress\\|Id"'
    assert inspect.command == "docker inspect $(docker ps -q)"
    assert inspect.status.value in ("parsed", "partial", "failed")
    if inspect.status.value != "parsed":
        assert inspect.messages and all(":10" in m for m in inspect.messages[:1])
    # The two `brctl show` and the two `ip addr` are earlier and later states, in order.
    codes = [(f.code, f.subjects) for f in report.findings]
    assert ("earlier-state", ["brctl show"]) in codes and ("earlier-state", ["ip addr"]) in codes
    assert "captures-disagree" not in [f.code for f in report.findings]
    brctl = [s for s in report.sources if s.kind == "brctl_show"]
    assert [(s.order, s.ordered_by) for s in brctl] == [(1, "transcript"), (2, "transcript")]


# --- rule by rule -------------------------------------------------------------------------------

def test_a_comment_naming_a_command_opens_an_output_only_when_it_looks_like_one():
    text = SEED.read_text()
    lines = text.split("\n")
    # The comment above the `route -n` prompt (line 32) is followed by a command: no output.
    assert lines[31] == "#container 내부에서는 route -n "
    segments = transcript.split(text).segments
    assert [s.line for s in segments if s.style == "comment"] == [42]
    # The same comment followed by prose is not a capture.
    prose = "\n".join(lines[:42] + ["이것은 설명입니다", ""])
    assert [s.line for s in transcript.split(prose).segments if s.style == "comment"] == []


def test_names_that_say_when():
    assert kind_of_name("ip_addr_before.txt") == ("ip_addr", None)
    assert kind_of_name("2-route_n.txt") == ("route_n", None)
    assert kind_of_name("docker_ps_a.txt") == ("docker_ps", "docker ps -a")  # `a` is no time
    order = sorted(["ip_addr_after.txt", "ip_addr.txt", "ip_addr_before.txt"], key=moment_in_name)
    assert order == ["ip_addr_before.txt", "ip_addr.txt", "ip_addr_after.txt"]
    order = sorted(["d/ip_addr_new.txt", "d/ip_addr_old.txt", "d/ip_addr_2.txt", "d/ip_addr_1.txt"],
                   key=moment_in_name)
    assert order == ["d/ip_addr_old.txt", "d/ip_addr_1.txt", "d/ip_addr_2.txt", "d/ip_addr_new.txt"]


def test_the_manifest_times_come_first(tmp_path):
    """A real dump whose manifest has each command's start time: a copy of its `ip addr` named
    `ip_addr_after.txt` but started earlier by the manifest is the earlier one."""
    import shutil

    dump = tmp_path / "dump"
    shutil.copytree(FIXTURES / "dumps" / "captured-apart", dump)
    manifest = json.loads((dump / "manifest.json").read_text())
    (entry,) = [e for e in manifest["commands"] if e.get("file") == "ip_addr.txt"]
    (dump / "ip_addr_after.txt").write_bytes((dump / "ip_addr.txt").read_bytes())
    manifest["commands"].append({**entry, "file": "ip_addr_after.txt",
                                 "started_at": "2000-01-01T00:00:00.000+00:00"})
    (dump / "manifest.json").write_text(json.dumps(manifest))
    snap = netparse.load(dump)
    addr = {e.source.path.rsplit("/", 1)[1]: e.source for e in snap.entries
            if e.kind == "ip_addr" and e.container is None}
    assert addr["ip_addr.txt"].taken_at == entry["started_at"]
    assert (addr["ip_addr_after.txt"].order, addr["ip_addr.txt"].order) == (1, 2)
    assert addr["ip_addr.txt"].ordered_by == "manifest"


# --- the time-and-hosts pastes -------------------------------------------------------------------

TIME_AND_HOSTS_RUNS = {
    # file: the runs of each kind, as (line where the output starts, order)
    "forlinux-840-ip-forward-before-after-start.txt": {"sysctl": [(2, 1), (6, 2)]},
    "forlinux-924-docker0-no-address-until-restart.txt": {"ip_addr": [(2, 1), (14, 2)]},
    "moby-38942-docker0-loses-ipv4.txt": {"ip_addr": [(2, 1), (11, 2)]},
}


@pytest.mark.parametrize("name", sorted(p.name for p in TIME_AND_HOSTS.glob("*.txt")))
def test_every_time_and_hosts_paste(name):
    path = TIME_AND_HOSTS / name
    if name == SWARM.name:
        with pytest.raises(HostsError) as error:
            netparse.analyze(path)
        assert error.value.hosts == {"plkrdockmasterq1": ["lines 2-8"],
                                     "plkrdockfrontq1": ["lines 10-15"]}
        for host, line in (("plkrdockmasterq1", 2), ("plkrdockfrontq1", 10)):
            report = netparse.analyze(path, host=host)
            kept = [s for s in report.sources if s.kind == "docker_network_ls"]
            assert [(s.host, s.order) for s in kept] == [(host, None)]
            assert "captures-disagree" not in [f.code for f in report.findings]
        return
    report = netparse.analyze(path)
    snap = netparse.load(path)
    runs: dict[str, list] = {}
    for e in snap.entries:
        if e.kind is not None and e.model is not None:
            runs.setdefault(e.kind, []).append((e.first_line, e.source.order))
    assert runs == TIME_AND_HOSTS_RUNS[name]
    assert all(e.source.ordered_by == "transcript" for e in snap.entries if e.source.order)
    # Every one of them is one host's story in time: never a disagreement.
    assert "captures-disagree" not in [f.code for f in report.findings]
    expected = json.loads((FIXTURES / "pastes" / "expected.json").read_text())
    if expected[f"time-and-hosts/{name}"]["verdict"] == "fault" and runs:
        assert "earlier-state" in [f.code for f in report.findings]


# --- several hosts ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [ANSIBLE, TAIL], ids=["ansible", "tail"])
def test_blocks_of_two_hosts_are_split_and_never_merged(path):
    with pytest.raises(HostsError) as error:
        sources.load(path)
    assert error.value.hosts == {"np-h11s-a": ["lines 2-9"], "np-h11s-b": ["lines 12-19"]}
    for host, line in (("np-h11s-a", 2), ("np-h11s-b", 12)):
        found = sources.load(path, host=host)
        (item,) = found.items
        assert (item.first_line, item.host) == (line, host)
        model = netparse.parse(item.data, item.kind)
        assert model.kind == "ip_addr" and model.unparsed == []
        (other,) = found.ignored
        assert "left out with " + host + " chosen" in other.reason


def test_pssh_blocks_are_two_hosts_without_their_port():
    with pytest.raises(HostsError) as error:
        sources.load(PSSH)
    assert error.value.hosts == {"np-h11s-h1": ["lines 2-4"], "np-h11s-h2": ["lines 6-8"]}
    (item,) = sources.load(PSSH, host="np-h11s-h2").items
    assert (item.first_line, item.kind, item.host) == (6, None, "np-h11s-h2")
    model = netparse.parse(item.data, item.kind)   # the command is not shown: content tells
    assert model.kind == "ip_route" and model.unparsed == []


def test_tail_says_which_file_and_that_the_command_is_not_shown():
    (item,) = sources.load(TAIL, host="np-h11s-a").items
    assert item.kind == "ip_addr"            # from the file's name
    assert item.command == "==> np-h11s-a/ip_addr.txt <=="
    assert item.filtered.startswith("==> <== (head or tail")


def test_prompts_of_two_hosts_and_containers_are_not_hosts():
    # The seed names one host (project) and a container by its ID prompt: not two hosts.
    assert {i.host for i in sources.load(SEED).items} == {"project", None}
    # The recorded session's container prompt (@2503a4116a94) is a container, not a host.
    assert {i.host for i in sources.load(TRANSCRIPTS / "session.typescript").items} == {"vm"}


def test_a_host_that_is_not_there_is_refused():
    with pytest.raises(SourceError, match="no capture of host 'nope'"):
        sources.load(SWARM, host="nope")


def test_cli_refuses_two_hosts_with_exit_2_and_analyses_the_one_chosen():
    result = CliRunner().invoke(main, ["analyze", str(SWARM)])
    assert result.exit_code == 2
    assert "plkrdockmasterq1 (lines 2-8); plkrdockfrontq1 (lines 10-15)" in result.output
    assert "--host NAME" in result.output
    result = CliRunner().invoke(main, ["analyze", str(SWARM), "--host", "plkrdockfrontq1",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    (kept,) = [s for s in report["sources"] if s["kind"] == "docker_network_ls"]
    assert kept["host"] == "plkrdockfrontq1"
    assert any("taken on plkrdockmasterq1" in " ".join(s["messages"]) for s in report["sources"])


def test_the_api_refuses_two_hosts_and_analyses_the_one_chosen():
    from netparse.web import work
    from netparse.web.errors import WebError

    files = {SWARM.name: SWARM.read_bytes()}
    with pytest.raises(WebError) as error:
        work.analyze_json(files, None)
    assert error.value.status == 422 and "plkrdockmasterq1 (lines 2-8)" in str(error.value)
    report = json.loads(work.analyze_json(files, None, "plkrdockmasterq1"))
    assert [s["host"] for s in report["sources"] if s["kind"] == "docker_network_ls"] == [
        "plkrdockmasterq1"]
