"""Every real capture parses to its reviewed expected model, with nothing left unparsed."""

import json

import pytest

from tests.expected import FIXTURES, capture_files, expected_path, model_json

CAPTURES = capture_files()


def test_there_are_fixtures():
    assert len(CAPTURES) >= 10


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_capture_matches_expected_model(capture):
    expected = expected_path(capture)
    assert expected.exists(), f"no expected model: run python -m tests.expected {capture}"
    got = model_json(capture)
    assert got["unparsed"] == [], got["unparsed"]
    assert got == json.loads(expected.read_text())
