"""Inputs that once raised something other than ParseError, found by the mutation suite."""

import json
import re

import pytest

import netparse
from netparse.errors import ParseError
from tests.expected import FIXTURES

DEEP = "[" * 100_000


@pytest.mark.parametrize("kind", [None, "docker_inspect", "docker_network_inspect", "ip_addr",
                                  "ip_link"])
def test_json_nested_too_deeply_is_a_parse_error(kind):
    # The json module gives up with RecursionError on deep nesting, not with a ValueError.
    with pytest.raises(ParseError) as error:
        netparse.parse("[]\n" + DEEP, kind)
    assert error.value.line in (1, 2)


@pytest.mark.parametrize("kind", ["docker_ps", "docker_network_ls"])
def test_json_line_nested_too_deeply_is_unparsed(kind):
    result = netparse.parse('{"ID": ' + DEEP, kind)
    assert [u.line for u in result.unparsed] == [1]


# int() refuses more than 4300 digits with a ValueError that the json module lets through.
LONG = "9" * 5000


@pytest.mark.parametrize("kind, path", [
    ("docker_inspect", "dumps/basic-five/docker_inspect.json"),
    ("docker_network_inspect", "dumps/default-bridge/docker_network_inspect.json"),
    ("ip_addr", "captures/default-bridge/ip_j_addr.json"),
    ("ip_link", "captures/default-bridge/ip_j_link.json")])
def test_json_number_too_long_for_int_is_a_parse_error_at_its_line(kind, path):
    text = (FIXTURES / path).read_text()
    at = text.index("{") + 1
    line = text.count("\n", 0, at) + 1
    damaged = text[:at] + '"Long": ' + LONG + "," + text[at:]
    if kind.startswith("docker_"):
        # read as far as it goes: the line is lost, the element that holds it is partial
        model = netparse.parse(damaged, kind)
        assert [u.line for u in model.unparsed] == [line]
        items = model.containers if kind == "docker_inspect" else model.networks
        assert [item.partial for item in items] == [True] + [False] * (len(items) - 1)
        return
    with pytest.raises(ParseError) as error:
        netparse.parse(damaged, kind)
    assert error.value.line == line
    assert error.value.message.startswith("JSON does not decode: a number of more than 4300 ")


@pytest.mark.parametrize("kind, path", [
    ("docker_ps", "captures/default-bridge/docker_ps_format_json.txt"),
    ("docker_network_ls", "../parsers/data/docker/docker_network_ls_format_json.txt")])
def test_json_line_with_a_number_too_long_for_int_is_unparsed(kind, path):
    lines = (FIXTURES / path).read_text().splitlines()
    lines[1] = lines[1].replace('{"', '{"Long":' + LONG + ',"', 1)
    model = netparse.parse("\n".join(lines), kind)
    assert [u.line for u in model.unparsed] == [2]
    items = model.containers if kind == "docker_ps" else model.networks
    assert len(items) == len(lines) - 1


def _load(path: str) -> list:
    return json.loads((FIXTURES / path).read_text())


def _one_refused(items: list, damaged: int, kind: str) -> str:
    """Parse `items`, of which `damaged` was made wrong: the others are read, the damaged one
    is reported at the line it starts on. What the report says of it is returned."""
    text = json.dumps(items, indent=4)
    model = netparse.parse(text, kind)
    read = model.containers if kind == "docker_inspect" else model.networks
    others = [item["Name"].lstrip("/") for n, item in enumerate(items) if n != damaged]
    assert [item.name for item in read] == others
    starts = [n for n, line in enumerate(text.split("\n"), 1) if line == "    {"]
    [refused] = model.unparsed
    assert refused.line == starts[damaged]
    return refused.text


# A container or network of another shape than the models know was once a traceback, then
# failed the whole capture; it is now reported on its own and the others are kept.
@pytest.mark.parametrize("ports", [{"80/tcp": "x"}, {"80/tcp": [1]}, {"80/tcp": True},
                                   {"80/tcp": [{"HostIp": ["::"], "HostPort": "8080"}]},
                                   {"80/tcp": [{"HostIp": "", "HostPort": 8080}]}])
def test_port_bindings_of_another_shape_name_the_container(ports):
    containers = _load("dumps/basic-five/docker_inspect.json")
    containers[1]["NetworkSettings"]["Ports"] = ports
    text = _one_refused(containers, 1, "docker_inspect")
    assert re.fullmatch(r"container np-c: ports\b.*: .+", text), text


@pytest.mark.parametrize("endpoint", [True, "x", [1]])
def test_endpoint_that_is_not_an_object_names_the_container(endpoint):
    containers = _load("dumps/basic-five/docker_inspect.json")
    networks = containers[2]["NetworkSettings"]["Networks"]
    networks[next(iter(networks))] = endpoint
    text = _one_refused(containers, 2, "docker_inspect")
    assert re.fullmatch(r"container np-b: networks\b.*: .+", text), text


def test_null_endpoint_is_still_an_endpoint_without_addresses():
    containers = _load("dumps/basic-five/docker_inspect.json")
    networks = containers[0]["NetworkSettings"]["Networks"]
    name = next(iter(networks))
    networks[name] = None
    result = netparse.parse(json.dumps(containers, indent=4), "docker_inspect")
    endpoint = result.containers[0].networks[0]
    assert (endpoint.name, endpoint.ip_address) == (name, None)


@pytest.mark.parametrize("member", [False, "x", [1]])
def test_network_member_that_is_not_an_object_names_the_network(member):
    networks = _load("dumps/default-bridge/docker_network_inspect.json")
    damaged = next(n for n, network in enumerate(networks) if network["Containers"])
    members = networks[damaged]["Containers"]
    members[next(iter(members))] = member
    text = _one_refused(networks, damaged, "docker_network_inspect")
    assert re.fullmatch(rf"network {networks[damaged]['Name']}: Containers\b.*: .+", text), text


@pytest.mark.parametrize("linkinfo", [[1], "veth", {"info_kind": "veth", "info_data": [1]},
                                      {"info_slave_kind": "bridge", "info_slave_data": "x"}])
def test_ip_json_linkinfo_that_is_not_an_object_is_reported(linkinfo):
    # Once an AttributeError: `.items()` of a list.
    items = _load("captures/default-bridge/ip_j_link.json")
    items[1]["linkinfo"] = linkinfo
    model = netparse.parse(json.dumps(items), "ip_link")
    assert [i.name for i in model.interfaces] == [i["ifname"] for i in items[:1] + items[2:]]
    [refused] = model.unparsed
    assert refused.line == 1
    assert re.fullmatch(rf"interface {items[1]['ifname']}: linkinfo(\.info_\w+)?: not an object",
                        refused.text), refused.text


# --- tables cut short, wrapped or damaged ------------------------------------------------------

def test_network_ls_row_cut_short_is_unparsed():
    text = (FIXTURES / "dumps/default-bridge/docker_network_ls.txt").read_text()
    cut = text[:text.index("0126fc78ffa5") + len("0126fc78ffa5   ")]
    result = netparse.parse(cut, "docker_network_ls")
    assert [u.line for u in result.unparsed] == [3]
    assert [n.name for n in result.networks] == ["bridge", None]


def test_ps_wrapped_by_a_mail_client_is_unparsed():
    text = (FIXTURES / "dumps/default-bridge/docker_ps.txt").read_text()
    lines = text.splitlines()
    wrapped = "\n".join([lines[0], lines[1][:80], lines[1][80:].lstrip(), *lines[2:]])
    result = netparse.parse(wrapped, "docker_ps")
    assert [u.line for u in result.unparsed] == [2, 3]


def test_ps_row_without_id_or_status_is_unparsed():
    text = (FIXTURES / "dumps/default-bridge/docker_ps.txt").read_text()
    lines = text.splitlines()
    blank_id = " " * 12 + lines[1][12:]
    no_status = lines[2].replace("Up 4 seconds", " " * 12)
    result = netparse.parse("\n".join([lines[0], blank_id, no_status, lines[3]]), "docker_ps")
    assert [u.line for u in result.unparsed] == [2, 3]
    assert [c.name for c in result.containers] == ["np-db", "np-app", "np-web"]


def test_analysis_of_rows_with_no_name_and_no_id(tmp_path):
    # Damaged titles leave the rows of docker ps without id or name, and a cut docker network ls
    # leaves a row without a name: the report says so instead of failing.
    dump = FIXTURES / "dumps/default-bridge"
    for name in ("ip_addr.txt", "brctl_show.txt", "docker_ps.txt", "docker_network_ls.txt"):
        (tmp_path / name).write_bytes((dump / name).read_bytes())
    ps = tmp_path / "docker_ps.txt"
    ps.write_text(ps.read_text().replace("CONTAINER ID", "CONTAINER I#")
                  .replace("NAMES", "NAME$"))
    ls = tmp_path / "docker_network_ls.txt"
    ls.write_text(ls.read_text()[:ls.read_text().index("0126fc78ffa5") + 15])
    report = netparse.analyze(tmp_path)
    statuses = {s.path.rsplit("/", 1)[-1]: s.status.value for s in report.sources}
    assert statuses["docker_ps.txt"] == statuses["docker_network_ls.txt"] == "partial"
    assert [n.name for n in report.topology.networks] == ["bridge"]


# --- found by the property tests ---------------------------------------------------------------

def test_fdb_bare_master_flag_before_sticky():
    # iproute2 prints the flags in order (... master sticky), then `master BR`, then the state.
    line = "02:00:00:00:00:0e dev v1 master sticky permanent\n"
    entry = netparse.parse(line, "bridge_fdb").entries[0]
    assert (entry.flags, entry.master) == (["master", "sticky"], None)
    line = "02:00:00:00:00:0e dev v1 self master sticky master br0 static\n"
    entry = netparse.parse(line, "bridge_fdb").entries[0]
    assert (entry.flags, entry.master, entry.state) == (["master", "sticky"], "br0", "static")


def test_ipv4_label_named_like_an_address_flag():
    text = ("7: dynamic: <BROADCAST,UP> mtu 1500 qdisc noqueue state UP group default \n"
            "    link/ether 02:00:00:00:00:07 brd ff:ff:ff:ff:ff:ff\n"
            "    inet 10.0.0.1/24 scope global dynamic\n"
            "       valid_lft forever preferred_lft forever\n"
            "    inet 10.0.0.2/24 scope global dynamic dynamic\n"
            "       valid_lft 300sec preferred_lft 300sec\n"
            "    inet 10.0.0.3/24 scope global dynamic:1\n"
            "       valid_lft forever preferred_lft forever\n")
    addresses = netparse.parse(text, "ip_addr").interfaces[0].addresses
    assert [(a.label, a.dynamic) for a in addresses] == [
        ("dynamic", False), ("dynamic", True), ("dynamic:1", False)]


def test_the_same_bad_address_line_twice_is_reported_twice():
    # A line duplicated by a careless paste: each copy is reported, not only the first.
    text = ("5: docker0: <BROADCAST,UP> mtu 1500 qdisc noqueue state UP group default \n"
            "    link/ether 02:42:93:a0:2d:5e brd ff:ff:ff:ff:ff:ff\n"
            + "    inet 999.1.1.1/16 brd 172.17.255.255 scope global docker0\n"
              "       valid_lft forever preferred_lft forever\n" * 3)
    assert [u.line for u in netparse.parse(text, "ip_addr").unparsed] == [3, 4, 5, 6, 7, 8]


def test_a_link_or_lifetimes_line_pasted_twice_is_reported():
    text = ("5: docker0: <BROADCAST,UP> mtu 1500 qdisc noqueue state UP group default \n"
            "    link/ether 02:42:93:a0:2d:5e brd ff:ff:ff:ff:ff:ff\n"
            "    link/ether 02:42:93:a0:2d:5f brd ff:ff:ff:ff:ff:ff\n"
            "    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\n"
            "       valid_lft forever preferred_lft forever\n"
            "       valid_lft 30sec preferred_lft 30sec\n")
    assert [u.line for u in netparse.parse(text, "ip_addr").unparsed] == [3, 6]


def test_an_nft_counter_cut_short_is_unparsed_not_a_crash():
    # Found by the mutation suite: `counter packets 0 bytes` indexed past the end of the rule.
    model = netparse.parse("table ip t {\n\tchain c {\n\t\tcounter packets 0 bytes\n\t}\n}\n",
                           "nft_ruleset")
    assert [u.line for u in model.unparsed] == [3]
