"""A new manual run in a real browser: the wizard, a removal, a message's preview, the launch."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relance.accounts.roles import COLLECTOR
from tests.web.test_browser import SCREENSHOTS, log_in, page  # noqa: F401  (skips without chromium)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_collector_prepares_previews_and_launches_a_new_run(page, live_server, world):  # noqa: F811
    from relance.runs.models import ActionState, Run
    from tests.runs.conftest import AS_OF, customer, invoice

    invoice(customer(world.a, "A2", name="Client Delta"), "FD1", 12, "80.00")
    invoice(
        customer(world.a, "A3", name="Client Sans Mail", email="", phone="+33612000000"),
        "FS1",
        40,
        "500.00",
    )
    log_in(page, live_server, world.users[COLLECTOR].username)
    page.wait_for_url(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Runs").click()
    page.get_by_role("link", name="New run").click()
    page.get_by_label("Scenario").select_option("std")
    page.get_by_label("Level").fill("2")
    page.get_by_label("Date:", exact=True).fill(AS_OF.isoformat())
    page.get_by_role("button", name="Prepare the list").click()
    page.get_by_role("heading", name="Step 2: review the list").wait_for()
    run = Run.objects.get(company=world.a)
    assert page.url == live_server.url + reverse("web:run", kwargs={"pk": run.pk})

    # Step 2: a customer of level 1 added by code, then removed with a reason.
    page.get_by_label("Add customers (codes)").fill("A2")
    page.get_by_role("button", name="Add", exact=True).click()
    page.locator('tr[data-customer="A2"]').wait_for()
    page.get_by_label("Client Delta email").check()
    page.get_by_label("Reason").fill("paid by phone")
    page.get_by_role("button", name="Remove the selected").click()
    page.locator('tr[data-customer="A2"]').get_by_text("paid by phone").wait_for()
    # Step 3: the customer without an e-mail address, called instead.
    assert "call" in page.locator('#unreachable tr[data-customer="A3"]').inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "web-new-run.png"), full_page=True)

    page.get_by_role("link", name="Preview for Client Alpha (email)").click()
    page.locator("#preview-subject").wait_for()
    page.frame_locator("#preview iframe").get_by_text("FA1").first.wait_for()
    assert ".pdf" in page.locator("#preview-attachments").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "web-preview.png"), full_page=True)
    assert not run.actions.exclude(state__in=[ActionState.PROPOSED, ActionState.REMOVED]).exists()

    # Step 4.
    page.get_by_role("button", name="Approve all").click()
    page.get_by_role("button", name="Launch").click()
    page.locator("#run-progress").filter(has_text="1 done").wait_for()
    assert run.actions.get(customer__code="A1", channel="email").state == ActionState.DONE
