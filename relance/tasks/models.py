"""The collector's to-do list: calls to make, letters to post, messages a person must look at."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.ledger.models import Company, Customer
from relance.ledger.models.fields import acting_user, money
from relance.runs.models import Action


class TaskKind(models.TextChoices):
    CALL = "call", _("Call")
    POST_LETTER = "post_letter", _("Letter to post")
    UNCERTAIN = "uncertain", _("Interrupted message to check")
    FAILED = "failed", _("Message that could not be sent")
    BOUNCED = "bounced", _("Bounced e-mail")


class TaskState(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    PROMISE = "promise", _("Promise to pay")
    DISPUTE = "dispute", _("Dispute")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    CALL_BACK = "call_back", _("Call back")


class Task(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("customer")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=TaskKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("assigned to"),
    )
    due_at = models.DateTimeField(_("due"))
    action = models.ForeignKey(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("action"),
    )
    message = models.ForeignKey(
        "delivery.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("message"),
    )
    title = models.CharField(_("title"), max_length=250)
    # The call script rendered from the level's template, or why the task exists.
    body = models.TextField(_("details"), blank=True)
    phones = models.JSONField(_("phone numbers"), default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=CallOutcome.choices, blank=True)
    outcome_note = models.TextField(_("note"), blank=True)
    promised_amount = money(_("promised amount"), null=True, blank=True)
    promised_until = models.DateField(_("promised for"), null=True, blank=True)
    call_back_on = models.DateTimeField(_("call back on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = acting_user(_("done by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("to-do list")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["company", "state", "due_at"], name="task_company_due"),
            models.Index(fields=["assignee", "state", "due_at"], name="task_assignee_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.customer} ({self.get_state_display()})"
