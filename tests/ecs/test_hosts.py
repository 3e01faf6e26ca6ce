"""Host inventory: loading with located errors, matching names, enriching documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from relaywatch.ecs.hosts import HostEntry, HostInventory, InventoryError, load_inventory
from tests.shared import shared_path

Doc = dict[str, Any]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def inventory(*entries: tuple[str, tuple[str, ...], str | None]) -> HostInventory:
    return HostInventory(
        HostEntry(n, ips, i, "", f"test:{k}") for k, (n, ips, i) in enumerate(entries)
    )


def test_shared_hosts_csv_loads() -> None:
    loaded = load_inventory(shared_path("data", "datasets", "hosts.csv"))
    entry = loaded.lookup("MORDORDC.theshire.local")
    assert entry is not None
    assert entry.ips == ("172.18.38.5", "fe80::3816:b2ee:1b9b:324b", "fe80::e142:5666:31a1:94c3")
    assert entry.source.startswith("inferred")


def test_csv_with_id_column(tmp_path: Path) -> None:
    path = write(
        tmp_path, "hosts.csv", "name,ips,id\nDC01.corp.example,10.0.0.1; 10.0.0.2,8c3f-01\n"
    )
    entry = load_inventory(path).lookup("dc01.corp.example")
    assert entry is not None and entry.ips == ("10.0.0.1", "10.0.0.2") and entry.id == "8c3f-01"


def test_yaml_inventory(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "hosts.yaml",
        "hosts:\n"
        "  - name: DC01.corp.example\n"
        "    ips: [10.0.0.1, 'FE80::0001']\n"
        "    id: abc\n"
        "  - name: WKS7\n"
        "    id: 42\n",
    )
    loaded = load_inventory(path)
    assert loaded.lookup("DC01") == loaded.lookup("dc01.CORP.example")
    entry = loaded.lookup("dc01")
    assert entry is not None and entry.ips == ("10.0.0.1", "fe80::1")
    wks = loaded.lookup("wks7")
    assert wks is not None and wks.id == "42" and wks.ips == ()


BAD = [
    (
        "bad ip",
        "hosts.csv",
        "name,ips\nDC01,10.0.0.300\n",
        "hosts.csv:2: '10.0.0.300' is not an IP address",
    ),
    ("no name", "hosts.csv", "name,ips\n,10.0.0.1\n", "hosts.csv:2: missing host name"),
    (
        "duplicate",
        "hosts.csv",
        "name,ips\nDC01,10.0.0.1\ndc01,10.0.0.2\n",
        "hosts.csv:3: host 'dc01' already listed at",
    ),
    (
        "empty row",
        "hosts.csv",
        "name,ips\nDC01,\n",
        "hosts.csv:2: host 'DC01' has neither ips nor id",
    ),
    (
        "no name column",
        "hosts.csv",
        "host,ips\nDC01,10.0.0.1\n",
        "hosts.csv:1: CSV header must have a 'name' column",
    ),
    ("yaml not a list", "hosts.yml", "hosts: DC01\n", "expected 'hosts:' with a list"),
    ("yaml syntax", "hosts.yml", "hosts:\n  - name: [DC01\n", "hosts.yml:"),
    (
        "yaml bad ip",
        "hosts.yml",
        "hosts:\n  - name: DC01\n    ips: [nope]\n",
        "hosts[1]: 'nope' is not an IP address",
    ),
]


@pytest.mark.parametrize(("label", "name", "text", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_inventory_names_the_row(
    tmp_path: Path, label: str, name: str, text: str, message: str
) -> None:
    with pytest.raises(InventoryError) as raised:
        load_inventory(write(tmp_path, name, text))
    assert message in str(raised.value)


def test_every_bad_row_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "hosts.csv", "name,ips\nA,1.2.3.999\nB,10.0.0.1\nC,x\n")
    with pytest.raises(InventoryError) as raised:
        load_inventory(path)
    assert "hosts.csv:2:" in str(raised.value) and "hosts.csv:4:" in str(raised.value)


def test_missing_file_is_an_inventory_error(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="cannot read"):
        load_inventory(tmp_path / "absent.csv")


MATCHES = [
    ("same FQDN, other case", "hfdc01.SHIRE.com", "HFDC01.shire.com"),
    ("short name in the log", "HFDC01", "HFDC01.shire.com"),
    ("FQDN in the log, short in the inventory", "IEWIN7.lab.local", "IEWIN7"),
    ("other domain", "HFDC01.other.com", None),
    ("ambiguous short name", "WEB", None),
    ("unknown", "NOPE", None),
]


@pytest.mark.parametrize(("label", "name", "expected"), MATCHES, ids=[m[0] for m in MATCHES])
def test_name_matching(label: str, name: str, expected: str | None) -> None:
    hosts = inventory(
        ("HFDC01.shire.com", ("172.18.39.5",), None),
        ("IEWIN7", ("10.0.2.15",), None),
        ("WEB.a.example", ("10.1.0.1",), None),
        ("WEB.b.example", ("10.2.0.1",), None),
    )
    found = hosts.lookup(name)
    assert (found.name if found else None) == expected


def test_enrich_sets_host_ip_list_and_id() -> None:
    hosts = inventory(("DC01.corp.example", ("10.0.0.1", "fe80::1"), "guid-1"))
    doc: Doc = {"host": {"name": "DC01.corp.example"}}
    assert hosts.enrich(doc)["host"] == {
        "name": "DC01.corp.example",
        "ip": ["10.0.0.1", "fe80::1"],
        "id": "guid-1",
    }


def test_enrich_uses_computer_name_when_host_name_is_absent() -> None:
    hosts = inventory(("DC01", ("10.0.0.1",), None))
    doc: Doc = {"winlog": {"computer_name": "dc01.corp.example"}}
    assert hosts.enrich(doc)["host"] == {"ip": ["10.0.0.1"]}


def test_enrich_keeps_values_the_document_already_has() -> None:
    hosts = inventory(("DC01", ("10.0.0.1",), "inventory-id"))
    doc: Doc = {"host": {"name": "DC01", "ip": ["192.0.2.7"], "id": "agent-id"}}
    assert hosts.enrich(doc)["host"] == {"name": "DC01", "ip": ["192.0.2.7"], "id": "agent-id"}


def test_enrich_leaves_unknown_hosts_alone() -> None:
    doc: Doc = {"host": {"name": "OTHER"}}
    assert inventory(("DC01", ("10.0.0.1",), None)).enrich(doc) == {"host": {"name": "OTHER"}}


def test_mapped_ipv4_in_inventory_is_stored_as_ipv4(tmp_path: Path) -> None:
    entry = load_inventory(write(tmp_path, "h.csv", "name,ips\nDC01,::ffff:10.0.0.5\n")).lookup(
        "DC01"
    )
    assert entry is not None and entry.ips == ("10.0.0.5",)


def test_csv_row_with_more_fields_than_the_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hosts.csv"
    path.write_text("name,ips\nIEWIN7,1.1.1.1,10.0.2.15\n")
    with pytest.raises(InventoryError, match=r"hosts.csv:2: row has 1 more field.*separate"):
        load_inventory(path)
