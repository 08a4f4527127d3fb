"""Finding and creating companies."""

from __future__ import annotations

from django.db import transaction

from relance.ledger.models import Company


class CompanyNotFound(Exception):
    pass


def resolve_company(code: str | None) -> Company:
    """The company named by ``code``, or the only one when no code is given."""
    if code:
        company = Company.objects.filter(code=code).first()
        if company is None:
            known = ", ".join(Company.objects.values_list("code", flat=True)) or "none"
            raise CompanyNotFound(f"no company with code {code!r} (known: {known})")
        return company
    companies = list(Company.objects.all()[:2])
    if not companies:
        raise CompanyNotFound("no company yet: run `relance init --company CODE --name NAME`")
    if len(companies) > 1:
        known = ", ".join(Company.objects.values_list("code", flat=True))
        raise CompanyNotFound(f"several companies exist ({known}): choose one with --company")
    return companies[0]


@transaction.atomic
def ensure_company(code: str, name: str | None = None, **fields: object) -> tuple[Company, bool]:
    """Create the company unless it exists; an existing one is left exactly as it is."""
    company = Company.objects.filter(code=code).first()
    if company is not None:
        return company, False
    company = Company(code=code, legal_name=name or code, **fields)
    company.full_clean()
    company.save()
    return company, True
