import pathlib

import pytest

TESTS = pathlib.Path(__file__).parent
FIXTURES = TESTS / "fixtures"
CORPUS = TESTS.parent.parent / "shared" / "corpus"


@pytest.fixture
def fixtures() -> pathlib.Path:
    return FIXTURES


def corpus_file(path: pathlib.Path) -> pathlib.Path:
    """A file of the shared peer corpus, or a skip when the corpus is not beside the checkout."""
    if not path.exists():
        pytest.skip(f"no peer corpus file {path}")
    return path
