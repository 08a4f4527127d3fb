"""The outbox: every message that leaves is a row first.

A message goes ``pending -> sending -> sent | failed``; a person may cancel a pending one.
A message found ``sending`` after its claim's lease expired was interrupted mid-send (the
worker died): it becomes ``uncertain`` and is never sent again unless a person says so.
Letters wait in ``to_post`` until someone marks them posted.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.ledger.models import Company, Customer
from relance.ledger.models.fields import acting_user, currency, money
from relance.runs.models import Action, Run


class MessageState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    UNCERTAIN = "uncertain", _("Uncertain: sending was interrupted")
    TO_POST = "to_post", _("Printed, to post")


# What a person still has to look at.
NEEDS_A_PERSON = (MessageState.UNCERTAIN, MessageState.FAILED)


class DeliveryEvent(models.TextChoices):
    """What the provider said after accepting the message (webhooks)."""

    NONE = "", _("No news")
    DELIVERED = "delivered", _("Delivered")
    BOUNCED = "bounced", _("Bounced")
    COMPLAINED = "complained", _("Marked as spam")
    REJECTED = "rejected", _("Rejected by the provider")


class Message(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    run = models.ForeignKey(
        Run,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("run"),
    )
    action = models.OneToOneField(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="message",
        verbose_name=_("action"),
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="messages", verbose_name=_("customer")
    )
    # run + customer + currency + level + channel: the same reminder is queued once only.
    key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    channel = models.CharField(_("channel"), max_length=10)
    level = models.PositiveSmallIntegerField(_("level"))
    currency = currency()
    sender = models.CharField(_("sender"), max_length=250, blank=True)
    recipients = models.JSONField(_("recipients"), default=list)
    # What a message that comes from no run (a statement of account) listed, for its journal
    # entry; a reminder's are on its action.
    invoices = models.JSONField(_("invoices"), default=list, blank=True)
    total_due = money(_("total due"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    segments = models.PositiveSmallIntegerField(
        _("SMS segments"), null=True, blank=True, help_text=_("SMS only: what the provider bills.")
    )
    # Exactly what leaves: the .eml, the SMS text, the letter PDF.
    content = models.FileField(_("content"), upload_to="outbox/%Y/%m/", max_length=250)
    state = models.CharField(
        _("state"), max_length=10, choices=MessageState.choices, default=MessageState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    provider_id = models.CharField(_("provider message id"), max_length=250, blank=True)
    claimed_by = models.CharField(_("worker"), max_length=100, blank=True)
    claim = models.CharField(max_length=32, blank=True, db_index=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Journal, level and fallback are written once per final state, in batches, so a worker
    # dying between sending and recording loses nothing: the next pass records it.
    recorded = models.BooleanField(_("recorded in the journal"), default=False)
    event = models.CharField(
        _("delivery"), max_length=12, choices=DeliveryEvent.choices, blank=True, default=""
    )
    event_at = models.DateTimeField(_("delivery news at"), null=True, blank=True)
    event_detail = models.TextField(_("delivery detail"), blank=True)
    reference = models.CharField(
        _("registered-mail number"), max_length=50, blank=True, help_text=_("Letters only.")
    )
    decided_by = acting_user(_("decided by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "channel", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["state", "recorded"], name="outbox_unrecorded"),
            models.Index(fields=["provider_id"], name="outbox_provider_id"),
            models.Index(fields=["company", "state"], name="outbox_company_state"),
        ]

    def __str__(self) -> str:
        return f"{self.customer} N{self.level} {self.channel} ({self.get_state_display()})"
