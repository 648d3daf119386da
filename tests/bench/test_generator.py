"""The benchmark's dump generator: what it writes parses fully, pairs as built and looks real."""

import re

import pytest

from bench.gen import generate
from bench.validate import check_analysis, check_shapes, truth_of


@pytest.fixture(scope="module")
def dump(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("gen") / "d10", containers=10, networks=2, routes=20)


def test_the_pairing_read_back_from_the_files_is_the_one_built(dump):
    truth = dump.truth()
    # 10 containers, the 9th exited; the 4th (and every 7th after it) is on two networks.
    assert len(truth) == 9 + 1
    assert truth_of(dump.path) == truth


def test_every_line_is_understood_every_endpoint_paired_and_nothing_is_found(dump):
    assert check_analysis(dump.path, dump.truth()) == []


def test_every_line_has_the_shape_of_a_real_capture(dump):
    assert check_shapes(dump.path) == []


def test_the_checks_catch_a_swapped_veth_and_a_line_of_another_shape(dump, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(dump.path, copy)
    truth = dump.truth()
    a, b = sorted(c.name for c in dump.containers if c.running and len(c.endpoints) == 1)[:2]
    # Swap the two containers' inside captures: each now names the other's veth.
    pa, pb = copy / "containers" / a / "ip_addr.txt", copy / "containers" / b / "ip_addr.txt"
    ta, tb = pa.read_text(), pb.read_text()
    pa.write_text(tb)
    pb.write_text(ta)
    problems = check_analysis(copy, truth)
    assert any(p.startswith(f"{a} on ") for p in problems)
    route = copy / "ip_route.txt"
    route.write_text(re.sub(r" via (\S+) dev eth0 \n", r" via \1 dev eth0 proto bird \n",
                            route.read_text(), count=1))
    assert any("proto bird" in p for p in check_shapes(copy))
