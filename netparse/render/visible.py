"""Text from the input made safe to print: control characters shown, never sent.

Names, file names and lines come from captures and archives. Printed raw, an escape sequence in
one could set the terminal's title, write its clipboard, plant a link or clear the screen; a
bidi override could reverse what is read, and a newline could forge a line of the report. Every
character `str.isprintable` rejects (C0 and C1 controls, DEL, bidi and other format characters,
line and paragraph separators) is written as its Python escape instead: `\\x1b`, `\\n`,
`\\u202e`. The JSON report keeps the exact text; only what is printed as text goes through here.
"""

from __future__ import annotations

from pydantic import BaseModel


def visible(text: str) -> str:
    """`text` with each character a terminal would act on, or not show, written as its escape."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def visible_model(value):
    """`value` (a model, or a list or dict of them) with every string in it made visible.

    The renderers call it on the report they are given, the one place where strings from the
    input enter them. What has nothing to escape is returned as it is, not copied.
    """
    if type(value) is str:  # exactly str: a StrEnum member is a fixed word, and stays one
        return value if value.isprintable() else visible(value)
    if isinstance(value, BaseModel):
        changed = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            new = visible_model(old)
            if new is not old:
                changed[name] = new
        return value.model_copy(update=changed) if changed else value
    if isinstance(value, (list, tuple)):
        new = [visible_model(v) for v in value]
        if all(a is b for a, b in zip(new, value)):
            return value
        return new if isinstance(value, list) else tuple(new)
    if isinstance(value, dict):
        pairs = [(visible_model(k), visible_model(v)) for k, v in value.items()]
        if all(a is k and b is v for (a, b), (k, v) in zip(pairs, value.items())):
            return value
        return dict(pairs)
    return value
