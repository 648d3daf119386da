"""Pieces shared by every model: the capture base class and normalised scalar types."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

_MAC_HEX = re.compile(r"[0-9a-fA-F]{1,2}")


def _normalise_mac(value: str) -> str:
    """`02:42:AC:11:0:2`, `0242.ac11.0002` and `02-42-ac-11-00-02` all become `02:42:ac:11:00:02`."""
    text = value.strip()
    if re.fullmatch(r"[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}", text):
        digits = text.replace(".", "")
        octets = [digits[i:i + 2] for i in range(0, 12, 2)]
    else:
        octets = re.split(r"[:-]", text)
        if len(octets) != 6 or not all(_MAC_HEX.fullmatch(o) for o in octets):
            raise ValueError(f"not a MAC address: {value!r}")
    return ":".join(o.lower().zfill(2) for o in octets)


MacAddress = Annotated[str, AfterValidator(_normalise_mac)]
"""A 48-bit MAC address, lower case, colon separated."""


class Model(BaseModel):
    """Base of every netparse model: plain data, no unknown fields silently accepted."""

    model_config = ConfigDict(extra="forbid", frozen=False, use_enum_values=False, defer_build=True)


class UnparsedLine(Model):
    """A line of the input that the parser did not understand (1-based line number)."""

    line: int
    text: str


class Capture(Model):
    """The parsed output of one command. Every parser returns a subclass of this."""

    kind: str = Field(description="The kind of capture (see `netparse kinds`).")
    unparsed: list[UnparsedLine] = Field(
        default_factory=list,
        description="Lines the parser did not understand, with their line numbers.",
    )
