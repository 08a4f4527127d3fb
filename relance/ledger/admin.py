from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from relance.holds.admin import CustomerDisputesMixin, DisputeInline, PromiseInline
from relance.ledger.admin_import import import_view
from relance.ledger.models import Allocation, Company, Contact, Customer, Invoice, Payment
from relance.ledger.models.invoice import InvoiceKind
from relance.ledger.services.allocation import record_payment
from relance.notes.admin import NoteInline


class ImportMixin:
    import_kind: str

    def get_urls(self) -> list[URLPattern]:
        opts = self.model._meta  # type: ignore[attr-defined]
        custom = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_file),  # type: ignore[attr-defined]
                name=f"{opts.app_label}_{opts.model_name}_import",
            ),
        ]
        return custom + super().get_urls()  # type: ignore[misc]

    def import_file(self, request: HttpRequest) -> HttpResponse:
        return import_view(self, request, self.import_kind)  # type: ignore[arg-type]


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("yes", _("Overdue")),
            ("1-30", _("1–30 days")),
            ("31-60", _("31–60 days")),
            ("61-90", _("61–90 days")),
            ("90+", _("More than 90 days")),
            ("no", _("Not yet due")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        value = self.value()
        # Overdue means money owed: unused credit notes are open but never overdue.
        open_items = queryset.exclude(open_amount=0).filter(kind=InvoiceKind.INVOICE)
        ranges = {"1-30": (1, 30), "31-60": (31, 60), "61-90": (61, 90)}
        if value == "yes":
            return open_items.filter(due_date__lt=today)
        if value == "no":
            return open_items.filter(due_date__gte=today)
        if value == "90+":
            return open_items.filter(due_date__lt=today - timedelta(days=90))
        if value in ranges:
            low, high = ranges[value]
            return open_items.filter(
                due_date__lte=today - timedelta(days=low),
                due_date__gte=today - timedelta(days=high),
            )
        return queryset


class OpenFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "open"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", pgettext_lazy("invoices", "Open")), ("no", _("Settled"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.exclude(open_amount=0)
        if self.value() == "no":
            return queryset.filter(open_amount=0)
        return queryset


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["code", "legal_name", "siren", "default_currency", "default_language"]
    search_fields = ["code", "legal_name", "siren", "siret"]
    fieldsets = [
        (None, {"fields": ["code", "legal_name", "logo"]}),
        (_("Identifiers"), {"fields": ["siren", "siret", "vat_number"]}),
        (
            _("Address"),
            {"fields": ["address_line1", "address_line2", "postal_code", "city", "country"]},
        ),
        (_("Contact"), {"fields": ["phone", "website"]}),
        (_("Payment details"), {"fields": ["iban", "bic", "payment_link"]}),
        (
            _("Reminders"),
            {
                "fields": [
                    "default_language",
                    "default_currency",
                    "sender_name",
                    "sender_email",
                    "sender_address",
                    "head_of_accounts",
                    "legal_department",
                ]
            },
        ),
        (_("Penalties"), {"fields": ["late_interest_rate", "recovery_indemnity"]}),
        (_("Dunning journal (GDPR)"), {"fields": ["legal_basis", "retention_years"]}),
    ]
    autocomplete_fields = ["head_of_accounts", "legal_department"]
    # A website typed without a scheme is https (Django 6's default, asked for now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(CustomerDisputesMixin, ImportMixin, admin.ModelAdmin):
    import_kind = "customers"
    change_list_template = "admin/ledger/change_list_import.html"
    list_display = [
        "code",
        "name",
        "kind",
        "segment",
        "country",
        "total_due",
        "overdue",
        "marker",
        "dunning_enabled",
        "collector",
    ]
    list_filter = [
        "company",
        "marker",
        "kind",
        "segment",
        "dunning_enabled",
        "country",
        "language",
        "collector",
    ]
    search_fields = ["code", "name", "email", "phone", "contacts__email"]
    list_select_related = ["collector"]
    autocomplete_fields = ["collector"]
    # Other apps add their inlines (journal, holds) to this list when they load.
    inlines = [ContactInline, PromiseInline, NoteInline]
    readonly_fields = ["marker", "disputes"]
    fieldsets = [
        (None, {"fields": ["company", "code", "name", "kind", "segment", "collector"]}),
        (
            _("Contact details"),
            {
                "fields": [
                    "email",
                    "phone",
                    "language",
                    "address_line1",
                    "address_line2",
                    "postal_code",
                    "city",
                    "country",
                ]
            },
        ),
        (
            _("Dunning"),
            {
                "fields": [
                    "marker",
                    "dunning_enabled",
                    "scenario_code",
                    "extra_delay",
                    "blocked_until",
                    "blocked_reason",
                    "disputes",
                ]
            },
        ),
        (
            _("Right to object (GDPR)"),
            {"fields": ["objection_email", "objection_sms", "objection_letter", "objection_phone"]},
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        today = timezone.localdate()
        money = DecimalField(max_digits=15, decimal_places=2)
        zero = Value(0, output_field=money)
        return (
            super()
            .get_queryset(request)
            .annotate(
                total_due_sum=Coalesce(Sum("invoices__open_amount"), zero, output_field=money),
                overdue_sum=Coalesce(
                    Sum(
                        "invoices__open_amount",
                        filter=Q(invoices__due_date__lt=today, invoices__kind=InvoiceKind.INVOICE),
                    ),
                    zero,
                    output_field=money,
                ),
            )
        )

    @admin.display(description=_("total due"), ordering="total_due_sum")
    def total_due(self, customer: Any) -> Any:
        return customer.total_due_sum

    @admin.display(description=_("overdue"), ordering="overdue_sum")
    def overdue(self, customer: Any) -> Any:
        return customer.overdue_sum


@admin.register(Invoice)
class InvoiceAdmin(ImportMixin, admin.ModelAdmin):
    import_kind = "invoices"
    inlines = [DisputeInline]
    change_list_template = "admin/ledger/change_list_import.html"
    list_display = [
        "number",
        "customer",
        "due_date",
        "days_overdue",
        "amount",
        "open_amount",
        "currency",
        "disputed",
    ]
    list_filter = [
        OpenFilter,
        OverdueFilter,
        "disputed",
        "kind",
        "currency",
        "customer__segment",
        "company",
    ]
    search_fields = ["number", "customer__code", "customer__name"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    date_hierarchy = "due_date"
    readonly_fields = ["settled_on", "created_at", "updated_at"]

    @admin.display(description=_("days overdue"))
    def days_overdue(self, invoice: Invoice) -> int | str:
        if not invoice.open_amount:
            return "—"
        return (timezone.localdate() - invoice.due_date).days


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    can_delete = False
    readonly_fields = ["invoice", "amount"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ImportMixin, admin.ModelAdmin):
    import_kind = "payments"
    change_list_template = "admin/ledger/change_list_import.html"
    list_display = [
        "reference",
        "customer",
        "date",
        "amount",
        "currency",
        "invoice_number",
        "unapplied_amount",
    ]
    list_filter = ["currency", "company"]
    search_fields = ["reference", "customer__code", "customer__name", "invoice_number"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]
    date_hierarchy = "date"
    readonly_fields = ["unapplied_amount"]
    inlines = [AllocationInline]

    def save_model(self, request: HttpRequest, obj: Payment, form: Any, change: bool) -> None:
        record_payment(obj)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "customer", "role", "email", "phone", "receives_reminders"]
    list_filter = ["role", "receives_reminders", "customer__company"]
    search_fields = ["name", "email", "phone", "customer__code", "customer__name"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer"]


@admin.register(Allocation)
class AllocationAdmin(admin.ModelAdmin):
    """Read-only: allocations are written by the payment service, never by hand."""

    list_display = ["payment", "invoice", "amount"]
    search_fields = ["payment__reference", "invoice__number", "invoice__customer__code"]
    list_select_related = ["payment", "invoice"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
