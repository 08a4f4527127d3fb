"""The admin's "Import" button: an upload form over the same import service as the CLI."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relance.ledger.importing.errors import ImportRejected
from relance.ledger.importing.service import import_file
from relance.ledger.models import Company


class ImportForm(forms.Form):
    company = forms.ModelChoiceField(Company.objects.all(), label=_("Company"))
    file = forms.FileField(
        label=_("File"), help_text=_("CSV (UTF-8 or Windows-1252, separated by , ; or tab) or XLSX")
    )
    full = forms.BooleanField(
        label=_("Full import"),
        required=False,
        help_text=_("Mark the open invoices absent from this file as settled."),
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if kind != "invoices":
            del self.fields["full"]
        if Company.objects.count() == 1:
            self.fields["company"].initial = Company.objects.get()


def import_view(model_admin: admin.ModelAdmin, request: HttpRequest, kind: str) -> HttpResponse:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, kind=kind)
    rejected: ImportRejected | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower() or ".csv"
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{suffix}"
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            try:
                report = import_file(
                    form.cleaned_data["company"],
                    kind,
                    path,
                    name=upload.name,
                    today=timezone.localdate(),
                    full=form.cleaned_data.get("full", False),
                )
            except ImportRejected as exc:
                rejected = exc
            else:
                messages.success(request, report.summary())
                opts = model_admin.model._meta
                return HttpResponseRedirect(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import %(what)s") % {"what": model_admin.model._meta.verbose_name_plural},
        "form": form,
        "kind": kind,
        "rejected": rejected,
    }
    return TemplateResponse(request, "admin/ledger/import.html", context)
