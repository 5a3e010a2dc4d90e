#!/usr/bin/env python3
"""Take docs/screenshot-visitors.png from a real run.

Starts a real `foyer serve` (temporary data directory), the browser-test visitor
website, opens visitor tabs in Chromium with different timezones and languages
(so they land in different cities), signs an owner in, opens /visitors, selects
a visitor and saves a 1280x800 screenshot. Nothing is drawn by hand.

    swift build --product foyer
    python3 scripts/screenshot.py [--out docs/screenshot-visitors.png]

Needs: Playwright for Python, Debian's chromium, and fonts-noto-color-emoji for
the flags.
"""
from __future__ import annotations

import argparse
import http.server
import re
import shutil
import sys
import tempfile
import threading
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "browser"))

from conftest import OWNER_EMAIL, OWNER_PASSWORD, FoyerServer, SiteHandler  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

# (timezone, language, page, title, tabs)
VISITORS = [
    ("America/New_York", "en-US", "", "Acme Coffee — Fresh roasted beans", 2),
    ("Europe/Berlin", "de-DE", "shop/espresso", "Espresso blend 1 kg", 1),
    ("Asia/Tokyo", "ja-JP", "blog/pour-over", "How to brew pour-over", 1),
    ("America/Sao_Paulo", "pt-BR", "checkout", "Checkout", 1),
    ("Europe/London", "en-GB", "shop/grinders", "Grinders", 1),
    ("Asia/Kolkata", "hi-IN", "", "Acme Coffee — Fresh roasted beans", 1),
    ("Australia/Sydney", "en-AU", "contact", "Contact us", 1),
    ("America/Los_Angeles", "en-US", "shop/cold-brew", "Cold brew kit", 2),
    ("Africa/Johannesburg", "en-ZA", "pricing", "Pricing — Acme Coffee", 1),
    ("America/Mexico_City", "es-MX", "blog/origins", "Our coffee origins", 1),
    ("Asia/Singapore", "en-SG", "shop/espresso", "Espresso blend 1 kg", 1),
    ("Europe/Istanbul", "tr-TR", "pricing", "Pricing — Acme Coffee", 3),
]


@contextmanager
def running_site(email: str = OWNER_EMAIL):
    """A real `foyer serve` (temporary data directory) with account `shop` and an owner
    `email`, and the browser-test visitor website for it; yields (server, site URL)."""
    binary = ROOT / ".build" / "debug" / "foyer"
    if not binary.exists():
        raise SystemExit("build first: swift build --product foyer")
    data_dir = Path(tempfile.mkdtemp(prefix="foyer-shot-"))
    server = FoyerServer(binary, data_dir)
    server.cli("account", "add", "shop")
    server.cli("user", "add", "--email", email, "--role", "owner", "--account", "shop", password=OWNER_PASSWORD)
    server.start()
    handler = type("Handler", (SiteHandler,), {"foyer_url": server.url, "site_key": server.site_key()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield server, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot-visitors.png"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    args = parser.parse_args()

    with running_site() as (server, site):
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium")
            total = 0
            for timezone, language, path, title, tabs in VISITORS:
                context = browser.new_context(timezone_id=timezone, locale=language)
                for _ in range(tabs):
                    page = context.new_page()
                    page.goto(f"{site}/{path}?title={urllib.parse.quote(title)}",
                              referer="https://www.google.com/" if total % 3 == 0 else None)
                    total += 1
            agent = browser.new_context(viewport={"width": args.width, "height": args.height})
            response = agent.request.post(server.url + "/api/session",
                                          data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD})
            assert response.ok, response.text()
            page = agent.new_page()
            page.goto(server.url + "/visitors")
            visitors = page.get_by_role("list", name="Visitors").get_by_role("listitem")
            expect(visitors).to_have_count(total, timeout=15_000)
            map_region = page.get_by_role("region", name="Visitors map")
            expect(map_region.get_by_role("button", name=re.compile(r"^(Visitor \d|\d+ visitors)"))).not_to_have_count(0)
            # Open the most recent visitor's details, as an agent would (the map flies
            # there), then show the whole world again.
            page.get_by_role("list", name="Visitors").get_by_role("button").first.click()
            expect(page.get_by_role("dialog", name="Visitor details")).to_be_visible()
            page.wait_for_timeout(800)
            map_region.focus()
            page.keyboard.press("0")
            page.mouse.move(0, args.height - 1)
            page.wait_for_timeout(1500)
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.out)
            print(f"{total} visitor tabs -> {args.out}")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
