"""What a person changes on a customer's dunning: blocking it for a while, its scenario."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from relance.dunning.models import Scenario
from relance.ledger.models import Customer


def block(customer: Customer, until: date, reason: str, today: date) -> None:
    """No reminder for ``customer`` until ``until`` (included), for ``reason``."""
    errors = {}
    if until < today:
        errors["until"] = _("The end date is in the past.")
    if not reason.strip():
        errors["reason"] = _("Say why the customer is blocked.")
    if errors:
        raise ValidationError(errors)
    customer.blocked_until, customer.blocked_reason = until, reason.strip()[:200]
    customer.save(update_fields=["blocked_until", "blocked_reason", "updated_at"])


def unblock(customer: Customer) -> None:
    customer.blocked_until, customer.blocked_reason = None, ""
    customer.save(update_fields=["blocked_until", "blocked_reason", "updated_at"])


def change_scenario(customer: Customer, code: str) -> None:
    """Follow scenario ``code`` from now on (empty: the group's or the company's default)."""
    if code and not Scenario.objects.filter(company_id=customer.company_id, code=code).exists():
        raise ValidationError({"scenario": _("No scenario %(code)s.") % {"code": code}})
    customer.scenario_code = code
    customer.save(update_fields=["scenario_code", "updated_at"])
