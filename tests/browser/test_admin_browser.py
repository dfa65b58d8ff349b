"""An admin makes an official in the browser; the page passes axe-core at 1,920 and 390 px."""

import pytest

from spacematch.services.users import create_user

from .conftest import SHOTS, new_page, watch
from .test_accessibility import SCREENS, _violations

pytestmark = pytest.mark.browser
PASSWORD = "a long passphrase"


def test_an_admin_makes_a_group_an_official(server, browser, axe, demo_sqlite_app):
    with demo_sqlite_app.app_context():
        create_user(email="admin@example.org", password=PASSWORD, role="admin",
                    display_name="Admin", system=True)
        kim = create_user(email="kim@seoul.go.kr", password=PASSWORD, role="group",
                          display_name="Kim <b>Jongno</b>", system=True).id
    page = new_page(browser, *SCREENS[0])
    problems = watch(page, server)
    page.goto(f"{server}/sign-in")
    page.fill("#email", "admin@example.org")
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.click("nav a[href='/admin/accounts']")
    page.fill("#q", "kim@")
    page.click("form[role=search] button")
    row = page.locator(f"[data-account='{kim}']")
    assert row.locator("td").first.inner_text().startswith("Kim <b>Jongno</b>")
    row.locator("select").select_option("official")
    row.locator("button").click()
    page.wait_for_selector(".alert-success >> text=is now: Local official")
    assert page.locator(f"[data-account='{kim}'] select").input_value() == "official"
    found = []
    SHOTS.mkdir(exist_ok=True)
    for width, height in SCREENS:
        page.set_viewport_size({"width": width, "height": height})
        found += [f"{width}px: {v}" for v in _violations(page, axe)]
        page.screenshot(path=str(SHOTS / f"admin-accounts-{width}.png"), full_page=True)
    assert not found, "axe-core found WCAG 2.1 AA violations:\n" + "\n".join(found)
    assert problems == []
