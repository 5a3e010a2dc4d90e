"""Settings → Triggers, the notice switches and the Visitors page title, in a real browser.

Run:  python3 -m pytest Tests/browser/test_triggers.py -q
"""
from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from conftest import FoyerServer, Site, visitor_context
from test_accessibility import assert_accessible

LIVE_MS = 5000


def sign_in(browser: Browser, server: FoyerServer, email: str, password: str) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    response = context.request.post(server.url + "/api/session", data={"email": email, "password": password})
    assert response.ok, response.text()
    return context.new_page()


def add_trigger(page: Page, name: str, message: str, url: str = "", seconds: str = "") -> None:
    page.get_by_label("Trigger name").fill(name)
    page.get_by_label("Message", exact=True).fill(message)
    page.get_by_label("Page URL contains").fill(url)
    page.get_by_label("Seconds on page").fill(seconds)
    page.get_by_role("button", name="Save trigger").click()
    expect(page.get_by_role("status").filter(has_text=f"Saved: {name}.")).to_be_visible()


def test_owner_creates_edits_reorders_and_deletes_triggers(agent_page: Page, server: FoyerServer) -> None:
    page = agent_page
    page.goto(f"{server.url}/settings")
    expect(page.get_by_role("heading", name="Triggers")).to_be_visible()
    add_trigger(page, "Pricing", "Questions about our plans?", "/pricing", "5")
    add_trigger(page, "Everyone", "Hello there")
    items = page.locator("#trigger-list > li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("page URL contains “/pricing” · 5 s on page")
    expect(items.nth(0)).to_contain_text("Shown 0 · Accepted 0 · Dismissed 0")

    page.get_by_role("button", name="Move up Everyone").click()
    expect(items.nth(0)).to_contain_text("Everyone")
    expect(page.get_by_role("button", name="Move up Everyone")).to_be_disabled()

    page.get_by_role("switch", name="Enabled: Pricing").click()
    expect(items.nth(1)).to_contain_text("(disabled)")

    page.get_by_role("button", name="Edit Pricing").click()
    expect(page.get_by_label("Page URL contains")).to_have_value("/pricing")
    page.get_by_label("Message", exact=True).fill("Need help choosing a plan?")
    page.get_by_role("button", name="Save trigger").click()
    expect(items.nth(1)).to_contain_text("Need help choosing a plan?")

    # A value the server refuses says why and changes nothing.
    page.get_by_label("Trigger name").fill("Bad")
    page.get_by_label("Message", exact=True).fill("x")
    page.get_by_label("Countries").fill("Germany")
    page.get_by_role("button", name="Save trigger").click()
    expect(page.get_by_role("status").filter(has_text="not a two-letter country code")).to_be_visible()
    expect(items).to_have_count(2)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete Everyone").click()
    expect(items).to_have_count(1)
    expect(items.nth(0)).to_contain_text("Pricing")
    assert_accessible(page)


def test_agent_cannot_edit_triggers(browser: Browser, agent_page: Page, server: FoyerServer) -> None:
    agent_page.goto(f"{server.url}/settings")
    add_trigger(agent_page, "Pricing", "Questions about our plans?", "/pricing", "5")
    server.cli("user", "add", "--email", "agent@shop.example", "--role", "agent", "--account", "shop", password="agent-password")
    page = sign_in(browser, server, "agent@shop.example", "agent-password")
    try:
        page.goto(f"{server.url}/settings")
        expect(page.locator("#trigger-list > li")).to_have_count(1)
        expect(page.locator("#trigger-list")).to_contain_text("Questions about our plans?")
        expect(page.get_by_role("button", name="Save trigger")).to_be_hidden()
        expect(page.get_by_role("button", name=re.compile("^(Delete|Move up|Move down|Edit) "))).to_have_count(0)
        # The server refuses even if the page is bypassed.
        for method, path in [("post", "/api/triggers"), ("put", "/api/triggers/order")]:
            response = getattr(page.request, method)(
                server.url + path, data={"name": "X", "message": "Y", "ids": []}, headers={"Content-Type": "application/json"})
            assert response.status == 403, (method, path, response.status)
            assert "error" in response.json()
        assert_accessible(page)
    finally:
        page.context.close()


RECORD_NOTIFICATIONS = """
window.__notifications = [];
window.Notification = class {
  constructor(title, options) { window.__notifications.push({ title, body: (options || {}).body || '' }); }
  static get permission() { return 'granted'; }
  static requestPermission() { return Promise.resolve('granted'); }
};
"""


def test_title_counts_visitors_and_a_new_visitor_notifies(browser: Browser, agent_page: Page, server: FoyerServer, site: Site) -> None:
    page = agent_page
    # The page API stubbed: permission granted, every notification recorded.
    page.add_init_script(RECORD_NOTIFICATIONS)
    page.goto(f"{server.url}/settings")
    page.get_by_role("switch", name="Desktop notifications").click()
    expect(page.get_by_role("switch", name="Desktop notifications")).to_have_attribute("aria-checked", "true")
    page.get_by_role("switch", name="Sound").click()
    expect(page.get_by_role("switch", name="Sound")).to_have_attribute("aria-checked", "true")

    page.goto(f"{server.url}/visitors")
    expect(page).to_have_title("(0) Visitors · Foyer")
    visitor = visitor_context(browser)
    try:
        tab = visitor.new_page()
        tab.goto(f"{site.url}/pricing?title=Pricing")
        expect(page).to_have_title("(1) Visitors · Foyer", timeout=LIVE_MS)
        page.wait_for_function("window.__notifications.length >= 1", timeout=LIVE_MS)
        calls = page.evaluate("window.__notifications")
        assert calls == [{"title": "Visitor 1 arrived", "body": f"{site.url}/pricing"}], calls
        # A navigation of the same tab is not an arrival.
        tab.goto(f"{site.url}/next?title=Next")
        expect(page.get_by_role("list", name="Visitors")).to_contain_text("Next", timeout=LIVE_MS)
        assert page.evaluate("window.__notifications.length") == 1
        tab.close()
    finally:
        visitor.close()


def test_notifications_stay_off_unless_switched_on(agent_page: Page, server: FoyerServer, site: Site, browser: Browser) -> None:
    page = agent_page
    page.add_init_script(RECORD_NOTIFICATIONS)
    page.goto(f"{server.url}/visitors")
    visitor = visitor_context(browser)
    try:
        visitor.new_page().goto(f"{site.url}/?title=Home")
        expect(page).to_have_title("(1) Visitors · Foyer", timeout=LIVE_MS)
        assert page.evaluate("window.__notifications") == []
    finally:
        visitor.close()


def test_pricing_trigger_invites_the_visitor_on_pricing_after_five_seconds_not_on_home(
        browser: Browser, agent_page: Page, server: FoyerServer, site: Site, feed) -> None:
    agent_page.goto(f"{server.url}/settings")
    add_trigger(agent_page, "Pricing", "Questions about our plans?", "/pricing", "5")
    home_context = visitor_context(browser)
    pricing_context = visitor_context(browser)
    try:
        home_context.new_page().goto(f"{site.url}/?title=Home")
        pricing_context.new_page().goto(f"{site.url}/pricing?title=Pricing")
        feed.wait_for(lambda f: f.by_url("/pricing") and f.by_url("/"), what="both visitors")
        pricing = feed.by_url("/pricing")[0]
        # The feed (the dashboard open) sees the entry's invitation, sent by the trigger
        # 5 s after the page began (the server's tick runs once a second).
        invited = feed.wait_for(
            lambda f: (f.entries.get(pricing["id"]) or {}).get("invitation"), timeout=9.0, what="the trigger's invitation")
        assert invited["trigger"] and invited["message"] == "Questions about our plans?" and invited["agent"] == "Team"
        assert invited["sentAt"] - pricing["pageSince"] >= 5000, invited
        home = feed.by_url("/")[0]
        assert home.get("invitation") is None, "the visitor on / is never invited"
    finally:
        home_context.close()
        pricing_context.close()
