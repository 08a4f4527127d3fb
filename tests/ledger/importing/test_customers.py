"""Customers file: upsert by code, every field normalised, all-or-nothing."""

from __future__ import annotations

import pytest
from django.utils import translation
from openpyxl import Workbook

from relance.ledger.importing.errors import ImportRejected
from relance.ledger.models import Customer
from tests.conftest import CUSTOMERS_CSV

NAME = "Société Générale Équipement"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def stored(company) -> dict[str, dict]:
    fields = (
        "name",
        "kind",
        "email",
        "phone",
        "language",
        "country",
        "segment",
        "scenario_code",
        "dunning_enabled",
        "city",
        "updated_at",
    )
    return {c["code"]: c for c in Customer.objects.filter(company=company).values("code", *fields)}


def rejected_lines(run_import, path) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        run_import("customers", path)
    return caught.value.lines()


def test_customers_are_created_with_every_field_normalised(company, write_file, run_import):
    path = write_file(
        "customers.csv",
        (
            "code,name,kind,email,phone,language,country,segment,scenario,dunning,city\n"
            "C001,Durand SARL,company,compta@durand.example,01 42 68 53 00,FR,fr,PME,standard,yes,"
            "Paris\n"
            "C002,Jean Martin,Person,,02 512 34 56,nl_BE,be,,,non,Bruxelles\n"
            "C003,Petit SA,,,,,,,,,\n"
        ),
    )
    report = run_import("customers", path)
    assert report.summary() == f"{path}: 3 customers read, 3 created, 0 updated, 0 unchanged"
    customers = stored(company)
    assert {k: v for k, v in customers["C001"].items() if k not in {"code", "updated_at"}} == {
        "name": "Durand SARL",
        "kind": "company",
        "email": "compta@durand.example",
        "phone": "+33142685300",
        "language": "fr",
        "country": "FR",
        "segment": "PME",
        "scenario_code": "standard",
        "dunning_enabled": True,
        "city": "Paris",
    }
    second = customers["C002"]
    assert (second["kind"], second["phone"], second["language"], second["country"]) == (
        "person",
        "+3225123456",
        "nl-be",
        "BE",
    )
    assert second["dunning_enabled"] is False
    third = customers["C003"]
    assert (third["kind"], third["country"], third["language"], third["dunning_enabled"]) == (
        "company",
        "FR",
        "",
        True,
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_an_accented_name_is_imported_whatever_the_file_encoding(
    company, write_file, run_import, encoding
):
    path = write_file("customers.csv", f"code;name\r\n411001;{NAME}\r\n", encoding)
    assert run_import("customers", path).created == 1
    assert Customer.objects.get(company=company, code="411001").name == NAME


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_comma_semicolon_and_tab_separated_files_give_the_same_customers(
    company, write_file, run_import, delimiter
):
    content = "".join(
        delimiter.join(row) + "\n"
        for row in [
            ["code", "name", "email"],
            ["C001", "Durand", "a@durand.example"],
            ["C002", "Martin", ""],
        ]
    )
    run_import("customers", write_file("customers.csv", content))
    assert sorted(Customer.objects.values_list("code", "name", "email")) == [
        ("C001", "Durand", "a@durand.example"),
        ("C002", "Martin", ""),
    ]


def test_codes_stored_as_numbers_in_a_spreadsheet_are_imported_as_text(
    company, tmp_path, run_import
):
    workbook = Workbook()
    workbook.active.append(["Code", "Name", "Country"])
    workbook.active.append([411001, NAME, "FR"])
    workbook.active.append([411002.0, "Martin", "BE"])
    path = tmp_path / "customers.xlsx"
    workbook.save(path)
    assert run_import("customers", path).created == 2
    assert sorted(Customer.objects.values_list("code", "name", "country")) == [
        ("411001", NAME, "FR"),
        ("411002", "Martin", "BE"),
    ]


def test_importing_the_same_file_twice_changes_nothing(customers, write_file, run_import):
    before = stored(customers)
    path = write_file("again.csv", CUSTOMERS_CSV)
    report = run_import("customers", path)
    assert (report.rows, report.created, report.updated, report.unchanged) == (3, 0, 0, 3)
    assert stored(customers) == before


def test_a_changed_value_updates_that_customer_only(customers, write_file, run_import):
    before = stored(customers)
    path = write_file("changed.csv", CUSTOMERS_CSV.replace("compta@durand", "paie@durand"))
    report = run_import("customers", path)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    after = stored(customers)
    assert after["C001"]["email"] == "paie@durand.example"
    assert after["C001"]["updated_at"] > before["C001"]["updated_at"]
    assert (after["C002"], after["C003"]) == (before["C002"], before["C003"])


def test_an_absent_column_leaves_the_field_alone_and_a_blank_cell_clears_it(
    customers, write_file, run_import
):
    run_import("customers", write_file("names.csv", "code;name\nC001;Durand SAS\n"))
    customer = Customer.objects.get(code="C001")
    assert (customer.name, customer.email, customer.country) == (
        "Durand SAS",
        "compta@durand.example",
        "FR",
    )
    run_import("customers", write_file("blank.csv", "code;name;email;country\nC002;Martin;;\n"))
    customer = Customer.objects.get(code="C002")
    assert (customer.email, customer.country) == ("", "FR")


def test_a_file_with_several_bad_lines_reports_each_and_imports_nothing(
    customers, write_file, run_import
):
    before = stored(customers)
    path = write_file(
        "bad.csv",
        (
            "code;name;email;country;phone;kind;dunning;language\n"
            "C001;Durand renamed;;;;;;\n"
            ";Nameless;;;;;;\n"
            "C010;;not-an-email;XX;;;;\n"
            "C011;Robot Corp;;;12;robot;maybe;klingon\n"
            "C012;Fine;;;;;;\n"
        ),
    )
    assert rejected_lines(run_import, path) == [
        f"{path}:3: code: required value is empty",
        f"{path}:4: name: required value is empty",
        f"{path}:4: email: 'not-an-email' is not an e-mail address",
        f"{path}:4: country: Unknown country code: XX",
        f"{path}:5: kind: 'robot' is not one of company, person",
        f"{path}:5: dunning: 'maybe' is not yes or no",
        f"{path}:5: language: Unknown language code: klingon",
        f"{path}:5: phone: Invalid phone number: 12",
    ]
    assert Customer.objects.count() == 3
    assert stored(customers) == before


def test_a_missing_required_column_is_reported_at_line_1(company, write_file, run_import):
    path = write_file("customers.csv", "code;email\nC001;a@durand.example\n")
    assert rejected_lines(run_import, path) == [
        f"{path}:1: name: required column is missing from the header"
    ]
    assert Customer.objects.count() == 0


def test_a_column_given_twice_in_the_header_is_refused(company, write_file, run_import):
    path = write_file(
        "customers.csv", "code;name;email;Email\nC001;Durand;a@x.example;b@x.example\n"
    )
    assert rejected_lines(run_import, path) == [
        f"{path}:1: email: column appears twice in the header"
    ]


def test_a_code_appearing_twice_in_a_file_is_refused_naming_the_first_line(
    company, write_file, run_import
):
    path = write_file("customers.csv", "code;name\nC001;Durand\nC002;Martin\nC001;Durand bis\n")
    assert rejected_lines(run_import, path) == [f"{path}:4: code: 'C001' already appears on line 2"]
    assert Customer.objects.count() == 0


def test_too_long_values_and_extra_fields_are_refused(company, write_file, run_import):
    path = write_file(
        "customers.csv",
        (f"code;name;segment\nC001;Durand;{'x' * 51}\nC002;Martin;PME;oops\n{'9' * 51};Long;\n"),
    )
    assert rejected_lines(run_import, path) == [
        f"{path}:2: segment: longer than 50 characters",
        f"{path}:3: *: the line has 4 fields, more than the header's columns",
        f"{path}:4: code: longer than 50 characters",
    ]


def test_unknown_erp_columns_are_ignored(company, write_file, run_import):
    path = write_file("customers.csv", "Compte;code;name;Solde\n411;C001;Durand;12,50\n")
    assert run_import("customers", path).created == 1
    assert list(Customer.objects.values_list("code", "name")) == [("C001", "Durand")]


def test_a_phone_without_a_country_column_is_read_in_the_customers_recorded_country(
    company, write_file, run_import
):
    run_import("customers", write_file("a.csv", "code,name,country\nB1,Brussels SA,BE\n"))
    run_import("customers", write_file("b.csv", "code,name,phone\nB1,Brussels SA,02 512 34 56\n"))
    assert Customer.objects.get(code="B1").phone == "+3225123456"
