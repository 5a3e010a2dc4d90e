"""Upgrades: a data folder written by an earlier release (Tests/ops/fixtures/data-*,
made by make_upgrade_fixture.py) opens with this build: migrations run at start, the
account, its site key, its owner's password and the visitor's history are all there."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from ops_helpers import FeedWatcher, FoyerServer, foyer_binary  # noqa: F401 (fixtures)

FIXTURES = sorted((Path(__file__).resolve().parent / "fixtures").glob("data-*"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[path.name for path in FIXTURES])
def test_a_data_folder_from_an_earlier_release_opens(fixture: Path, foyer_binary: Path, tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(fixture, data)
    with sqlite3.connect(data / "foyer.sqlite") as db:
        site_key = db.execute("SELECT site_key FROM accounts WHERE name = 'shop'").fetchone()[0]
        old_version = db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
        entries = db.execute("SELECT data FROM entries").fetchall()
    assert entries and "/checkout" in entries[0][0]

    server = FoyerServer(foyer_binary, data)
    server.start()
    try:
        assert server.site_key() == site_key
        feed = FeedWatcher(server.url, server.session_cookie())  # the old password hash still signs in
        feed.wait_for(lambda f: f.snapshots >= 1, timeout=10, what="the snapshot")
        feed.close()
    finally:
        server.stop()
    with sqlite3.connect(data / "foyer.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] >= old_version
        pages = [row[0] for row in db.execute("SELECT data FROM entries")]
    assert any("/pricing" in page and "/checkout" in page for page in pages), pages
