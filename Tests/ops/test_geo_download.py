"""`--geo-download` against a local HTTP server serving a small generated city database
(Tests/FoyerGeoTests/Fixtures/city-ipv6-24.mmdb, made by scripts/make_geo_fixtures.py):
no test reaches the internet."""

from __future__ import annotations

import datetime
import gzip
import http.server
import json
import os
import shutil
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from ops_helpers import FeedWatcher, ROOT, Tracker, foyer_binary, make_server  # noqa: F401 (fixtures)

FIXTURE = ROOT / "Tests" / "FoyerGeoTests" / "Fixtures" / "city-ipv6-24.mmdb"
LONDON = "81.2.69.142"  # in the fixture: London, United Kingdom


class Mirror:
    """A local DB-IP-like mirror: `files` maps a path to its body (None: 404)."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files
        self.requests: list[str] = []
        self.requested = threading.Condition()
        mirror = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                body = mirror.files.get(self.path)
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/gzip")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                with mirror.requested:
                    mirror.requests.append(self.path)
                    mirror.requested.notify_all()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.template = f"http://127.0.0.1:{self.httpd.server_address[1]}/dbip-city-lite-{{year}}-{{month}}.mmdb.gz"

    def wait_for_requests(self, count: int, timeout: float = 20) -> list[str]:
        with self.requested:
            if not self.requested.wait_for(lambda: len(self.requests) >= count, timeout=timeout):
                raise AssertionError(f"the mirror got {self.requests}, expected {count} requests")
            return list(self.requests)

    def close(self) -> None:
        self.httpd.shutdown()


def month_paths() -> tuple[str, str]:
    today = datetime.datetime.now(datetime.timezone.utc).date()
    previous = (today.replace(day=1) - datetime.timedelta(days=1))
    return (f"/dbip-city-lite-{today.year}-{today.month:02d}.mmdb.gz",
            f"/dbip-city-lite-{previous.year}-{previous.month:02d}.mmdb.gz")


def wait_for_file(path: Path, timeout: float = 20) -> None:
    deadline = time.time() + timeout
    while not path.exists():
        assert time.time() < deadline, f"{path} did not appear"
        time.sleep(0.05)


def london_visitor(server, timeout: float = 10) -> dict:
    """A tab arriving through the trusted local proxy from a London address; its location."""
    feed = FeedWatcher(server.url, server.session_cookie())
    tab = Tracker(server.url, server.site_key(), "tab-london", headers={"X-Forwarded-For": LONDON})
    try:
        assert tab.receive()["t"] == "ok"
        entry = feed.wait_for(lambda f: next(iter(f.entries.values()), None), timeout=timeout, what="the visitor")
        return entry["location"]
    finally:
        tab.close()
        feed.close()


@pytest.fixture
def mirror():
    current, previous = month_paths()
    # This month's file is "not published yet": the previous month's is used.
    instance = Mirror({current: None, previous: gzip.compress(FIXTURE.read_bytes())})
    yield instance
    instance.close()


def test_downloads_verifies_and_swaps_in_a_city_database_without_a_restart(foyer_binary, tmp_path, mirror):
    server = make_server(foyer_binary, tmp_path / "data",
                         ["--geo-download", "--geo-download-url", mirror.template, "--trusted-proxy", "127.0.0.1/32"])
    server.start()
    try:
        database = server.data_dir / "geo" / "city.mmdb"
        assert mirror.wait_for_requests(2) == list(month_paths())
        wait_for_file(database)
        assert database.read_bytes() == FIXTURE.read_bytes()
        assert not list(database.parent.glob("*.download")) and not list(database.parent.glob("*.new"))
        log = server.log.read_text()
        assert "Locations: DB-IP City Lite, downloaded into" in log
        # The running server uses it at once: a London address is placed in London.
        location = london_visitor(server)
        assert (location["city"], location["source"]) == ("London", "database"), location
        with urllib.request.urlopen(server.url + "/api/locations", timeout=5) as response:
            assert json.load(response) == {"attribution": {"text": "IP geolocation by DB-IP", "url": "https://db-ip.com"}}
    finally:
        server.stop()


def test_a_broken_download_keeps_the_previous_file(foyer_binary, tmp_path):
    current, previous = month_paths()
    truncated = gzip.compress(FIXTURE.read_bytes())[:-200]
    mirror = Mirror({current: truncated, previous: truncated})
    server = make_server(foyer_binary, tmp_path / "data",
                         ["--geo-download", "--geo-download-url", mirror.template, "--trusted-proxy", "127.0.0.1/32"])
    database = server.data_dir / "geo" / "city.mmdb"
    database.parent.mkdir(parents=True)
    shutil.copy(FIXTURE, database)
    stale = time.time() - 40 * 86400  # older than a month: due for a refresh
    os.utime(database, (stale, stale))
    server.start()
    try:
        mirror.wait_for_requests(1)
        deadline = time.time() + 20
        while "City database download failed" not in server.log.read_text():
            assert time.time() < deadline, server.log.read_text()
            time.sleep(0.05)
        assert "keeping the current file" in server.log.read_text()
        assert database.read_bytes() == FIXTURE.read_bytes()
        assert not list(database.parent.glob("*.download")) and not list(database.parent.glob("*.new"))
        location = london_visitor(server)
        assert (location["city"], location["source"]) == ("London", "database"), location
    finally:
        server.stop()
        mirror.close()


def test_without_a_database_serve_says_how_to_make_locations_precise(foyer_binary, tmp_path):
    server = make_server(foyer_binary, tmp_path / "data")
    server.start()
    try:
        lines = [line for line in server.log.read_text().splitlines() if line.startswith("Locations:")]
        assert len(lines) == 1 and "--geo-download" in lines[0] and "timezone" in lines[0], lines
        with urllib.request.urlopen(server.url + "/api/locations", timeout=5) as response:
            assert json.load(response).get("attribution") is None
    finally:
        server.stop()
