"""Where the expected model of a fixture lives, and how to write a missing one.

Expected models are reviewed by hand. `python -m tests.expected FILE...` writes the expectation of
each FILE only when none exists yet (`--force` rewrites one on purpose, after review).
"""

from __future__ import annotations

import json
import pathlib
import sys

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
EXPECTED = FIXTURES / "expected"
CAPTURE_DIRS = (FIXTURES / "dumps", FIXTURES / "captures")
SUFFIXES = {".txt", ".json"}


def capture_files() -> list[pathlib.Path]:
    """Every real capture under fixtures/dumps and fixtures/captures."""
    return sorted(p for d in CAPTURE_DIRS for p in d.rglob("*")
                  if p.is_file() and p.suffix in SUFFIXES and p.name != "manifest.json")


def expected_path(capture: pathlib.Path) -> pathlib.Path:
    return EXPECTED / capture.relative_to(FIXTURES).with_suffix(capture.suffix + ".json")


def model_json(capture: pathlib.Path) -> dict:
    import netparse

    return netparse.parse(capture.read_bytes()).model_dump(mode="json")


def main(argv: list[str]) -> int:
    force = "--force" in argv
    for name in (a for a in argv if a != "--force"):
        capture = pathlib.Path(name).resolve()
        target = expected_path(capture)
        if target.exists() and not force:
            print(f"kept {target} (exists; --force to rewrite)")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(model_json(capture), indent=1) + "\n")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
