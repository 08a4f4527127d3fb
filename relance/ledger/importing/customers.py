from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from relance.ledger import validators
from relance.ledger.importing import cells
from relance.ledger.importing.base import Importer, already_on_line, too_long
from relance.ledger.importing.reader import Cell
from relance.ledger.models import Customer
from relance.ledger.models.customer import CustomerKind

# Optional columns and the model field each one sets. A column absent from the file leaves
# the field untouched on existing customers; a blank cell in a present column clears it.
FIELD_OF_COLUMN = {
    "kind": "kind",
    "email": "email",
    "phone": "phone",
    "language": "language",
    "country": "country",
    "segment": "segment",
    "scenario": "scenario_code",
    "dunning": "dunning_enabled",
    "address_line1": "address_line1",
    "address_line2": "address_line2",
    "postal_code": "postal_code",
    "city": "city",
}


@dataclass
class CustomerRow:
    line: int
    code: str
    values: dict[str, Any]


class CustomerImporter(Importer[CustomerRow]):
    kind = "customers"
    required = ("code", "name")
    optional = tuple(FIELD_OF_COLUMN)

    def prepare(self) -> None:
        self.seen: dict[str, int] = {}
        # Phones written the local way are read in the customer's country; when the file has
        # no country column, that is the country already on record.
        self.known_countries: dict[str, str] = (
            {}
            if "country" in self.columns
            else dict(Customer.objects.filter(company=self.company).values_list("code", "country"))
        )

    def parse(self, line: int, values: dict[str, Cell]) -> CustomerRow | None:
        errors_before = self.errors.total
        code = self.required_text(line, values, "code", 50)
        name = self.required_text(line, values, "name", 200)
        if code is not None:
            if code in self.seen:
                self.errors.add(line, "code", already_on_line(code, self.seen[code]))
            self.seen[code] = line
        fields: dict[str, Any] = {"name": name}
        present = self.columns
        if "kind" in present:
            raw_kind = cells.text(values.get("kind"))
            fields["kind"] = (
                self.cell(line, values, "kind", cells.choice, tuple(CustomerKind.values))
                if raw_kind
                else CustomerKind.COMPANY
            )
        if "dunning" in present:
            raw = cells.text(values.get("dunning"))
            fields["dunning_enabled"] = (
                self.cell(line, values, "dunning", cells.yes_no) if raw else True
            )
        if "email" in present:
            fields["email"] = self.cell(line, values, "email", cells.email)
        for column, normalize in (
            ("country", validators.normalize_country),
            ("language", validators.normalize_language),
        ):
            if column in present:
                fields[column] = self._normalized(line, column, values, normalize)
        for column, limit in (
            ("segment", 50),
            ("scenario", 50),
            ("address_line1", 200),
            ("address_line2", 200),
            ("postal_code", 20),
            ("city", 100),
        ):
            if column in present:
                value = cells.text(values.get(column))
                if len(value) > limit:
                    self.errors.add(line, column, too_long(limit))
                fields[FIELD_OF_COLUMN[column]] = value
        if fields.get("country") == "":
            fields["country"] = self.company.country or "FR"
        if "phone" in present:
            region = (
                fields.get("country")
                or self.known_countries.get(code or "")
                or self.company.country
                or "FR"
            )
            fields["phone"] = self._normalized(
                line, "phone", values, lambda raw: validators.normalize_phone(raw, region)
            )
        if code is None or self.errors.total > errors_before:
            return None
        return CustomerRow(line, code, fields)

    def _normalized(self, line: int, column: str, values: dict[str, Cell], normalize: Any) -> str:
        raw = cells.text(values.get(column))
        if not raw:
            return ""
        try:
            return str(normalize(raw))
        except ValidationError as exc:
            self.errors.add(line, column, " ".join(exc.messages))
            return ""

    def write(self, rows: list[CustomerRow]) -> None:
        existing = {
            customer.code: customer
            for customer in Customer.objects.filter(
                company=self.company, code__in=[row.code for row in rows]
            )
        }
        now = timezone.now()
        to_create: list[Customer] = []
        to_update: list[Customer] = []
        changed_fields: set[str] = set()
        for row in rows:
            customer = existing.get(row.code)
            if customer is None:
                to_create.append(Customer(company=self.company, code=row.code, **row.values))
                continue
            changed = {
                name for name, value in row.values.items() if getattr(customer, name) != value
            }
            if changed:
                for name in changed:
                    setattr(customer, name, row.values[name])
                customer.updated_at = now
                changed_fields |= changed
                to_update.append(customer)
            else:
                self.report.unchanged += 1
        Customer.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            Customer.objects.bulk_update(to_update, [*changed_fields, "updated_at"], batch_size=500)
        self.report.created += len(to_create)
        self.report.updated += len(to_update)
