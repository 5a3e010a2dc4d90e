"""Who is there (issue 18) in a real browser: the script API's identity in the row and
the drawer (verified or not, said in words), Device, Visits, Campaign and the journey,
and the Remember returning visitors switch.

The page-level tests need foyer.js's command queue (`window.foyer`, sent as `api`
frames); they skip while the served tracker has none. The dashboard tests drive the
tracker socket with raw frames, as foyer.js sends them."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import re
import threading
import urllib.request

import pytest
from conftest import FoyerServer, visitor_context
from playwright.sync_api import Page, expect

LIVE_MS = 5_000
ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.6778.135 Mobile Safari/537.36")


def settings(server: FoyerServer) -> dict:
    request = urllib.request.Request(server.url + "/api/settings", headers={"Cookie": server.session_cookie()})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def put_remember(server: FoyerServer, enabled: bool) -> None:
    request = urllib.request.Request(
        server.url + "/api/settings/remember", method="PUT", data=json.dumps({"enabled": enabled}).encode(),
        headers={"Cookie": server.session_cookie(), "Content-Type": "application/json", "Origin": server.url})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read())["rememberVisitors"] is enabled


def sign(secret: str, visitor_id: str) -> str:
    """What a customer's server does (README): HMAC-SHA256 of the id, hex."""
    return hmac.new(secret.encode(), visitor_id.encode(), hashlib.sha256).hexdigest()


def dashboard(page: Page, server: FoyerServer) -> Page:
    page.goto(server.url + "/visitors")
    expect(page.get_by_role("list", name="Visitors")).to_be_attached()
    return page


def row(page: Page, name: str):
    return page.get_by_role("list", name="Visitors").get_by_role("listitem").filter(
        has=page.get_by_role("button", name=name, exact=True))


def detail(page: Page, label: str):
    drawer = page.get_by_role("dialog", name="Visitor details")
    return drawer.locator("dt", has_text=re.compile(f"^{re.escape(label)}$")).locator("xpath=following-sibling::dd[1]")


def has_script_api(server: FoyerServer) -> bool:
    with urllib.request.urlopen(server.url + "/foyer.js", timeout=5) as response:
        return b"api" in response.read()


@pytest.fixture
def identity_site(server: FoyerServer):
    """A website whose pages call foyer('identify', …) BEFORE foyer.js loads, with the
    hash given in the query (`?id=…&hash=…`; the page's own URL keeps it server-side)."""
    site_key = server.site_key()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            from urllib.parse import parse_qs, urlparse
            query = parse_qs(urlparse(self.path).query)
            if self.path.startswith("/favicon"):
                self.send_response(404)
                self.end_headers()
                return
            identity = {"id": query.get("id", ["cust-42"])[0], "name": "Ada Lovelace", "email": "ada@example.com",
                        "hash": query.get("hash", [""])[0]}
            # `?sets=N`: N attributes set one call each, as a site looping over them would.
            sets = int(query.get("sets", ["0"])[0])
            set_calls = "\n".join(f"foyer('set', {{\"attr-{n}\": {n}}});" for n in range(sets)) if sets else \
                "foyer('set', {\"plan\": \"gold\", \"seats\": 3});"
            body = f"""<!doctype html><html><head><meta charset="utf-8"><title>Account</title>
<script>
window.foyer = window.foyer || function(){{(foyer.q=foyer.q||[]).push(arguments)}};
foyer('identify', {json.dumps(identity)});
{set_calls}
foyer('track', 'viewed-account');
</script>
<script async src="{server.url}/foyer.js" data-site="{site_key}"></script></head><body><h1>Account</h1></body></html>"""
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_identify_before_the_script_loads_shows_a_verified_name(browser, server, identity_site, agent_page):
    if not has_script_api(server):
        pytest.skip("the served foyer.js has no command queue yet (H1)")
    secret = settings(server)["identitySecret"]
    page = dashboard(agent_page, server)
    visitor = visitor_context(browser).new_page()
    visitor.goto(f"{identity_site}/account?id=cust-42&hash={sign(secret, 'cust-42')}")
    expect(row(page, "Visitor 1")).to_contain_text("Ada Lovelace", timeout=LIVE_MS)
    row(page, "Visitor 1").get_by_role("button", name="Visitor 1", exact=True).click()
    expect(detail(page, "Name")).to_have_text("Ada Lovelace", timeout=LIVE_MS)
    expect(detail(page, "Email")).to_have_text("ada@example.com")
    expect(detail(page, "User ID")).to_have_text("cust-42 (verified)")
    expect(detail(page, "plan")).to_have_text("gold")
    expect(detail(page, "seats")).to_have_text("3")
    expect(page.get_by_role("dialog", name="Visitor details")).to_contain_text("Event: viewed-account")
    visitor.context.close()


def test_thirty_queued_set_calls_all_arrive(browser, server, identity_site, agent_page):
    """The site's calls queued before foyer.js loaded go at once after `ok`: 30 `set`
    calls (one per attribute), `identify` and `track` must all arrive, none lost to the
    socket's rate limit."""
    page = dashboard(agent_page, server)
    visitor = visitor_context(browser).new_page()
    visitor.goto(f"{identity_site}/account?sets=30")
    row(page, "Visitor 1").get_by_role("button", name="Visitor 1", exact=True).click()
    expect(detail(page, "attr-29")).to_have_text("29", timeout=LIVE_MS)
    expect(detail(page, "attr-0")).to_have_text("0")
    expect(page.get_by_role("dialog", name="Visitor details")).to_contain_text("Event: viewed-account")
    visitor.context.close()


def test_a_wrong_hash_shows_unverified(browser, server, identity_site, agent_page):
    if not has_script_api(server):
        pytest.skip("the served foyer.js has no command queue yet (H1)")
    secret = settings(server)["identitySecret"]
    page = dashboard(agent_page, server)
    visitor = visitor_context(browser).new_page()
    visitor.goto(f"{identity_site}/account?id=cust-42&hash={sign(secret, 'cust-43')}")
    row(page, "Visitor 1").get_by_role("button", name="Visitor 1", exact=True).click()
    expect(detail(page, "User ID")).to_have_text("cust-42 (unverified)", timeout=LIVE_MS)
    expect(detail(page, "Email")).to_have_text("ada@example.com")
    visitor.context.close()


def test_remember_off_keeps_nothing_in_local_storage(browser, server, site, agent_page):
    if not has_script_api(server):
        pytest.skip("the served foyer.js does not read r yet (H1)")
    put_remember(server, False)
    page = dashboard(agent_page, server)
    visitor = visitor_context(browser).new_page()
    visitor.goto(site.url + "/index")
    expect(row(page, "Visitor 1")).to_be_visible(timeout=LIVE_MS)
    row(page, "Visitor 1").get_by_role("button", name="Visitor 1", exact=True).click()
    expect(detail(page, "Device")).to_be_visible(timeout=LIVE_MS)
    expect(page.get_by_role("dialog", name="Visitor details").locator("dt", has_text=re.compile("^Visits$"))).to_have_count(0)
    assert visitor.evaluate("localStorage.getItem('foyer.vid')") is None
    visitor.context.close()


def test_raw_frames_show_name_device_campaign_and_journey(server, site, agent_page):
    """The dashboard side over raw tracker frames: the name beside `Visitor N`, the
    drawer's rows, utm parameters shown and every other parameter never; the filter
    finds the visitor by name, email and attribute value."""
    from websockets.sync.client import connect

    secret = settings(server)["identitySecret"]
    page = dashboard(agent_page, server)
    track = server.url.replace("http", "ws", 1) + f"/track?site={server.site_key()}"
    with connect(track, origin=site.url, user_agent_header=ANDROID_CHROME) as tab:  # type: ignore[arg-type]
        tab.send(json.dumps({"t": "hello", "tab": "identity-tab-0001", "vid": "identity-vid-0001",
                             "url": f"{site.url}/landing?utm_source=newsletter&utm_medium=email&token=secret",
                             "title": "Landing", "ref": "", "lang": "en-GB", "tz": "Europe/London"}))
        assert {k: v for k, v in json.loads(tab.recv(timeout=5)).items() if k != "idle"} == {"t": "ok", "r": 1}
        tab.send(json.dumps({"t": "api", "c": "identify", "a": {
            "id": "cust-7", "name": "Grace <b>Hopper</b>", "email": "grace@example.com", "hash": sign(secret, "cust-7")}}))
        tab.send(json.dumps({"t": "api", "c": "set", "a": {"plan": "enterprise"}}))
        tab.send(json.dumps({"t": "api", "c": "track", "a": "opened-pricing"}))
        tab.send(json.dumps({"t": "page", "url": f"{site.url}/pricing?token=secret", "title": "Pricing"}))

        expect(row(page, "Visitor 1")).to_contain_text("Grace <b>Hopper</b>", timeout=LIVE_MS)
        row(page, "Visitor 1").get_by_role("button", name="Visitor 1", exact=True).click()
        expect(detail(page, "Name")).to_have_text("Grace <b>Hopper</b>", timeout=LIVE_MS)
        assert page.get_by_role("dialog", name="Visitor details").locator("b").count() == 0, "visitor text is never HTML"
        expect(detail(page, "Email")).to_have_text("grace@example.com")
        expect(detail(page, "User ID")).to_have_text("cust-7 (verified)")
        expect(detail(page, "plan")).to_have_text("enterprise")
        expect(detail(page, "Device")).to_have_text("Mobile · Chrome 131 · Android 10")
        expect(detail(page, "Visits")).to_have_text("1")
        expect(detail(page, "Campaign")).to_have_text("source: newsletter · medium: email")
        drawer = page.get_by_role("dialog", name="Visitor details")
        expect(drawer).to_contain_text("Event: opened-pricing", timeout=LIVE_MS)
        expect(drawer).to_contain_text("Pricing", timeout=LIVE_MS)
        assert "secret" not in page.content(), "no other query parameter is ever shown"

        search = page.get_by_role("searchbox", name="Filter visitors")
        for query, found in (("grace@example", 1), ("enterprise", 1), ("Hopper", 1), ("nobody-here", 0)):
            search.fill(query)
            expect(page.get_by_role("list", name="Visitors").get_by_role("listitem")).to_have_count(found, timeout=LIVE_MS)


def test_identity_secret_and_remember_switch_in_settings(browser, server, agent_page):
    """Owners see the Identity secret (copy, Rotate with confirm) and the Remember
    returning visitors switch; agents see the switch disabled and no secret at all."""
    page = agent_page
    page.goto(server.url + "/settings")
    secret = page.get_by_label("Identity secret")
    expect(secret).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    before = secret.text_content()
    assert before == settings(server)["identitySecret"]
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Rotate", exact=True).click()
    expect(page.get_by_text("New identity secret saved.")).to_be_visible()
    expect(secret).not_to_have_text(before or "")
    switch = page.get_by_role("switch", name="Remember returning visitors")
    expect(switch).to_have_attribute("aria-checked", "true")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "false")
    assert settings(server)["rememberVisitors"] is False

    server.cli("user", "add", "--email", "agent@shop.example", "--role", "agent", "--account", "shop", password="agent-password")
    context = browser.new_context()
    response = context.request.post(server.url + "/api/session", data={"email": "agent@shop.example", "password": "agent-password"})
    assert response.ok, response.text()
    agent = context.new_page()
    agent.goto(server.url + "/settings")
    expect(agent.get_by_role("switch", name="Remember returning visitors")).to_be_disabled()
    expect(agent.get_by_text("Identity secret")).to_be_hidden()
    got = agent.request.get(server.url + "/api/settings").json()
    assert "identitySecret" not in got
    assert agent.request.post(server.url + "/api/settings/identity-secret", data={},
                              headers={"Content-Type": "application/json"}).status == 403
    context.close()
