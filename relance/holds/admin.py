"""Promises and disputes in the admin. Saving goes through ``relance.holds.services`` so that the
invoice's dispute flag stays in step and every change lands in the history; nothing can be
deleted, and history pages are read-only (no "revert")."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from relance.holds import services
from relance.holds.models import MANUAL_SOURCES, Dispute, Promise, PromiseStatus
from relance.ledger.models import Customer


def _report(form: forms.ModelForm, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form fields it names, the rest on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _adopt(obj: Model, saved: Model) -> None:
    """The admin goes on with the instance its form built (log entry, redirect): give it the
    row the service saved."""
    vars(obj).update(vars(saved))


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History is shown, never rewritten, and holds are closed rather than deleted."""

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A closed hold is history: shown, not edited.
        return (obj is None or obj.is_open) and super().has_change_permission(request, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: Any) -> None:
        # The services write the relations (a promise's invoices): no form.save_m2m().
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


# Promises ------------------------------------------------------------------------------------


class PromiseForm(forms.ModelForm):
    class Meta:
        model = Promise
        fields = [
            "customer",
            "invoices",
            "amount",
            "currency",
            "promised_on",
            "until",
            "source",
            "note",
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        adding = self.instance.pk is None
        customer = data.get("customer") if adding else self.instance.customer
        if customer is not None:
            try:
                services.check_promise(
                    customer,
                    data.get("amount"),
                    data.get("promised_on") if adding else self.instance.promised_on,
                    data.get("until"),
                    data.get("invoices") or () if adding else (),
                )
            except ValidationError as exc:
                _report(self, exc)
        return data


@admin.register(Promise)
class PromiseAdmin(ReadOnlyHistoryAdmin):
    form = PromiseForm
    list_display = [
        "customer",
        "amount",
        "currency",
        "promised_on",
        "until",
        "status",
        "source",
        "recorded_by",
    ]
    list_filter = ["status", "source", "until", "company"]
    search_fields = ["customer__code", "customer__name", "invoices__number"]
    list_select_related = ["customer", "recorded_by"]
    autocomplete_fields = ["customer", "invoices"]
    date_hierarchy = "until"
    actions = ["cancel_promises"]
    history_list_display = ["status", "until", "amount"]
    record_fields = ["status", "recorded_by", "created_at", "closed_on", "closed_by"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        promise = [(None, {"fields": list(PromiseForm.Meta.fields)})]
        if obj is None:
            return promise
        return [*promise, (_("Record"), {"fields": [*self.record_fields, "closing_note"]})]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return ["customer", "invoices", "currency", "promised_on", *self.record_fields]

    def save_model(self, request: HttpRequest, obj: Promise, form: Any, change: bool) -> None:
        if change:
            services.amend_promise(
                obj,
                amount=obj.amount,
                until=obj.until,
                source=obj.source,
                note=obj.note,
                user=request.user,  # type: ignore[arg-type]
            )
            return
        saved = services.record_promise(
            obj.customer,
            amount=obj.amount,
            until=obj.until,
            promised_on=obj.promised_on,
            invoices=form.cleaned_data.get("invoices") or (),
            currency=obj.currency,
            user=request.user,  # type: ignore[arg-type]
            source=obj.source,
            note=obj.note,
        )
        _adopt(obj, saved)

    @admin.action(description=_("Cancel the selected open promises"), permissions=["change"])
    def cancel_promises(self, request: HttpRequest, queryset: QuerySet[Promise]) -> None:
        today = timezone.localdate()
        promises = list(queryset.filter(status=PromiseStatus.OPEN))
        for promise in promises:
            services.cancel_promise(promise, today, request.user)  # type: ignore[arg-type]
        self.message_user(
            request,
            ngettext("%(count)d promise cancelled.", "%(count)d promises cancelled.", len(promises))
            % {"count": len(promises)},
            messages.SUCCESS,
        )


# Disputes ------------------------------------------------------------------------------------


class DisputeForm(forms.ModelForm):
    class Meta:
        model = Dispute
        fields = ["invoice", "reason", "since", "source", "resolved_on", "resolution_note"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if "source" in self.fields:
            # "import" is the ERP file's flag, never chosen by a person.
            self.fields["source"].choices = MANUAL_SOURCES  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            if self.instance.pk is None:
                if data.get("invoice") is not None:
                    services.check_dispute(data["invoice"])
            elif data.get("resolved_on"):
                # The form has not written its values on the instance yet: check a copy.
                probe = copy.copy(self.instance)
                probe.since = data.get("since") or probe.since
                services.check_resolution(probe, data["resolved_on"])
            elif data.get("resolution_note"):
                raise ValidationError({"resolved_on": _("Give the day the dispute was resolved.")})
        except ValidationError as exc:
            _report(self, exc)
        return data


class OpenFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "open"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", pgettext_lazy("disputes", "Open")), ("no", _("Resolved"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(resolved_on=None)
        if self.value() == "no":
            return queryset.exclude(resolved_on=None)
        return queryset


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyHistoryAdmin):
    form = DisputeForm
    list_display = [
        "invoice",
        "customer",
        "reason",
        "since",
        "source",
        "opened_by",
        "resolved_on",
    ]
    list_filter = [OpenFilter, "source", "company"]
    search_fields = ["invoice__number", "invoice__customer__code", "invoice__customer__name"]
    list_select_related = ["invoice__customer", "opened_by"]
    autocomplete_fields = ["invoice"]
    date_hierarchy = "since"
    actions = ["resolve_disputes"]
    history_list_display = ["since", "resolved_on"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return [(None, {"fields": ["invoice", "reason", "since", "source"]})]
        return [
            (None, {"fields": ["invoice", "reason", "since", "source", "opened_by", "created_at"]}),
            (_("Resolution"), {"fields": ["resolved_on", "resolved_by", "resolution_note"]}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return ["invoice", "source", "opened_by", "created_at", "resolved_by"]

    @admin.display(description=_("customer"), ordering="invoice__customer__code")
    def customer(self, dispute: Dispute) -> Customer:
        return dispute.invoice.customer

    def save_model(self, request: HttpRequest, obj: Dispute, form: Any, change: bool) -> None:
        user: Any = request.user
        if not change:
            _adopt(obj, services.open_dispute(obj.invoice, obj.reason, obj.since, user, obj.source))
            return
        # The form wrote the resolution on the instance; the service does it properly.
        resolved_on, note = obj.resolved_on, obj.resolution_note
        obj.resolved_on, obj.resolution_note = None, ""
        if {"reason", "since"} & set(form.changed_data):
            services.amend_dispute(obj, reason=obj.reason, since=obj.since, user=user)
        if resolved_on is not None:
            services.resolve_dispute(obj, resolved_on, user, note)

    @admin.action(description=_("Resolve the selected open disputes today"), permissions=["change"])
    def resolve_disputes(self, request: HttpRequest, queryset: QuerySet[Dispute]) -> None:
        today = timezone.localdate()
        disputes = list(queryset.filter(resolved_on=None).select_related("invoice"))
        resolved = 0
        for dispute in disputes:
            try:
                services.resolve_dispute(dispute, today, request.user)  # type: ignore[arg-type]
            except ValidationError as exc:
                self.message_user(request, f"{dispute}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                resolved += 1
        self.message_user(
            request,
            ngettext("%(count)d dispute resolved.", "%(count)d disputes resolved.", resolved)
            % {"count": resolved},
            messages.SUCCESS,
        )


# For the ledger's admin pages ----------------------------------------------------------------


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PromiseInline(_ReadOnlyInline):
    """The customer's promises, newest first, on the customer page."""

    model = Promise
    fk_name = "customer"
    fields = readonly_fields = (
        "promised_on",
        "until",
        "amount",
        "currency",
        "status",
        "source",
        "recorded_by",
    )
    ordering = ["-promised_on", "-id"]


class DisputeInline(_ReadOnlyInline):
    """The invoice's disputes, newest first, on the invoice page."""

    model = Dispute
    fields = readonly_fields = (
        "reason",
        "since",
        "source",
        "opened_by",
        "resolved_on",
        "resolution_note",
    )
    ordering = ["-since", "-id"]


class CustomerDisputesMixin:
    """A read-only ``disputes`` field for the customer page: a dispute hangs off an invoice,
    so it cannot be an inline of the customer."""

    @admin.display(description=_("disputes"))
    def disputes(self, customer: Customer) -> SafeString | str:
        if customer.pk is None:
            return "—"
        rows = (
            Dispute.objects.filter(invoice__customer=customer)
            .select_related("invoice")
            .order_by("-since", "-id")
        )
        lines = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:holds_dispute_change", args=[dispute.pk]),
                    dispute.invoice.number,
                    dispute.reason,
                    dispute.since,
                    dispute.get_source_display(),
                    dispute.resolved_on or pgettext_lazy("dispute", "open"),
                )
                for dispute in rows
            ),
        )
        if not lines:
            return "—"
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            _("invoice"),
            _("reason"),
            _("since"),
            _("source"),
            _("resolved on"),
            lines,
        )
