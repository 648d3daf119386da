"""The load test in its short mode: it runs, measures, and the ordinary clients get no error
while a heavy client posts a large capture in a loop and another holds 199 idle connections
(which kept every client out before). Its timing target is judged by hand (bench/README.md):
this machine may be shared."""

import json
import subprocess
import sys

from tests.conftest import TESTS


def test_the_short_load_test_runs_and_no_ordinary_client_is_refused(tmp_path):
    out = tmp_path / "load.json"
    done = subprocess.run([sys.executable, "-m", "bench.load", "--short", "--json", str(out),
                           "--work", str(tmp_path)], cwd=TESTS.parent, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode in (0, 1), done.stderr
    result = json.loads(out.read_text())
    for phase in ("alone", "beside"):
        assert result[phase]["requests"] > 0
        assert result[phase]["errors"] == []
        assert 0 < result[phase]["p50"] <= result[phase]["p95"] <= result[phase]["p99"]
    assert result["beside"]["heavy_answers"].get("200", 0) >= 1
    assert result["beside"]["idle_opened"] >= 199
    assert 4.9 < result["heavy_mib"] and result["server_peak_rss_mib"] > 50
    assert "| beside |" in done.stdout and "p99 beside / alone" in done.stdout
