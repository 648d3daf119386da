"""`bridge fdb show` → BridgeFdb.

A line is a MAC and then keyword words: `dev X`, `dst IP`, `vlan N`, ..., flag words, `master BR`
and the state last. iproute2 prints no state word for a learned (reachable) entry. Newer versions
print the bare flag `master` before `master BR`; older ones print a bare `master` only when the
bridge is not named. Words the parser does not know stay in the entry's `other`.

Sample, lines 16-18 of tests/fixtures/dumps/default-bridge/bridge_fdb.txt::

    02:42:93:a0:2d:5e dev docker0 master docker0 permanent
    ee:c9:3b:7d:22:20 dev vethab599f5 master docker0 permanent
    33:33:00:00:00:01 dev vethab599f5 self permanent

>>> m = parse(SAMPLE)
>>> [(e.dev, e.master) for e in m.entries]
[('docker0', 'docker0'), ('vethab599f5', 'docker0'), ('vethab599f5', None)]
>>> m.entries[1].mac, str(m.entries[1].state)
('ee:c9:3b:7d:22:20', 'permanent')
"""

from __future__ import annotations

from ipaddress import ip_address

from netparse.models.bridge import BridgeFdb, FdbEntry, FdbFlag, FdbState
from netparse.parsers._common import as_list, docstring_sample, unparsed_lines
from netparse.parsers._ttp import Template

KIND = "bridge_fdb"
MODEL = BridgeFdb
SAMPLE = docstring_sample(__doc__)
_TEMPLATE = Template("bridge_fdb.ttp")

_STATES = {s.value: s for s in FdbState if s is not FdbState.DYNAMIC}
_FLAGS = {f.value: f for f in FdbFlag if f is not FdbFlag.MASTER}
_INT_FIELDS = {"vlan": "vlan", "port": "port", "vni": "vni", "src_vni": "src_vni",
               "nhid": "nhid", "link-netnsid": "link_netnsid"}


def parse(text: str) -> BridgeFdb:
    result, understood = _TEMPLATE.run_lines(text)
    entries = [_entry(row["mac"], row.get("words", "").split())
               for row in as_list(result.get("entries"))]
    return BridgeFdb(entries=entries, unparsed=unparsed_lines(text, understood))


def _entry(mac: str, words: list[str]) -> FdbEntry:
    fields: dict = {"mac": mac, "flags": [], "other": []}
    other = fields["other"]
    i = 0
    while i < len(words):
        word = words[i]
        following = words[i + 1] if i + 1 < len(words) else None
        taken = 1
        if word == "self":
            fields["self_"] = True
        elif word in _FLAGS:
            fields["flags"].append(_FLAGS[word])
        elif word in _STATES:
            fields["state"] = _STATES[word]
        elif word.startswith("state="):
            fields["state"] = None
            other.append(word)
        elif word == "master":
            # The bare flag is followed by the flags printed after it (sticky, locked), by
            # `master BR`, or by the state.
            if following is None or following == "master" or following in _STATES \
                    or following in _FLAGS or following.startswith("state="):
                fields["flags"].append(FdbFlag.MASTER)
            else:
                fields["master"] = following
                taken = 2
        elif following is None:
            other.append(word)
        elif word == "dev":
            fields["dev"] = following
            taken = 2
        elif word == "dst" and _is_ip(following):
            fields["dst"] = following
            taken = 2
        elif word == "via":
            if following == "ifindex" and i + 2 < len(words):
                fields["via"] = f"ifindex {words[i + 2]}"
                taken = 3
            else:
                fields["via"] = following
                taken = 2
        elif word in _INT_FIELDS and following.isdigit():
            fields[_INT_FIELDS[word]] = int(following)
            taken = 2
        elif word == "used" and _is_used(following):
            used, updated = following.split("/")
            fields["used"], fields["updated"] = int(used), int(updated)
            taken = 2
        else:
            other.append(word)
        i += taken
    return FdbEntry.model_validate(fields)  # FdbEntry(**fields), without keyword arguments


def _is_ip(word: str) -> bool:
    try:
        ip_address(word)
    except ValueError:
        return False
    return True


def _is_used(word: str) -> bool:
    used, _, updated = word.partition("/")
    return used.isdigit() and updated.isdigit()
