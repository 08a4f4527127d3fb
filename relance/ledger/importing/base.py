"""The frame every importer shares: read rows, collect every error, write in chunks inside
one transaction, and roll everything back if a single line was wrong."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy, npgettext_lazy

from relance.ledger import validators
from relance.ledger.importing import cells
from relance.ledger.importing.errors import ErrorCollector
from relance.ledger.importing.reader import Cell, Table
from relance.ledger.models import Company

Row = TypeVar("Row")
ProgressCallback = Callable[[int], None]

CHUNK_SIZE = 2000

# The summary's counts, by kind of import: each is pluralised (English keeps one form), and
# in French its words agree with the kind (« 3 factures créées », « 3 clients créés »). Lazy,
# the count taken from the interpolated dict: translated in the language active when the
# summary is made, not at import time.
_READ = {
    "customers": ngettext_lazy(
        "%(file)s: %(count)d customers read", "%(file)s: %(count)d customers read", "count"
    ),
    "invoices": ngettext_lazy(
        "%(file)s: %(count)d invoices read", "%(file)s: %(count)d invoices read", "count"
    ),
    "payments": ngettext_lazy(
        "%(file)s: %(count)d payments read", "%(file)s: %(count)d payments read", "count"
    ),
}
_CREATED = {
    "customers": npgettext_lazy("customers", "%(count)d created", "%(count)d created", "count"),
    "invoices": npgettext_lazy("invoices", "%(count)d created", "%(count)d created", "count"),
    "payments": npgettext_lazy("payments", "%(count)d created", "%(count)d created", "count"),
}
_UPDATED = {
    "customers": npgettext_lazy("customers", "%(count)d updated", "%(count)d updated", "count"),
    "invoices": npgettext_lazy("invoices", "%(count)d updated", "%(count)d updated", "count"),
    "payments": npgettext_lazy("payments", "%(count)d updated", "%(count)d updated", "count"),
}
_UNCHANGED = {
    "customers": npgettext_lazy("customers", "%(count)d unchanged", "%(count)d unchanged", "count"),
    "invoices": npgettext_lazy("invoices", "%(count)d unchanged", "%(count)d unchanged", "count"),
    "payments": npgettext_lazy("payments", "%(count)d unchanged", "%(count)d unchanged", "count"),
}
_SETTLED = ngettext_lazy(
    "%(count)d absent from the file marked as settled",
    "%(count)d absent from the file marked as settled",
    "count",
)


@dataclass
class ImportReport:
    kind: str
    file: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    settled: int = 0
    allocated: Decimal = Decimal("0.00")
    unapplied: Decimal = Decimal("0.00")
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line saying what the import did, in the active language."""
        parts = [
            _READ[self.kind] % {"file": self.file, "count": self.rows},
            _CREATED[self.kind] % {"count": self.created},
            _UPDATED[self.kind] % {"count": self.updated},
            _UNCHANGED[self.kind] % {"count": self.unchanged},
        ]
        if self.kind == "invoices" and self.settled:
            parts.append(_SETTLED % {"count": self.settled})
        if self.kind == "payments":
            parts.append(
                _("%(amount)s allocated to invoices") % {"amount": number_format(self.allocated)}
            )
            parts.append(
                _("%(amount)s left as unapplied credit") % {"amount": number_format(self.unapplied)}
            )
        return ", ".join(parts)


class Importer(Generic[Row]):
    kind: ClassVar[str]
    required: ClassVar[tuple[str, ...]]
    optional: ClassVar[tuple[str, ...]]

    def __init__(self, company: Company, file: str, today: date):
        self.company = company
        self.file = file
        self.today = today
        self.errors = ErrorCollector(file)
        self.report = ImportReport(self.kind, file)
        self.columns: set[str] = set()
        self.default_currency = company.default_currency
        self._currencies: dict[str, str | None] = {}

    @classmethod
    def known_columns(cls) -> set[str]:
        return set(cls.required) | set(cls.optional)

    def run(self, table: Table, on_progress: ProgressCallback | None = None) -> ImportReport:
        self.check_header(table.columns)
        if self.errors:
            raise self.errors.rejection()
        with transaction.atomic():
            self.prepare()
            for chunk in self._parsed_chunks(table, on_progress):
                if not self.errors:
                    self.write(chunk)
            self.check_rows()
            if not self.errors:
                self.finish()
            if self.errors:
                raise self.errors.rejection()
        return self.report

    def _parsed_chunks(
        self, table: Table, on_progress: ProgressCallback | None
    ) -> Iterator[list[Row]]:
        # Runs once per line of a million-line file: locals over attributes, no extra calls.
        pending: list[Row] = []
        errors = self.errors
        parse = self._parse
        done = 0
        for line, values in table.rows:
            row = parse(line, values)
            if errors.total:
                # The file will be refused: keep reading only to report every error.
                pending.clear()
            elif row is not None:
                pending.append(row)
                if len(pending) >= CHUNK_SIZE:
                    self.report.rows = done + 1
                    yield pending
                    pending = []
            done += 1
            if on_progress and not done % 1000:
                on_progress(1000)
        self.report.rows = done
        if on_progress:
            on_progress(done % 1000)
        if pending and not errors.total:
            yield pending

    def check_header(self, columns: list[str]) -> None:
        seen: set[str] = set()
        for name in columns:
            if name and name in seen and name in self.known_columns():
                self.errors.add(1, name, _("column appears twice in the header"))
            seen.add(name)
        for name in self.required:
            if name not in seen:
                self.errors.add(1, name, _("required column is missing from the header"))
        self.columns = seen & self.known_columns()

    def _parse(self, line: int, values: dict[str, Cell]) -> Row | None:
        if "__extra__" in values:
            self.errors.add(
                line,
                "*",
                _("the line has %(count)d fields, more than the header's columns")
                % {"count": values["__extra__"]},
            )
            return None
        return self.parse(line, values)

    def cell(
        self, line: int, values: dict[str, Cell], column: str, parse: Callable[..., Any], *args: Any
    ) -> Any:
        """Parse one cell; on error, record it and return None."""
        try:
            return parse(values.get(column), *args)
        except cells.CellError as exc:
            self.errors.add(line, column, str(exc))
            return None

    def currency(self, line: int, values: dict[str, Cell]) -> str | None:
        """The row's ISO 4217 currency (blank: the company's); None, reported, if unknown.
        Codes are checked once per import: a file repeats the same two or three."""
        raw = cells.text(values.get("currency"))
        if not raw:
            return self.default_currency
        if raw not in self._currencies:
            try:
                self._currencies[raw] = validators.normalize_currency(raw)
            except ValidationError:
                self._currencies[raw] = None
        code = self._currencies[raw]
        if code is None:
            self.errors.add(
                line,
                "currency",
                _("%(value)s is not an ISO 4217 currency code") % {"value": repr(raw)},
            )
        return code

    def required_text(
        self, line: int, values: dict[str, Cell], column: str, max_length: int
    ) -> str | None:
        value = cells.text(values.get(column))
        if not value:
            self.errors.add(line, column, _("required value is empty"))
            return None
        if len(value) > max_length:
            self.errors.add(line, column, too_long(max_length))
            return None
        return value

    # Hooks for subclasses.
    def prepare(self) -> None:
        """Load what every row needs (customer codes…), once."""

    def parse(self, line: int, values: dict[str, Cell]) -> Row | None:
        raise NotImplementedError

    def write(self, rows: list[Row]) -> None:
        raise NotImplementedError

    def check_rows(self) -> None:
        """After the last row, even in a file already refused: finish checks that were
        batched to save queries, so that every bad line is reported."""

    def finish(self) -> None:
        """Work after the last row (``--full``…), still inside the transaction."""


# Reasons shared by several importers, built only when the error is found.
def too_long(limit: int) -> str:
    return _("longer than %(limit)d characters") % {"limit": limit}


def already_on_line(value: str, first: int) -> str:
    return _("%(value)s already appears on line %(line)d") % {"value": repr(value), "line": first}


def unknown_customer(code: str) -> str:
    return _("unknown customer %(code)s (import it in the customers file first)") % {
        "code": repr(code)
    }
