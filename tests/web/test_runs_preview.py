"""The preview of each proposed action on the run page: what would be sent, for every role of
the company, nothing stored or sent."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from relance.accounts.roles import COLLECTOR, SUPERVISOR, VIEWER
from relance.delivery.models import Message
from relance.dunning.scenario_file import load, parse
from relance.runs.models import ActionState, JournalEntry
from relance.runs.services import RunRequest, run_dunning
from tests.runs.conftest import ADDRESS, AS_OF, EVERY_CHANNEL, customer, invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(world):
    load(world.a, parse(EVERY_CHANNEL, "all.yaml"))
    paper = customer(
        world.a, "P1", name="Client Papier", phone="+33612345678", scenario_code="all", **ADDRESS
    )
    invoice(paper, "FP-77", 20, "150.00")
    return run_dunning(world.a, RunRequest(AS_OF, review=True)).run


def url(run, code, channel, name="web:run-preview"):
    action = run.actions.get(customer__code=code, channel=channel)
    return reverse(name, kwargs={"pk": run.pk, "action": action.pk})


def test_the_run_page_links_each_action_to_its_preview(client, world, run):
    client.force_login(world.users[VIEWER])
    page = client.get(reverse("web:run", kwargs={"pk": run.pk})).content.decode()
    for action in run.actions.all():
        link = reverse("web:run-preview", kwargs={"pk": run.pk, "action": action.pk})
        assert f'hx-get="{link}"' in page


@pytest.mark.parametrize("role", [SUPERVISOR, COLLECTOR, VIEWER])
def test_an_email_preview_shows_subject_body_and_attachments_and_sends_nothing(
    client, world, run, mailoutbox, role
):
    client.force_login(world.users[role])
    response = client.get(url(run, "P1", "email"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    panel = response.content.decode()
    assert "<html" not in panel  # the HTMX panel alone
    assert 'id="preview-subject"' in panel
    frame = panel.split("srcdoc=")[1].split(' class="preview-frame"')[0]
    assert "sandbox" in panel.split("srcdoc=")[0].rsplit("<iframe", 1)[1]
    assert "FP-77" in html.unescape(frame)
    assert ".pdf</li>" in panel.split('id="preview-attachments"')[1]
    assert (Message.objects.count(), JournalEntry.objects.count(), mailoutbox) == (0, 0, [])
    assert set(run.actions.values_list("state", flat=True)) == {ActionState.PROPOSED}


def test_a_preview_opened_directly_is_a_page_of_its_own(client, world, run):
    client.force_login(world.users[COLLECTOR])
    page = client.get(url(run, "A1", "call")).content.decode()
    assert "<html" in page
    assert reverse("web:run", kwargs={"pk": run.pk}) in page
    assert "FA1" in page.split('id="preview-text"')[1]  # the call script


def test_an_sms_preview_gives_its_encoding_and_segments(client, world, run):
    client.force_login(world.users[COLLECTOR])
    panel = client.get(url(run, "P1", "sms"), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-segments="1"' in panel or 'data-segments="2"' in panel
    assert "GSM-7" in panel or "UCS-2" in panel


def test_a_letter_preview_is_its_pdf(client, world, run):
    client.force_login(world.users[VIEWER])
    panel = client.get(url(run, "P1", "letter"), HTTP_HX_REQUEST="true").content.decode()
    pdf_url = url(run, "P1", "letter", "web:run-preview-pdf")
    assert f'src="{pdf_url}"' in panel
    response = client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert not Message.objects.exists()
    assert client.get(url(run, "P1", "email", "web:run-preview-pdf")).status_code == 404


def test_another_company_s_actions_are_not_found(client, world, run):
    client.force_login(world.users["outsider"])
    assert client.get(url(run, "P1", "email")).status_code == 404
    assert client.get(url(run, "P1", "letter", "web:run-preview-pdf")).status_code == 404


def test_an_action_is_previewed_only_under_its_own_run(client, world, run):
    other = run_dunning(world.b, RunRequest(AS_OF, review=True)).run
    action = run.actions.get(customer__code="P1", channel="email")
    client.force_login(world.users[COLLECTOR])
    wrong = reverse("web:run-preview", kwargs={"pk": other.pk, "action": action.pk})
    assert client.get(wrong).status_code == 404
