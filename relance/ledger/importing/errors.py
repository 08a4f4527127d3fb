from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import ngettext

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
        super().__init__(
            # English keeps "error(s)" in both forms; the translations agree with the count.
            ngettext(
                "%(file)s: %(count)d error(s); nothing was imported",
                "%(file)s: %(count)d error(s); nothing was imported",
                total,
            )
            % {"file": file, "count": total}
        )

    def lines(self) -> list[str]:
        shown = [str(error) for error in self.errors]
        hidden = self.total - len(self.errors)
        if hidden > 0:
            more = ngettext(
                "… and %(count)d more error(s)", "… and %(count)d more error(s)", hidden
            ) % {"count": hidden}
            # The file prefix stays outside the message, like that of the lines above it.
            shown.append(f"{self.file}: {more}")
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
