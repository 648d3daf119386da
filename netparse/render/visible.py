"""Text from the input made safe to print: control characters shown, never sent.

Names, file names and lines come from captures and archives. Printed raw, an escape sequence in
one could set the terminal's title, write its clipboard, plant a link or clear the screen; a
bidi override could reverse what is read, and a newline could forge a line of the report. Every
character `str.isprintable` rejects (C0 and C1 controls, DEL, bidi and other format characters,
line and paragraph separators) is written as its Python escape instead: `\\x1b`, `\\n`,
`\\u202e`. The JSON report keeps the exact text; only what is printed as text goes through here.
"""

from __future__ import annotations

from ipaddress import (IPv4Address, IPv4Interface, IPv4Network, IPv6Address, IPv6Interface,
                       IPv6Network)

from pydantic import BaseModel


def visible(text: str) -> str:
    """`text` with each character a terminal would act on, or not show, written as its escape."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


# Values that hold no text: returned as they are without a look inside.
_LEAVES = frozenset({int, float, bool, type(None), IPv4Address, IPv6Address, IPv4Network,
                     IPv6Network, IPv4Interface, IPv6Interface})


def visible_model(value):
    """`value` (a model, or a list or dict of them) with every string in it made visible.

    The renderers call it on the report they are given, the one place where strings from the
    input enter them. What has nothing to escape is returned as it is, not copied.
    """
    kind = type(value)
    if kind is str:  # exactly str: a StrEnum member is a fixed word, and stays one
        return value if value.isprintable() else visible(value)
    if kind in _LEAVES:
        return value
    if isinstance(value, BaseModel):
        # A report holds some hundred thousand values: each field is looked at here, and
        # only what may hold a string goes down a level.
        changed = None
        for name, old in value.__dict__.items():
            kind = type(old)
            if kind is str:
                if old.isprintable():
                    continue
                new = visible(old)
            elif kind in _LEAVES or (kind is list and not old):  # most lists are empty
                continue
            else:
                new = visible_model(old)
                if new is old:
                    continue
            if changed is None:
                changed = {}
            changed[name] = new
        return value.model_copy(update=changed) if changed else value
    if isinstance(value, (list, tuple)):
        # The loop above, for items: written out again, as one generator shared by both
        # costs a fifth more of this walk.
        new = None
        for i, old in enumerate(value):
            kind = type(old)
            if kind is str:
                if old.isprintable():
                    continue
                item = visible(old)
            elif kind in _LEAVES or (kind is list and not old):  # most lists are empty
                continue
            else:
                item = visible_model(old)
                if item is old:
                    continue
            if new is None:
                new = list(value)
            new[i] = item
        if new is None:
            return value
        return new if isinstance(value, list) else tuple(new)
    if isinstance(value, dict):
        pairs = [(visible_model(k), visible_model(v)) for k, v in value.items()]
        if all(a is k and b is v for (a, b), (k, v) in zip(pairs, value.items())):
            return value
        return dict(pairs)
    return value
