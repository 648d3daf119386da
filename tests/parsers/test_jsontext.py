"""One JSON reader for every JSON capture: the same wording for the same problem, in every kind."""

import json
import re

import pytest

import netparse
from netparse.errors import ParseError
from tests.conftest import FIXTURES

DUMP = FIXTURES / "dumps/user-networks"
CAPTURES = FIXTURES / "captures/user-networks"
ARRAYS = [("docker_inspect", DUMP / "docker_inspect.json"),
          ("docker_network_inspect", DUMP / "docker_network_inspect.json"),
          ("ip_addr", CAPTURES / "ip_j_addr.json"), ("ip_link", CAPTURES / "ip_j_link.json")]
KINDS = [kind for kind, _ in ARRAYS]
# `ip -j` output is read whole or not at all; docker's inspect outputs as far as they go.
STRICT = ARRAYS[2:]
LENIENT = ARRAYS[:2]
UNDECODABLE = re.compile(r"JSON does not decode: .+ \(line (\d+), column (\d+)\)")


def _first_element_end(text: str) -> int:
    _, end = json.JSONDecoder().raw_decode(text, text.index("{"))
    return end


def _error(text: str, kind: str) -> ParseError:
    with pytest.raises(ParseError) as error:
        netparse.parse(text, kind)
    return error.value


def _items(model):
    return next(getattr(model, name) for name in ("containers", "networks", "interfaces")
                if hasattr(model, name))


@pytest.mark.parametrize("kind, path", STRICT, ids=KINDS[2:])
def test_cut_inside_a_value_is_worded_alike_with_its_line_and_column(kind, path):
    text = path.read_text()
    colon = re.compile(r'":\s*').search(text, len(text) // 2)
    cut = text[:colon.end()]
    error = _error(cut, kind)
    match = UNDECODABLE.fullmatch(error.message)
    assert match, error.message
    assert int(match[1]) == error.line == cut.count("\n") + 1
    assert int(match[2]) == len(cut) - cut.rfind("\n")


@pytest.mark.parametrize("kind, path", LENIENT, ids=KINDS[:2])
def test_cut_inside_a_value_keeps_what_was_read_and_says_where_it_ends(kind, path):
    text = path.read_text()
    colon = re.compile(r'":\s*').search(text, len(text) // 2)
    cut = text[:colon.end()]
    model = netparse.parse(cut, kind)
    whole = _items(netparse.parse(text, kind))
    *before, last = _items(model)
    assert before == whole[:len(before)] and not any(item.partial for item in before)
    assert last.partial and last.id == whole[len(before)].id
    end = cut.count("\n") + 1
    opened = cut.count("\n", 0, cut.rindex("\n    {")) + 2
    assert [(u.line, u.text) for u in model.unparsed] == [
        (end, f"JSON ends before the object opened on line {opened} is closed")]


@pytest.mark.parametrize("kind, path", ARRAYS, ids=KINDS)
def test_cut_between_elements_names_the_line_the_array_opened_on(kind, path):
    text = "\n" + path.read_text()
    cut = text[:_first_element_end(text)]
    message = "JSON ends before the array opened on line 2 is closed"
    if (kind, path) in STRICT:
        error = _error(cut, kind)
        assert (error.message, error.line) == (message, cut.count("\n") + 1)
        return
    model = netparse.parse(cut, kind)
    assert [(u.line, u.text) for u in model.unparsed] == [(cut.count("\n") + 1, message)]
    [first] = _items(model)
    assert first == _items(netparse.parse(text, kind))[0] and not first.partial


@pytest.mark.parametrize("kind, path", LENIENT, ids=KINDS[:2])
def test_missing_comma_between_elements_is_of_no_matter(kind, path):
    text = path.read_text()
    comma = text.index(",", _first_element_end(text))
    model = netparse.parse(text[:comma] + " " + text[comma + 1:], kind, strict=True)
    assert _items(model) == _items(netparse.parse(text, kind))


@pytest.mark.parametrize("kind, path", STRICT, ids=KINDS[2:])
def test_missing_comma_between_elements(kind, path):
    text = path.read_text()
    comma = text.index(",", _first_element_end(text))
    error = _error(text[:comma] + " " + text[comma + 1:], kind)
    match = UNDECODABLE.fullmatch(error.message)
    assert match and "Expecting ',' or ']'" in error.message, error.message
    assert error.line == text.count("\n", 0, text.index("{", comma)) + 1


@pytest.mark.parametrize("kind, path", ARRAYS, ids=KINDS)
def test_two_outputs_pasted_together_are_both_read(kind, path):
    text = path.read_text()
    once = netparse.parse(text, kind, strict=True)
    twice = netparse.parse(text + text, kind, strict=True)
    items = next(name for name in ("containers", "networks", "interfaces") if hasattr(once, name))
    assert getattr(twice, items) == getattr(once, items) * 2


@pytest.mark.parametrize("kind, path", ARRAYS, ids=KINDS)
def test_a_prompt_line_after_the_json_is_not_understood(kind, path):
    # Before the JSON, a prompt makes `ip` captures read as text: only docker's are JSON only.
    text = path.read_text()
    prompt = "root@host:~# exit"
    model = netparse.parse(f"{text}\n{prompt}\n", kind)
    assert [(u.line, u.text) for u in model.unparsed] == [(text.count("\n") + 2, prompt)]
    assert model.model_dump(exclude={"unparsed"}) == netparse.parse(text, kind).model_dump(
        exclude={"unparsed"})


# What each kind calls its elements, and a value in one that its model refuses.
REFUSED = {"docker_inspect": ("container", ("State", "Pid")),
           "docker_network_inspect": ("network", ("EnableIPv6",)),
           "ip_addr": ("interface", ("mtu",)), "ip_link": ("interface", ("mtu",))}


@pytest.mark.parametrize("kind, path", ARRAYS, ids=KINDS)
@pytest.mark.parametrize("indent", [None, 4], ids=["one line", "indented"])
def test_an_element_its_model_refuses_is_reported_and_the_others_kept(kind, path, indent):
    items = json.loads(path.read_text())
    what, keys = REFUSED[kind]
    damaged = items[1]
    for key in keys[:-1]:
        damaged = damaged[key]
    damaged[keys[-1]] = "abc"
    text = json.dumps(items, indent=indent)
    model = netparse.parse(text, kind)
    read = next(getattr(model, name) for name in ("containers", "networks", "interfaces")
                if hasattr(model, name))
    names = [item.get("ifname") or item["Name"].lstrip("/") for item in items]
    assert [item.name for item in read] == names[:1] + names[2:]
    [refused] = model.unparsed
    assert refused.line == (1 if indent is None else text.split("\n").index("    {", 2) + 1)
    assert refused.text.startswith(f"{what} {names[1]}: {'.'.join(keys)}: "), refused.text
    assert refused.text.endswith(", got 'abc'"), refused.text
