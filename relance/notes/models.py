"""What a collector writes on a customer: an internal note, or an answer the customer gave.

Staff-only data: nothing here is ever part of the whitelisted context reminder templates
render over (``relance.content.context``).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relance.ledger.models import Company, Customer
from relance.ledger.models.fields import acting_user


class NoteKind(models.TextChoices):
    NOTE = "note", _("Internal note")
    ANSWER = "answer", _("Customer answer")


class AnswerChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    PORTAL = "portal", _("Customer portal")
    OTHER = "other", _("Other")


class Note(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="notes", verbose_name=_("customer")
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=NoteKind.choices, default=NoteKind.NOTE
    )
    # How the answer reached us; blank for an internal note.
    channel = models.CharField(
        _("received by"), max_length=10, choices=AnswerChannel.choices, blank=True
    )
    author = acting_user(_("author"))
    text = models.TextField(_("text"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes and customer answers")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["customer", "at"], name="note_customer_at"),
            models.Index(fields=["company", "kind", "at"], name="note_company_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.at:%Y-%m-%d}"

    @property
    def is_answer(self) -> bool:
        return self.kind == NoteKind.ANSWER
