"""Makes Tests/ops/fixtures/data-VERSION/: a data folder written by this build of
`foyer` (an account, its owner, a visitor with two pages), kept in the repository so
that later releases are tested opening it (test_upgrade.py). Run once per release:

    python3 Tests/ops/make_upgrade_fixture.py .build/debug/foyer
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from ops_helpers import OWNER_PASSWORD, Tracker, make_server

HERE = Path(__file__).resolve().parent


def main() -> None:
    binary = Path(sys.argv[1]).resolve()
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout.split()[0]
    with tempfile.TemporaryDirectory() as scratch:
        server = make_server(binary, Path(scratch) / "data")
        server.start()
        tab = Tracker(server.url, server.site_key(), "fixture-tab", path="/pricing")
        assert tab.receive()["t"] == "ok"
        tab.send({"t": "page", "url": "https://shop.example/checkout", "title": "Checkout"})
        tab.close()
        server.stop()
        target = HERE / "fixtures" / f"data-{version}"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        # One self-contained, compact file (no WAL beside it).
        with sqlite3.connect(Path(scratch) / "data" / "foyer.sqlite") as db:
            db.execute(f"VACUUM INTO '{target / 'foyer.sqlite'}'")
        (target / "README.md").write_text(
            f"A data folder written by foyer {version}: account `shop` (owner owner@shop.example, password "
            f"`{OWNER_PASSWORD}`) and one visitor who viewed /pricing then /checkout. Made by "
            "Tests/ops/make_upgrade_fixture.py; opened by every later release in test_upgrade.py.\n")
        print(target)


if __name__ == "__main__":
    main()
