"""Acting on a customer from its page: block or unblock, change scenario, record a promise or
a dispute. Each form posts here and calls the service the admin and the CLI use."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.dunning.customer_settings import block, change_scenario, unblock
from relance.holds.models import Source
from relance.holds.services import open_dispute, record_promise
from relance.web.access import acting_view, visible_customers


def _day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError({field: _("Enter a date.")}) from None


@require_POST
@acting_view
def customer_action(request: HttpRequest, code: str) -> HttpResponse:
    customer = get_object_or_404(visible_customers(request), code=code)
    data, today = request.POST, timezone.localdate()
    user: User = request.user  # type: ignore[assignment]
    action = data.get("do", "")
    try:
        if action == "block":
            block(customer, _day(data.get("until", ""), "until"), data.get("reason", ""), today)
        elif action == "unblock":
            unblock(customer)
        elif action == "scenario":
            change_scenario(customer, data.get("scenario", "").strip())
        elif action == "promise":
            try:
                amount = Decimal(data.get("amount", "").replace(",", "."))
            except InvalidOperation:
                raise ValidationError({"amount": _("Enter an amount.")}) from None
            record_promise(
                customer,
                amount=amount,
                until=_day(data.get("until", ""), "until"),
                promised_on=today,
                user=user,
                source=data.get("source") or Source.PHONE,
                note=data.get("note", ""),
            )
        elif action == "dispute":
            invoice = get_object_or_404(customer.invoices, number=data.get("invoice", ""))
            open_dispute(invoice, data.get("reason", ""), today, user, Source.PHONE)
        else:
            return HttpResponse(status=400)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("web:customer", code=customer.code)
