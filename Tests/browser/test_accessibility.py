"""axe-core (bundled by axe-playwright-python) on every page, with real content in it.

Each test loads one page of a real `foyer serve`, waits until the page shows its data,
runs axe and fails on any violation of impact serious or critical, printing every
violation axe found (of any impact) so the failure says what to fix.

Run:  python3 -m pytest Tests/browser/test_accessibility.py -q
"""
from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from conftest import FoyerServer, Site, visitor_context
from playwright.sync_api import Browser, Page, expect

BLOCKING = {"serious", "critical"}
LIVE_MS = 5000


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    # Colours are judged mid-transition otherwise (the drawer slides and fades in).
    # (evaluate, not wait_for_function: the page's CSP forbids the eval that one uses.)
    page.evaluate("""Promise.all(document.getAnimations()
        .filter((animation) => animation.effect?.getTiming().iterations !== Infinity)
        .map((animation) => animation.finished.catch(() => null)))""")
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    if violations:
        print(describe(violations))
    assert not blocking, f"{len(blocking)} serious or critical axe violation(s):\n{describe(violations)}"


def start_chat(browser: Browser, site: Site, text: str = "Hello, is anyone there?"):
    """A visitor on the test site who opened the widget and wrote; returns its context."""
    context = visitor_context(browser)
    page = context.new_page()
    page.goto(f"{site.url}/pricing?title=Pricing")
    page.get_by_role("button", name="Chat with us").click()
    page.get_by_role("textbox", name="Type your message").fill(text)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("log", name="Conversation").get_by_role("listitem").filter(has_text=text)).to_be_visible()
    return context


def test_sign_in_page(browser: Browser, server: FoyerServer) -> None:
    page = browser.new_page()
    page.goto(f"{server.url}/signin")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    # The error line is part of the page too: show it.
    page.get_by_label("Email").fill("nobody@shop.example")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.close()


def test_setup_page(browser: Browser, server: FoyerServer) -> None:
    page = browser.new_page()
    page.goto(f"{server.url}/setup/not-a-real-token")
    expect(page.get_by_role("button", name="Create owner")).to_be_visible()
    assert_accessible(page)
    page.close()


def test_visitors_page(agent_page: Page, server: FoyerServer, site: Site, browser: Browser) -> None:
    context = start_chat(browser, site)
    try:
        agent_page.goto(f"{server.url}/visitors")
        expect(agent_page.locator("body")).to_have_attribute("data-feed", "live")
        visitors = agent_page.get_by_role("list", name="Visitors")
        expect(visitors.get_by_role("listitem")).to_have_count(1, timeout=LIVE_MS)
        expect(agent_page.get_by_role("link", name=re.compile(r"^Chats\s*1 unread$"))).to_be_visible(timeout=LIVE_MS)
        # With the details drawer open.
        visitors.get_by_role("listitem").first.get_by_role("button").first.click()
        expect(agent_page.get_by_role("complementary", name="Visitor details").or_(
            agent_page.get_by_role("dialog", name="Visitor details")).or_(
            agent_page.get_by_role("region", name="Visitor details"))).to_be_visible()
        assert_accessible(agent_page)
    finally:
        context.close()


def test_chats_page(agent_page: Page, server: FoyerServer, site: Site, browser: Browser) -> None:
    context = start_chat(browser, site)
    try:
        agent_page.goto(f"{server.url}/chats")
        chat = agent_page.get_by_role("list", name="Active chats").get_by_role("link").first
        expect(chat).to_be_visible(timeout=LIVE_MS)
        chat.click()
        expect(agent_page.get_by_role("log", name="Messages").get_by_role("listitem")).to_have_count(1, timeout=LIVE_MS)
        agent_page.get_by_role("textbox", name="Reply").fill("Yes, how can I help?")
        agent_page.get_by_role("button", name="Send", exact=True).click()
        expect(agent_page.get_by_role("log", name="Messages").get_by_role("listitem")).to_have_count(2, timeout=LIVE_MS)
        expect(agent_page.get_by_role("button", name="Send", exact=True)).to_be_enabled()
        assert_accessible(agent_page)
    finally:
        context.close()


def test_settings_page(agent_page: Page, server: FoyerServer) -> None:
    agent_page.goto(f"{server.url}/settings")
    expect(agent_page.get_by_role("switch", name="Visitor Tracking")).to_have_attribute("aria-checked", "true")
    expect(agent_page.get_by_role("row").filter(has_text="(you)")).to_be_visible()
    assert_accessible(agent_page)
