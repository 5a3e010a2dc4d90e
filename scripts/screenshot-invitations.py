#!/usr/bin/env python3
"""Take docs/screenshot-invitation-drawer.png and docs/screenshot-invitation-visitor.png
from a real run: a real `foyer serve`, the browser-test visitor website, a few visitor
tabs in Chromium, an owner who invites the visitor on the pricing page from the details
drawer; the visitor's page shows the invitation (and reports it Seen). Nothing is drawn
by hand.

    swift build --product foyer
    python3 scripts/screenshot-invitations.py
"""
from __future__ import annotations

import shutil
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "browser"))

from conftest import OWNER_PASSWORD  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
from screenshot import running_site  # noqa: E402

AGENT_EMAIL = "maya@acme.example"
VISITORS = [
    ("America/New_York", "en-US", "", "Acme Coffee — Fresh roasted beans"),
    ("Europe/Berlin", "de-DE", "shop/espresso", "Espresso blend 1 kg"),
    ("Asia/Tokyo", "ja-JP", "blog/pour-over", "How to brew pour-over"),
    ("Europe/Istanbul", "tr-TR", "pricing", "Pricing — Acme Coffee"),
]


def main() -> int:
    with running_site(AGENT_EMAIL) as (server, site):
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium")
            pages = []
            for timezone, language, path, title in VISITORS:
                context = browser.new_context(timezone_id=timezone, locale=language, viewport={"width": 1024, "height": 640})
                page = context.new_page()
                page.goto(f"{site}/{path}?title={urllib.parse.quote(title)}")
                pages.append(page)
            visitor = pages[-1]
            agent = browser.new_context(viewport={"width": 1280, "height": 800})
            response = agent.request.post(server.url + "/api/session", data={"email": AGENT_EMAIL, "password": OWNER_PASSWORD})
            assert response.ok, response.text()
            # The name the visitor sees (Settings → Your profile → Display name).
            named = agent.request.put(server.url + "/api/me/name", data={"name": "Maya"})
            assert named.ok, named.text()
            page = agent.new_page()
            page.goto(server.url + "/visitors")
            rows = page.get_by_role("list", name="Visitors").get_by_role("listitem")
            expect(rows).to_have_count(len(VISITORS), timeout=15_000)
            rows.filter(has_text="Pricing").get_by_role("button").first.click()
            drawer = page.get_by_role("dialog", name="Visitor details")
            drawer.get_by_role("button", name="Invite to chat").click()
            drawer.get_by_role("textbox", name="Invitation message").fill(
                "Hi! Comparing plans? I can help you pick the right one.")
            drawer.get_by_role("button", name="Send invitation").click()
            expect(visitor.get_by_role("region", name="Chat invitation")).to_be_visible(timeout=2000)
            expect(drawer.locator("[data-field='invitation']")).to_contain_text("Seen", timeout=2000)
            page.mouse.move(0, 799)
            page.wait_for_timeout(1200)
            page.screenshot(path=str(ROOT / "docs" / "screenshot-invitation-drawer.png"))
            visitor.screenshot(path=str(ROOT / "docs" / "screenshot-invitation-visitor.png"))
            print("docs/screenshot-invitation-drawer.png, docs/screenshot-invitation-visitor.png")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
