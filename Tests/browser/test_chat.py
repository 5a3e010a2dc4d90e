"""Chat in real browsers: the site widget (widget.js, loaded by foyer.js) on the visitor
test site, and the agents' chat view (/chats) with the Visitors page and the nav alerts.

Run:  python3 -m pytest Tests/browser/test_chat.py -q
"""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

import pytest
from conftest import ROOT, FeedWatcher, FoyerServer, Site, visitor_context
from playwright.sync_api import Browser, BrowserContext, Page, expect

LIVE_MS = 2000
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "<script>window.pwned = 1</script>"


WIDGET_SOURCE = ROOT / "Sources" / "FoyerServer" / "Public" / "widget.js"


def without_comments_and_spaces(source: str) -> str:
    """The script's characters minus comments and every whitespace character: equal for
    the source and the served script when the server only dropped comments and spaces.
    (widget.js keeps its comments on lines of their own or in /** */ blocks.)"""
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    lines = (line.lstrip(" \t") for line in source.split("\n"))
    return re.sub(r"\s", "", "".join(line for line in lines if not line.startswith("//")))


def watch(page: Page) -> list[str]:
    """Collects what must never happen: script errors, CSP violations, dialogs (alert)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    return errors


class Widget:
    """The chat widget on a visitor's page, found by its accessible names."""

    def __init__(self, page: Page):
        self.page = page
        self.errors = watch(page)

    @property
    def launcher(self):
        return self.page.get_by_role("button", name="Chat with us")

    @property
    def panel(self):
        return self.page.get_by_role("dialog", name="Chat")

    @property
    def field(self):
        return self.page.get_by_role("textbox", name="Type your message")

    @property
    def log(self):
        return self.page.get_by_role("log", name="Conversation")

    def open(self) -> None:
        self.launcher.click()
        expect(self.field).to_be_visible()

    def say(self, text: str) -> None:
        self.field.fill(text)
        self.page.get_by_role("button", name="Send", exact=True).click()

    def message(self, text: str):
        return self.log.get_by_role("listitem").filter(has_text=text)


class Chats:
    """The agents' chat view."""

    def __init__(self, page: Page):
        self.page = page

    @property
    def list(self):
        return self.page.get_by_role("list", name="Active chats")

    def chat(self, name: str):
        return self.list.get_by_role("link", name=re.compile("^" + re.escape(name) + r"\b"))

    @property
    def log(self):
        return self.page.get_by_role("log", name="Messages")

    def message(self, text: str):
        return self.log.get_by_role("listitem").filter(has_text=text)

    def reply(self, text: str) -> None:
        self.page.get_by_role("textbox", name="Reply").fill(text)
        self.page.get_by_role("button", name="Send", exact=True).click()


@pytest.fixture()
def visitor(browser: Browser, server: FoyerServer, site: Site) -> Iterator[Callable[..., Widget]]:
    """Opens a visitor tab on the test site, each in its own browser unless given one."""
    contexts: list[BrowserContext] = []

    def open_tab(path: str = "index", context: BrowserContext | None = None) -> Widget:
        if context is None:
            context = visitor_context(browser)
            contexts.append(context)
        page = context.new_page()
        widget = Widget(page)
        page.goto(f"{site.url}/{path}?title=Pricing")
        return widget

    yield open_tab
    for context in contexts:
        context.close()


def test_widget_script_is_served(server: FoyerServer) -> None:
    """foyer.js loads the widget from /widget.js on the Foyer origin, minified."""
    with urllib.request.urlopen(f"{server.url}/widget.js") as response:
        assert response.headers["Content-Type"].startswith("text/javascript")
        body = response.read().decode()
    source = WIDGET_SOURCE.read_text()
    assert without_comments_and_spaces(body) == without_comments_and_spaces(source)
    assert len(body) < len(source) * 0.7 and "/**" not in body
    assert "Type your message" in body


def visitors_page(page: Page, server: FoyerServer) -> list[str]:
    errors = watch(page)
    page.goto(f"{server.url}/visitors")
    expect(page.locator("body")).to_have_attribute("data-feed", "live")
    return errors


def visitor_row(page: Page, name: str):
    return page.get_by_role("list", name="Visitors").get_by_role("listitem").filter(
        has=page.get_by_role("button", name=name, exact=True))


def active_chat(feed: FeedWatcher) -> str:
    """The id of the only chat an agent sees, once the visitor's entry is Chatting."""
    entry = feed.wait_for(lambda f: next((e for e in f.entries.values() if e["status"] == "chatting"), None),
                          what="a chatting entry")
    return entry["chatId"]


def test_visitor_and_agent_chat_across_pages_then_archive(
        agent_page: Page, server: FoyerServer, feed: FeedWatcher, visitor) -> None:
    dashboard = agent_page.context.new_page()
    dashboard_errors = visitors_page(dashboard, server)

    widget = visitor()
    expect(visitor_row(dashboard, "Visitor 1")).to_be_visible()
    # The widget loads only when the launcher is used.
    assert widget.page.evaluate("!window.FoyerChat.panel")
    widget.open()
    expect(widget.field).to_be_focused()
    expect(widget.field).to_have_attribute("maxlength", "4000")
    widget.say("Hello, is shipping free?")
    expect(widget.message("Hello, is shipping free?")).to_be_visible()
    expect(widget.field).to_have_value("")
    # Stored and seen by an open dashboard: delivered.
    expect(widget.message("Hello, is shipping free?").get_by_role("img", name="Delivered")).to_be_visible(timeout=LIVE_MS)

    # Every dashboard shows the visitor Chatting at once.
    expect(visitor_row(dashboard, "Visitor 1").get_by_role("img", name="Chatting")).to_be_visible(timeout=LIVE_MS)
    chat_id = active_chat(feed)

    # The chats page lists the chat; choosing it shows the conversation and moves the URL.
    agent_errors = watch(agent_page)
    agent_page.goto(f"{server.url}/chats")
    chats = Chats(agent_page)
    row = chats.chat("Visitor 1")
    expect(row).to_contain_text("Hello, is shipping free?")
    expect(row).to_contain_text("Waiting")
    expect(row).to_contain_text("Istanbul")
    expect(row).to_have_accessible_name(re.compile(r"\b1 unread\b"))
    row.click()
    expect(agent_page).to_have_url(f"{server.url}/chats/{chat_id}")
    expect(chats.message("Hello, is shipping free?")).to_be_visible()
    expect(agent_page.get_by_role("heading", name="Visitor 1")).to_be_visible()
    # Shown to the agent: the visitor's message turns Read in the widget.
    expect(widget.message("Hello, is shipping free?").get_by_role("img", name="Read")).to_be_visible(timeout=LIVE_MS)
    expect(row).not_to_have_accessible_name(re.compile("unread"))

    chats.reply("Yes, on orders over 50 euros.")
    expect(chats.message("Yes, on orders over 50 euros.")).to_be_visible()
    expect(agent_page.get_by_role("textbox", name="Reply")).to_have_value("")
    expect(widget.message("Yes, on orders over 50 euros.")).to_be_visible(timeout=LIVE_MS)
    expect(widget.message("Yes, on orders over 50 euros.")).to_contain_text("Agent")
    # The panel is open and visible: the agent sees the reply Read.
    expect(chats.message("Yes, on orders over 50 euros.").get_by_role("img", name="Read")).to_be_visible(timeout=LIVE_MS)
    expect(row).not_to_contain_text("Waiting")

    # The conversation survives navigation in the same tab.
    widget.page.locator("#next").click()
    expect(widget.page).to_have_url(re.compile(r"/next"))
    expect(widget.message("Hello, is shipping free?")).to_be_visible()
    expect(widget.message("Yes, on orders over 50 euros.")).to_be_visible()
    expect(widget.field).to_be_visible()
    widget.say("Great, thanks!")
    expect(chats.message("Great, thanks!")).to_be_visible(timeout=LIVE_MS)
    expect(visitor_row(dashboard, "Visitor 1")).to_have_count(1)
    expect(row).to_contain_text("Next page")

    # Open Chat in the Visitors page drawer opens that conversation.
    visitor_row(dashboard, "Visitor 1").get_by_role("button", name="Visitor 1", exact=True).click()
    dashboard.get_by_role("dialog", name="Visitor details").get_by_role("button", name="Open Chat").click()
    expect(dashboard).to_have_url(f"{server.url}/chats/{chat_id}")
    expect(Chats(dashboard).message("Great, thanks!")).to_be_visible()
    expect(Chats(dashboard).chat("Visitor 1")).to_have_attribute("aria-current", "page")

    # Archive: the chat leaves the list, the entry leaves the map, the visitor is told.
    dashboard_errors += visitors_page(dashboard, server)
    expect(visitor_row(dashboard, "Visitor 1")).to_be_visible()
    agent_page.get_by_role("button", name="Archive").click()
    expect(chats.chat("Visitor 1")).to_have_count(0, timeout=LIVE_MS)
    expect(agent_page).to_have_url(f"{server.url}/chats")
    expect(visitor_row(dashboard, "Visitor 1")).to_have_count(0, timeout=LIVE_MS)
    expect(dashboard.get_by_role("region", name="Visitors map").get_by_role(
        "button", name=re.compile(r"^Visitor 1\b"))).to_have_count(0)
    expect(widget.log).to_contain_text("This chat has ended", timeout=LIVE_MS)

    # The freed number goes to the next new visitor.
    newcomer = visitor()
    expect(visitor_row(dashboard, "Visitor 1")).to_be_visible(timeout=LIVE_MS)
    expect(newcomer.launcher).to_be_visible()

    # The first visitor writes again: a fresh chat, and the agent sees it.
    widget.say("One more question")
    expect(widget.log).not_to_contain_text("Hello, is shipping free?")
    expect(widget.message("One more question")).to_be_visible()
    expect(chats.chat("Visitor 2")).to_contain_text("One more question", timeout=LIVE_MS)

    assert not widget.errors, widget.errors
    assert not agent_errors, agent_errors
    assert not dashboard_errors, dashboard_errors


def test_html_in_messages_stays_text_on_both_sides(agent_page: Page, server: FoyerServer, feed: FeedWatcher,
                                                   visitor) -> None:
    widget = visitor()
    widget.open()
    widget.say(XSS_IMG)
    expect(widget.message(XSS_IMG)).to_be_visible()
    widget.say(XSS_SCRIPT)
    expect(widget.message(XSS_SCRIPT)).to_be_visible()
    chat_id = active_chat(feed)

    agent_errors = watch(agent_page)
    agent_page.goto(f"{server.url}/chats/{chat_id}")
    chats = Chats(agent_page)
    expect(chats.message(XSS_IMG).locator(".bubble")).to_have_text(XSS_IMG)
    expect(chats.message(XSS_SCRIPT).locator(".bubble")).to_have_text(XSS_SCRIPT)
    expect(chats.chat("Visitor 1")).to_contain_text(XSS_SCRIPT)
    chats.reply("<b>bold</b> & <i onmouseover=alert(2)>x</i>")
    expect(widget.message("<b>bold</b> & <i onmouseover=alert(2)>x</i>")).to_be_visible(timeout=LIVE_MS)

    for page in (widget.page, agent_page):
        assert page.locator("img[src=x]").count() == 0
        assert page.evaluate("window.pwned") is None
    assert widget.page.evaluate(
        "document.querySelector('body > div:last-of-type').shadowRoot.querySelectorAll('img, script, b, i').length") == 0
    assert not widget.errors, widget.errors
    assert not agent_errors, agent_errors


def test_too_long_and_too_fast_are_refused_with_a_reason(agent_page: Page, server: FoyerServer,
                                                         feed: FeedWatcher, visitor) -> None:
    widget = visitor()
    widget.open()
    # The field stops at 4,000 characters; a longer text set by a script is refused.
    widget.field.fill("a" * 4001)
    assert len(widget.field.input_value()) <= 4000
    widget.field.evaluate("(field, text) => { field.value = text; }", "b" * 4001)
    widget.page.get_by_role("button", name="Send", exact=True).click()
    alert = widget.panel.get_by_role("alert")
    expect(alert).to_contain_text("too long")
    expect(alert).to_contain_text("4,000")
    expect(widget.log.get_by_role("listitem")).to_have_count(0)
    assert not any(e["status"] == "chatting" for e in feed.entries.values())

    # Empty: nothing is sent.
    widget.field.fill("   ")
    widget.field.press("Enter")
    expect(alert).to_contain_text("Type a message first")

    # More than one message a second (burst 5): the server refuses, the widget says so
    # and gives the text back.
    widget.field.fill("")
    for n in range(8):
        widget.field.fill(f"message {n}")
        widget.field.press("Enter")
    expect(alert).to_contain_text("too fast", timeout=LIVE_MS)
    expect(widget.field).to_have_value(re.compile(r"^message \d$"))
    chat_id = active_chat(feed)

    # Shift+Enter is a new line, not a send.
    widget.field.fill("")
    widget.field.type("line one")
    widget.field.press("Shift+Enter")
    widget.field.type("line two")
    expect(widget.field).to_have_value("line one\nline two")

    # The agent's side refuses an over-long reply too, with the reason shown.
    agent_page.goto(f"{server.url}/chats/{chat_id}")
    reply = agent_page.get_by_role("textbox", name="Reply")
    expect(reply).to_have_attribute("maxlength", "4000")
    reply.evaluate("(field, text) => { field.value = text; }", "c" * 4001)
    agent_page.get_by_role("button", name="Send", exact=True).click()
    expect(agent_page.get_by_role("alert")).to_contain_text("4000 characters")
    expect(Chats(agent_page).log.get_by_role("listitem").filter(has_text="ccc")).to_have_count(0)
    assert not widget.errors, widget.errors


def test_keyboard_escape_closes_and_launcher_toggles(visitor) -> None:
    widget = visitor()
    widget.open()
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")
    widget.field.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_be_focused()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    widget.launcher.press("Enter")
    expect(widget.panel).to_be_visible()
    expect(widget.field).to_be_focused()
    widget.panel.get_by_role("button", name="Close chat").click()
    expect(widget.panel).to_be_hidden()
    # Closed stays closed across a navigation in the same tab.
    widget.page.locator("#next").click()
    expect(widget.page).to_have_url(re.compile(r"/next"))
    expect(widget.launcher).to_be_visible()
    widget.page.wait_for_function("window.FoyerChat && window.FoyerChat.panel")
    expect(widget.panel).to_be_hidden()
    widget.launcher.click()
    expect(widget.panel).to_be_visible()
    assert not widget.errors, widget.errors


def test_new_chat_alerts_badge_and_notification(browser: Browser, agent_page: Page, server: FoyerServer,
                                                 feed: FeedWatcher, visitor) -> None:
    # A stand-in for the browser's Notification, already allowed, that records what is shown.
    agent_page.add_init_script("""
        window.shown = [];
        window.Notification = class { constructor(title, options) { window.shown.push([title, options.body]); } };
        window.Notification.permission = 'granted';
        window.Notification.requestPermission = async () => 'granted';
    """)
    errors = watch(agent_page)
    with agent_page.expect_websocket(lambda socket: socket.url.split("?")[0].endswith("/feed")) as socket_info:
        agent_page.goto(f"{server.url}/settings")
    # The feed's first frame is the snapshot: from then on the page hears of new chats.
    socket_info.value.wait_for_event("framereceived")
    chats_link = agent_page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Chats"))
    expect(chats_link).to_be_visible()
    expect(chats_link).to_have_accessible_name("Chats")

    widget = visitor()
    widget.open()
    widget.say("Anyone there?")
    expect(chats_link).to_have_accessible_name(re.compile(r"^Chats\s*1 unread$"), timeout=LIVE_MS)
    expect(chats_link.locator(".nav-badge")).to_be_visible()
    agent_page.wait_for_function("window.shown.length > 0")
    assert agent_page.evaluate("window.shown") == [["New chat: Visitor 1", "Anyone there?"]]
    widget.say("Hello?")
    expect(chats_link).to_have_accessible_name(re.compile(r"^Chats\s*2 unread$"), timeout=LIVE_MS)
    agent_page.wait_for_function("window.shown.length > 1")
    assert agent_page.evaluate("window.shown[1]") == ["Visitor 1", "Hello?"]

    # Looking at the conversation reads it: the badge goes.
    chats_link.click()
    chats = Chats(agent_page)
    chats.chat("Visitor 1").click()
    expect(chats.message("Hello?")).to_be_visible()
    nav_chats = agent_page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Chats"))
    expect(nav_chats).to_have_accessible_name("Chats")
    expect(nav_chats.locator(".nav-badge")).to_be_hidden()
    assert not errors, errors


def test_enable_notifications_asks_only_when_clicked(agent_page: Page, server: FoyerServer) -> None:
    agent_page.add_init_script("""
        window.asked = 0;
        window.Notification = class {};
        window.Notification.permission = 'default';
        window.Notification.requestPermission = async () => { window.asked++; window.Notification.permission = 'granted'; return 'granted'; };
    """)
    agent_page.goto(f"{server.url}/chats")
    button = agent_page.get_by_role("button", name="Enable notifications")
    expect(button).to_be_visible()
    assert agent_page.evaluate("window.asked") == 0
    button.click()
    expect(agent_page.get_by_role("status").filter(has_text="Notifications are on")).to_be_visible()
    expect(button).to_be_hidden()
    assert agent_page.evaluate("window.asked") == 1


def test_unknown_chat_link_says_so(agent_page: Page, server: FoyerServer) -> None:
    agent_page.goto(f"{server.url}/chats/c_doesnotexist0000")
    expect(agent_page.get_by_role("status").filter(has_text="This chat has ended or does not exist")).to_be_visible()
    expect(agent_page.get_by_role("textbox", name="Reply")).to_be_disabled()
    expect(agent_page.get_by_role("button", name="Archive")).to_be_disabled()


def test_conversation_survives_a_server_restart(agent_page: Page, server: FoyerServer, feed: FeedWatcher,
                                                visitor) -> None:
    widget = visitor()
    widget.open()
    widget.say("Before the restart")
    expect(widget.message("Before the restart").get_by_role("img", name="Delivered")).to_be_visible(timeout=LIVE_MS)
    chat_id = active_chat(feed)
    agent_page.goto(f"{server.url}/chats/{chat_id}")
    chats = Chats(agent_page)
    expect(chats.message("Before the restart")).to_be_visible()

    server.restart()
    # A reply while the visitor's tab reconnects reaches it through the history.
    chats.reply("After the restart")
    expect(chats.message("After the restart")).to_be_visible()
    expect(widget.message("After the restart")).to_be_visible(timeout=15_000)
    widget.say("Still here")
    expect(chats.message("Still here")).to_be_visible(timeout=LIVE_MS)
    # Nothing is shown twice on either side.
    expect(widget.log.get_by_role("listitem")).to_have_count(3)
    expect(chats.log.get_by_role("listitem")).to_have_count(3)
    # A reconnect attempt that finds the port closed while the server restarts is reported
    # by Chromium itself ("net::ERR_CONNECTION_REFUSED"); anything else is the page's fault.
    assert not [error for error in widget.errors if "net::ERR_CONNECTION_REFUSED" not in error], widget.errors
