"""brctl show: tab and space alignment, continuation lines, long names, STP, zero ids."""

import pytest

import netparse
from netparse.errors import ParseError
from tests.conftest import CORPUS, FIXTURES

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="no peer corpus")


def parse(path):
    return netparse.parse(path.read_bytes(), "brctl_show", strict=True)


def bridges(model):
    return {b.name: b for b in model.bridges}


@needs_corpus
def test_space_aligned_with_continuation_lines_and_stp():
    got = bridges(parse(CORPUS / "other/insights-core_brctl_show_spaces.txt"))
    assert got["br0"].interfaces == ["eth1", "eth2", "eth3"]
    assert got["br1"].interfaces == ["eth4", "eth5"]
    assert got["br2"].stp is True and got["br0"].stp is False
    assert got["docker0"].interfaces == []


@needs_corpus
def test_tab_only_and_tab_plus_space_continuations():
    assert bridges(parse(CORPUS / "other/insights-core_brctl_show_tabs.txt"))["br0"].interfaces \
        == ["em1", "vnet0", "vnet1"]
    assert bridges(parse(CORPUS / "other/zdq0394_brctl_show_tabs_mixed.txt"))["docker0"].interfaces \
        == ["veth138e121", "veth15e0a98"]


@needs_corpus
def test_fifteen_character_docker_bridge_name_shifts_columns():
    got = bridges(parse(CORPUS / "other/ryan4yin_brctl_show_after_compose.txt"))
    assert got["br-ac3e0514d837"].interfaces == ["veth0c25c6f"]
    assert got["br-ac3e0514d837"].mac == "02:42:7d:95:ba:7e"
    assert got["docker0"].interfaces == ["veth16b37ea", "veth4b4dada"]


def test_real_capture_bridge_id_decoded_and_zero_id():
    got = bridges(parse(FIXTURES / "captures/empty-bridge/brctl_show.txt"))
    assert got["np-br0"].bridge_id == "8000.000000000000"
    assert got["np-br0"].mac == "00:00:00:00:00:00" and got["np-br0"].interfaces == []
    assert got["docker0"].priority == 0x8000
    assert got["docker0"].mac == "02:42:93:a0:2d:5e"


def test_a_line_it_does_not_understand_is_reported_with_its_number():
    text = (FIXTURES / "dumps/default-bridge/brctl_show.txt").read_text()
    lines = text.splitlines()
    lines.insert(2, "can't get info Operation not supported")
    model = netparse.parse("\n".join(lines), "brctl_show")
    assert [(u.line, u.text) for u in model.unparsed] == [(3, "can't get info Operation not supported")]
    assert len(model.bridges) == 1 and len(model.bridges[0].interfaces) == 3
    with pytest.raises(ParseError) as err:
        netparse.parse("\n".join(lines), "brctl_show", strict=True)
    assert err.value.line == 3
