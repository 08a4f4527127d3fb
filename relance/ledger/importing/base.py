"""The frame every importer shares: read rows, collect every error, write in chunks inside
one transaction, and roll everything back if a single line was wrong."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar

from django.db import transaction

from relance.ledger.importing import cells
from relance.ledger.importing.errors import ErrorCollector, ImportRejected, LineError
from relance.ledger.importing.reader import Cell, Table
from relance.ledger.models import Company

Row = TypeVar("Row")
ProgressCallback = Callable[[int], None]

CHUNK_SIZE = 2000


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
        parts = [
            f"{self.file}: {self.rows} {self.kind} read",
            f"{self.created} created",
            f"{self.updated} updated",
            f"{self.unchanged} unchanged",
        ]
        if self.kind == "invoices" and self.settled:
            parts.append(f"{self.settled} absent from the file marked as settled")
        if self.kind == "payments":
            parts.append(f"{self.allocated} allocated to invoices")
            parts.append(f"{self.unapplied} left as unapplied credit")
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
                self.errors.add(1, name, "column appears twice in the header")
            seen.add(name)
        for name in self.required:
            if name not in seen:
                self.errors.add(1, name, "required column is missing from the header")
        self.columns = seen & self.known_columns()

    def _parse(self, line: int, values: dict[str, Cell]) -> Row | None:
        if "__extra__" in values:
            self.errors.add(
                line,
                "*",
                f"the line has {values['__extra__']} fields, more than the header's columns",
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

    def required_text(
        self, line: int, values: dict[str, Cell], column: str, max_length: int
    ) -> str | None:
        value = cells.text(values.get(column))
        if not value:
            self.errors.add(line, column, "required value is empty")
            return None
        if len(value) > max_length:
            self.errors.add(line, column, f"longer than {max_length} characters")
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


def header_rejection(file: str, message: str) -> ImportRejected:
    return ImportRejected(file, [LineError(file, 1, "*", message)], 1)
