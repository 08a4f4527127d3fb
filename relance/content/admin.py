"""Admin for reminder templates (with a live preview for a real customer) and penalty rates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relance.channels.preview import PreviewFailed, live_preview
from relance.content.models import PenaltyRate, Template
from relance.content.services import template_errors


class TemplateForm(forms.ModelForm):
    class Meta:
        model = Template
        fields = [
            "company",
            "channel",
            "level",
            "language",
            "subject_mode",
            "subject",
            "subject_keywords",
            "body",
            "signature",
            "legal_mention",
            "attach_invoices",
            "attach_formal_notice",
            "max_length",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 18, "cols": 90, "class": "vLargeTextField"}),
            "signature": forms.Textarea(attrs={"rows": 4, "cols": 90}),
            "legal_mention": forms.Textarea(attrs={"rows": 2, "cols": 90}),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        candidate = Template(**{k: v for k, v in cleaned.items() if k != "id"})
        for field, problems in template_errors(candidate).items():
            for problem in problems:
                self.add_error(field if field in self.fields else None, problem)
        return cleaned


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    form = TemplateForm
    change_form_template = "admin/content/template/change_form.html"
    list_display = ["__str__", "company", "channel", "level", "language", "subject", "updated_at"]
    list_filter = ["company", "channel", "level", "language"]
    search_fields = ["subject", "body"]
    fieldsets = [
        (None, {"fields": ["company", "channel", "level", "language"]}),
        (
            _("Content"),
            {"fields": ["subject_mode", "subject", "subject_keywords", "body", "signature"]},
        ),
        (
            _("Level options"),
            {"fields": ["legal_mention", "attach_invoices", "attach_formal_notice", "max_length"]},
        ),
    ]

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="content_template_preview",
            )
        ]
        return own + super().get_urls()

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """Render the form as it is being edited (unsaved) for a customer: the change page
        posts here as the supervisor types."""
        if request.method != "POST" or not self.has_view_permission(request):
            return JsonResponse({"error": "POST only"}, status=405)
        data = request.POST
        company_id = data.get("company")
        from relance.ledger.models import Company

        company = get_object_or_404(Company, pk=company_id)
        try:
            result = live_preview(
                company,
                fields={name: data.get(name, "") for name in _PREVIEW_FIELDS},
                customer=data.get("preview_customer", ""),
                language=data.get("preview_language") or None,
                as_of=timezone.localdate(),
            )
        except PreviewFailed as exc:
            return JsonResponse({"error": str(exc)})
        return JsonResponse(result)


_PREVIEW_FIELDS = tuple(name for name in TemplateForm.Meta.fields if name != "company")


@admin.register(PenaltyRate)
class PenaltyRateAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "ecb_rate", "legal_rate", "source"]
    ordering = ["-valid_from"]
