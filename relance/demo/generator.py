"""A seeded generator of realistic French receivables: customers, invoices and payments.

Rows come out shaped like the import files (DESIGN.md section 5), one at a time, so that the
same code feeds the demo (a few hundred rows) and the benchmarks (a million) without holding
everything in memory. Same seed and same ``as_of``, same rows.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import phonenumbers
from faker import Faker

Row = dict[str, str]

# Payment behaviours observed in French SME ledgers, with their share of customers.
BEHAVIOURS = (
    ("punctual", 40),
    ("late", 25),
    ("partial", 10),
    ("bad", 10),
    ("disputer", 5),
    ("credit", 10),
)
COMPANY_SEGMENTS = ("PME", "PME", "PME", "ETI", "Grand compte", "Collectivité", "Export")
EXPORT_COUNTRIES = (("GB", "en_GB"), ("BE", "fr_BE"), ("DE", "de_DE"), ("IE", "en_IE"))
PAYMENT_TERMS = (0, 30, 30, 30, 45, 60)


@dataclass(frozen=True)
class DemoSpec:
    customers: int = 60
    invoices: int = 600
    seed: int = 42
    as_of: date = date(2026, 1, 1)


@dataclass(frozen=True)
class CustomerProfile:
    code: str
    behaviour: str


def behaviour_of(spec: DemoSpec, index: int) -> str:
    rng = random.Random(f"{spec.seed}:behaviour:{index}")
    names, weights = zip(*BEHAVIOURS, strict=True)
    return rng.choices(names, weights)[0]


def customer_code(index: int) -> str:
    return f"C{index + 1:06d}"


def customer_rows(spec: DemoSpec) -> Iterator[Row]:
    fake = Faker("fr_FR")
    fake.seed_instance(spec.seed)
    foreign = {country: Faker(locale) for country, locale in EXPORT_COUNTRIES}
    for generator in foreign.values():
        generator.seed_instance(spec.seed)
    rng = random.Random(f"{spec.seed}:customers")
    for index in range(spec.customers):
        is_person = rng.random() < 0.25
        segment = "Particulier" if is_person else rng.choice(COMPANY_SEGMENTS)
        country, language, local = "FR", "fr", fake
        if segment == "Export":
            country, _ = rng.choice(EXPORT_COUNTRIES)
            local = foreign[country]
            language = "fr" if country == "BE" else "en"
        name = local.name() if is_person else _with_legal_form(local.company(), rng, country)
        email = local.free_email() if is_person else local.company_email()
        yield {
            "code": customer_code(index),
            "name": name,
            "kind": "person" if is_person else "company",
            "email": "" if rng.random() < 0.06 else email,
            "phone": _phone(local.phone_number(), country),
            "language": language,
            "country": country,
            "segment": segment,
            # Consumers follow the shipped B2C scenario; businesses the company default.
            "scenario": "b2c" if is_person else "",
            "dunning": "no" if rng.random() < 0.02 else "yes",
            "address_line1": local.street_address(),
            "address_line2": "",
            "postal_code": local.postcode(),
            "city": local.city(),
        }


LEGAL_FORMS = {
    "FR": ("SARL", "SAS", "SAS", "SA", "EURL"),
    "BE": ("SPRL", "SA", "SRL"),
    "DE": ("GmbH", "AG"),
    "GB": ("Ltd", "plc"),
    "IE": ("Ltd",),
}
KNOWN_FORMS = {form.upper() for forms in LEGAL_FORMS.values() for form in forms} | {
    "INC",
    "LLC",
    "KG",
    "SCOP",
    "SNC",
    "SCA",
}


def _with_legal_form(name: str, rng: random.Random, country: str) -> str:
    """Faker sometimes names a company by a surname alone; a ledger never does."""
    words = {word.replace(".", "").strip(",").upper() for word in name.split()}
    if words & KNOWN_FORMS:
        return name
    return f"{name} {rng.choice(LEGAL_FORMS[country])}"


def _phone(raw: str, country: str) -> str:
    try:
        number = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def ledger_rows(spec: DemoSpec) -> Iterator[tuple[Row, list[Row]]]:
    """Yield each invoice with the payments its customer made against it (maybe none).

    Behaviour decides what happened by ``as_of``: paid on time, paid late, paid in part,
    disputed, or never paid; about one document in forty is a credit note.
    """
    rng = random.Random(f"{spec.seed}:ledger")
    behaviours = [behaviour_of(spec, index) for index in range(spec.customers)]
    for index in range(spec.invoices):
        customer = rng.randrange(spec.customers)
        behaviour = behaviours[customer]
        issue = spec.as_of - timedelta(days=rng.randint(5, 365))
        due = issue + timedelta(days=rng.choice(PAYMENT_TERMS))
        cents = min(int(rng.lognormvariate(11.5, 1.1)), 15_000_000)
        amount = Decimal(max(cents, 1500)).scaleb(-2)
        number = f"FA{issue.year}-{index + 1:07d}"
        is_credit = rng.random() < (0.12 if behaviour == "credit" else 0.025)
        invoice = {
            "number": ("AV" + number[2:]) if is_credit else number,
            "customer": customer_code(customer),
            "issue_date": issue.isoformat(),
            "due_date": due.isoformat(),
            "amount": str(-amount if is_credit else amount),
            "open_amount": "",
            "currency": "EUR",
            "disputed": "no",
            "kind": "credit_note" if is_credit else "invoice",
        }
        payments: list[Row] = []
        if not is_credit:
            payments = _payments(rng, spec, behaviour, invoice, issue, due, amount)
        yield invoice, payments


def _payments(
    rng: random.Random,
    spec: DemoSpec,
    behaviour: str,
    invoice: Row,
    issue: date,
    due: date,
    amount: Decimal,
) -> list[Row]:
    delay = {
        "punctual": rng.randint(-5, 3),
        "late": rng.randint(10, 75),
        "partial": rng.randint(0, 40),
        "bad": rng.randint(30, 200),
        "disputer": rng.randint(0, 30),
        "credit": rng.randint(-3, 10),
    }[behaviour]
    paid_on = max(issue, due + timedelta(days=delay))
    if behaviour == "bad" and (spec.as_of - issue).days < 150:
        return []  # stopped paying a few months ago
    if behaviour == "disputer" and rng.random() < 0.3:
        invoice["disputed"] = "yes"
        return []
    if paid_on > spec.as_of:
        return []
    share = amount
    if behaviour == "partial" and rng.random() < 0.6:
        share = (amount * Decimal(rng.randint(20, 80)) / 100).quantize(Decimal("0.01"))
    return [
        {
            "reference": f"RG-{invoice['number']}",
            "customer": invoice["customer"],
            "date": paid_on.isoformat(),
            "amount": str(share),
            "invoice": invoice["number"],
        }
    ]
