"""Runs, their actions and the dunning journal.

A run is one dunning pass at a date. It holds one action per proposal and channel; an action
goes ``proposed -> approved | removed`` and an approved one ``-> done | failed``. Executed
actions write journal entries, which are what the customer card and ``relance history`` show.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.ledger.models import Company, Customer
from relance.ledger.models.company import LegalBasis
from relance.ledger.models.fields import acting_user, currency, money


class Run(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="runs", verbose_name=_("company")
    )
    as_of = models.DateField(_("date"))
    scenario_code = models.CharField(_("only scenario"), max_length=50, blank=True)
    level = models.PositiveSmallIntegerField(_("only level"), null=True, blank=True)
    review = models.BooleanField(_("review everything"), default=False)
    forced = models.BooleanField(_("forced"), default=False)
    # Started by the daily schedule (worker or Celery beat): at most one such run a day.
    scheduled = models.BooleanField(_("daily run"), default=False)
    started_by = acting_user(_("started by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    proposals = models.PositiveIntegerField(_("proposals"), default=0)
    # All the run's letters in one print-ready PDF, one letter per customer.
    print_batch = models.FileField(_("letters to print"), upload_to="letters/%Y/%m/", blank=True)
    skipped = models.PositiveIntegerField(
        _("already actioned"),
        default=0,
        help_text=_("Proposals left out because the same level was already actioned that day."),
    )

    class Meta:
        verbose_name = _("run")
        verbose_name_plural = _("runs")
        ordering = ["-as_of", "-id"]
        indexes = [models.Index(fields=["company", "as_of"], name="run_company_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "as_of"],
                condition=models.Q(scheduled=True),
                name="one_daily_run_a_day",
            )
        ]

    def __str__(self) -> str:
        return _("Run #%(id)s of %(date)s") % {"id": self.pk, "date": self.as_of}


class ActionState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    # In the outbox: rendered, waiting to be sent, posted or called.
    QUEUED = "queued", _("Queued")
    REMOVED = "removed", _("Removed")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Action(models.Model):
    """One channel of one proposal: what to send to a customer, in a currency, at a level."""

    run = models.ForeignKey(
        Run, on_delete=models.CASCADE, related_name="actions", verbose_name=_("run")
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="dunning_actions",
        verbose_name=_("customer"),
    )
    as_of = models.DateField(_("date"))
    currency = currency()
    scenario_code = models.CharField(_("scenario"), max_length=50)
    level = models.PositiveSmallIntegerField(_("level"))
    channel = models.CharField(_("channel"), max_length=10)
    review = models.BooleanField(_("needs review"), default=False)
    total_due = money(_("total due"))
    # The proposal as planned: number, due date, days overdue, level, open amount and whether
    # that invoice was due for this reminder. Kept as planned so a review shows what was
    # decided even if the ledger moves on.
    invoices = models.JSONField(_("invoices"), default=list)
    state = models.CharField(
        _("state"), max_length=10, choices=ActionState.choices, default=ActionState.PROPOSED
    )
    decided_by = acting_user(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    removed_reason = models.CharField(_("reason for removal"), max_length=200, blank=True)
    # Set, and committed, before the message leaves: an action found claimed but not done was
    # interrupted mid-send and is never sent again without a person deciding.
    claimed_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    message_id = models.CharField(_("message id"), max_length=250, blank=True)
    # The level's channels this customer has no address for (this action may be their
    # fallback): what a manual run lists apart, e.g. customers without an e-mail address.
    unreachable = models.JSONField(_("no address for"), default=list, blank=True)
    # Set on an action created because another channel could not reach the customer.
    fallback_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fallbacks",
        verbose_name=_("fallback of"),
    )

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["run", "customer__code", "currency", "channel"]
        constraints = [
            # The idempotency of runs: the same customer, currency, level and channel is never
            # actioned twice for the same date, whatever the number of runs that day.
            models.UniqueConstraint(
                fields=["company", "customer", "currency", "level", "channel", "as_of"],
                name="action_once_per_day",
            ),
        ]
        indexes = [models.Index(fields=["company", "state"], name="action_company_state")]

    def __str__(self) -> str:
        return f"{self.customer} N{self.level} {self.channel} ({self.get_state_display()})"

    @property
    def interrupted(self) -> bool:
        return self.claimed_at is not None and self.state == ActionState.APPROVED


class JournalStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    PRINTED = "printed", _("Printed, to post")
    POSTED = "posted", _("Posted")
    CALLED = "called", _("Called")
    UNREACHED = "unreached", _("Called, not reached")
    UNCERTAIN = "uncertain", _("Uncertain")
    FAILED = "failed", _("Failed")
    REMOVED = "removed", _("Removed")


class JournalEntry(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="journal", verbose_name=_("customer")
    )
    run = models.ForeignKey(
        Run,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journal",
        verbose_name=_("run"),
    )
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journal",
        verbose_name=_("action"),
    )
    date = models.DateField(_("date"))
    at = models.DateTimeField(_("recorded at"))
    user = acting_user(_("user"), help_text=_("Empty when the system acted on its own."))
    currency = currency()
    level = models.PositiveSmallIntegerField(_("level"))
    channel = models.CharField(_("channel"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=JournalStatus.choices)
    invoices = models.JSONField(_("invoices"), default=list)
    total_due = money(_("total due"))
    recipient = models.CharField(_("recipient"), max_length=500, blank=True)
    message_id = models.CharField(_("message id"), max_length=250, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    # Exactly what left: the .eml of an e-mail, the PDF of a letter.
    document = models.FileField(_("document"), upload_to="journal/%Y/%m/", blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=20, choices=LegalBasis.choices)
    retain_until = models.DateField(_("retain until"))

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("dunning journal")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["company", "date"], name="journal_company_date"),
            models.Index(fields=["customer", "date"], name="journal_customer_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.customer} N{self.level} {self.channel} {self.status}"
