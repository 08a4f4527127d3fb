"""Every back-office screen passes axe-core's WCAG 2.1 A/AA rules in a real browser, and can be
worked with the keyboard alone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relance.accounts.roles import COLLECTOR, SUPERVISOR
from tests.web.test_browser import log_in, page  # noqa: F401  (the page fixture)

axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.django_db(transaction=True)

# WCAG 2.0/2.1 A and AA, plus axe's best practices (landmarks, one h1, heading order).
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PRACTICES = {"runOnly": {"type": "tag", "values": ["best-practice"]}}


@pytest.fixture
def screens(world) -> dict[str, str]:
    """The URL of every screen, showing company A's data."""
    from relance.content.models import Template
    from relance.content.services import ensure_default_templates
    from relance.ledger.models import Customer
    from relance.runs.services import RunRequest, run_dunning
    from relance.tasks.models import Task
    from tests.runs.conftest import AS_OF, invoice

    delta = Customer.objects.create(
        company=world.a, code="A2", name="Client Delta", email="a2@example.com"
    )
    invoice(delta, "FD1", 12, "80.00")
    run = run_dunning(world.a, RunRequest(AS_OF, review=True)).run
    ensure_default_templates(world.a)
    template = Template.objects.get(company=world.a, channel="email", level=1, language="fr")
    urls = {
        "home": reverse("web:home"),
        "customers": reverse("web:customers"),
        "customer": reverse("web:customer", kwargs={"code": "A1"}),
        "runs": reverse("web:runs"),
        "run": reverse("web:run", kwargs={"pk": run.pk}),
        "todo": reverse("web:todo"),
        "journal": reverse("web:journal"),
        "templates": reverse("web:templates"),
        "template": reverse("web:template", kwargs={"pk": template.pk}),
        "new run": reverse("web:run-new"),
        "preview": reverse(
            "web:run-preview", kwargs={"pk": run.pk, "action": run.actions.first().pk}
        ),
        "configuration": reverse("web:config"),
        "scenarios": reverse("web:config-scenarios"),
        "scenario": reverse("web:config-scenario", kwargs={"code": "std"}),
        "delete scenario": reverse("web:config-scenario-delete", kwargs={"code": "std"}),
        "groups": reverse("web:config-groups"),
        "new group": reverse("web:config-group-new"),
        "company": reverse("web:config-company"),
    }
    task = Task.objects.filter(customer__company=world.a).first()
    if task is not None:
        urls["task"] = reverse("web:task", kwargs={"pk": task.pk})
    return urls


def violations(page, options) -> str:  # noqa: F811
    results = axe_playwright.Axe().run(page, options=options)
    return "" if results.violations_count == 0 else results.generate_report()


@pytest.mark.parametrize("language", ["en-GB", "fr-FR"])
def test_every_screen_meets_wcag_aa_for_a_supervisor(page, live_server, world, screens, language):  # noqa: F811
    page.context.set_extra_http_headers({"accept-language": language[:2]})
    log_in_page = live_server.url + reverse("login")
    page.goto(log_in_page)
    found = {"login": violations(page, RULES)}
    log_in(page, live_server, world.users[SUPERVISOR].username)
    page.wait_for_url(live_server.url + "/")
    for name, url in screens.items():
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        found[name] = violations(page, RULES) + violations(page, PRACTICES)
    reports = {name: report for name, report in found.items() if report}
    assert not reports, "\n\n".join(f"== {name}\n{report}" for name, report in reports.items())


def test_a_collector_works_the_screens_with_the_keyboard_alone(page, live_server, world):  # noqa: F811
    log_in(page, live_server, world.users[COLLECTOR].username)
    page.wait_for_url(live_server.url + "/")
    page.keyboard.press("Tab")  # the first stop skips the navigation
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    for _step in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('href')") == reverse("web:customers"):
            break
    else:
        pytest.fail("the Customers link is not reachable with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused link shows no focus ring"
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + reverse("web:customers"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # after the skip link, the next stop is in the content
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    page.get_by_label("Search").focus()
    page.keyboard.type("Alpha")
    page.get_by_role("link", name="A1").wait_for()  # HTMX filtered as the collector typed


def test_every_screen_fits_a_tablet_without_sideways_scrolling(page, live_server, world, screens):  # noqa: F811
    page.set_viewport_size({"width": 768, "height": 1024})
    log_in(page, live_server, world.users[SUPERVISOR].username)
    page.wait_for_url(live_server.url + "/")
    too_wide = {}
    for name, url in screens.items():
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 768:
            too_wide[name] = width
    assert not too_wide, f"wider than a 768-pixel tablet: {too_wide}"
