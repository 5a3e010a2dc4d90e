"""Shared fixtures for Foyer's browser tests.

Every test gets a real `foyer serve` process (its own data directory and free port), an
owner who can sign in, a small visitor website on another origin that embeds foyer.js,
and Debian's Chromium driven by Playwright. `FeedWatcher` follows a dashboard feed over
a real WebSocket, so tests can wait for what an agent would see.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from websockets.sync.client import connect as ws_connect

ROOT = Path(__file__).resolve().parents[2]
OWNER_EMAIL = "owner@shop.example"
OWNER_PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def foyer_binary() -> Path:
    """The debug build of `foyer` (built once if missing; FOYER_BIN overrides)."""
    if os.environ.get("FOYER_BIN"):
        return Path(os.environ["FOYER_BIN"])
    binary = ROOT / ".build" / "debug" / "foyer"
    if not binary.exists():
        subprocess.run(["swift", "build", "--product", "foyer"], cwd=ROOT, check=True)
    return binary


class FoyerServer:
    """A real `foyer serve` process on a free port with its own data directory."""

    def __init__(self, binary: Path, data_dir: Path, extra_args: list[str] | None = None, prefix: list[str] | None = None):
        self.binary = binary
        # A command that runs the server, e.g. `prlimit --nofile=512:8192 --` (it execs, so
        # the process id stays the server's).
        self.prefix = prefix or []
        self.data_dir = data_dir
        self.port = free_port()
        self.extra_args = extra_args or []
        self.process: subprocess.Popen | None = None
        self.log = data_dir / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str, password: str | None = None) -> str:
        env = dict(os.environ, FOYER_BCRYPT_COST="4")
        if password is not None:
            env["FOYER_PASSWORD"] = password
        result = subprocess.run(
            [str(self.binary), *args, "--data-dir", str(self.data_dir)],
            env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        )
        if result.returncode != 0:
            raise RuntimeError(f"foyer {' '.join(args)} failed: {result.stderr}")
        return result.stdout

    def start(self) -> None:
        env = dict(os.environ, FOYER_BCRYPT_COST="4", FOYER_LOG_LEVEL="warning")
        args = [*self.prefix, str(self.binary), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                "--data-dir", str(self.data_dir), "--disconnect-grace", "3", *self.extra_args]
        self.process = subprocess.Popen(args, env=env, stdout=open(self.log, "a"), stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"foyer serve exited: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("foyer serve did not become ready")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self, sig: int = signal.SIGTERM) -> None:
        self.stop(sig)
        self.start()

    def site_key(self, account: str = "shop") -> str:
        for line in self.cli("account", "list").splitlines():
            name, key, _ = line.split("\t")
            if name == account:
                return key
        raise KeyError(account)

    def session_cookie(self, email: str = OWNER_EMAIL, password: str = OWNER_PASSWORD) -> str:
        request = urllib.request.Request(
            self.url + "/api/session", method="POST",
            data=json.dumps({"email": email, "password": password}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as response:
            return response.headers["Set-Cookie"].split(";")[0]


@pytest.fixture
def server(foyer_binary: Path, tmp_path: Path):
    """A running Foyer with an account `shop` and its owner."""
    instance = FoyerServer(foyer_binary, tmp_path / "data")
    instance.cli("account", "add", "shop")
    instance.cli("user", "add", "--email", OWNER_EMAIL, "--role", "owner", "--account", "shop", password=OWNER_PASSWORD)
    instance.start()
    yield instance
    instance.stop()


class SiteHandler(http.server.BaseHTTPRequestHandler):
    """Serves the visitor test website: any path is a page embedding foyer.js.

    `?title=` sets the page title (HTML-escaped into the page, as a real site would);
    each page links to /next and has buttons that change the route with pushState.
    """

    foyer_url = ""
    site_key = ""

    def do_GET(self):  # noqa: N802 (http.server naming)
        parsed = urllib.parse.urlparse(self.path)
        if parsed.path == "/favicon.ico":
            self.send_response(404)
            self.end_headers()
            return
        title = urllib.parse.parse_qs(parsed.query).get("title", [f"Page {parsed.path}"])[0]
        escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escaped}</title>
<script async src="{self.foyer_url}/foyer.js" data-site="{self.site_key}"></script></head>
<body><h1>{escaped}</h1>
<a id="next" href="/next?title=Next%20page">Next page</a>
<button id="spa" onclick="history.pushState({{}}, '', '/spa-route'); document.title='SPA route'">Route</button>
</body></html>"""
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@dataclass
class Site:
    url: str
    httpd: http.server.ThreadingHTTPServer


@pytest.fixture
def site(server: FoyerServer):
    """A visitor website on another origin embedding foyer.js for the `shop` account."""
    handler = type("Handler", (SiteHandler,), {"foyer_url": server.url, "site_key": server.site_key()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Site(url=f"http://127.0.0.1:{httpd.server_address[1]}", httpd=httpd)
    httpd.shutdown()


@dataclass
class FeedWatcher:
    """Follows a dashboard feed and keeps the entries an agent would see."""

    url: str
    cookie: str
    entries: dict = field(default_factory=dict)
    counters: dict = field(default_factory=dict)
    tracking: bool = True
    messages: list = field(default_factory=list)
    snapshots: int = 0

    def __post_init__(self):
        self._condition = threading.Condition()
        self._socket = ws_connect(self.url.replace("http", "ws", 1) + "/feed", additional_headers={"Cookie": self.cookie})
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        try:
            while True:
                message = json.loads(self._socket.recv())
                with self._condition:
                    self.messages.append(message)
                    kind = message["type"]
                    if kind == "snapshot":
                        self.snapshots += 1
                        self.entries = {e["id"]: e for e in message["entries"]}
                        self.counters = message["counters"]
                        self.tracking = message["tracking"]
                    elif kind == "added":
                        self.entries[message["entry"]["id"]] = message["entry"]
                    elif kind == "changed":
                        # Only what changed comes (docs/PROTOCOL.md section 2): merge it.
                        held = self.entries.get(message["id"])
                        if held is not None:
                            merged = {**held, **message.get("set", {})}
                            pages = message.get("pages")
                            if pages is not None:
                                kept = held["pages"][pages["drop"]:pages["drop"] + pages["keep"]]
                                merged["pages"] = kept + pages["add"]
                            self.entries[message["id"]] = merged
                    elif kind == "removed":
                        self.entries.pop(message["id"], None)
                    elif kind == "counters":
                        self.counters = message["counters"]
                    elif kind == "tracking":
                        self.tracking = message["enabled"]
                    self._condition.notify_all()
        except Exception:
            pass

    def wait_for(self, predicate, timeout: float = 5.0, what: str = "condition"):
        """Waits until `predicate(self)` is true; returns its value."""
        deadline = time.time() + timeout
        with self._condition:
            while True:
                value = predicate(self)
                if value:
                    return value
                remaining = deadline - time.time()
                if remaining <= 0:
                    raise AssertionError(f"timed out waiting for {what}; entries: {list(self.entries.values())}")
                self._condition.wait(remaining)

    def by_url(self, suffix: str) -> list[dict]:
        return [e for e in self.entries.values() if e["url"].endswith(suffix)]

    def close(self):
        self._socket.close()


@pytest.fixture
def feed(server: FoyerServer):
    watcher = FeedWatcher(server.url, server.session_cookie())
    watcher.wait_for(lambda f: f.snapshots >= 1, what="the snapshot")
    yield watcher
    watcher.close()


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield instance
        instance.close()


@pytest.fixture
def agent_page(browser: Browser, server: FoyerServer) -> Page:
    """A signed-in owner's browser page (not yet navigated)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    response = context.request.post(server.url + "/api/session", data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD})
    assert response.ok, response.text()
    page = context.new_page()
    yield page
    context.close()


def visitor_context(browser: Browser, timezone: str = "Europe/Istanbul", locale: str = "tr-TR") -> BrowserContext:
    """A separate visitor browser (own storage), with its own timezone and language."""
    return browser.new_context(timezone_id=timezone, locale=locale)
