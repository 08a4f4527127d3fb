"""The dunning journal: searchable, filterable, exported to CSV or XLSX as filtered."""

from __future__ import annotations

import csv
from io import BytesIO

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from openpyxl import Workbook

from relance.runs.journal import history
from relance.runs.models import JournalEntry, JournalStatus
from relance.web.access import company_view


def _filtered(request: HttpRequest) -> QuerySet[JournalEntry]:
    entries = history(request.company)  # type: ignore[attr-defined]
    if query := request.GET.get("q", "").strip():
        entries = entries.filter(
            Q(customer__code__icontains=query)
            | Q(customer__name__icontains=query)
            | Q(recipient__icontains=query)
        )
    for name in ("status", "channel"):
        if value := request.GET.get(name):
            entries = entries.filter(**{name: value})
    if (level := request.GET.get("level", "")).isdigit():
        entries = entries.filter(level=int(level))
    for name, lookup in (("from", "date__gte"), ("to", "date__lte")):
        if value := request.GET.get(name):
            entries = entries.filter(**{lookup: value})
    return entries


def _rows(entries: QuerySet[JournalEntry]) -> list[list[object]]:
    return [
        [
            entry.date,
            entry.customer.code,
            entry.customer.name,
            entry.level,
            entry.channel,
            entry.get_status_display(),
            ", ".join(entry.invoices),
            entry.total_due,
            entry.currency,
            entry.recipient,
            entry.user.get_username() if entry.user else "",
            entry.detail,
        ]
        for entry in entries.iterator()
    ]


def _header() -> list[str]:
    return [
        _("date"),
        _("customer"),
        _("name"),
        _("level"),
        _("channel"),
        _("status"),
        _("invoices"),
        _("total due"),
        _("currency"),
        _("recipient"),
        _("user"),
        _("detail"),
    ]


@company_view
def journal(request: HttpRequest) -> HttpResponse:
    entries = _filtered(request)
    export = request.GET.get("export")
    if export == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="journal.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 only with a BOM
        writer = csv.writer(response, delimiter=";")
        writer.writerow(_header())
        writer.writerows(_rows(entries))
        return response
    if export == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Dunning journal")[:31])
        sheet.append(_header())
        for row in _rows(entries):
            sheet.append(row)
        buffer = BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="journal.xlsx"'
        return response
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "web/journal.html",
        {"page": page, "statuses": JournalStatus.choices, "query": request.GET.urlencode()},
    )
