"""Finding the run a command names, in the command's company."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from relance.ledger.models import Company
from relance.runs.models import Run


def run_of(company: Company, number: int) -> Run:
    try:
        return Run.objects.get(company=company, pk=number)
    except Run.DoesNotExist:
        raise CommandError(
            _("No run %(id)s in company %(company)s.") % {"id": number, "company": company.code}
        ) from None
