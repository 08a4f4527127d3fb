"""Notes in the admin are shown, never written there: only ``add_note`` files a note, under the
customer's own company."""

from __future__ import annotations

import pytest
from django.urls import reverse

from relance.notes.services import add_note
from tests.notes.test_services import durand  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def test_the_admin_lists_notes_and_offers_no_way_to_add_or_change_them(
    client,
    django_user_model,
    durand,  # noqa: F811
):
    note = add_note(durand, "Called, will pay Friday")
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.com", "pw"))
    listing = client.get(reverse("admin:notes_note_changelist"))
    assert "Called, will pay Friday" in listing.content.decode()
    assert client.get(reverse("admin:notes_note_add")).status_code == 403
    change = reverse("admin:notes_note_change", args=[note.pk])
    client.post(change, {"text": "rewritten", "company": "", "customer": note.customer_id})
    note.refresh_from_db()
    assert note.text == "Called, will pay Friday"
