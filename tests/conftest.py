import pathlib

import pytest

TESTS = pathlib.Path(__file__).parent
FIXTURES = TESTS / "fixtures"
CORPUS = TESTS.parent.parent / "shared" / "corpus"


@pytest.fixture
def fixtures() -> pathlib.Path:
    return FIXTURES
