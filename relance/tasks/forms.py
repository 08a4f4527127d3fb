"""The forms that close tasks, shared by the admin and the back-office: a call's outcome, or a
note for any other task. Both go through the services, so the journal, the levels and the holds
follow as they do from ``relance call``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from relance.ledger.models import Invoice
from relance.tasks.models import Task
from relance.tasks.outcomes import check_call_outcome, record_call_outcome
from relance.tasks.services import close_task

# The services' argument names, as the form's fields spell them.
FIELD_OF = {
    "amount": "promised_amount",
    "until": "promised_until",
    "call_back_at": "call_back_on",
    "at": "called_at",
}


def _report(form: forms.BaseForm, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form fields it names, the rest on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        name = FIELD_OF.get(field, field)
        form.add_error(name if name in form.fields else None, errors)


class CallOutcomeForm(forms.ModelForm):
    """What the call gave. Checked by the service when the form is cleaned, so that every
    error shows on its field; recorded by the service when saved."""

    called_at = forms.DateTimeField(
        label=_("called at"), required=False, help_text=_("Leave empty for now.")
    )
    phone = forms.ChoiceField(label=_("number dialled"), required=False)
    invoices = forms.ModelMultipleChoiceField(
        label=_("invoices"),
        queryset=Invoice.objects.none(),
        required=False,
        help_text=_(
            "Promise: the invoices it covers (none: all). Dispute: the invoices disputed "
            "(none: those of the reminder)."
        ),
    )
    dispute_reason = forms.CharField(label=_("dispute reason"), required=False, max_length=200)
    user: User | None = None

    class Meta:
        model = Task
        fields = ["outcome", "outcome_note", "promised_amount", "promised_until", "call_back_on"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        task: Task = self.instance
        self.fields["outcome"].required = True
        self.fields["phone"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (entry["number"], entry["number"]) for entry in task.phones
        ]
        invoices = self.fields["invoices"]
        invoices.queryset = Invoice.objects.filter(  # type: ignore[attr-defined]
            customer_id=task.customer_id
        ).exclude(open_amount=0)

    def _arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "at": data.get("called_at"),
            "amount": data.get("promised_amount"),
            "until": data.get("promised_until"),
            "invoices": list(data.get("invoices") or ()),
            "call_back_at": data.get("call_back_on"),
            "dispute_reason": data.get("dispute_reason") or "",
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        outcome = self.cleaned_data.get("outcome")
        if outcome:
            try:
                check_call_outcome(self.instance, outcome, **self._arguments())
            except ValidationError as exc:
                _report(self, exc)
        return self.cleaned_data

    def save(self, commit: bool = True) -> Task:
        # The service reads the task again and writes everything; the admin's own save_m2m
        # has nothing left to do.
        self.save_m2m = lambda: None  # type: ignore[method-assign]
        record_call_outcome(
            self.instance,
            self.cleaned_data["outcome"],
            user=self.user,
            note=self.cleaned_data.get("outcome_note") or "",
            phone=self.cleaned_data.get("phone") or "",
            **self._arguments(),
        )
        return self.instance


class CloseTaskForm(forms.ModelForm):
    user: User | None = None

    class Meta:
        model = Task
        fields = ["outcome_note"]

    def save(self, commit: bool = True) -> Task:
        self.save_m2m = lambda: None  # type: ignore[method-assign]
        return close_task(self.instance, self.user, self.cleaned_data.get("outcome_note") or "")
