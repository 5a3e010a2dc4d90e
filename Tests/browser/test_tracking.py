"""Live visitor tracking end to end, in a real browser: foyer.js on a website on another
origin, the real server, and a dashboard feed watching what an agent would see."""

import re
import signal
import time

import pytest

from conftest import FeedWatcher, visitor_context


def open_tabs(context, site, count):
    pages = []
    for index in range(count):
        page = context.new_page()
        page.goto(f"{site.url}/tab{index}?title=Tab%20{index}")
        pages.append(page)
    return pages


def watch_tracker(tab, server, problems: list[str]) -> None:
    """Records what foyer.js itself logs or throws on the host page, and nothing else.

    The host page's own noise (the test site's favicon 404, say, logged by Chromium as
    "Failed to load resource") is not the tracker's: a console message counts only if its
    source is a script served by Foyer, an uncaught error only if its stack passes through one.
    """
    foyer = server.url + "/"
    tab.on("console", lambda message: problems.append(f"{message.type}: {message.text} ({message.location.get('url')})")
           if (message.location.get("url") or "").startswith(foyer) else None)
    tab.on("pageerror", lambda error: problems.append(f"{error}: {error.stack}")
           if foyer in (error.stack or "") else None)


def test_three_tabs_navigation_reload_and_close(browser, server, site, feed):
    context = visitor_context(browser)
    problems = []
    tabs = open_tabs(context, site, 3)
    for tab in tabs:
        watch_tracker(tab, server, problems)

    started = time.time()
    feed.wait_for(lambda f: len(f.entries) == 3, what="three entries", timeout=5)
    assert time.time() - started < 5
    entries = {e["url"].rsplit("/", 1)[1]: e for e in feed.entries.values()}
    assert sorted(e["number"] for e in entries.values()) == [1, 2, 3]
    assert {e["name"] for e in entries.values()} == {"Visitor 1", "Visitor 2", "Visitor 3"}
    assert entries["tab0"]["timezone"] == "Europe/Istanbul"
    assert entries["tab0"]["language"] == "tr-TR"
    assert entries["tab0"]["title"] == "Tab 0"
    assert "?" not in entries["tab0"]["url"], "query strings are stripped"
    assert all(e["status"] == "online" for e in entries.values())
    # Each tab's id (a credential for its entry) is 130 random bits made by the server, distinct per tab.
    ids = [tab.evaluate("sessionStorage.getItem('foyer.tab')") for tab in tabs]
    assert all(re.fullmatch(r"[0-9A-Za-z]{22}", value or "") for value in ids) and len(set(ids)) == 3, ids

    # A link click continues the same entry.
    first = entries["tab0"]
    tabs[0].click("#next")
    feed.wait_for(lambda f: f.entries[first["id"]]["url"].endswith("/next"), what="navigation", timeout=3)
    after = feed.entries[first["id"]]
    assert after["number"] == first["number"] and after["title"] == "Next page"
    assert [p["title"] for p in after["pages"]] == ["Tab 0", "Next page"]

    # A reload continues the same entry and never shows it Offline.
    second = entries["tab1"]
    tabs[1].reload()
    time.sleep(4)  # longer than the 3 s grace the test server uses
    assert feed.entries[second["id"]]["status"] == "online"
    assert len(feed.entries) == 3
    assert not any(m.get("set", {}).get("status") == "offline" for m in feed.messages if m["type"] == "changed")

    # A single-page-app route change is a page view of the same entry.
    tabs[1].click("#spa")
    feed.wait_for(lambda f: f.entries[second["id"]]["url"].endswith("/spa-route"), what="pushState", timeout=3)
    feed.wait_for(lambda f: f.entries[second["id"]]["title"] == "SPA route", what="new title", timeout=4)

    # Closing a tab turns it Offline after the grace, keeping its number.
    third = entries["tab2"]
    tabs[2].close()
    feed.wait_for(lambda f: f.entries[third["id"]]["status"] == "offline", what="offline", timeout=8)
    assert feed.counters["live"] == 3
    assert problems == [], "foyer.js must not log or throw on the host page"
    context.close()


def test_restart_resumes_the_same_entries(browser, server, site):
    context = visitor_context(browser, timezone="America/New_York", locale="en-US")
    tabs = open_tabs(context, site, 2)
    watcher = FeedWatcher(server.url, server.session_cookie())
    watcher.wait_for(lambda f: len(f.entries) == 2, what="two entries")
    before = {e["id"]: e["number"] for e in watcher.entries.values()}
    watcher.close()
    time.sleep(0.5)  # let the batched writer commit

    server.restart(signal.SIGKILL)

    after = FeedWatcher(server.url, server.session_cookie())
    after.wait_for(lambda f: f.snapshots == 1, what="snapshot")
    assert {e["id"]: e["number"] for e in after.entries.values()} == before
    # The tabs reconnect on their own (backoff) and resume: still two entries, online.
    after.wait_for(
        lambda f: len(f.entries) == 2 and all(e["status"] == "online" for e in f.entries.values()) and f.messages[-1],
        what="tabs back", timeout=10)
    tabs[0].reload()
    time.sleep(1)
    assert {e["id"]: e["number"] for e in after.entries.values()} == before
    after.close()
    context.close()


def test_tracker_budget(server):
    """The script loaded on every page, as served, stays within its gzipped budget."""
    import gzip
    import urllib.request
    with urllib.request.urlopen(server.url + "/foyer.js") as response:
        served = response.read()
    size = len(gzip.compress(served, 9))
    assert size <= 1536, f"foyer.js is {size} B gzipped as served, over its 1,536 B budget"
