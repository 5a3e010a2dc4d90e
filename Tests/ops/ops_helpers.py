"""Helpers and fixtures for the operations suites (backups, upgrades, city database download,
reverse proxies): real `foyer serve` processes, real sockets, local servers only.

The server process, feed watcher and free-port helpers are the browser suites' own
(Tests/browser/conftest.py), loaded under another module name. This is not a conftest.py
so that `pytest Tests/browser Tests/ops` in one run keeps each suite's `conftest` apart;
test modules import the fixture they use (foyer_binary) from here. The browser check of
the DB-IP credit is in Tests/browser/test_locations_credit.py, with that suite's browser.
"""

from __future__ import annotations

import importlib.util
import json
import queue
import sys
import threading
from pathlib import Path

import pytest
from websockets.sync.client import connect as ws_connect

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("foyer_browser_fixtures", ROOT / "Tests" / "browser" / "conftest.py")
browser_fixtures = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = browser_fixtures  # dataclasses look their module up there
_spec.loader.exec_module(browser_fixtures)

FoyerServer = browser_fixtures.FoyerServer
FeedWatcher = browser_fixtures.FeedWatcher
free_port = browser_fixtures.free_port
OWNER_EMAIL = browser_fixtures.OWNER_EMAIL
OWNER_PASSWORD = browser_fixtures.OWNER_PASSWORD
foyer_binary = browser_fixtures.foyer_binary


def make_server(binary: Path, data_dir: Path, extra_args: list[str] | None = None) -> FoyerServer:
    """A server (not started) with an account `shop` and its owner."""
    server = FoyerServer(binary, data_dir, extra_args)
    server.cli("account", "add", "shop")
    server.cli("user", "add", "--email", OWNER_EMAIL, "--role", "owner", "--account", "shop", password=OWNER_PASSWORD)
    return server


class Tracker:
    """One visitor tab on the tracker socket, as foyer.js speaks it."""

    def __init__(self, base_url: str, site_key: str, tab: str, headers: dict | None = None, path: str = "/"):
        self.replies: queue.Queue = queue.Queue()
        self.socket = ws_connect(f"{base_url.replace('http', 'ws', 1)}/track?site={site_key}",
                                 additional_headers={"Origin": "https://shop.example", **(headers or {})}, open_timeout=10)
        threading.Thread(target=self._read, daemon=True).start()
        self.send({"t": "hello", "tab": tab, "vid": "v-" + tab, "url": "https://shop.example" + path, "title": "Shop",
                   "ref": "", "lang": "en", "tz": "Europe/Istanbul"})

    def _read(self) -> None:
        try:
            for text in self.socket:
                self.replies.put(json.loads(text))
        except Exception:
            pass
        self.replies.put({"t": "closed"})

    def send(self, message: dict) -> None:
        self.socket.send(json.dumps(message))

    def receive(self, timeout: float = 15) -> dict:
        return self.replies.get(timeout=timeout)

    def close(self) -> None:
        try:
            self.socket.close()
        except Exception:
            pass
