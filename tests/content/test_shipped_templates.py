"""The reminder content shipped with relance: structure, tone markers, the whitelisted context,
and SMS that stay in GSM-7 within their limit."""

from __future__ import annotations

import functools
import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml
from jinja2 import StrictUndefined, Template, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from relance.channels.sms import analyse, gsm_friendly

FOLDER = Path(__file__).parents[2] / "relance" / "content" / "defaults" / "templates"
LANGUAGES = ["fr", "en", "de", "es", "it"]
EXPECTED = {
    ("email", 0),
    ("email", 1),
    ("email", 2),
    ("email", 3),
    ("letter", 1),
    ("letter", 2),
    ("letter", 3),
    ("sms", 1),
    ("sms", 2),
    ("sms", 3),
    ("call", 1),
    ("call", 2),
    ("call", 3),
}
KEYS = {
    "channel",
    "level",
    "subject",
    "subject_keywords",
    "legal_mention",
    "attach_invoices",
    "attach_formal_notice",
    "max_length",
    "body",
    "signature",
}
TEXT_FIELDS = ("subject", "body", "signature", "legal_mention")

# docs/context_spec: every name a template may use, with the attributes it has
INVOICE_FIELDS = {
    "number",
    "issue_date",
    "due_date",
    "amount",
    "open_amount",
    "days_overdue",
    "status",
    "partially_paid",
    "interest",
    "indemnity",
}
WHITELIST: dict[str, set[str]] = {
    "customer": {"code", "name", "reference"},
    "contact": {"name"},
    "company": {
        "name",
        "legal_name",
        "address",
        "email",
        "phone",
        "website",
        "siren",
        "vat_number",
    },
    "level": set(),
    "formal_notice": set(),
    "as_of": set(),
    "currency": set(),
    "invoices": set(),
    "count": set(),
    "total": {"open", "interest", "indemnity", "grand"},
    "penalties": set(),
    "signatory": {"name", "title", "email", "phone"},
    "payment": {"iban", "bic", "reference", "link"},
    "portal_link": set(),
    "invoice_table": set(),
    "legal_mention": set(),
}
ITERABLES = {"invoices": INVOICE_FIELDS}
LOOP_FIELDS = {"index", "index0", "first", "last", "length"}
SAFE_FILTERS = {"upper", "lower", "capitalize", "title", "trim", "default", "join", "length"}

env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


def _load(language: str) -> dict[str, Any]:
    with (FOLDER / f"{language}.yaml").open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


SHIPPED = {
    language: _load(language) for language in LANGUAGES if (FOLDER / f"{language}.yaml").exists()
}
ALL = [
    pytest.param(language, template, id=f"{language}-{template['channel']}-{template['level']}")
    for language in SHIPPED
    for template in SHIPPED[language]["templates"]
]
SMS = [param for param in ALL if param.values[1]["channel"] == "sms"]


def _invoice(number: str, penalties: bool | str) -> dict[str, Any]:
    return {
        "number": number,
        "issue_date": "15/09/2026",
        "due_date": "15/10/2026",
        "amount": "9 870,00 €",
        "open_amount": "9 870,00 €",
        "days_overdue": 40,
        "status": "Échue depuis 40 jours",
        "partially_paid": False,
        "interest": "166,11 €" if penalties else "",
        "indemnity": "40,00 €" if penalties is True else "",
    }


def context(
    *,
    level: int,
    count: int,
    penalties: bool | str,
    contact: str,
    iban: str,
    link: str,
    legal: str,
) -> dict[str, Any]:
    """Long but realistic values, already formatted as the renderer formats them. Penalties
    "interest" is a consumer's formal notice: interest but no recovery indemnity."""
    return {
        "customer": {"code": "C004512", "name": "Boulangeries Lefèvre-Dubois SA", "reference": ""},
        "contact": {"name": contact},
        "company": {
            "name": "Ateliers Mercier & Fils",
            "legal_name": "Ateliers Mercier & Fils SAS",
            "address": "12 rue des Tanneurs, 69007 Lyon",
            "email": "comptabilite@ateliers-mercier.fr",
            "phone": "+33 4 72 00 00 00",
            "website": "https://ateliers-mercier.fr",
            "siren": "552 100 554",
            "vat_number": "FR40552100554",
        },
        "level": level,
        "formal_notice": level == 3,
        "as_of": "24 novembre 2026",
        "currency": "EUR",
        "invoices": [_invoice(f"F2026-{n:05d}", penalties) for n in range(count)],
        "count": count,
        "total": {
            "open": "123 456,78 €",
            "interest": "1 234,56 €" if penalties else "",
            "indemnity": "480,00 €" if penalties is True else "",
            "grand": {True: "125 171,34 €", "interest": "124 691,34 €"}.get(
                penalties, "123 456,78 €"
            ),
        },
        "penalties": bool(penalties),
        "signatory": {
            "name": "Claire Martin",
            "title": "Responsable comptabilité clients",
            "email": "claire.martin@ateliers-mercier.fr",
            "phone": "+33 4 72 00 00 01",
        },
        "payment": {
            "iban": iban,
            "bic": "AGRIFRPP" if iban else "",
            "reference": "FAC-C004512",
            "link": link,
        },
        "portal_link": "",
        "invoice_table": "F2026-00000, F2026-00001",
        "legal_mention": legal,
    }


VARIANTS = [
    {"count": count, "penalties": penalties, "contact": contact, "iban": iban, "link": link}
    for count, penalties, contact, iban, link in itertools.product(
        [1, 12],
        [True, "interest", False],
        ["", "Jean-Baptiste Rousseau"],
        ["", "FR76 3000 6000 0112 3456 7890 189"],
        ["", "https://pay.example.com/p/FAC-C004512?amount=123456.78"],
    )
]


@functools.cache
def _compiled(source: str) -> Template:
    return env.from_string(source)


def render(template: dict[str, Any], field: str, variant: dict[str, Any]) -> str:
    legal = template.get("legal_mention", "") or ""
    values = context(level=template["level"], legal=legal, **variant)
    values["legal_mention"] = _compiled(legal).render(values)
    return _compiled(template.get(field) or "").render(values)


def _names_and_attributes(source: str) -> tuple[set[str], set[tuple[str, str]], set[str]]:
    tree = env.parse(source)
    loop_targets = {
        loop.target.name: loop.iter.name
        for loop in tree.find_all(nodes.For)
        if isinstance(loop.target, nodes.Name) and isinstance(loop.iter, nodes.Name)
    }
    attributes = set()
    for node in tree.find_all(nodes.Getattr):
        owner = node.node
        assert isinstance(owner, nodes.Name), f"nested attribute access: .{node.attr}"
        attributes.add((loop_targets.get(owner.name, owner.name), node.attr))
    assert not list(tree.find_all(nodes.Getitem)), "item access is not part of the context"
    filters = {node.name for node in tree.find_all(nodes.Filter)}
    return meta.find_undeclared_variables(tree), attributes, filters


def test_french_english_german_spanish_and_italian_are_shipped():
    assert sorted(SHIPPED) == sorted(LANGUAGES)


@pytest.mark.parametrize("language", sorted(SHIPPED))
def test_each_language_ships_email_0_to_3_and_letter_sms_call_1_to_3(language):
    data = SHIPPED[language]
    assert data["language"] == language
    found = [(template["channel"], template["level"]) for template in data["templates"]]
    assert len(found) == len(set(found)), "a channel and level appears twice"
    assert set(found) == EXPECTED


@pytest.mark.parametrize(("language", "template"), ALL)
def test_a_template_has_only_known_keys_and_sound_values(language, template):
    assert set(template) <= KEYS
    assert template["channel"] in {"email", "sms", "letter", "call"}
    assert template["body"].strip()
    assert isinstance(template["attach_invoices"], bool)
    assert isinstance(template["attach_formal_notice"], bool)
    assert not ("subject" in template and "subject_keywords" in template)
    if template["channel"] in {"email", "letter", "call"}:
        assert template.get("subject"), "e-mails, letters and call tasks need a subject"
        assert "\n" not in template["subject"]
    if template["channel"] == "sms":
        assert template["max_length"] in {160, 306}
        assert not template["attach_invoices"]
    else:
        assert "max_length" not in template


@pytest.mark.parametrize(("language", "template"), ALL)
def test_only_the_formal_notice_level_carries_a_legal_mention(language, template):
    if template["level"] == 3 and template["channel"] != "call":
        assert template["legal_mention"].strip()
        if template["channel"] == "sms":
            assert "{{ legal_mention }}" in template["body"]
        else:
            # E-mail and letter layouts show it in a box above the body, once.
            assert "{{ legal_mention }}" not in template["body"]
    else:
        assert not template.get("legal_mention")


@pytest.mark.parametrize(("language", "template"), ALL)
def test_only_the_formal_notice_email_attaches_the_formal_notice_letter(language, template):
    wanted = template["channel"] == "email" and template["level"] == 3
    assert template["attach_formal_notice"] is wanted
    if template["channel"] == "email":
        assert template["attach_invoices"] is True


@pytest.mark.parametrize(("language", "template"), ALL)
def test_emails_and_letters_hold_the_invoice_table_in_its_own_paragraph(language, template):
    if template["channel"] in {"email", "letter"}:
        assert "\n\n{{ invoice_table }}\n\n" in template["body"]


@pytest.mark.parametrize(("language", "template"), ALL)
def test_templates_use_only_whitelisted_names_attributes_and_filters(language, template):
    for field in TEXT_FIELDS:
        names, attributes, filters = _names_and_attributes(template.get(field) or "")
        assert names <= set(WHITELIST), f"{field}: {names - set(WHITELIST)}"
        for owner, attribute in attributes:
            allowed = ITERABLES.get(owner) or WHITELIST.get(owner) or set()
            if owner == "loop":
                allowed = LOOP_FIELDS
            assert attribute in allowed, f"{field}: {owner}.{attribute}"
        assert filters <= SAFE_FILTERS


@pytest.mark.parametrize(("language", "template"), ALL)
def test_every_template_renders_in_the_sandbox_for_every_kind_of_customer(language, template):
    for variant in VARIANTS:
        for field in ("subject", "body", "signature"):
            text = render(template, field, variant)
            assert "{{" not in text
            assert "{%" not in text
            assert "None" not in text
            assert "\n\n\n" not in text.strip(), f"{field}: an empty paragraph"
            for line in text.splitlines():
                assert "  " not in line, f"{field}: a double space in {line!r}"
                assert line == line.rstrip(), f"{field}: a trailing space in {line!r}"
        body = render(template, "body", variant)
        if template.get("legal_mention") and template["channel"] == "sms":
            assert render(template, "legal_mention", variant) in body


@pytest.mark.parametrize(("language", "template"), ALL)
def test_penalties_are_shown_only_when_charged(language, template):
    base = {"count": 12, "contact": "", "iban": "FR76 3000", "link": ""}
    charged = render(template, "body", {**base, "penalties": True})
    uncharged = render(template, "body", {**base, "penalties": False})
    if template["level"] == 3 and template["channel"] in {"email", "letter"}:
        assert "1 234,56 €" in charged  # total interest
        assert "480,00 €" in charged  # total indemnity
    assert "1 234,56 €" not in uncharged
    assert "480,00 €" not in uncharged


@pytest.mark.parametrize(("language", "template"), SMS)
def test_the_fixed_text_of_an_sms_is_gsm7(language, template):
    literal = "".join(
        node.data for node in env.parse(template["body"]).find_all(nodes.TemplateData)
    )
    literal += template.get("legal_mention") or ""
    assert analyse(literal).encoding == "GSM-7", literal


@pytest.mark.parametrize(("language", "template"), SMS)
def test_an_sms_stays_gsm7_within_its_limit_with_long_values(language, template):
    for variant in VARIANTS:
        text = gsm_friendly(render(template, "body", variant))
        info = analyse(text)
        assert info.encoding == "GSM-7", text
        assert info.length <= template["max_length"], f"{info.length}: {text}"
        if template["level"] < 3:
            assert info.segments == 1


@pytest.mark.parametrize(("language", "template"), SMS)
def test_an_sms_names_the_sender_the_amount_and_the_reference(language, template):
    text = render(template, "body", VARIANTS[0])
    assert "Ateliers Mercier & Fils" in text
    assert "123 456,78 €" in text or "125 171,34 €" in text
    assert "FAC-C004512" in text


@pytest.mark.parametrize(("language", "template"), ALL)
def test_a_consumers_formal_notice_shows_interest_but_no_indemnity(language, template):
    variant = {"count": 2, "contact": "", "iban": "", "link": "", "penalties": "interest"}
    body = render(template, "body", variant)
    assert "480,00 €" not in body
    assert "40,00 €" not in body
    assert "L. 441-10" not in body
    if template["level"] == 3 and template["channel"] in {"email", "letter"}:
        assert "1 234,56 €" in body
        assert "124 691,34 €" in body
