"""Every parser module shows a real sample in its docstring and a doctest that parses it."""

import doctest
import re

import pytest

from netparse.kinds import KINDS
from tests.conftest import TESTS

ROOT = TESTS.parent


@pytest.mark.parametrize("kind", list(KINDS))
def test_docstring_example_runs(kind):
    module = KINDS[kind].module()
    examples = doctest.DocTestParser().get_examples(module.__doc__ or "")
    assert any("SAMPLE" in example.source for example in examples), \
        f"{module.__name__}: no doctest example that parses its SAMPLE in the module docstring"
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted >= len(examples)


@pytest.mark.parametrize("kind", list(KINDS))
def test_docstring_sample_is_copied_from_a_real_capture(kind):
    module = KINDS[kind].module()
    path = re.search(r"tests/fixtures/\S+\.(?:txt|json)", module.__doc__)
    assert path, f"{module.__name__}: the sample does not say which capture it comes from"
    capture = (ROOT / path[0]).read_text().split("\n")
    sample = module.SAMPLE.rstrip("\n").split("\n")
    assert len(sample) >= 3
    at = 0
    for line in sample:
        # A JSON object trimmed to a few keys leaves out lines, and a comma after the last kept.
        found = [n for n in range(at, len(capture)) if capture[n].rstrip(",") == line.rstrip(",")]
        assert found, f"{module.__name__}: {line!r} is not in {path[0]} (after line {at})"
        at = found[0] + 1
