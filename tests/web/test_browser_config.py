"""The configuration screens in a real browser: a supervisor fixes an overlapping level."""

from __future__ import annotations

import pytest

from relance.accounts.roles import SUPERVISOR
from tests.web.test_browser import CHROMIUM, SCREENSHOTS, log_in, page  # noqa: F401

# test_browser skips itself (module level) without chromium; importing it skips this module
# the same way, and the same CI rule applies.
assert CHROMIUM

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_supervisor_fixes_a_level_that_overlaps_the_next_one(page, live_server, world):  # noqa: F811
    from relance.dunning.models import ScenarioLevel

    log_in(page, live_server, world.users[SUPERVISOR].username)
    page.wait_for_url(live_server.url + "/")
    page.get_by_role("link", name="Configuration").click()
    page.get_by_role("link", name="Scenarios and levels").click()
    page.get_by_role("link", name="std").first.click()
    page.locator('input[name="levels-0-to_days"]').fill("35")
    page.get_by_role("button", name="Save").click()
    message = page.locator('[data-for="id_levels-1-from_days"] .errorlist')
    message.wait_for()
    assert "level 1 [1, 35] and level 2 [31, 400] overlap" in message.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "web-scenario.png"), full_page=True)
    assert ScenarioLevel.objects.get(scenario__company=world.a, level=1).to_days == 30
    page.locator('input[name="levels-1-from_days"]').fill("36")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("status").filter(has_text="Scenario std saved.").wait_for()
    assert page.locator(".errorlist").count() == 0
    levels = ScenarioLevel.objects.filter(scenario__company=world.a).order_by("level")
    assert [(level.from_days, level.to_days) for level in levels] == [(1, 35), (36, 400)]


def test_a_supervisor_recomputes_the_groups_and_sees_their_members(page, live_server, world):  # noqa: F811
    from relance.dunning.models import Group, Scenario
    from tests.runs.conftest import customer

    std = Scenario.objects.get(company=world.a, code="std")
    Group.objects.create(
        company=world.a,
        code="sme",
        name="Small businesses",
        priority=10,
        scenario=std,
        segments=["PME"],
        max_total_due="5000.00",
    )
    Group.objects.create(
        company=world.a,
        code="fr",
        name="French customers",
        priority=20,
        scenario=std,
        countries=["FR"],
    )
    for code in ("P1", "P2"):
        customer(world.a, code, segment="PME")
    log_in(page, live_server, world.users[SUPERVISOR].username)
    page.wait_for_url(live_server.url + "/")
    page.goto(live_server.url + "/config/groups/")
    page.get_by_role("button", name="Recompute members").click()
    page.get_by_role("status").filter(has_text="Groups recomputed").wait_for()
    assert page.locator('tr[data-group="sme"] td[data-members]').inner_text() == "2"
    assert page.locator('tr[data-group="fr"] td[data-members]').inner_text() == "1"
    page.screenshot(path=str(SCREENSHOTS / "web-groups.png"), full_page=True)
