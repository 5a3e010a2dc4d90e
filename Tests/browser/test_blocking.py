"""Idle and Block visitor (SPEC section 11) in a real browser against a real `foyer serve`.

Fixtures come from conftest.py; helpers from test_visitors_page.py. The Idle checks drive
the tracker socket with raw frames from a page on the visitor's site (what foyer.js sends
once it reports activity); the foyer.js check runs when the served tracker reports it.
"""

import http.server
import re
import subprocess
import threading

import pytest
from conftest import OWNER_EMAIL, OWNER_PASSWORD, FoyerServer, Site, SiteHandler, visitor_context
from playwright.sync_api import Browser, Page, expect
from test_accessibility import assert_accessible
from test_visitors_page import AgentPage, open_visitors, page_url

RAW_TRACKER = """([url, tab]) => new Promise((resolve, reject) => {
  const socket = new WebSocket(url);
  window.rawTracker = socket;
  socket.onopen = () => socket.send(JSON.stringify({t: 'hello', tab, vid: 'raw-browser-0001',
    url: location.href, title: document.title, lang: 'en', tz: 'Europe/Istanbul'}));
  socket.onmessage = (event) => resolve(event.data);
  socket.onerror = () => reject(new Error('tracker socket failed'));
})"""


def raw_tab(browser: Browser, server: FoyerServer, site: Site) -> Page:
    """A page on the visitor's site holding a tracker socket of its own, already greeted."""
    context = visitor_context(browser)
    # Only the raw socket speaks for this page: the site's own foyer.js is not loaded.
    context.route("**/foyer.js", lambda route: route.abort())
    page = context.new_page()
    page.goto(site.url + "/plain?title=Raw")
    tracker = server.url.replace("http", "ws", 1) + "/track?site=" + server.site_key()
    assert page.evaluate(RAW_TRACKER, [tracker, "raw-tab-000001"]).startswith('{"t":"ok",')
    return page


def test_idle_frames_show_idle_with_its_own_shape_and_back(agent_page: Page, server: FoyerServer, site: Site,
                                                          browser: Browser) -> None:
    agent = open_visitors(agent_page, server)
    tab = raw_tab(browser, server, site)
    row = agent.row("Visitor 1")
    expect(row.get_by_role("img", name="Online")).to_be_visible()
    tab.evaluate("window.rawTracker.send(JSON.stringify({t: 'idle'}))")
    expect(row.get_by_role("img", name="Idle")).to_be_visible()
    # Its own shape, not only its colour: a half-filled ring unlike Online's filled dot.
    dot = row.locator(".status-dot")
    assert dot.evaluate("(node) => getComputedStyle(node).backgroundImage").startswith("linear-gradient")
    expect(agent.card("Live Visitors")).to_have_text("1")
    expect(agent.pin("Visitor 1")).to_have_accessible_name(re.compile(r"^Visitor 1, Idle"))
    tab.evaluate("window.rawTracker.send(JSON.stringify({t: 'active'}))")
    expect(row.get_by_role("img", name="Online")).to_be_visible()
    assert agent.errors == []
    tab.context.close()


def test_block_from_the_drawer_then_unblock_in_settings(agent_page: Page, server: FoyerServer, site: Site,
                                                       browser: Browser) -> None:
    agent = open_visitors(agent_page, server)
    visitor = visitor_context(browser)
    first = visitor.new_page()
    first.goto(page_url(site, "index", "Welcome"))
    # The server makes the browser id on the first tab's hello: the second tab must find
    # it, or (two first tabs at once) each tab would be given its own.
    first.wait_for_function("() => localStorage.getItem('foyer.vid')", timeout=10_000)
    second = visitor.new_page()
    second.goto(page_url(site, "pricing", "Pricing"))
    expect(agent.rows()).to_have_count(2)

    agent.row("Visitor 1").get_by_role("button", name="Visitor 1", exact=True).click()
    drawer = agent.drawer()
    drawer.get_by_label("Reason for blocking (optional)").fill("Abusive <b>messages</b>")
    drawer.get_by_role("button", name="Block visitor").click()
    # Both tabs of the browser leave at once.
    expect(agent.rows()).to_have_count(0)
    expect(drawer).to_contain_text("This visitor was blocked")

    page = agent.page
    page.goto(server.url + "/settings")
    section = page.get_by_role("region", name="Blocked visitors")
    row = section.get_by_role("row").filter(has_text="Visitor 1")
    expect(row).to_contain_text("Abusive <b>messages</b>")  # text, never HTML
    expect(row).to_contain_text("owner@shop.example")
    assert_accessible(page)

    # A reload while blocked stays hidden.
    first.reload()
    page.goto(server.url + "/settings")
    row = page.get_by_role("region", name="Blocked visitors").get_by_role("row").filter(has_text="Visitor 1")
    row.get_by_role("button", name="Unblock Visitor 1").click()
    expect(page.get_by_role("region", name="Blocked visitors")).to_contain_text("No one is blocked.")

    agent = open_visitors(page, server)
    expect(agent.rows()).to_have_count(0)
    first.reload()
    expect(agent.rows()).to_have_count(1)
    assert agent.errors == []
    visitor.close()


def test_agents_see_no_block_button(browser: Browser, server: FoyerServer, site: Site) -> None:
    server.cli("user", "add", "--email", "agent@shop.example", "--role", "agent", "--account", "shop",
               password="agent password 1")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    response = context.request.post(server.url + "/api/session",
                                    data={"email": "agent@shop.example", "password": "agent password 1"})
    assert response.ok, response.text()
    agent = open_visitors(context.new_page(), server)
    visitor = visitor_context(browser)
    visitor.new_page().goto(page_url(site, "index", "Welcome"))
    agent.row("Visitor 1").get_by_role("button", name="Visitor 1", exact=True).click()
    expect(agent.drawer()).to_be_visible()
    expect(agent.drawer().get_by_role("button", name="Block visitor")).to_have_count(0)
    agent.page.goto(server.url + "/settings")
    expect(agent.page.get_by_role("region", name="Blocked visitors")).to_have_count(0)
    visitor.close()
    context.close()


@pytest.fixture
def idle_server(foyer_binary, tmp_path):
    """A Foyer whose tracker reports a tab Idle after 2 s without input."""
    usage = subprocess.run([str(foyer_binary), "serve", "--help"], capture_output=True, text=True, timeout=30)
    if "--idle-after" not in usage.stdout + usage.stderr:
        pytest.skip("this foyer has no --idle-after yet (the tracker's idle reporting lands with foyer.js)")
    instance = FoyerServer(foyer_binary, tmp_path / "data", extra_args=["--idle-after", "2"])
    instance.cli("account", "add", "shop")
    instance.cli("user", "add", "--email", OWNER_EMAIL, "--role", "owner", "--account", "shop", password=OWNER_PASSWORD)
    instance.start()
    yield instance
    instance.stop()


def test_a_hidden_tab_turns_idle_and_back_online_on_input(browser: Browser, idle_server: FoyerServer) -> None:
    handler = type("Handler", (SiteHandler,), {"foyer_url": idle_server.url, "site_key": idle_server.site_key()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    assert context.request.post(idle_server.url + "/api/session",
                                data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD}).ok
    agent = open_visitors(context.new_page(), idle_server)
    visitor = visitor_context(browser)
    tab = visitor.new_page()
    tab.goto(f"http://127.0.0.1:{httpd.server_address[1]}/index?title=Shop")
    row = agent.row("Visitor 1")
    expect(row.get_by_role("img", name="Online")).to_be_visible()
    # Hide the tab the way a browser does when another tab comes to the front.
    tab.evaluate("""() => {
      Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
      Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
      document.dispatchEvent(new Event('visibilitychange'));
    }""")
    expect(row.get_by_role("img", name="Idle")).to_be_visible(timeout=6000)
    tab.evaluate("""() => {
      Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'visible'});
      Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});
      document.dispatchEvent(new Event('visibilitychange'));
    }""")
    tab.mouse.move(10, 10)
    tab.keyboard.press("Shift")
    expect(row.get_by_role("img", name="Online")).to_be_visible()
    visitor.close()
    context.close()
    httpd.shutdown()
