"""Every screen, every role: who gets in, and nobody sees another company's data."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relance.accounts.roles import COLLECTOR, SUPERVISOR, VIEWER

pytestmark = pytest.mark.django_db

# Every back-office URL, with the arguments that make it show company A's data.
SCREENS = [
    ("web:home", {}),
    ("web:customers", {}),
    ("web:customer", {"code": "A1"}),
    ("web:runs", {}),
    ("web:todo", {}),
    ("web:journal", {}),
    ("web:templates", {}),
]
# Screens that change something, with the object of company A they act on.
ACTIONS = ["web:run-decide", "web:task", "web:task-close"]
# Covered by their own tests: the company switch (below), customer actions
# (test_customer_actions.py) and the template editor (test_templates.py).
UNTABLED = {
    "web:switch-company",
    "web:customer-action",
    "web:customer-note",  # test_customer_notes.py
    "web:customer-statement",  # test_customer_statement.py
    "web:template",
    "web:template-preview",
    "web:config",  # test_config_access.py
    "web:config-scenarios",  # test_config_access.py
    "web:config-scenario-new",  # test_config_access.py
    "web:config-scenario",  # test_config_access.py
    "web:config-groups",  # test_config_access.py
    "web:config-group-new",  # test_config_access.py
    "web:config-group",  # test_config_access.py
    "web:config-scenario-delete",  # test_config_access.py, test_config_delete.py
    "web:config-group-delete",  # test_config_access.py, test_config_delete.py
    "web:config-groups-recompute",  # test_config_access.py
    "web:config-company",  # test_config_access.py
    "web:run",
    "web:run-new",  # test_runs_wizard.py
    "web:run-add",  # test_runs_wizard.py
    "web:run-preview",  # test_runs_preview.py
    "web:run-preview-pdf",  # test_runs_preview.py
}


@pytest.mark.parametrize(("name", "kwargs"), SCREENS)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, world, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [SUPERVISOR, COLLECTOR, VIEWER])
@pytest.mark.parametrize(("name", "kwargs"), SCREENS)
def test_every_role_of_the_company_opens_every_screen(client, world, role, name, kwargs):
    client.force_login(world.users[role])
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


@pytest.mark.parametrize(("name", "kwargs"), SCREENS)
def test_a_user_of_no_company_sees_nothing(client, world, name, kwargs):
    client.force_login(world.users["nobody"])
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 404


def test_a_collector_of_company_b_cannot_open_a_customer_of_company_a_by_url(client, world):
    client.force_login(world.users["outsider"])
    assert client.get(reverse("web:customer", kwargs={"code": "A1"})).status_code == 404
    assert client.get(reverse("web:customer", kwargs={"code": "B1"})).status_code == 200
    listing = client.get(reverse("web:customers")).content.decode()
    assert "Client Beta" in listing
    assert "Client Alpha" not in listing


def test_switching_to_a_company_one_does_not_belong_to_is_refused(client, world):
    client.force_login(world.users["outsider"])
    response = client.post(reverse("web:switch-company"), {"company": world.a.pk})
    assert response.status_code == 404
    assert "Client Alpha" not in client.get(reverse("web:customers")).content.decode()


def test_a_collector_sees_their_customers_and_those_nobody_holds(client, world):
    from tests.runs.conftest import customer

    customer(world.a, "A2", name="Client Gamma", collector=world.users[SUPERVISOR])
    client.force_login(world.users[COLLECTOR])
    listing = client.get(reverse("web:customers")).content.decode()
    assert "Client Alpha" in listing
    assert "Client Gamma" not in listing
    assert client.get(reverse("web:customer", kwargs={"code": "A2"})).status_code == 404


def test_the_home_screen_shows_the_overdue_amounts_by_ageing_bucket(client, world):
    client.force_login(world.users[VIEWER])
    page = client.get(reverse("web:home")).content.decode()
    assert "Alpha SAS" in page
    assert 'data-bucket="31_60"' in page
    row = page.split('data-bucket="31_60"')[1].split("</tr>")[0]
    assert "1\xa0200,00" in row  # French, the installation's language
    not_due = page.split('data-bucket="not_due"')[1].split("</tr>")[0]
    assert "300,00" in not_due


def test_logging_in_lands_on_today_and_repeated_failures_lock_the_account(client, world):
    response = client.post(
        reverse("login"), {"username": "cole", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    client.logout()
    for _attempt in range(5):
        client.post(reverse("login"), {"username": "vic", "password": "wrong"})
    locked = client.post(
        reverse("login"), {"username": "vic", "password": "correct horse battery staple"}
    )
    assert locked.status_code == 429


def test_a_forgotten_password_is_reset_by_email(client, world, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "cole@example.com"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password/reset/" in line)
    assert link.strip().startswith("http")


def test_the_interface_speaks_english_or_french_as_the_user_chooses(client, world):
    client.force_login(world.users[VIEWER])
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert 'lang="fr"' in client.get(reverse("web:home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get(reverse("web:home")).content.decode()


@pytest.fixture
def a_run(world):
    from relance.runs.services import RunRequest, run_dunning
    from tests.runs.conftest import AS_OF

    return run_dunning(world.a, RunRequest(AS_OF, review=True)).run


def _action_url(name, run, task):
    return reverse(name, kwargs={"pk": run.pk if name == "web:run-decide" else task.pk})


@pytest.fixture
def a_task(world):
    from relance.tasks.models import TaskKind
    from relance.tasks.services import open_task

    return open_task(world.a_customer, TaskKind.FAILED, "check the address")


@pytest.mark.parametrize("name", ACTIONS)
def test_a_viewer_may_not_change_anything(client, world, a_run, a_task, name):
    client.force_login(world.users[VIEWER])
    response = client.post(_action_url(name, a_run, a_task), {"decision": "approve_all"})
    assert response.status_code == 403


@pytest.mark.parametrize("name", ACTIONS)
def test_a_collector_of_another_company_cannot_act_on_company_a(client, world, a_run, a_task, name):
    client.force_login(world.users["outsider"])
    response = client.post(_action_url(name, a_run, a_task), {"decision": "approve_all"})
    assert response.status_code == 404


def test_a_run_of_another_company_is_not_found(client, world, a_run):
    client.force_login(world.users["outsider"])
    assert client.get(reverse("web:run", kwargs={"pk": a_run.pk})).status_code == 404


def test_every_back_office_url_is_in_the_permission_tables():
    from relance.web.urls import urlpatterns

    names = {f"web:{pattern.name}" for pattern in urlpatterns}
    covered = {name for name, _kwargs in SCREENS} | set(ACTIONS) | UNTABLED
    assert names - covered == set(), "add the new screen to SCREENS or ACTIONS"


def test_customers_filter_by_collector_segment_and_amount_due(client, world):
    from tests.runs.conftest import customer, invoice

    gamma = customer(
        world.a, "A3", name="Client Gamma", segment="PME", collector=world.users[VIEWER]
    )
    invoice(gamma, "FG1", 5, "50.00")
    client.force_login(world.users[SUPERVISOR])
    url = reverse("web:customers")

    def names(**query):
        page = client.get(url, query).content.decode()
        return {name for name in ("Client Alpha", "Client Gamma") if name in page}

    assert names() == {"Client Alpha", "Client Gamma"}
    assert names(segment="PME") == {"Client Gamma"}
    assert names(collector=world.users[VIEWER].pk) == {"Client Gamma"}
    assert names(min_due="1000") == {"Client Alpha"}
