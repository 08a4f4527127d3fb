"""Load the demo company: generate files, import them through the normal import service."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as Role
from django.db import transaction
from django.utils.text import slugify
from faker import Faker

from relance.accounts.models import Membership
from relance.accounts.roles import COLLECTOR, SUPERVISOR
from relance.content.services import ensure_default_templates
from relance.demo.generator import DemoSpec, customer_rows, ledger_rows
from relance.dunning.models import Group
from relance.dunning.services import ensure_default_scenarios
from relance.holds.models import Dispute, Promise
from relance.holds.services import record_promise
from relance.ledger.importing.base import ImportReport
from relance.ledger.importing.customers import FIELD_OF_COLUMN
from relance.ledger.importing.service import import_file
from relance.ledger.models import Allocation, Company, Contact, Customer, Invoice, Payment
from relance.ledger.models.customer import ContactRole
from relance.ledger.services.companies import ensure_company
from relance.runs.services import RunRequest, RunResult, run_dunning

DEMO_COMPANY = "demo"
DEMO_USER = "demo"
DEMO_PASSWORD = "demo"

CUSTOMER_COLUMNS = ["code", "name", *FIELD_OF_COLUMN]
INVOICE_COLUMNS = [
    "number",
    "customer",
    "issue_date",
    "due_date",
    "amount",
    "open_amount",
    "currency",
    "disputed",
    "kind",
]
PAYMENT_COLUMNS = ["reference", "customer", "date", "amount", "invoice"]


@dataclass
class DemoResult:
    company: Company
    reports: list[ImportReport]
    folder: Path
    run: RunResult


def write_demo_files(spec: DemoSpec, folder: Path) -> tuple[Path, Path, Path]:
    """Write customers.csv, invoices.csv and payments.csv, streaming row by row."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = (folder / "customers.csv", folder / "invoices.csv", folder / "payments.csv")
    with paths[0].open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, CUSTOMER_COLUMNS)
        writer.writeheader()
        writer.writerows(customer_rows(spec))
    with (
        paths[1].open("w", newline="", encoding="utf-8") as invoices,
        paths[2].open("w", newline="", encoding="utf-8") as payments,
    ):
        invoice_writer = csv.DictWriter(invoices, INVOICE_COLUMNS)
        payment_writer = csv.DictWriter(payments, PAYMENT_COLUMNS)
        invoice_writer.writeheader()
        payment_writer.writeheader()
        for invoice, invoice_payments in ledger_rows(spec):
            invoice_writer.writerow(invoice)
            payment_writer.writerows(invoice_payments)
    return paths


@transaction.atomic
def load_demo(spec: DemoSpec, folder: Path) -> DemoResult:
    fake = Faker("fr_FR")
    fake.seed_instance(spec.seed)
    company, _ = ensure_company(
        DEMO_COMPANY,
        "Ateliers Mercier SAS",
        siren=(siret := fake.siret().replace(" ", ""))[:9],
        siret=siret,
        vat_number=_vat_from_siren(siret[:9]),
        iban=fake.iban(),
        bic="CCBPFRPPLYO",
        address_line1="14 quai Saint-Antoine",
        postal_code="69002",
        city="Lyon",
        country="FR",
        sender_name="Service recouvrement – Ateliers Mercier",
        sender_email="recouvrement@ateliers-mercier.example",
        sender_address="Ateliers Mercier SAS\n14 quai Saint-Antoine\n69002 Lyon",
        phone="+33478000000",
        website="https://www.ateliers-mercier.example",
        payment_link="https://pay.ateliers-mercier.example/?ref={reference}&amount={amount}",
    )
    ensure_default_scenarios(company)
    ensure_default_templates(company)
    paths = write_demo_files(spec, folder)
    reports = [
        import_file(company, kind, path, today=spec.as_of)
        for kind, path in zip(("customers", "invoices", "payments"), paths, strict=True)
    ]
    _add_contacts(company, spec)
    _add_groups_and_holds(company, spec)
    ensure_demo_user()
    _add_signatories(company)
    _add_members(company)
    # The demo opens on a real day of work: reminders sent, formal notices awaiting review.
    run = run_dunning(company, RunRequest(as_of=spec.as_of))
    return DemoResult(company, reports, folder, run)


def _vat_from_siren(siren: str) -> str:
    # The French VAT key is derived from the SIREN (CGI art. 286 ter); stdnum validates it.
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def _add_groups_and_holds(company: Company, spec: DemoSpec) -> None:
    """A group for consumers and one for key accounts, and a promise to pay from the first
    customer with an overdue invoice, so each feature has something to show."""
    scenarios = {scenario.code: scenario for scenario in company.scenarios.all()}
    Group.objects.get_or_create(
        company=company,
        code="particuliers",
        defaults={
            "name": "Particuliers",
            "priority": 10,
            "scenario": scenarios["b2c"],
            "kinds": ["person"],
        },
    )
    Group.objects.get_or_create(
        company=company,
        code="grands-comptes",
        defaults={
            "name": "Grands comptes et collectivités",
            "priority": 20,
            "scenario": scenarios["b2b"],
            "segments": ["Grand compte", "Collectivité"],
        },
    )
    overdue = (
        Invoice.objects.filter(
            company=company, open_amount__gt=0, due_date__lt=spec.as_of, disputed=False
        )
        .select_related("customer")
        .order_by("customer__code", "due_date")
        .first()
    )
    if overdue is not None:
        record_promise(
            overdue.customer,
            amount=overdue.open_amount,
            until=spec.as_of + timedelta(days=10),
            promised_on=spec.as_of - timedelta(days=1),
            invoices=[overdue],
            note="Virement annoncé au téléphone par le service comptable.",
        )


def _add_contacts(company: Company, spec: DemoSpec) -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(spec.seed + 1)
    rng = random.Random(f"{spec.seed}:contacts")
    customers = Customer.objects.filter(company=company, kind="company", contacts__isnull=True)
    contacts = []
    for customer in customers.order_by("code"):
        for role in (ContactRole.BILLING, ContactRole.ACCOUNTING)[: rng.randint(1, 2)]:
            first, last = fake.first_name(), fake.last_name()
            domain = customer.email.partition("@")[2] or "example.com"
            contacts.append(
                Contact(
                    customer=customer,
                    name=f"{first} {last}",
                    role=role,
                    # ASCII local parts: an SMTP server without SMTPUTF8 refuses the others.
                    email=f"{slugify(first)}.{slugify(last)}@{domain}",
                    receives_reminders=role == ContactRole.BILLING,
                )
            )
    Contact.objects.bulk_create(contacts)


# Who signs the demo's reminders: the account manager (each customer's collector) at the
# first levels, the head of accounts, then the legal department for formal notices.
SIGNATORIES = {
    "collector": ("camille.roux", "Camille", "Roux"),
    "head_of_accounts": ("helene.martin", "Hélène", "Martin"),
    "legal_department": ("sophie.garnier", "Sophie", "Garnier"),
}


def _add_signatories(company: Company) -> None:
    user_model = get_user_model()
    users = {}
    for role, (username, first, last) in SIGNATORIES.items():
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@ateliers-mercier.example",
            },
        )
        if created:
            user.set_unusable_password()
            user.save()
        users[role] = user
    company.head_of_accounts = users["head_of_accounts"]
    company.legal_department = users["legal_department"]
    company.save(update_fields=["head_of_accounts", "legal_department"])
    Customer.objects.filter(company=company, collector=None).update(collector=users["collector"])


# The demo's logins: the supervisor ("demo", also the admin) and the collector.
DEMO_ROLES = {DEMO_USER: SUPERVISOR, "camille.roux": COLLECTOR, "helene.martin": SUPERVISOR}


def _add_members(company: Company) -> None:
    user_model = get_user_model()
    for username, role in DEMO_ROLES.items():
        user = user_model.objects.get(username=username)
        Membership.objects.get_or_create(user=user, company=company)
        user.groups.add(Role.objects.get(name=role))
        if username == "camille.roux" and not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])


def ensure_demo_user() -> None:
    user_model = get_user_model()
    user = user_model.objects.filter(username=DEMO_USER).first()
    if user is None:
        user_model.objects.create_superuser(DEMO_USER, "demo@example.com", DEMO_PASSWORD)


def demo_is_loaded() -> bool:
    return Invoice.objects.filter(company__code=DEMO_COMPANY).exists()


@transaction.atomic
def reset_demo() -> None:
    """Delete the demo company and everything in it (invoices protect their customers, so
    children go first)."""
    company = Company.objects.filter(code=DEMO_COMPANY).first()
    if company is None:
        return
    # Holds restrict the deletion of their invoices and customers; groups, of scenarios.
    Dispute.objects.filter(company=company).delete()
    Promise.objects.filter(company=company).delete()
    Group.objects.filter(company=company).delete()
    Allocation.objects.filter(payment__company=company).delete()
    Payment.objects.filter(company=company).delete()
    Invoice.objects.filter(company=company).delete()
    Contact.objects.filter(customer__company=company).delete()
    company.scenarios.all().delete()
    Customer.objects.filter(company=company).delete()
    company.delete()
