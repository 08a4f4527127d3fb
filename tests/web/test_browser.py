"""The back-office in a real browser: headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.urls import reverse

from relance.accounts.roles import COLLECTOR
from tests.web.conftest import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("chromium is missing: `make test` installs the Debian package")
    pytest.skip(
        "no chromium: install the Debian package (make test does) to run browser tests",
        allow_module_level=True,
    )

# Playwright's synchronous API runs an event loop in this thread; the test's own database
# calls are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
        try:
            yield context.new_page()
        finally:
            browser.close()


def log_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_collector_logs_in_lands_on_today_and_finds_a_customer(page, live_server, world):
    log_in(page, live_server, world.users[COLLECTOR].username)
    page.wait_for_url(live_server.url + "/")
    assert page.locator("h1").inner_text().startswith("Today")
    assert page.locator('tr[data-bucket="31_60"]').inner_text().count("1,200.00") == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "web-today.png"), full_page=True)
    page.get_by_role("link", name="Customers").click()
    page.get_by_label("Search").fill("zzz")
    page.get_by_text("No customer matches.").wait_for()  # HTMX replaced the table
    page.get_by_label("Search").fill("Alpha")
    page.get_by_role("link", name="A1").wait_for()
    page.screenshot(path=str(SCREENSHOTS / "web-customers.png"), full_page=True)
    page.get_by_role("link", name="A1").click()
    assert page.get_by_role("heading", name="Client Alpha").is_visible()
    assert page.get_by_role("cell", name="FA1").is_visible()


def test_a_collector_of_another_company_gets_not_found_by_url(page, live_server, world):
    log_in(page, live_server, world.users["outsider"].username)
    page.wait_for_url(live_server.url + "/")
    response = page.goto(live_server.url + reverse("web:customer", kwargs={"code": "A1"}))
    assert response is not None
    assert response.status == 404


def test_the_interface_switches_to_french(page, live_server, world):
    log_in(page, live_server, world.users[COLLECTOR].username)
    page.wait_for_url(live_server.url + "/")
    page.get_by_role("button", name="FR").click()
    page.wait_for_function("document.documentElement.lang === 'fr'")
    assert page.locator("h1").inner_text().startswith("Aujourd")


def test_a_collector_reviews_a_run_removes_a_customer_launches_it_and_sees_the_email(
    page, live_server, world
):
    from relance.ledger.models import Customer
    from relance.runs.services import RunRequest, run_dunning
    from tests.runs.conftest import AS_OF, invoice

    delta = Customer.objects.create(
        company=world.a, code="A2", name="Client Delta", email="a2@example.com"
    )
    invoice(delta, "FD1", 12, "80.00")
    run = run_dunning(world.a, RunRequest(AS_OF, review=True)).run
    log_in(page, live_server, world.users[COLLECTOR].username)
    page.wait_for_url(live_server.url + "/")
    page.get_by_role("link", name=str(run)).click()
    page.get_by_label("Client Delta email").check()
    page.get_by_label("Reason").fill("paid by phone")
    page.get_by_role("button", name="Remove the selected").click()
    page.locator('tr[data-customer="A2"]').get_by_text("paid by phone").wait_for()
    page.get_by_role("button", name="Approve all").click()
    page.get_by_role("button", name="Launch").click()
    page.get_by_role("status").filter(has_text="done").first.wait_for()
    page.screenshot(path=str(SCREENSHOTS / "web-run.png"), full_page=True)
    page.goto(live_server.url + reverse("web:customer", kwargs={"code": "A1"}))
    with page.expect_popup() as popup:
        page.get_by_role("link", name="open").first.click()
    sent = popup.value
    sent.wait_for_load_state()
    assert "a1@example.com" in sent.content()


def test_a_supervisor_edits_a_template_and_sees_the_preview_change(page, live_server, world):
    from relance.accounts.roles import SUPERVISOR
    from relance.content.models import Template
    from relance.content.services import ensure_default_templates

    ensure_default_templates(world.a)
    template = Template.objects.get(company=world.a, channel="sms", level=1, language="fr")
    log_in(page, live_server, world.users[SUPERVISOR].username)
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + reverse("web:template", kwargs={"pk": template.pk}))
    page.locator("#preview-text").wait_for()
    body = page.get_by_label("Body")
    body.fill("Ping {{ customer.name }}: {{ total.open }} à régler.")
    page.locator("#preview-text").filter(has_text="Ping Client Alpha").wait_for()
    assert "segment" in page.locator("#preview").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "web-template.png"), full_page=True)
