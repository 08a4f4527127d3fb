"""Templates: the list, and the editor with a side-by-side preview for a chosen customer and
language that follows the typing (HTMX posts the unsaved form to the preview)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from relance.channels.preview import PreviewFailed, live_preview
from relance.content.admin import TemplateForm
from relance.content.models import Template
from relance.web.access import company_view, supervisor_view, visible_customers


class CompanyTemplateForm(TemplateForm):
    """The admin's form, its company fixed to the current one (never taken from the form)."""

    class Meta(TemplateForm.Meta):
        fields = [name for name in TemplateForm.Meta.fields if name != "company"]

    def clean(self) -> dict[str, Any]:
        self.cleaned_data["company"] = self.instance.company
        return super().clean()


@company_view
def template_list(request: HttpRequest) -> HttpResponse:
    templates = Template.objects.filter(company=request.company).order_by(  # type: ignore[attr-defined]
        "channel", "level", "language"
    )
    return render(request, "web/templates.html", {"templates": templates})


@supervisor_view
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(Template, pk=pk, company=request.company)  # type: ignore[attr-defined]
    form = CompanyTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Template saved."))
        return redirect("web:template", pk=template.pk)
    customers = visible_customers(request).order_by("code").values_list("code", "name")[:300]
    return render(
        request, "web/template.html", {"form": form, "template": template, "customers": customers}
    )


@supervisor_view
def template_preview(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(Template, pk=pk, company=request.company)  # type: ignore[attr-defined]
    customer = request.POST.get("preview_customer", "")
    if not visible_customers(request).filter(code=customer).exists():
        return render(request, "web/template_preview.html", {"error": _("Choose a customer.")})
    fields = {name: request.POST.get(name, "") for name in CompanyTemplateForm.Meta.fields}
    fields.setdefault("channel", template.channel)
    try:
        result = live_preview(
            template.company,
            fields=fields,
            customer=customer,
            language=request.POST.get("preview_language") or None,
            as_of=timezone.localdate(),
        )
    except PreviewFailed as exc:
        return render(request, "web/template_preview.html", {"error": str(exc)})
    return render(request, "web/template_preview.html", {"result": result})
