""" "Send a statement now" on the customer's page: the statement service, behind a button."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.delivery.models import Message, MessageState
from relance.delivery.statements import send_statement
from relance.web.access import acting_view, visible_customers


@require_POST
@acting_view
def customer_statement(request: HttpRequest, code: str) -> HttpResponse:
    customer = get_object_or_404(visible_customers(request), code=code)
    try:
        queued = send_statement(
            customer,
            token=request.POST.get("token", ""),
            user=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("web:customer", code=customer.code)
    states = set(
        Message.objects.filter(pk__in=[m.pk for m in queued.messages]).values_list(
            "state", flat=True
        )
    )
    if not queued.created:
        messages.info(request, _("This statement was already sent: it was not sent again."))
    elif states == {MessageState.SENT}:
        messages.success(request, _("Statement sent to %(to)s.") % {"to": _to(queued.messages)})
    elif MessageState.FAILED in states:
        messages.error(request, _("The statement could not be sent: see the outbox."))
    else:
        messages.success(
            request,
            _("Statement queued for %(to)s: it leaves shortly.") % {"to": _to(queued.messages)},
        )
    return redirect("web:customer", code=customer.code)


def _to(queued: list[Message]) -> str:
    return ", ".join(dict.fromkeys(address for m in queued for address in m.recipients))
