"""Opening a CSV or XLSX export as a header plus numbered rows, whatever its shape."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from relance.ledger.importing.errors import ImportRejected
from relance.ledger.importing.reader import (
    UnreadableFile,
    detect_delimiter,
    detect_encoding,
    open_table,
)
from relance.ledger.importing.service import open_import

CUSTOMER_COLUMNS = {"code", "name", "email"}
NAME = "Société Générale Équipement"


def read(path: Path, known: set[str] = CUSTOMER_COLUMNS) -> tuple[list[str], list]:
    table = open_table(path, known)
    return table.columns, list(table.rows)


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (f"code;name\nC1;{NAME}\n".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + f"code;name\nC1;{NAME}\n".encode(), "utf-8-sig"),
        (f"code;name\nC1;{NAME}\n".encode("cp1252"), "cp1252"),
        (b"code;name\nC1;ACME\n", "utf-8"),
    ],
)
def test_the_encoding_is_detected_and_lines_are_counted(write_file, content, encoding):
    assert detect_encoding(write_file("c.csv", content)) == (encoding, 2)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_accented_names_read_the_same_whatever_the_encoding(write_file, encoding):
    path = write_file("c.csv", f"code;name\r\nC1;{NAME}\r\n", encoding)
    columns, rows = read(path)
    assert columns == ["code", "name"]
    assert rows == [(2, {"code": "C1", "name": NAME})]


def test_a_utf8_file_whose_accents_fall_across_read_chunks_stays_utf8(write_file, monkeypatch):
    from relance.ledger.importing import reader

    monkeypatch.setattr(reader, "_CHUNK", 7)  # "é" is two bytes: some chunk splits one
    path = write_file("c.csv", f"code;name\nC1;{NAME}\nC2;{NAME}\n")
    assert detect_encoding(path) == ("utf-8", 3)


def test_bytes_windows_1252_leaves_undefined_do_not_crash_the_reader(write_file):
    path = write_file("c.csv", b"code;name\nC1;Caf\xe9 \x81\n")
    assert read(path)[1] == [(2, {"code": "C1", "name": "Café \ufffd"})]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_whichever_splits_the_header_into_known_columns(write_file, delimiter):
    header = delimiter.join(["Code", " NAME ", "email"])
    row = delimiter.join(["C1", "Durand", "a@durand.example"])
    columns, rows = read(write_file("c.csv", f"{header}\n{row}\n"))
    assert columns == ["code", "name", "email"]
    assert rows == [(2, {"code": "C1", "name": "Durand", "email": "a@durand.example"})]


def test_a_comma_inside_a_semicolon_file_does_not_fool_the_detection():
    assert detect_delimiter("code;name;label, with comma", {"code", "name"}) == ";"
    assert detect_delimiter("code,name;x", {"code", "name"}) == ","


def test_quoted_fields_keep_their_delimiters_and_newlines(write_file):
    content = (
        "code;name;email\n"
        'C1;"Durand; Fils et ""Cie""";a@durand.example\n'
        'C2;"Martin\nService comptable";\n'
        "C3;Petit;\n"
    )
    _, rows = read(write_file("c.csv", content))
    assert rows == [
        (2, {"code": "C1", "name": 'Durand; Fils et "Cie"', "email": "a@durand.example"}),
        (3, {"code": "C2", "name": "Martin\nService comptable", "email": ""}),
        (5, {"code": "C3", "name": "Petit", "email": ""}),
    ]


def test_blank_lines_are_skipped_and_rows_keep_their_line_numbers(write_file):
    content = "code;name\n\nC1;Durand\n;\n   \nC2;Martin\n\n"
    _, rows = read(write_file("c.csv", content))
    assert rows == [(3, {"code": "C1", "name": "Durand"}), (6, {"code": "C2", "name": "Martin"})]


def test_a_short_line_lacks_the_missing_columns_and_a_long_one_is_flagged(write_file):
    content = "code;name;email\nC1\nC2;Martin;m@x.example;;\nC3;Petit;p@x.example;extra\n"
    _, rows = read(write_file("c.csv", content))
    assert rows == [
        (2, {"code": "C1"}),
        (3, {"code": "C2", "name": "Martin", "email": "m@x.example"}),
        (4, {"code": "C3", "name": "Petit", "email": "p@x.example", "__extra__": 4}),
    ]


@pytest.mark.parametrize("content", [b"", b"\n\ncode;name\n", b"   \r\nC1;x\n"])
def test_an_empty_file_or_a_blank_first_line_is_unreadable(write_file, content):
    path = write_file("c.csv", content)
    with pytest.raises(UnreadableFile) as caught:
        open_table(path, CUSTOMER_COLUMNS)
    assert str(caught.value) == f"{path}: the file is empty or its first line is blank"
    assert caught.value.reason == "the file is empty or its first line is blank"


def test_a_missing_file_and_an_old_excel_file_are_unreadable(tmp_path):
    with pytest.raises(UnreadableFile) as caught:
        open_table(tmp_path / "nope.csv", CUSTOMER_COLUMNS)
    assert str(caught.value) == f"{tmp_path / 'nope.csv'}: no such file"
    old = tmp_path / "old.XLS"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UnreadableFile) as caught:
        open_table(old, CUSTOMER_COLUMNS)
    assert str(caught.value) == f"{old}: .xls is not supported; save the file as .xlsx or CSV"


def test_an_unreadable_file_is_rejected_like_a_bad_line_under_its_display_name(write_file):
    path = write_file("c.csv", b"")
    with pytest.raises(ImportRejected) as caught:
        open_import("customers", path, name="upload.csv")
    assert caught.value.lines() == ["upload.csv:1: *: the file is empty or its first line is blank"]


def test_a_text_file_named_xlsx_is_unreadable(write_file):
    path = write_file("c.xlsx", "code;name\n")
    with pytest.raises(UnreadableFile) as caught:
        open_table(path, CUSTOMER_COLUMNS)
    assert str(caught.value).startswith(f"{path}: not a readable XLSX workbook (")


def test_an_xlsx_sheet_keeps_typed_cells_and_sheet_row_numbers(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([])
    sheet.append(["Code", "Name", "Since", "Limit", None])
    sheet.append([411001, "Durand", datetime(2026, 3, 1), 1234.56, None])
    sheet.append([None, None, None, None, None])
    sheet.append(["C2", "Martin", None, 10, "ignored"])
    path = tmp_path / "customers.xlsx"
    workbook.save(path)
    table = open_table(path, CUSTOMER_COLUMNS)
    assert table.columns == ["code", "name", "since", "limit", ""]
    assert list(table.rows) == [
        (
            3,
            {
                "code": 411001,
                "name": "Durand",
                "since": datetime(2026, 3, 1),
                "limit": 1234.56,
                "": None,
            },
        ),
        (5, {"code": "C2", "name": "Martin", "since": None, "limit": 10, "": "ignored"}),
    ]
    assert table.total_lines == 3


def test_an_empty_xlsx_sheet_is_unreadable(tmp_path):
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    with pytest.raises(UnreadableFile) as caught:
        open_table(path, CUSTOMER_COLUMNS)
    assert str(caught.value) == f"{path}: the first sheet is empty"
