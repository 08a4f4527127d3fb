"""Writing a note, or recording what the customer answered, from the customer's page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.notes.services import add_note
from relance.web.access import acting_view, visible_customers


@require_POST
@acting_view
def customer_note(request: HttpRequest, code: str) -> HttpResponse:
    customer = get_object_or_404(visible_customers(request), code=code)
    answer = request.POST.get("kind") == "answer"
    try:
        add_note(
            customer,
            request.POST.get("text", ""),
            author=request.user,  # type: ignore[arg-type]
            answer=answer,
            channel=request.POST.get("channel", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Answer recorded.") if answer else _("Note added."))
    return redirect("web:customer", code=customer.code)
