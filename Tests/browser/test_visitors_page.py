"""The Visitors page in a real browser (Chromium + Playwright).

Two kinds of tests live here:

* End to end: a real `foyer serve` (fresh data directory per test), a small
  visitor test site on another port whose pages embed the tracker, several
  visitor browser contexts with their own timezones and languages, and an agent
  signed in on /visitors.
* Page only: the same page files served straight from Sources/FoyerServer/Public
  with the server's Content-Security-Policy, and a scripted dashboard feed, for
  states the end-to-end setup cannot produce on demand (a chat, tracking
  switched off, an archived entry).

Run:  python3 -m pytest Tests/browser/test_visitors_page.py -q
Environment: FOYER_BIN (default .build/debug/foyer, built when missing),
FOYER_CHROMIUM (default /usr/bin/chromium).
"""
from __future__ import annotations

import json
import mimetypes
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, WebSocketRoute, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = ROOT / "Sources" / "FoyerServer" / "Public"
CHROMIUM = os.environ.get("FOYER_CHROMIUM", "/usr/bin/chromium")
OWNER_EMAIL = "owner@example.com"
PASSWORD = "correct horse battery staple"
XSS_TITLE = "<img src=x onerror=alert(1)>"
LIVE_MS = 1000  # "within a second"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


# --------------------------------------------------------------------------- helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def foyer_binary() -> Path:
    explicit = os.environ.get("FOYER_BIN")
    if explicit:
        return Path(explicit)
    binary = ROOT / ".build" / "debug" / "foyer"
    if not binary.exists():
        subprocess.run(["swift", "build", "--product", "foyer"], cwd=ROOT, check=True)
    return binary


@dataclass
class FoyerServer:
    """A real `foyer serve` on a free loopback port with its own data directory."""

    binary: Path
    data_dir: Path
    port: int = field(default_factory=free_port)
    site_key: str = ""
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str, password: str | None = None) -> str:
        env = dict(os.environ, FOYER_DATA_DIR=str(self.data_dir))
        if password is not None:
            env["FOYER_PASSWORD"] = password
        done = subprocess.run([str(self.binary), *args, "--data-dir", str(self.data_dir)],
                              env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def setup(self) -> None:
        line = self.cli("account", "add", "Test Shop")
        self.site_key = re.search(r"data-site=\"([^\"]+)\"", line).group(1)  # type: ignore[union-attr]
        self.cli("user", "add", "--email", OWNER_EMAIL, "--role", "owner", "--bcrypt-cost", "4", password=PASSWORD)

    def start(self) -> None:
        log = open(self.data_dir / "server.log", "ab")
        self.process = subprocess.Popen(
            [str(self.binary), "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--data-dir", str(self.data_dir), "--bcrypt-cost", "4", "--log-level", "warning"],
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.data_dir / "server.log").read_text()
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("foyer serve did not become healthy")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


class VisitorSite:
    """A tiny website whose pages embed the tracker, on its own port (another origin)."""

    def __init__(self, server: FoyerServer):
        self.dir = Path(tempfile.mkdtemp(prefix="foyer-site-"))
        snippet = f'<script async src="{server.url}/foyer.js" data-site="{server.site_key}"></script>'
        pages = {
            "index.html": ("Welcome to the shop", '<a id="next" href="pricing.html">Pricing</a>'),
            "pricing.html": ("Pricing plans", '<a id="next" href="index.html">Home</a>'),
            "xss.html": (XSS_TITLE, ""),
        }
        for name, (title, body) in pages.items():
            html_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            (self.dir / name).write_text(
                f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{html_title}</title>{snippet}</head>"
                f"<body><h1>{html_title}</h1>{body}</body></html>", encoding="utf-8")
        handler = partial(QuietHandler, directory=str(self.dir))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def vp_browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture()
def vp_server(tmp_path: Path) -> Iterator[FoyerServer]:
    server = FoyerServer(binary=foyer_binary(), data_dir=tmp_path / "data")
    server.data_dir.mkdir()
    server.setup()
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def vp_site(vp_server: FoyerServer) -> Iterator[VisitorSite]:
    site = VisitorSite(vp_server)
    yield site
    site.close()


@dataclass
class AgentPage:
    page: Page
    errors: list[str]

    def row(self, name: str):
        return self.page.get_by_role("list", name="Visitors").get_by_role("listitem").filter(
            has=self.page.get_by_role("button", name=name, exact=True))

    def rows(self):
        return self.page.get_by_role("list", name="Visitors").get_by_role("listitem")

    def pin(self, name_start: str):
        return self.page.get_by_role("region", name="Visitors map").get_by_role(
            "button", name=re.compile("^" + re.escape(name_start)))

    def drawer(self):
        return self.page.get_by_role("dialog", name="Visitor details")

    def detail(self, label: str):
        """The <dd> that follows the <dt> named `label` in the drawer."""
        return self.drawer().locator("dt", has_text=re.compile(f"^{re.escape(label)}$")).locator("xpath=following-sibling::dd[1]")

    def card(self, label: str):
        return self.page.locator(".overlay-card dt", has_text=re.compile(f"^{re.escape(label)}$")).locator("xpath=following-sibling::dd[1]")


def open_agent(browser: Browser, server: FoyerServer, **context_args) -> AgentPage:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, **context_args)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "Content-Security-Policy" in message.text else None)
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    page.goto(f"{server.url}/visitors")
    expect(page).to_have_url(re.compile(r"/signin"))
    page.get_by_label("Email").fill(OWNER_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/visitors$"))
    expect(page.locator("body")).to_have_attribute("data-feed", "live")
    return AgentPage(page, errors)


@pytest.fixture()
def vp_agent(vp_browser: Browser, vp_server: FoyerServer) -> Iterator[AgentPage]:
    agent = open_agent(vp_browser, vp_server)
    yield agent
    agent.page.context.close()


@pytest.fixture()
def vp_visitors(vp_browser: Browser, vp_site: VisitorSite) -> Iterator[Callable[..., Page]]:
    """Open a visitor tab: visit(path, timezone_id=…, locale=…, referer=…, context=…)."""
    contexts: list[BrowserContext] = []

    def visit(path: str = "index.html", *, timezone_id: str = "Europe/Istanbul", locale: str = "tr-TR",
              referer: str | None = None, context: BrowserContext | None = None) -> Page:
        if context is None:
            context = vp_browser.new_context(timezone_id=timezone_id, locale=locale)
            contexts.append(context)
        page = context.new_page()
        page.goto(f"{vp_site.url}/{path}", referer=referer)
        return page

    yield visit
    for context in contexts:
        context.close()


# --------------------------------------------------------------------------- end to end


def test_rows_pins_groups_counts_and_drawer(vp_agent: AgentPage, vp_visitors) -> None:
    page = vp_agent.page
    istanbul = vp_visitors("index.html", timezone_id="Europe/Istanbul", locale="tr-TR")
    expect(vp_agent.row("Visitor 1")).to_be_visible()
    # A second tab of the same browser is a second entry, in the same city.
    vp_visitors("pricing.html", context=istanbul.context)
    expect(vp_agent.row("Visitor 2")).to_be_visible()
    vp_visitors("index.html", timezone_id="Asia/Tokyo", locale="ja-JP", referer="https://www.google.com/search?q=secret")
    expect(vp_agent.row("Visitor 3")).to_be_visible()
    vp_visitors("pricing.html", timezone_id="America/New_York", locale="en-US")
    expect(vp_agent.row("Visitor 4")).to_be_visible()

    # Most recently connected first; each row: status, name, flag, page title.
    expect(vp_agent.rows()).to_have_count(4)
    expect(page.get_by_role("list", name="Visitors").get_by_role("button")).to_have_text(
        ["Visitor 4", "Visitor 3", "Visitor 2", "Visitor 1"])
    tokyo_row = vp_agent.row("Visitor 3")
    expect(tokyo_row.get_by_role("img", name="Online")).to_be_visible()
    expect(tokyo_row.get_by_role("img", name="Japan")).to_have_text("🇯🇵")
    expect(tokyo_row).to_contain_text("Welcome to the shop")
    expect(vp_agent.row("Visitor 2")).to_contain_text("Pricing plans")
    # No visitor has been seen 30 minutes before, so nobody is "returning".
    expect(page.get_by_role("img", name="Returning visitor")).to_have_count(0)

    # Overlay card.
    expect(vp_agent.card("Live Visitors")).to_have_text("4")
    expect(vp_agent.card("Active Chats now")).to_have_text("0")

    # Pins: one group for the two Istanbul tabs, one pin each for Tokyo and New York.
    expect(vp_agent.pin("2 visitors")).to_have_count(1)
    expect(vp_agent.pin("2 visitors")).to_have_accessible_name(re.compile(r"^2 visitors in Istanbul"))
    expect(vp_agent.pin("Visitor 3")).to_have_accessible_name(re.compile(r"^Visitor 3, Online, Tokyo, Japan"))
    expect(vp_agent.pin("Visitor 4")).to_have_accessible_name(re.compile(r"^Visitor 4, Online, New York"))

    # A group lists its visitors; choosing one opens the drawer.
    vp_agent.pin("2 visitors").click()
    group_list = page.get_by_role("dialog", name=re.compile(r"^2 visitors in Istanbul"))
    expect(group_list.get_by_role("button", name=re.compile(r"^Visitor \d"))).to_have_count(2)
    group_list.get_by_role("button", name=re.compile(r"^Visitor 1,")).click()
    expect(vp_agent.drawer()).to_be_visible()
    expect(vp_agent.drawer().get_by_role("heading", level=2)).to_have_text("Visitor 1")
    expect(vp_agent.detail("Browser language")).to_have_text("tr-TR")
    expect(vp_agent.detail("Timezone")).to_have_text("Europe/Istanbul")
    expect(vp_agent.detail("Referrer")).to_have_text("Direct")
    expect(vp_agent.detail("Last Viewed").get_by_role("link")).to_have_text(re.compile(r"/index\.html$"))
    expect(vp_agent.detail("Location")).to_contain_text("Istanbul")
    expect(vp_agent.detail("Location")).to_contain_text("timezone")  # approximate: says where it came from
    expect(vp_agent.detail("Status")).to_have_text("Online")
    expect(vp_agent.detail("Connected at")).not_to_be_empty()
    expect(vp_agent.drawer().get_by_role("button", name="Open Chat")).to_be_hidden()
    expect(vp_agent.row("Visitor 1")).to_have_attribute("aria-current", "true")
    # The time on the page ticks every second.
    before = vp_agent.detail("Total time on page").inner_text()
    assert re.fullmatch(r"\d+:\d\d", before)
    expect(vp_agent.detail("Total time on page")).not_to_have_text(before, timeout=2500)

    # A pin of one visitor opens its drawer directly and is highlighted.
    vp_agent.drawer().get_by_role("button", name="Close").click()
    expect(vp_agent.drawer()).to_be_hidden()
    vp_agent.pin("Visitor 3").click()
    expect(vp_agent.drawer().get_by_role("heading", level=2)).to_have_text("Visitor 3")
    expect(vp_agent.detail("Browser language")).to_have_text("ja-JP")
    expect(vp_agent.detail("Timezone")).to_have_text("Asia/Tokyo")
    # The query string is stripped before anything reaches the dashboard.
    expect(vp_agent.detail("Referrer")).to_have_text("https://www.google.com/search")
    expect(vp_agent.pin("Visitor 3")).to_have_attribute("aria-current", "true")
    assert not vp_agent.errors, vp_agent.errors


def test_filter_by_city_country_code_title_and_name(vp_agent: AgentPage, vp_visitors) -> None:
    page = vp_agent.page
    vp_visitors("index.html", timezone_id="Europe/Istanbul", locale="tr-TR")
    vp_visitors("pricing.html", timezone_id="Asia/Tokyo", locale="ja-JP")
    vp_visitors("index.html", timezone_id="America/Sao_Paulo", locale="pt-BR")
    expect(vp_agent.rows()).to_have_count(3)
    search = page.get_by_role("searchbox", name="Filter visitors")

    def shown(expected: list[str]) -> None:
        expect(page.get_by_role("list", name="Visitors").get_by_role("button")).to_have_text(expected)

    search.fill("TOKYO")  # city, any case
    shown(["Visitor 2"])
    expect(vp_agent.pin("Visitor 2")).to_have_count(1)
    expect(vp_agent.pin("Visitor 1")).to_have_count(0)
    search.fill("são paulo")  # accents ignored both ways
    shown(["Visitor 3"])
    search.fill("japan")  # country name
    shown(["Visitor 2"])
    search.fill("tr")  # country code (and any text containing "tr")
    expect(page.get_by_role("list", name="Visitors").get_by_role("button", name="Visitor 1", exact=True)).to_be_visible()
    search.fill("pricing plans")  # current page title
    shown(["Visitor 2"])
    search.fill("visitor 3")  # name
    shown(["Visitor 3"])
    search.fill("nobody here")
    shown([])
    expect(page.get_by_text("No visitors match")).to_have_count(2)  # the list and the map both say so
    search.fill("")  # clearing restores everything
    shown(["Visitor 3", "Visitor 2", "Visitor 1"])
    expect(page.get_by_role("region", name="Visitors map").get_by_role("button", name=re.compile(r"^Visitor \d"))).to_have_count(3)
    # Typing narrows instantly, key by key, without Enter.
    search.press_sequentially("ist")
    shown(["Visitor 1"])
    assert not vp_agent.errors, vp_agent.errors


def test_live_updates_reach_every_dashboard_within_a_second(vp_browser: Browser, vp_server: FoyerServer,
                                                            vp_agent: AgentPage, vp_visitors) -> None:
    second = open_agent(vp_browser, vp_server)
    try:
        visitor = vp_visitors("index.html", timezone_id="Europe/Berlin", locale="de-DE")
        for agent in (vp_agent, second):
            expect(agent.row("Visitor 1")).to_contain_text("Welcome to the shop", timeout=LIVE_MS)
            expect(agent.card("Live Visitors")).to_have_text("1", timeout=LIVE_MS)
        vp_agent.row("Visitor 1").click()
        expect(vp_agent.detail("Last Viewed").get_by_role("link")).to_have_text(re.compile(r"/index\.html$"))

        # Navigating continues the same entry; the row and the open drawer follow.
        visitor.click("#next")
        visitor.wait_for_url("**/pricing.html")
        for agent in (vp_agent, second):
            expect(agent.row("Visitor 1")).to_contain_text("Pricing plans", timeout=LIVE_MS)
            expect(agent.rows()).to_have_count(1)
        expect(vp_agent.detail("Last Viewed").get_by_role("link")).to_have_text(re.compile(r"/pricing\.html$"), timeout=LIVE_MS)
        expect(vp_agent.drawer().locator("ol li")).to_have_count(2)

        # A newcomer appears live.
        vp_visitors("index.html", timezone_id="Asia/Tokyo", locale="ja-JP")
        for agent in (vp_agent, second):
            expect(agent.row("Visitor 2")).to_be_visible(timeout=LIVE_MS)
            expect(agent.card("Live Visitors")).to_have_text("2", timeout=LIVE_MS)

        # Leaving: the entry stays, shown Offline (the server waits out short disconnects first).
        visitor.context.close()
        for agent in (vp_agent, second):
            expect(agent.row("Visitor 1").get_by_role("img", name="Offline")).to_be_visible(timeout=20_000)
        expect(vp_agent.detail("Status")).to_have_text(re.compile(r"^Offline"))
        assert not vp_agent.errors and not second.errors, (vp_agent.errors, second.errors)
    finally:
        second.page.context.close()


def test_visitor_title_is_text_never_html(vp_agent: AgentPage, vp_visitors) -> None:
    page = vp_agent.page
    vp_visitors("xss.html")
    row = vp_agent.row("Visitor 1")
    expect(row).to_contain_text(XSS_TITLE)
    row.click()
    expect(vp_agent.drawer()).to_contain_text(XSS_TITLE)
    assert page.locator("img").count() == 0
    page.wait_for_timeout(300)
    assert not vp_agent.errors, vp_agent.errors  # includes any alert() dialog


def test_reconnects_after_server_restart_with_the_same_entries(vp_agent: AgentPage, vp_server: FoyerServer,
                                                               vp_visitors) -> None:
    page = vp_agent.page
    vp_visitors("index.html", timezone_id="Europe/Istanbul", locale="tr-TR")
    vp_visitors("pricing.html", timezone_id="Asia/Tokyo", locale="ja-JP")
    expect(vp_agent.rows()).to_have_count(2)
    before = page.get_by_role("list", name="Visitors").get_by_role("button").all_inner_texts()

    vp_server.stop()
    expect(page.get_by_role("status").filter(has_text="Reconnecting")).to_be_visible(timeout=10_000)
    expect(page.locator("body")).to_have_attribute("data-feed", "reconnecting")
    vp_server.start()

    expect(page.locator("body")).to_have_attribute("data-feed", "live", timeout=20_000)
    expect(page.get_by_role("status").filter(has_text="Reconnecting")).to_be_hidden()
    expect(page.get_by_role("list", name="Visitors").get_by_role("button")).to_have_text(before)
    expect(vp_agent.card("Live Visitors")).to_have_text("2")
    # The visitors' tabs reconnect too and resume their entries: no new entry, never Offline for long.
    expect(vp_agent.row("Visitor 1").get_by_role("img", name="Online")).to_be_visible(timeout=20_000)
    expect(vp_agent.row("Visitor 2").get_by_role("img", name="Online")).to_be_visible(timeout=20_000)
    expect(vp_agent.rows()).to_have_count(2)


def test_empty_map_says_nobody_is_here(vp_agent: AgentPage, vp_server: FoyerServer) -> None:
    page = vp_agent.page
    empty = page.get_by_role("heading", name="Nobody is on your site right now")
    expect(empty).to_be_visible()
    expect(page.locator(".snippet")).to_contain_text(f'data-site="{vp_server.site_key}"')
    expect(vp_agent.card("Live Visitors")).to_have_text("0")


def test_page_has_strict_csp_and_accessible_structure(vp_agent: AgentPage, vp_server: FoyerServer) -> None:
    page = vp_agent.page
    response = page.request.get(f"{vp_server.url}/visitors")
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = (PUBLIC / "visitors.html").read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script in visitors.html"
    tags = " ".join(re.findall(r"<[^>]+>", html))
    assert not re.search(r"\sstyle=", tags), "inline style attribute"
    assert not re.search(r"\son[a-z]+=", tags), "inline event handler"

    expect(page.get_by_role("list", name="Visitors")).to_be_attached()
    expect(page.get_by_role("searchbox", name="Filter visitors")).to_be_visible()
    expect(page.get_by_role("region", name="Visitors map")).to_be_visible()
    expect(page.get_by_role("button", name="Zoom in")).to_be_visible()
    expect(page.get_by_role("button", name="Zoom out")).to_be_visible()
    assert page.locator(".overlay-card dl dt").all_inner_texts() == ["Live Visitors", "Active Chats now", "Waiting over the limit"]
    assert not vp_agent.errors, vp_agent.errors


# --------------------------------------------------------------------------- page only (scripted feed)


def entry(number: int, **overrides) -> dict:
    now = int(time.time() * 1000)
    base = {
        "id": f"e_{number}", "number": number, "name": f"Visitor {number}", "status": "online",
        "connectedAt": now - 60_000 * (10 - number), "pageSince": now - 5_000, "leftAt": None,
        "url": f"https://shop.example.com/p/{number}", "title": f"Page {number}",
        "referrer": "", "language": "en-US", "timezone": "Europe/Paris", "returning": False,
        "location": {"countryCode": "FR", "country": "France", "city": "Paris",
                     "latitude": 48.85, "longitude": 2.35, "source": "database"},
        "pages": [{"url": f"https://shop.example.com/p/{number}", "title": f"Page {number}", "at": now - 5_000}],
        "chatId": None,
    }
    base.update(overrides)
    return base


@dataclass
class ScriptedFeed:
    """The dashboard feed, played by the test."""
    sockets: list[WebSocketRoute] = field(default_factory=list)

    def send(self, message: dict) -> None:
        for ws in self.sockets:
            ws.send(json.dumps(message))


def open_scripted_page(browser: Browser, snapshot: dict, role: str = "owner",
                       viewport: dict | None = None) -> tuple[Page, ScriptedFeed, list[str]]:
    origin = "http://foyer.test"
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800})
    feed = ScriptedFeed()

    def serve(route: Route) -> None:
        path = route.request.url[len(origin):].split("?")[0]
        headers = {"Content-Security-Policy": CSP}
        if path == "/api/me":
            route.fulfill(status=200, headers=headers, content_type="application/json", body=json.dumps(
                {"user": {"email": f"{role}@example.com", "role": role},
                 "account": {"name": "Test Shop", "siteKey": "fk_test", "tracking": snapshot["tracking"]}}))
            return
        file = PUBLIC / "visitors.html" if path == "/visitors" else PUBLIC / path.lstrip("/")
        if not file.is_file():
            route.fulfill(status=404, headers=headers, body="not found")
            return
        kind = "text/javascript" if file.suffix == ".js" else mimetypes.guess_type(file.name)[0] or "text/plain"
        route.fulfill(status=200, headers=headers, content_type=kind, body=file.read_bytes())

    def on_socket(ws: WebSocketRoute) -> None:
        feed.sockets.append(ws)
        ws.on_message(lambda message: ws.send('{"type":"pong"}') if "ping" in str(message) else None)
        ws.send(json.dumps(snapshot))

    context.route(f"{origin}/**", serve)
    page = context.new_page()
    page.route_web_socket(re.compile(r".*/feed$"), on_socket)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Security" in m.text else None)
    page.goto(f"{origin}/visitors")
    expect(page.locator("body")).to_have_attribute("data-feed", "live")
    return page, feed, errors


def snapshot(entries: list[dict], tracking: bool = True) -> dict:
    chats = sum(1 for e in entries if e.get("chatId"))
    return {"type": "snapshot", "tracking": tracking, "limit": 500, "entries": entries,
            "counters": {"live": len(entries), "chats": chats, "waiting": 0}, "now": int(time.time() * 1000)}


def test_chatting_visitor_has_open_chat_and_drawer_follows_removal(vp_browser: Browser) -> None:
    page, feed, errors = open_scripted_page(vp_browser, snapshot([
        entry(1), entry(2, status="chatting", chatId="c_42", returning=True),
        entry(3, status="offline", leftAt=int(time.time() * 1000) - 60_000, location=None),
    ]))
    try:
        rows = page.get_by_role("list", name="Visitors")
        row2 = rows.get_by_role("listitem").filter(has=page.get_by_role("button", name="Visitor 2", exact=True))
        expect(row2.get_by_role("img", name="Chatting")).to_be_visible()
        expect(row2.get_by_role("img", name="Returning visitor")).to_be_visible()
        row3 = rows.get_by_role("listitem").filter(has=page.get_by_role("button", name="Visitor 3", exact=True))
        expect(row3.get_by_role("img", name="Offline")).to_be_visible()
        expect(page.locator(".overlay-card dd").first).to_have_text("3")
        # Unknown location: in the list, not on the map.
        expect(page.get_by_role("region", name="Visitors map").get_by_role("button", name=re.compile("^Visitor 3"))).to_have_count(0)

        row2.click()
        drawer = page.get_by_role("dialog", name="Visitor details")
        open_chat = drawer.get_by_role("button", name="Open Chat")
        expect(open_chat).to_be_visible()
        expect(drawer.get_by_role("img", name="Returning visitor")).to_be_visible()

        # Live change: the chat ends for this visitor (status back to online, no chat).
        feed.send({"type": "changed", "entry": entry(2, title="Checkout", returning=True)})
        expect(open_chat).to_be_hidden()
        expect(drawer).to_contain_text("Checkout")
        # Removal while open: the drawer says so.
        feed.send({"type": "removed", "id": "e_2", "reason": "archived"})
        expect(drawer.get_by_role("status")).to_contain_text("archived")
        expect(row2).to_have_count(0)

        # Open Chat opens the conversation.
        feed.send({"type": "added", "entry": entry(4, status="chatting", chatId="c_7")})
        rows.get_by_role("button", name="Visitor 4", exact=True).click()
        with page.expect_request(re.compile(r"/chats/c_7$")):
            drawer.get_by_role("button", name="Open Chat").click()
        assert not errors, errors
    finally:
        page.context.close()


@pytest.mark.parametrize("role,expected", [
    ("owner", "Settings → Visitors"),
    ("admin", "Settings → Visitors"),
    ("agent", "Ask an admin"),
])
def test_tracking_disabled_explains_how_to_turn_it_on(vp_browser: Browser, role: str, expected: str) -> None:
    page, feed, errors = open_scripted_page(vp_browser, snapshot([], tracking=False), role=role)
    try:
        expect(page.get_by_role("heading", name="Visitor tracking is disabled")).to_be_visible()
        expect(page.locator("#map-empty")).to_contain_text(expected)
        link = page.get_by_role("link", name="Settings → Visitors")
        if role == "agent":
            expect(link).to_have_count(0)
        else:
            expect(link).to_have_attribute("href", "/settings")
        # Turned on live: the message goes, visitors come.
        feed.send({"type": "tracking", "enabled": True})
        feed.send({"type": "added", "entry": entry(1)})
        expect(page.get_by_role("heading", name="Visitor tracking is disabled")).to_be_hidden()
        expect(page.get_by_role("list", name="Visitors").get_by_role("listitem")).to_have_count(1)
        # Turned off live: entries cleared, message back.
        feed.send({"type": "tracking", "enabled": False})
        expect(page.get_by_role("heading", name="Visitor tracking is disabled")).to_be_visible()
        expect(page.get_by_role("list", name="Visitors").get_by_role("listitem")).to_have_count(0)
        assert not errors, errors
    finally:
        page.context.close()


def test_keyboard_list_drawer_and_map(vp_browser: Browser) -> None:
    page, feed, errors = open_scripted_page(vp_browser, snapshot([entry(n) for n in range(1, 8)]))
    try:
        search = page.get_by_role("searchbox", name="Filter visitors")
        list_buttons = page.get_by_role("list", name="Visitors").get_by_role("button")
        list_buttons.first.focus()
        expect(list_buttons.first).to_be_focused()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        expect(page.get_by_role("list", name="Visitors").get_by_role("button", name="Visitor 5", exact=True)).to_be_focused()
        page.keyboard.press("Enter")
        drawer = page.get_by_role("dialog", name="Visitor details")
        expect(drawer.get_by_role("heading", level=2)).to_have_text("Visitor 5")
        page.keyboard.press("Escape")
        expect(drawer).to_be_hidden()
        # The map pans and zooms from the keyboard too.
        region = page.get_by_role("region", name="Visitors map")
        region.focus()
        zoom_before = page.evaluate("document.querySelector('#map-canvas').toDataURL().length")
        page.keyboard.press("+")
        page.wait_for_timeout(600)
        page.keyboard.press("ArrowLeft")
        page.wait_for_timeout(100)
        assert page.evaluate("document.querySelector('#map-canvas').toDataURL().length") != zoom_before
        # Group pin (all seven are in Paris) → list → visitor.
        pin = region.get_by_role("button", name=re.compile(r"^7 visitors in Paris"))
        pin.focus()
        page.keyboard.press("Enter")
        popup = page.get_by_role("dialog", name=re.compile(r"^7 visitors"))
        expect(popup.get_by_role("button", name=re.compile(r"^Visitor \d"))).to_have_count(7)
        page.keyboard.press("Escape")
        expect(popup).to_be_hidden()
        expect(pin).to_be_focused()
        search.focus()
        expect(search).to_be_focused()
        assert not errors, errors
    finally:
        page.context.close()


def test_zoom_buttons_wheel_and_drag_move_the_map(vp_browser: Browser) -> None:
    page, feed, errors = open_scripted_page(vp_browser, snapshot([entry(1)]))
    try:
        pin = page.get_by_role("region", name="Visitors map").get_by_role("button", name=re.compile("^Visitor 1"))
        expect(pin).to_be_visible()

        def pin_x() -> float:
            page.wait_for_timeout(700)  # let the fly animation and layout settle
            box = pin.bounding_box()
            assert box
            return box["x"]

        start = pin_x()
        page.get_by_role("button", name="Zoom in").click()
        zoomed = pin_x()
        assert zoomed != start
        page.get_by_role("button", name="Zoom out").click()
        assert abs(pin_x() - start) < 2
        box = page.get_by_role("region", name="Visitors map").bounding_box()
        assert box
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, -400)
        after_wheel = pin_x()
        assert after_wheel != start
        page.mouse.move(box["x"] + 200, box["y"] + 200)
        page.mouse.down()
        page.mouse.move(box["x"] + 300, box["y"] + 260, steps=8)
        page.mouse.up()
        assert abs(pin_x() - after_wheel - 100) < 3
        expect(page.get_by_role("dialog", name="Visitor details")).to_be_hidden()  # a drag is not a click
        assert not errors, errors
    finally:
        page.context.close()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 820, "height": 1180}, {"width": 768, "height": 1024}])
def test_layout_fits_desktop_and_tablet(vp_browser: Browser, viewport: dict) -> None:
    page, feed, errors = open_scripted_page(vp_browser, snapshot([entry(n) for n in range(1, 30)]), viewport=viewport)
    try:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        for locator in [page.get_by_role("searchbox", name="Filter visitors"),
                        page.get_by_role("button", name="Zoom in"),
                        page.locator(".overlay-card")]:
            expect(locator).to_be_in_viewport()
        page.get_by_role("list", name="Visitors").get_by_role("button").first.click()
        drawer = page.get_by_role("dialog", name="Visitor details")
        expect(drawer.get_by_role("button", name="Close")).to_be_in_viewport()
        assert not errors, errors
    finally:
        page.context.close()


def test_virtual_list_renders_only_what_is_visible(vp_browser: Browser) -> None:
    many = [entry(n, connectedAt=1_700_000_000_000 + n * 1000,
                  location={"countryCode": "DE", "country": "Germany", "city": f"Town {n % 50}",
                            "latitude": 50 + (n % 50) / 10, "longitude": 8 + (n % 50) / 10, "source": "timezone"})
            for n in range(1, 5001)]
    page, feed, errors = open_scripted_page(vp_browser, snapshot(many))
    try:
        items = page.get_by_role("list", name="Visitors").get_by_role("listitem")
        expect(items.first).to_contain_text("Visitor 5000")
        assert items.count() < 60
        assert items.first.get_attribute("aria-setsize") == "5000"
        page.locator("#list-scroll").evaluate("el => el.scrollTop = el.scrollHeight")
        expect(page.get_by_role("list", name="Visitors").get_by_role("button", name="Visitor 1", exact=True)).to_be_visible()
        page.get_by_role("searchbox", name="Filter visitors").fill("town 7")
        # Town 7 and Town 70… do not exist (50 towns); Town 7 holds n % 50 == 7: 100 visitors.
        expect(items.first).to_have_attribute("aria-setsize", "100")
        expect(page.get_by_role("region", name="Visitors map").get_by_role("button", name=re.compile(r"^100 visitors in Town 7"))).to_have_count(1)
        assert not errors, errors
    finally:
        page.context.close()
