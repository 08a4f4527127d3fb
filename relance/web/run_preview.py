"""The preview of one action of a run: exactly what it would send (``relance.runs.previewing``),
for every role of the run's company. Nothing is stored or sent."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify

from relance.runs.models import Action
from relance.runs.previewing import preview_action
from relance.web.access import company_view


def _action(request: HttpRequest, pk: int, action: int) -> Action:
    return get_object_or_404(
        Action.objects.select_related(
            "customer__company", "customer__collector", "company", "run"
        ).prefetch_related("customer__contacts"),
        pk=action,
        run_id=pk,
        company=request.company,  # type: ignore[attr-defined]
    )


@company_view
def action_preview(request: HttpRequest, pk: int, action: int) -> HttpResponse:
    """The preview panel (HTMX), or a page of its own when opened directly."""
    found = _action(request, pk, action)
    # A letter is laid out once, by the PDF view its frame loads.
    context = {
        "action": found,
        "run": found.run,
        "preview": None if found.channel == "letter" else preview_action(found),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "web/run_preview.html", context)
    return render(request, "web/run_action_preview.html", context)


@company_view
def action_preview_pdf(request: HttpRequest, pk: int, action: int) -> HttpResponse:
    found = _action(request, pk, action)
    if found.channel != "letter":
        return HttpResponse(status=404)
    preview = preview_action(found)
    if preview.error:
        return HttpResponse(preview.error, content_type="text/plain; charset=utf-8", status=422)
    response = HttpResponse(preview.pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="preview-{slugify(found.customer.code)}-{found.level}.pdf"'
    )
    return response
