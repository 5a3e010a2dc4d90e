#!/usr/bin/env python3
"""Build FoyerGeo's timezone → place table from IANA tzdata.

Reads zone1970.tab, zone.tab and iso3166.tab (and link names from `backward` or
`tzdata.zi`) from /usr/share/zoneinfo, or from the PyPI `tzdata` package when the
system has no zoneinfo folder, and writes Sources/FoyerGeo/Resources/timezones.tsv:

    Z <zone> <country code> <reference city> <latitude> <longitude>
    A <old or alternative zone name> <zone>
    C <country code> <English country name>

The reference city is the zone name's last part with `_` as a space
(`America/Argentina/Buenos_Aires` → `Buenos Aires`). A zone that zone1970.tab gives to
several countries (`Europe/Zurich`: CH,DE,LI) belongs to the one zone.tab names, or the
first listed. Country names are iso3166.tab's, with current short names where older
tzdata still has the previous one (Türkiye, not Turkey).

    python3 scripts/make_timezone_table.py [--zoneinfo DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "Sources" / "FoyerGeo" / "Resources" / "timezones.tsv"

# Names that changed after some tzdata releases in use were cut; the product shows these.
COUNTRY_NAME_OVERRIDES = {
    "TR": "Türkiye",
    "CZ": "Czechia",
    "SZ": "Eswatini",
    "CV": "Cabo Verde",
}

# Used only when tzdata ships neither `backward` nor `tzdata.zi`: the old names
# browsers still report most often.
FALLBACK_ALIASES = {
    "Asia/Istanbul": "Europe/Istanbul",
    "Turkey": "Europe/Istanbul",
    "Europe/Kiev": "Europe/Kyiv",
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Rangoon": "Asia/Yangon",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "US/Eastern": "America/New_York",
    "US/Central": "America/Chicago",
    "US/Mountain": "America/Denver",
    "US/Pacific": "America/Los_Angeles",
    "Australia/ACT": "Australia/Sydney",
    "Europe/Belfast": "Europe/London",
    "GB": "Europe/London",
    "Atlantic/Faeroe": "Atlantic/Faroe",
    "Pacific/Truk": "Pacific/Chuuk",
}


def find_zoneinfo(explicit: str | None) -> Path:
    candidates = [Path(explicit)] if explicit else []
    candidates.append(Path("/usr/share/zoneinfo"))
    try:
        import tzdata  # PyPI package; ships the .tab files beside its compiled zones

        candidates.append(Path(tzdata.__file__).parent / "zoneinfo")
    except ImportError:
        pass
    for folder in candidates:
        if all((folder / name).is_file() for name in ("zone1970.tab", "zone.tab", "iso3166.tab")):
            return folder
    sys.exit("no tzdata found: install the system tzdata package or `pip install tzdata`")


def rows(path: Path) -> list[list[str]]:
    return [line.rstrip("\n").split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]


def iso6709(text: str) -> tuple[float, float]:
    """`+4101+02858` or `+404251-0740023` → (41.0167, 28.9667)."""
    split = max(text.rfind("+"), text.rfind("-"))
    def part(value: str, degree_digits: int) -> float:
        sign = -1 if value[0] == "-" else 1
        digits = value[1:]
        degrees = int(digits[:degree_digits])
        minutes = int(digits[degree_digits:degree_digits + 2])
        seconds = int(digits[degree_digits + 2:] or 0)
        return sign * (degrees + minutes / 60 + seconds / 3600)
    return part(text[:split], 2), part(text[split:], 3)


def links(folder: Path) -> dict[str, str]:
    """Alias → target from `backward`, else from `tzdata.zi`, else the fallback list."""
    found: dict[str, str] = {}
    for name in ("backward", "tzdata.zi"):
        path = folder / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            fields = line.split()
            if len(fields) >= 3 and fields[0] in ("L", "Link"):
                found[fields[2]] = fields[1]
        if found:
            return found
    return dict(FALLBACK_ALIASES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zoneinfo", help="folder holding zone1970.tab, zone.tab and iso3166.tab")
    args = parser.parse_args()
    folder = find_zoneinfo(args.zoneinfo)

    countries = {row[0]: row[1] for row in rows(folder / "iso3166.tab")}
    countries.update(COUNTRY_NAME_OVERRIDES)

    zones: dict[str, tuple[str, str]] = {}  # zone → (country, coordinates)
    for row in rows(folder / "zone1970.tab"):
        zones[row[2]] = (row[0].split(",")[0], row[1])
    for row in rows(folder / "zone.tab"):
        zones[row[2]] = (row[0], row[1])  # zone.tab's single country wins

    aliases = {}
    all_links = links(folder)
    for alias, target in all_links.items():
        # Follow chains (a link to a link) to a zone in the table.
        for _ in range(8):
            if target in zones or target not in all_links:
                break
            target = all_links[target]
        if target in zones and alias not in zones:
            aliases[alias] = target
    for alias, target in FALLBACK_ALIASES.items():
        if alias not in zones and target in zones:
            aliases.setdefault(alias, target)

    version = "unknown"
    zi = folder / "tzdata.zi"
    if zi.is_file():
        first = zi.read_text(encoding="utf-8").splitlines()[0]
        if first.startswith("# version"):
            version = first.split()[-1]

    lines = [f"# Generated by scripts/make_timezone_table.py from IANA tzdata {version}. Do not edit."]
    for zone in sorted(zones):
        country, coordinates = zones[zone]
        latitude, longitude = iso6709(coordinates)
        city = zone.rsplit("/", 1)[-1].replace("_", " ")
        lines.append(f"Z\t{zone}\t{country}\t{city}\t{latitude:.4f}\t{longitude:.4f}")
    for alias in sorted(aliases):
        lines.append(f"A\t{alias}\t{aliases[alias]}")
    for code in sorted(countries):
        lines.append(f"C\t{code}\t{countries[code]}")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUTPUT} from {folder}: {len(zones)} zones, {len(aliases)} aliases, {len(countries)} countries")


if __name__ == "__main__":
    main()
