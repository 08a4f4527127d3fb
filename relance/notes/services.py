"""Writing notes and customer answers: the one entry point for the back-office and
``relance note`` (the admin only shows them)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.ledger.models import Company, Customer
from relance.notes.models import AnswerChannel, Note, NoteKind
from relance.runs.completing import acting

MAX_LENGTH = 5000


def add_note(
    customer: Customer,
    text: str,
    *,
    author: User | None = None,
    answer: bool = False,
    channel: str = "",
    at: datetime | None = None,
) -> Note:
    """Record an internal note, or (``answer``) what the customer answered and by which
    ``channel``. Raises ``ValidationError`` naming the field at fault."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write something.")})
    if len(text) > MAX_LENGTH:
        raise ValidationError({"text": _("At most %(max)d characters.") % {"max": MAX_LENGTH}})
    if answer:
        if channel not in AnswerChannel.values:
            raise ValidationError(
                {
                    "channel": _("Say how the answer came: %(channels)s.")
                    % {"channels": ", ".join(AnswerChannel.values)}
                }
            )
    else:
        channel = ""
    return Note.objects.create(
        company_id=customer.company_id,
        customer=customer,
        kind=NoteKind.ANSWER if answer else NoteKind.NOTE,
        channel=channel,
        author=acting(author),
        text=text,
        at=at or timezone.now(),
    )


def recent_answers(company: Company, limit: int = 10) -> QuerySet[Note]:
    return (
        Note.objects.filter(company=company, kind=NoteKind.ANSWER)
        .select_related("customer")
        .order_by("-at", "-id")[:limit]
    )
