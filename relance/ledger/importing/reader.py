"""Open a CSV or XLSX file as a header plus numbered rows, whatever its encoding or delimiter.

Finance teams export from many ERPs: UTF-8 with or without a byte-order mark, Windows-1252
from older French software, `,` `;` or tab separated. The reader finds out which, so that the
user never has to say.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import cast
from zipfile import BadZipFile

from django.utils.translation import gettext as _

Cell = str | int | float | date | datetime | bool | None

DELIMITERS = (";", ",", "\t")
_CHUNK = 1 << 20


class UnreadableFile(Exception):
    """The file cannot be read as a table at all (not even its header)."""

    def __init__(self, file: str, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


@dataclass
class Table:
    name: str
    columns: list[str]
    rows: Iterator[tuple[int, dict[str, Cell]]]
    total_lines: int | None


def normalize_header(name: object) -> str:
    return str(name or "").strip().lstrip("\ufeff").strip().lower()


def detect_encoding(path: Path) -> tuple[str, int]:
    """Return the encoding of a text file and its number of lines.

    A file that is valid UTF-8 throughout is UTF-8 (``utf-8-sig`` drops a byte-order mark);
    anything else is taken as Windows-1252, the encoding of French Windows exports.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    lines = 0
    with path.open("rb") as handle:
        head = handle.read(3)
        handle.seek(0)
        while chunk := handle.read(_CHUNK):
            lines += chunk.count(b"\n")
            if is_utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
        if is_utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                is_utf8 = False
    if head == codecs.BOM_UTF8:
        return "utf-8-sig", lines
    return ("utf-8" if is_utf8 else "cp1252"), lines


def detect_delimiter(header_line: str, known_columns: set[str]) -> str:
    """Pick the delimiter that splits the header into the most known column names."""

    def score(delimiter: str) -> tuple[int, int]:
        fields = next(csv.reader([header_line], delimiter=delimiter), [])
        known = sum(1 for field in fields if normalize_header(field) in known_columns)
        return known, len(fields)

    return max(DELIMITERS, key=score)


def open_table(path: Path, known_columns: set[str], name: str | None = None) -> Table:
    display = name or str(path)
    if not path.exists():
        raise UnreadableFile(display, _("no such file"))
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return _open_xlsx(path, display)
    if suffix == ".xls":
        raise UnreadableFile(display, _(".xls is not supported; save the file as .xlsx or CSV"))
    return _open_csv(path, display, known_columns)


def _open_csv(path: Path, display: str, known_columns: set[str]) -> Table:
    encoding, lines = detect_encoding(path)
    # Python's cp1252 leaves five bytes undefined where Windows does not: never crash on them.
    errors = "replace" if encoding == "cp1252" else "strict"
    with path.open(encoding=encoding, errors=errors, newline="") as probe:
        header_line = probe.readline()
    if not header_line.strip():
        raise UnreadableFile(display, _("the file is empty or its first line is blank"))
    delimiter = detect_delimiter(header_line, known_columns)
    with path.open(encoding=encoding, errors=errors, newline="") as probe:
        header = next(csv.reader(probe, delimiter=delimiter))
    columns = [normalize_header(field) for field in header]

    def rows() -> Iterator[tuple[int, dict[str, Cell]]]:
        with path.open(encoding=encoding, errors=errors, newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            next(reader)
            width = len(columns)
            start = reader.line_num + 1
            for fields in reader:
                # A quoted field may span lines: report the line where the record starts.
                line, start = start, reader.line_num + 1
                # any() first: the common non-blank record costs one C call, not a generator.
                if not any(fields) or not "".join(fields).strip():
                    continue
                values: dict[str, Cell] = dict(zip(columns, fields, strict=False))
                if len(fields) > width and any(field.strip() for field in fields[width:]):
                    values["__extra__"] = len(fields)
                yield line, values

    return Table(display, columns, rows(), lines)


def _open_xlsx(path: Path, display: str) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise UnreadableFile(
            display, _("not a readable XLSX workbook (%(error)s)") % {"error": exc}
        ) from exc
    sheet = workbook.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    header_line = 0
    columns: list[str] = []
    for header_line, row in enumerate(cells, start=1):  # noqa: B007 - used after the loop
        if any(cell not in (None, "") for cell in row):
            columns = [normalize_header(cell) for cell in row]
            break
    if not columns:
        workbook.close()
        raise UnreadableFile(display, _("the first sheet is empty"))

    def rows() -> Iterator[tuple[int, dict[str, Cell]]]:
        try:
            for line, row in enumerate(cells, start=header_line + 1):
                if all(cell in (None, "") for cell in row):
                    continue
                yield line, dict(zip(columns, cast(tuple[Cell, ...], row), strict=False))
        finally:
            workbook.close()

    total = (sheet.max_row or 0) - header_line if sheet.max_row else None
    return Table(display, columns, rows(), total)
