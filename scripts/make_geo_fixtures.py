#!/usr/bin/env python3
"""Generate the MaxMind DB test fixtures for FoyerGeo and the reference answers.

Writes small .mmdb files into Tests/FoyerGeoTests/Fixtures and, for a list of
addresses per file, what the reference reader (PyPI `maxminddb`) returns, into
reference.json there. The Swift tests compare the Swift reader against that file, so
they need no Python at run time.

Most files come from PyPI `mmdb-writer`. Record sizes it would not pick by itself
(28 and 32 bits for a small tree) are forced by subclassing its tree writer, and the
things it cannot write at all (a data-cache container, pointers of every width, a
pointer to a pointer, unknown types) are laid out byte by byte below.

    pip install mmdb-writer maxminddb netaddr
    python3 scripts/make_geo_fixtures.py
"""

from __future__ import annotations

import ipaddress
import json
import struct
import sys
from pathlib import Path

import maxminddb
from mmdb_writer import (
    MMDBWriter,
    MmdbF32,
    MmdbF64,
    MmdbI32,
    MmdbU16,
    MmdbU32,
    MmdbU64,
    MmdbU128,
    TreeWriter,
)
from netaddr import IPSet

FIXTURES = Path(__file__).resolve().parent.parent / "Tests" / "FoyerGeoTests" / "Fixtures"
BUILD_EPOCH = 1_700_000_000  # fixed, so regenerating gives identical files
MARKER = b"\xab\xcd\xefMaxMind.com"

# --------------------------------------------------------------------------------------
# Files written with mmdb-writer


class FixedTreeWriter(TreeWriter):
    """mmdb-writer's tree writer with a chosen record size and a fixed build time."""

    forced_record_size: int | None = None

    def _adjust_record_size(self) -> None:
        super()._adjust_record_size()
        if self.forced_record_size:
            self.record_size = self.forced_record_size
            self.data_offset = self.record_size * 2 / 8 * self._node_counter


def write_with_mmdb_writer(writer: MMDBWriter, path: Path, record_size: int | None = None) -> None:
    meta = writer._build_meta()
    meta["build_epoch"] = BUILD_EPOCH
    tree_writer = FixedTreeWriter(writer.tree, meta, writer.int_type, writer.float_type)
    tree_writer.forced_record_size = record_size
    tree_writer.write(str(path))


def names(english: str, **others: str) -> dict:
    return {"en": english, **others}


def city_record(code, country, city, lat, lon, **extra) -> dict:
    record = {
        "continent": {"code": "EU", "geoname_id": MmdbU32(6255148), "names": names("Europe")},
        "country": {"geoname_id": MmdbU32(298795), "iso_code": code, "names": names(country, de=country + " (de)")},
        "registered_country": {"iso_code": code, "names": names(country)},
        "location": {
            "accuracy_radius": MmdbU16(20),
            "latitude": MmdbF64(lat),
            "longitude": MmdbF64(lon),
            "time_zone": "Etc/UTC",
        },
        "subdivisions": [{"iso_code": "01", "names": names("Region")}],
    }
    if city is not None:
        record["city"] = {"geoname_id": MmdbU32(745044), "names": names(city, ru="Город")}
    record.update(extra)
    return record


def make_city(path: Path) -> None:
    """A GeoLite2-City / DB-IP City Lite shaped IPv6 tree holding IPv4 too."""
    writer = MMDBWriter(
        ip_version=6,
        database_type="Foyer-Test-City",
        languages=["en", "de"],
        description={"en": "Foyer test city database", "de": "Foyer Testdatenbank"},
        ipv4_compatible=True,
    )
    writer.insert_network(IPSet(["81.2.69.0/24"]), city_record("GB", "United Kingdom", "London", 51.5142, -0.0931))
    writer.insert_network(IPSet(["78.160.0.0/11"]), city_record("TR", "Türkiye", "Istanbul", 41.0082, 28.9784))
    writer.insert_network(IPSet(["2a02:ff00::/32"]), city_record("TR", "Türkiye", "Ankara", 39.9334, 32.8597))
    writer.insert_network(IPSet(["2001:4860::/32"]), city_record("US", "United States", "Mountain View", 37.386, -122.0838))
    writer.insert_network(IPSet(["175.16.199.0/24"]), city_record("CN", "China", None, 35.0, 105.0))
    # A record with only the registered country, as anycast ranges have.
    writer.insert_network(IPSet(["1.1.1.0/24"]), {"registered_country": {"iso_code": "AU", "names": names("Australia")}})
    writer.insert_network(IPSet(["10.0.0.0/8"]), {"note": "a private range present in the file"})
    write_with_mmdb_writer(writer, path)


def make_ipinfo(path: Path) -> None:
    """IPinfo-style flat keys with text coordinates, IPv4-only tree."""
    writer = MMDBWriter(ip_version=4, database_type="ipinfo standard_location.mmdb", description="IPinfo style")
    writer.insert_network(IPSet(["8.8.8.0/24"]), {
        "city": "Mountain View", "country": "United States", "country_code": "US",
        "lat": "37.40599", "lng": "-122.078514", "region": "California", "postal_code": "94043",
    })
    writer.insert_network(IPSet(["5.44.16.0/20"]), {
        "city": "Istanbul", "country_code": "TR", "latitude": MmdbF64(41.01384), "longitude": MmdbF64(28.94966),
    })
    writer.insert_network(IPSet(["31.13.64.0/18"]), {"country": "Ireland", "country_code": "IE"})
    write_with_mmdb_writer(writer, path)


def make_types(path: Path, ip_version: int, record_size: int | None) -> None:
    """Every type mmdb-writer can write, with sizes that need 1, 2 and 3 extra size bytes."""
    writer = MMDBWriter(
        ip_version=ip_version, database_type="Foyer-Test-Types", languages=["en"],
        description="all data types", ipv4_compatible=ip_version == 6,
    )
    big_map = {f"key{index:02d}": MmdbU16(index) for index in range(40)}
    writer.insert_network(IPSet(["1.0.0.0/24"]), {
        "utf8_string": "Türkiye İstanbul 東京 😀",
        "empty_string": "",
        "double": MmdbF64(42.123456789),
        "negative_double": MmdbF64(-0.000001),
        "float": MmdbF32(1.5),
        "float_fraction": MmdbF32(3.14159),
        "bytes": b"\x00\x01\xfe\xff",
        "empty_bytes": b"",
        "uint16": MmdbU16(65535),
        "uint16_zero": MmdbU16(0),
        "uint32": MmdbU32(4294967295),
        "uint32_small": MmdbU32(300),
        "uint64": MmdbU64(18446744073709551615),
        "uint128": MmdbU128((1 << 128) - 1),
        "uint128_small": MmdbU128(1 << 70),
        "int32": MmdbI32(-268435456),
        "int32_positive": MmdbI32(2147483647),
        "int32_minus_one": MmdbI32(-1),
        "boolean_true": True,
        "boolean_false": False,
        "array": [MmdbU32(1), "two", MmdbF64(3.0), [True, {"nested": "map"}]],
        "empty_array": [],
        "empty_map": {},
        "map": {"mapX": {"arrayX": [MmdbU32(7), MmdbU32(8), MmdbU32(9)], "utf8_stringX": "hello"}},
        "big_map": big_map,
    })
    if record_size is None:
        # Long values once only: they make the file large.
        writer.insert_network(IPSet(["1.0.1.0/24"]), {
            "string_29": "a" * 29,
            "string_284": "b" * 284,
            "string_285": "c" * 285,
            "string_300": "d" * 300,
            "string_65820": "e" * 65820,
            "string_65821": "f" * 65821,
            "long_array": [MmdbU16(index) for index in range(300)],
        })
    # Shared sub-maps: mmdb-writer stores each once and points at it.
    shared = {"iso_code": "DE", "names": names("Germany")}
    for index, network in enumerate(["2.0.0.0/16", "2.1.0.0/16", "2.2.0.0/31", "2.3.4.5/32"]):
        writer.insert_network(IPSet([network]), {"country": shared, "index": MmdbU32(index)})
    if ip_version == 6:
        writer.insert_network(IPSet(["2001:db8::/48"]), {"family": "ipv6", "country": shared})
        writer.insert_network(IPSet(["2400:cb00::/32"]), {"family": "ipv6 wide", "value": MmdbU64(1 << 40)})
        writer.insert_network(IPSet(["::ffff:0:0/96"]), {"family": "mapped"})
    write_with_mmdb_writer(writer, path, record_size)


# --------------------------------------------------------------------------------------
# Hand-written files: byte layouts mmdb-writer cannot produce.


def control(type_number: int, size: int) -> bytes:
    """A control byte (plus extended type and size bytes) for a non-pointer value."""
    if size < 29:
        size_bits, extra = size, b""
    elif size < 285:
        size_bits, extra = 29, bytes([size - 29])
    elif size < 65821:
        size_bits, extra = 30, (size - 285).to_bytes(2, "big")
    else:
        size_bits, extra = 31, (size - 65821).to_bytes(3, "big")
    if type_number <= 7:
        return bytes([type_number << 5 | size_bits]) + extra
    return bytes([size_bits, type_number - 7]) + extra


def enc_string(text: str) -> bytes:
    raw = text.encode()
    return control(2, len(raw)) + raw


def enc_uint(type_number: int, value: int, length: int | None = None) -> bytes:
    if length is None:
        length = (value.bit_length() + 7) // 8
    return control(type_number, length) + value.to_bytes(length, "big")


def enc_double(value: float) -> bytes:
    return control(3, 8) + struct.pack(">d", value)


def enc_float(value: float) -> bytes:
    return control(15, 4) + struct.pack(">f", value)


def enc_bool(value: bool) -> bytes:
    return control(14, 1 if value else 0)


def enc_map(pairs: list[tuple[bytes, bytes]]) -> bytes:
    return control(7, len(pairs)) + b"".join(key + value for key, value in pairs)


def enc_array(items: list[bytes]) -> bytes:
    return control(11, len(items)) + b"".join(items)


def enc_pointer(target: int, width: int) -> bytes:
    """A pointer of 1 to 4 bytes (`width`), as the format defines each width."""
    if width == 1:
        assert target < 2048
        return bytes([0x20 | (target >> 8), target & 0xFF])
    if width == 2:
        value = target - 2048
        assert 0 <= value < 1 << 19
        return bytes([0x28 | (value >> 16)]) + (value & 0xFFFF).to_bytes(2, "big")
    if width == 3:
        value = target - 526336
        assert 0 <= value < 1 << 27
        return bytes([0x30 | (value >> 24)]) + (value & 0xFFFFFF).to_bytes(3, "big")
    return bytes([0x38]) + target.to_bytes(4, "big")


def k(text: str) -> bytes:
    return enc_string(text)


def encode_metadata(node_count: int, record_size: int, ip_version: int, database_type: str) -> bytes:
    return enc_map([
        (k("binary_format_major_version"), enc_uint(5, 2)),
        (k("binary_format_minor_version"), enc_uint(5, 0)),
        (k("build_epoch"), enc_uint(9, BUILD_EPOCH)),
        (k("database_type"), enc_string(database_type)),
        (k("description"), enc_map([(k("en"), enc_string("hand-written layouts"))])),
        (k("ip_version"), enc_uint(5, ip_version)),
        (k("languages"), enc_array([enc_string("en")])),
        (k("node_count"), enc_uint(6, node_count)),
        (k("record_size"), enc_uint(5, record_size)),
    ])


def write_raw(path: Path, ip_version: int, record_size: int, entries: list[tuple[str, int]],
              data: bytes, alias_mapped: bool) -> None:
    """Writes a search tree for `entries` (network, data offset) over `data`."""
    bits = 128 if ip_version == 6 else 32
    nodes: list[list] = [[None, None]]

    def insert(value: int, prefix: int, leaf) -> None:
        node = 0
        for index in range(prefix):
            bit = (value >> (bits - 1 - index)) & 1
            if index == prefix - 1:
                assert nodes[node][bit] is None, "overlapping networks"
                nodes[node][bit] = leaf
                return
            child = nodes[node][bit]
            if child is None:
                nodes.append([None, None])
                child = ("node", len(nodes) - 1)
                nodes[node][bit] = child
            assert child[0] == "node", "network inside another"
            node = child[1]

    for text, offset in entries:
        network = ipaddress.ip_network(text)
        value, prefix = int(network.network_address), network.prefixlen
        if ip_version == 6 and network.version == 4:
            prefix += 96
        insert(value, prefix, ("data", offset))
    if alias_mapped:
        # Point ::ffff:0:0/96 at the IPv4 subtree, as MaxMind's own files do.
        node = 0
        for _ in range(96):
            node = nodes[node][0][1]
        insert(0xFFFF << 32, 96, ("node", node))

    node_count = len(nodes)

    def record(child) -> int:
        if child is None:
            return node_count
        if child[0] == "node":
            return child[1]
        return node_count + 16 + child[1]

    tree = bytearray()
    for left, right in nodes:
        a, b = record(left), record(right)
        if record_size == 24:
            tree += a.to_bytes(3, "big") + b.to_bytes(3, "big")
        elif record_size == 28:
            tree += a.to_bytes(4, "big")[1:] + bytes([(a >> 24) << 4 | (b >> 24)]) + (b & 0xFFFFFF).to_bytes(3, "big")
        else:
            tree += a.to_bytes(4, "big") + b.to_bytes(4, "big")
    metadata = encode_metadata(node_count, record_size, ip_version, "Foyer-Test-Handmade")
    path.write_bytes(bytes(tree) + b"\x00" * 16 + data + MARKER + metadata)


def make_handmade(path: Path, ip_version: int, record_size: int) -> None:
    data = bytearray()

    def put(blob: bytes) -> int:
        offset = len(data)
        data.extend(blob)
        return offset

    # A data-cache container first: real files keep repeated values in one, and
    # lookups never return it.
    container = put(control(12, 6) + enc_string("cache"))
    # Targets for pointers of every width.
    small_target = put(enc_string("one-byte pointer"))
    country_map = put(enc_map([
        (k("iso_code"), enc_string("TR")),
        (k("names"), enc_map([(k("de"), enc_string("Türkei")), (k("en"), enc_string("Türkiye"))])),
    ]))
    key_names = put(k("names"))
    pointer_to_pointer = put(enc_pointer(small_target, 1))
    data.extend(b"\x00" * (2100 - len(data)))
    mid_target = put(enc_array([enc_string("two-byte pointer"), enc_uint(6, 2048)]))
    data.extend(b"\x00" * (526400 - len(data)))
    big_target = put(enc_map([(k("three-byte pointer"), enc_bool(True))]))
    full_target = put(enc_string("four-byte pointer"))

    records = {}
    records["1.2.3.0/24"] = put(enc_map([
        (k("pointer_1"), enc_pointer(small_target, 1)),
        (k("pointer_2"), enc_pointer(mid_target, 2)),
        (k("pointer_3"), enc_pointer(big_target, 3)),
        (k("pointer_4"), enc_pointer(full_target, 4)),
        (enc_pointer(key_names, 4), enc_string("a key reached through a pointer")),
        (k("float"), enc_float(-2.5)),
        (k("uint128"), enc_uint(10, (1 << 127) + 5)),
        (k("uint128_short"), enc_uint(10, 0xABCDEF)),
        (k("uint128_zero"), enc_uint(10, 0, 0)),
        (k("uint64_padded"), enc_uint(9, 1, 8)),
        (k("uint32_zero"), enc_uint(6, 0, 0)),
        (k("int32_negative"), enc_uint(8, 0xFFFFFFF9, 4)),
        (k("int32_short"), enc_uint(8, 0xFFFF, 2)),
        (k("double"), enc_double(-33.5)),
        (k("bytes"), control(4, 3) + b"\x00\xff\x10"),
        (k("booleans"), enc_array([enc_bool(True), enc_bool(False)])),
        (k("deep"), enc_array([enc_array([enc_array([enc_map([(k("x"), enc_uint(5, 1))])])])])),
    ]))
    # GeoLite2-shaped, with pointers for the country and the `names` key.
    records["5.6.0.0/16"] = put(enc_map([
        (k("city"), enc_map([(enc_pointer(key_names, 1), enc_map([(k("en"), enc_string("Istanbul"))]))])),
        (k("country"), enc_pointer(country_map, 1)),
        (k("location"), enc_map([
            (k("latitude"), enc_float(41.0)), (k("longitude"), enc_uint(5, 29)), (k("time_zone"), enc_string("Europe/Istanbul")),
        ])),
    ]))
    # Records both readers must refuse.
    records["9.0.0.0/24"] = container
    records["9.0.1.0/24"] = put(control(13, 0))  # end marker
    records["9.0.2.0/24"] = put(bytes([0x00, 9]))  # extended type 16: unknown
    records["9.0.3.0/24"] = put(enc_map([(k("bad"), enc_pointer(pointer_to_pointer, 1))]))
    records["9.0.4.0/24"] = put(control(3, 4) + b"\x00\x00\x00\x00")  # a double must have 8 bytes
    records["9.0.5.0/24"] = put(control(2, 2) + b"\xff\xfe")  # not UTF-8

    entries = list(records.items())
    if ip_version == 6:
        entries.append(("2a01:4f8::/32", records["5.6.0.0/16"]))
    write_raw(path, ip_version, record_size, entries, bytes(data), alias_mapped=ip_version == 6)


# --------------------------------------------------------------------------------------
# Reference answers


def tagged(value):
    """The reference value in a form JSON keeps exactly (big integers as text)."""
    if isinstance(value, bool):
        return {"bool": value}
    if isinstance(value, int):
        return {"int": str(value)}
    if isinstance(value, float):
        return {"double": value}
    if isinstance(value, str):
        return {"string": value}
    if isinstance(value, (bytes, bytearray)):
        return {"bytes": bytes(value).hex()}
    if isinstance(value, dict):
        return {"map": {key: tagged(item) for key, item in value.items()}}
    if isinstance(value, list):
        return {"array": [tagged(item) for item in value]}
    raise TypeError(f"unexpected {type(value)}")


COMMON = [
    "1.0.0.1", "1.0.1.255", "1.1.1.1", "1.2.3.4", "2.0.0.0", "2.1.255.255", "2.2.0.1", "2.2.0.2",
    "2.3.4.5", "2.3.4.6", "5.6.7.8", "5.44.20.1", "8.8.8.8", "9.0.0.1", "9.0.1.1", "9.0.2.1",
    "9.0.3.1", "9.0.4.1", "9.0.5.1", "9.0.6.1", "10.1.2.3", "31.13.70.1", "78.160.0.0",
    "78.191.255.255", "78.192.0.0", "81.2.69.142", "100.64.1.1", "127.0.0.1", "169.254.1.1",
    "172.16.5.4", "175.16.199.10", "192.168.1.1", "203.0.113.9", "0.0.0.0", "255.255.255.255",
    "::", "::1", "::1.0.0.1", "::ffff:1.0.0.1", "::ffff:1.2.3.4", "::ffff:81.2.69.142",
    "2001:db8::1", "2001:db8:0:1::1", "2001:4860:4860::8888", "2400:cb00:2048:1::c629:d7a2",
    "2a01:4f8:c17::1", "2a02:ff00::1", "2a02:ff01::1", "fd00::1", "fe80::1", "ff02::1",
]


def reference(path: Path) -> dict:
    def answers(mode: int) -> tuple[dict, list]:
        with maxminddb.open_database(str(path), mode) as reader:
            meta = reader.metadata()
            metadata = {
                "node_count": meta.node_count, "record_size": meta.record_size,
                "ip_version": meta.ip_version, "database_type": meta.database_type,
                "languages": list(meta.languages),
                "binary_format_major_version": meta.binary_format_major_version,
                "binary_format_minor_version": meta.binary_format_minor_version,
                "build_epoch": meta.build_epoch, "description": dict(meta.description),
            }
            lookups = []
            for address in COMMON:
                try:
                    value, prefix = reader.get_with_prefix_len(address)
                    lookups.append({"address": address, "prefix_length": prefix,
                                    "value": None if value is None else tagged(value)})
                except (ValueError, maxminddb.InvalidDatabaseError, UnicodeDecodeError) as error:
                    lookups.append({"address": address, "error": type(error).__name__})
        return metadata, lookups

    # The pure-Python and the C reader must agree, or the fixture is ambiguous.
    pure = answers(maxminddb.MODE_MMAP)
    try:
        native = answers(maxminddb.MODE_MMAP_EXT)
    except ValueError:  # the C extension is not installed
        native = pure
    strip = lambda lookups: [{key: value for key, value in item.items() if key != "error"} for item in lookups]
    if pure[0] != native[0] or strip(pure[1]) != strip(native[1]):
        sys.exit(f"{path.name}: the pure-Python and C readers disagree")
    return {"metadata": pure[0], "lookups": pure[1]}


def main() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    builders = {
        "city-ipv6-24.mmdb": make_city,
        "ipinfo-ipv4-24.mmdb": make_ipinfo,
        "types-ipv6-24.mmdb": lambda path: make_types(path, 6, None),
        "types-ipv6-28.mmdb": lambda path: make_types(path, 6, 28),
        "types-ipv4-32.mmdb": lambda path: make_types(path, 4, 32),
        "types-ipv4-28.mmdb": lambda path: make_types(path, 4, 28),
        "handmade-ipv6-28.mmdb": lambda path: make_handmade(path, 6, 28),
        "handmade-ipv4-32.mmdb": lambda path: make_handmade(path, 4, 32),
    }
    files = {}
    for name, build in builders.items():
        path = FIXTURES / name
        build(path)
        files[name] = reference(path)
        print(f"wrote {path.relative_to(FIXTURES.parent.parent.parent)} ({path.stat().st_size} bytes)")
    output = FIXTURES / "reference.json"
    output.write_text(json.dumps({"generator": "maxminddb " + maxminddb.__version__, "files": files},
                                 ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    print(f"wrote {output.relative_to(FIXTURES.parent.parent.parent)}")


if __name__ == "__main__":
    main()
