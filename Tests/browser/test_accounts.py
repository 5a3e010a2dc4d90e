"""Sign-in, sign-out, team, site setup and the Visitor Tracking switch in a real browser."""

import re

from playwright.sync_api import expect

from conftest import OWNER_EMAIL, OWNER_PASSWORD, FeedWatcher, visitor_context


def sign_in(page, server, email=OWNER_EMAIL, password=OWNER_PASSWORD):
    page.goto(server.url + "/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_wrong_password_and_sign_out(browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/visitors")
    expect(page).to_have_url(re.compile(r"/signin$"))
    sign_in(page, server, password="not the password")
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    sign_in(page, server)
    expect(page).to_have_url(re.compile(r"/visitors$"))
    cookie = next(c for c in context.cookies() if c["name"] == "foyer_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.goto(server.url + "/settings")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/signin$"))
    page.goto(server.url + "/visitors")
    expect(page).to_have_url(re.compile(r"/signin$"))
    context.close()


def test_team_flow(browser, server):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server)
    expect(page).to_have_url(re.compile(r"/visitors$"))
    page.goto(server.url + "/settings")
    page.get_by_label("Email", exact=True).fill("agent@shop.example")
    page.get_by_label("Role", exact=True).select_option("agent")
    page.get_by_label("Initial password").fill("agent-password")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("status").filter(has_text="was added")).to_be_visible()
    expect(page.get_by_role("cell", name="agent@shop.example", exact=True)).to_be_visible()
    # The last owner cannot be demoted.
    page.get_by_label(f"Role of {OWNER_EMAIL}").select_option("admin")
    expect(page.get_by_text("An account keeps at least one owner.")).to_be_visible()
    # Promote, then remove the new member.
    page.get_by_label("Role of agent@shop.example").select_option("admin")
    expect(page.get_by_text("agent@shop.example is now admin.")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove agent@shop.example").click()
    expect(page.get_by_text("agent@shop.example was removed.")).to_be_visible()
    expect(page.get_by_role("cell", name="agent@shop.example", exact=True)).to_have_count(0)
    context.close()


def test_site_setup_page(browser, server):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server)
    expect(page).to_have_url(re.compile(r"/visitors$"))
    page.goto(server.url + "/settings")
    key = server.site_key()
    expect(page.locator("#snippet")).to_contain_text(f'data-site="{key}"')
    page.get_by_label("Allowed website origins").fill("https://www.shop.example\nnot an origin")
    page.get_by_role("button", name="Save origins").click()
    expect(page.get_by_text("not an origin is not an origin like https://www.example.com.")).to_be_visible()
    page.get_by_label("Allowed website origins").fill("https://WWW.shop.example/")
    page.get_by_role("button", name="Save origins").click()
    expect(page.get_by_text("Saved: only these origins can send visitors.")).to_be_visible()
    expect(page.get_by_label("Allowed website origins")).to_have_value("https://www.shop.example")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Rotate site key").click()
    expect(page.get_by_text("New site key saved.")).to_be_visible()
    new_key = server.site_key()
    assert new_key != key
    expect(page.locator("#snippet")).to_contain_text(f'data-site="{new_key}"')
    context.close()


def test_tracking_switch_as_owner_updates_dashboards_live(browser, server, site):
    watcher = FeedWatcher(server.url, server.session_cookie())
    visitor = visitor_context(browser)
    tab = visitor.new_page()
    tab.goto(site.url + "/landing")
    watcher.wait_for(lambda f: len(f.entries) == 1, what="the visitor")

    context = browser.new_context()
    owner = context.new_page()
    sign_in(owner, server)
    expect(owner).to_have_url(re.compile(r"/visitors$"))
    dashboard = context.new_page()
    dashboard.goto(server.url + "/visitors")
    owner.goto(server.url + "/settings")
    switch = owner.get_by_role("switch", name="Visitor Tracking")
    expect(switch).to_have_attribute("aria-checked", "true")
    switch.click()
    expect(owner.get_by_role("status").filter(has_text="Saved: Visitor Tracking is off.")).to_be_visible()
    expect(switch).to_have_attribute("aria-checked", "false")
    watcher.wait_for(lambda f: not f.tracking and not f.entries, what="tracking off and entries cleared", timeout=2)
    expect(dashboard.get_by_text(re.compile("tracking is (off|disabled)", re.I)).first).to_be_visible(timeout=3000)

    # A tab still open reappears when tracking is switched back on.
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "true")
    watcher.wait_for(lambda f: f.tracking and len(f.entries) == 1, what="the visitor back", timeout=3)
    context.close()
    visitor.close()
    watcher.close()


def test_agent_sees_the_switch_but_cannot_change_it(browser, server):
    server.cli("user", "add", "--email", "agent@shop.example", "--role", "agent", "--account", "shop", password="agent-password")
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server, email="agent@shop.example", password="agent-password")
    expect(page).to_have_url(re.compile(r"/visitors$"))
    page.goto(server.url + "/settings")
    switch = page.get_by_role("switch", name="Visitor Tracking")
    expect(switch).to_be_visible()
    expect(switch).to_be_disabled()
    expect(page.get_by_text("Only owners and admins can change settings.")).to_be_visible()
    # The server refuses even if the page is bypassed.
    response = page.request.put(server.url + "/api/settings/tracking", data={"enabled": False},
                                headers={"Content-Type": "application/json"})
    assert response.status == 403
    context.close()
