"""The template editor: supervisors only, the preview follows the unsaved form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relance.accounts.roles import COLLECTOR, SUPERVISOR
from relance.content.models import Template
from relance.content.services import ensure_default_templates

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(world):
    ensure_default_templates(world.a)
    return Template.objects.get(company=world.a, channel="email", level=1, language="fr")


def form_data(template, **changes):
    data = {
        name: getattr(template, name)
        for name in ("channel", "language", "subject_mode", "subject", "subject_keywords")
    }
    data.update(
        level=template.level,
        body=template.body,
        signature=template.signature,
        legal_mention=template.legal_mention,
        attach_invoices="on" if template.attach_invoices else "",
        preview_customer="A1",
    )
    data.update(changes)
    return data


def test_the_preview_shows_the_unsaved_text_for_the_chosen_customer(client, world, template):
    client.force_login(world.users[SUPERVISOR])
    url = reverse("web:template-preview", kwargs={"pk": template.pk})
    body = "Bonjour {{ customer.name }}, merci de régler {{ total.open }}."
    page = client.post(url, form_data(template, body=body)).content.decode()
    assert "Bonjour Client Alpha, merci de régler" in page
    broken = client.post(url, form_data(template, body="{{ customer.notes }}")).content.decode()
    assert 'role="alert"' in broken
    template.refresh_from_db()
    assert "merci de régler" not in template.body  # a preview saves nothing


def test_a_supervisor_saves_a_template_and_a_collector_may_not_edit(client, world, template):
    client.force_login(world.users[COLLECTOR])
    url = reverse("web:template", kwargs={"pk": template.pk})
    assert client.get(url).status_code == 403
    client.force_login(world.users[SUPERVISOR])
    response = client.post(url, form_data(template, subject="Relance {{ customer.name }}"))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.subject == "Relance {{ customer.name }}"


def test_a_template_of_another_company_is_not_found(client, world, template):
    outsider = world.users["outsider"]
    outsider.groups.add(*world.users[SUPERVISOR].groups.all())
    client.force_login(outsider)
    assert client.get(reverse("web:template", kwargs={"pk": template.pk})).status_code == 404
