"""`foyer backup` during a write load, and `foyer restore`, on a real server's data folder."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from pathlib import Path

from ops_helpers import FoyerServer, Tracker, foyer_binary, make_server  # noqa: F401 (fixtures)


def run(server: FoyerServer, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(server.binary), *args, "--data-dir", str(server.data_dir)],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def count(path: Path, table: str) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_backup_under_write_load_restores_to_a_working_server(foyer_binary: Path, tmp_path: Path):
    server = make_server(foyer_binary, tmp_path / "data")
    server.start()
    key = server.site_key()
    stop = threading.Event()
    opened: list[int] = []
    problems: list[str] = []

    def load() -> None:
        # New tabs, one after another: every hello inserts an entry row.
        index = 0
        while not stop.is_set() and index < 2000:
            try:
                tab = Tracker(server.url, key, f"load-{index:05d}")
                if tab.receive()["t"] in ("ok", "wait"):
                    opened.append(index)
                tab.close()
            except Exception as error:  # noqa: BLE001 (reported below)
                problems.append(repr(error))
                return
            index += 1

    writer = threading.Thread(target=load)
    writer.start()
    try:
        # Backups start only once rows are being written, and are taken mid-load.
        while len(opened) < 20 and writer.is_alive():
            threading.Event().wait(0.05)
        first = run(server, "backup", str(tmp_path / "during-1.sqlite"))
        second = run(server, "backup", str(tmp_path / "during-2.sqlite"))
        refused = run(server, "restore", str(tmp_path / "during-1.sqlite"))
        again = run(server, "backup", str(tmp_path / "during-1.sqlite"))
    finally:
        stop.set()
        writer.join(timeout=60)
    assert not problems, problems
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "backed up" in first.stdout
    # Restoring under a running server is refused and changes nothing.
    assert refused.returncode != 0
    assert "a foyer server is running" in refused.stderr and "stop it first" in refused.stderr
    assert again.returncode != 0 and "already exists" in again.stderr

    # Each backup is a whole, consistent database holding the rows written so far.
    for name in ("during-1.sqlite", "during-2.sqlite"):
        with sqlite3.connect(tmp_path / name) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    in_first = count(tmp_path / "during-1.sqlite", "entries")
    in_second = count(tmp_path / "during-2.sqlite", "entries")
    assert 20 <= in_first <= in_second, (in_first, in_second)
    assert count(tmp_path / "during-1.sqlite", "users") == 1

    server.stop()
    live = count(server.data_dir / "foyer.sqlite", "entries")
    assert live >= in_second

    restored = run(server, "restore", str(tmp_path / "during-1.sqlite"))
    assert restored.returncode == 0, restored.stderr
    assert "the previous database is kept as" in restored.stdout
    assert list(server.data_dir.glob("foyer.sqlite.before-restore-*"))
    assert count(server.data_dir / "foyer.sqlite", "entries") == in_first

    # The restored folder serves: same account and site key, and the owner can sign in.
    server.start()
    try:
        assert server.site_key() == key
        assert server.session_cookie().startswith("foyer")
    finally:
        server.stop()


def test_restore_refuses_a_file_that_is_not_a_foyer_backup(foyer_binary: Path, tmp_path: Path):
    server = make_server(foyer_binary, tmp_path / "data")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database" * 100)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    before = (server.data_dir / "foyer.sqlite").read_bytes()
    for path in (junk, other, tmp_path / "missing.sqlite"):
        result = run(server, "restore", str(path))
        assert result.returncode != 0, path
        assert str(path) in result.stderr
    assert (server.data_dir / "foyer.sqlite").read_bytes() == before
