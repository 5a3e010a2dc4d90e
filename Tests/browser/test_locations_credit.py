"""The Visitors page credits DB-IP (its CC BY 4.0 licence requires it) while
`--geo-download` is on, and shows no credit otherwise. The download itself is tested in
Tests/ops/test_geo_download.py; here it points at a closed local port, since the credit
follows the setting, not the download's success."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from conftest import OWNER_EMAIL, OWNER_PASSWORD, FoyerServer, free_port


def credit_on_visitors_page(browser: Browser, binary: Path, extra_args: list[str], data_dir: Path, expected: bool) -> tuple[str, str] | None:
    server = FoyerServer(binary, data_dir, extra_args)
    server.cli("account", "add", "shop")
    server.cli("user", "add", "--email", OWNER_EMAIL, "--role", "owner", "--account", "shop", password=OWNER_PASSWORD)
    server.start()
    context = browser.new_context()
    try:
        response = context.request.post(server.url + "/api/session", data={"email": OWNER_EMAIL, "password": OWNER_PASSWORD})
        assert response.ok, response.text()
        page = context.new_page()
        with page.expect_response(lambda r: r.url.endswith("/api/locations")):
            page.goto(server.url + "/visitors")
        credit = page.locator("#geo-attribution")
        if expected:
            credit.locator("a").wait_for(state="visible", timeout=5000)
        if credit.is_hidden():
            return None
        link = credit.locator("a")
        return link.inner_text(), link.get_attribute("href")
    finally:
        context.close()
        server.stop()


def test_the_visitors_page_credits_db_ip_with_geo_download(browser: Browser, foyer_binary: Path, tmp_path: Path):
    closed = f"http://127.0.0.1:{free_port()}/dbip-city-lite-{{year}}-{{month}}.mmdb.gz"
    credit = credit_on_visitors_page(browser, foyer_binary, ["--geo-download", "--geo-download-url", closed], tmp_path / "data", expected=True)
    assert credit == ("IP geolocation by DB-IP", "https://db-ip.com")


def test_no_credit_without_a_downloaded_database(browser: Browser, foyer_binary: Path, tmp_path: Path):
    # /api/locations answers without an attribution: the page leaves the line hidden.
    assert credit_on_visitors_page(browser, foyer_binary, [], tmp_path / "data", expected=False) is None
