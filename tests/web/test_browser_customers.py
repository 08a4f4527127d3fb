"""The customer page in a real browser: a collector writes a note and records an answer, and
both appear in the timeline."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relance.accounts.roles import COLLECTOR
from relance.runs.services import RunRequest, run_dunning
from tests.runs.conftest import AS_OF
from tests.web.test_browser import SCREENSHOTS, log_in, page  # noqa: F401  (skips without chromium)

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_collector_writes_a_note_and_an_answer_and_sees_both_in_the_timeline(
    page,  # noqa: F811
    live_server,
    world,
):
    run_dunning(world.a, RunRequest(AS_OF))  # a reminder in the timeline, with its e-mail
    log_in(page, live_server, world.users[COLLECTOR].username)
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + reverse("web:customer", kwargs={"code": "A1"}))
    form = page.locator("form.note-form")
    form.get_by_label("Internal note").check()
    form.get_by_label("Text").fill("Accountant back on Monday: call her then.")
    form.get_by_role("button", name="Save").click()
    page.get_by_role("status").filter(has_text="Note added.").wait_for()
    form = page.locator("form.note-form")
    form.get_by_label("Customer answer").check()
    form.get_by_label("received by").select_option("email")
    form.get_by_label("Text").fill("We will pay FA1 on Friday by transfer.")
    form.get_by_role("button", name="Save").click()
    page.get_by_role("status").filter(has_text="Answer recorded.").wait_for()
    timeline = page.locator("ol.timeline")
    answer = timeline.locator('li[data-kind="answer"]')
    note = timeline.locator('li[data-kind="note"]')
    assert "We will pay FA1 on Friday" in answer.inner_text()
    assert "Accountant back on Monday" in note.inner_text()
    first = timeline.locator("li").first
    assert first.get_attribute("data-kind") == "answer"  # newest first
    assert timeline.locator('li[data-kind="invoice"]').count() == 2
    assert timeline.locator('li[data-kind="reminder"] a').count() == 1  # the e-mail sent
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "web-customer.png"), full_page=True)
