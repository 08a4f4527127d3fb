from __future__ import annotations

from dataclasses import dataclass

# Past this many, further errors are counted but not listed: a wrong file (say, the invoices
# file given as customers) would otherwise print a million lines.
MAX_LISTED_ERRORS = 200


@dataclass(frozen=True)
class LineError:
    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.reason}"


class ImportRejected(Exception):
    """The file was refused; nothing was written."""

    def __init__(self, file: str, errors: list[LineError], total: int):
        self.file = file
        self.errors = errors
        self.total = total
        super().__init__(f"{file}: {total} error(s); nothing was imported")

    def lines(self) -> list[str]:
        shown = [str(error) for error in self.errors]
        if self.total > len(self.errors):
            shown.append(f"{self.file}: … and {self.total - len(self.errors)} more error(s)")
        return shown


class ErrorCollector:
    def __init__(self, file: str):
        self.file = file
        self.errors: list[LineError] = []
        self.total = 0

    def add(self, line: int, column: str, reason: str) -> None:
        self.total += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(LineError(self.file, line, column, reason))

    def __bool__(self) -> bool:
        return self.total > 0

    def rejection(self) -> ImportRejected:
        # Checks batched across rows report late: list the errors in file order.
        return ImportRejected(self.file, sorted(self.errors, key=lambda e: e.line), self.total)
