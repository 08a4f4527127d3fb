"""The printed page every PDF shares: letterhead, recipient block, place and date, legal footer.

These layouts are ours, not user-edited: a plain autoescaping Jinja2 environment, texts
translated with Django's catalogue in the language of the document being rendered. One
stylesheet serves every document; it is parsed once per process and handed to each render, and
fonts are the system's (DejaVu Sans, installed by scripts/system-deps.sh), so that rendering a
batch spends its time laying out pages, not parsing CSS or looking fonts up.

The recipient block sits where a French window envelope shows it. A "DL" envelope (110 × 220
mm) has its 100 × 45 mm window 20 mm from the right and 15 mm from the bottom; an A4 sheet
folded in three moves up to 11 mm inside it and up to 10 mm sideways. The part of the sheet
that is always visible is therefore about 110–190 mm from the left and 50–84 mm from the top,
which is also where French business letters put the address (110 mm from the left, about
50 mm from the top, 80–85 × 33 mm).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from django.utils.translation import gettext as _
from jinja2 import Environment
from markupsafe import Markup
from stdnum import iban as iban_number
from tinycss2.serializer import serialize_string_value

from relance.content import formatting
from relance.content.reminder import Reminder, Sender
from relance.content.rendering import layout_environment

TEMPLATES = Path(__file__).parent / "templates"

# Millimetres from the sheet's top-left corner; the stylesheet places the block there and the
# tests check the printed text lies inside the envelope window.
RECIPIENT_LEFT_MM = 110
RECIPIENT_TOP_MM = 50
RECIPIENT_WIDTH_MM = 80
RECIPIENT_HEIGHT_MM = 34


@lru_cache(maxsize=1)
def environment() -> Environment:
    return layout_environment("relance.channels.letter", "templates")


# WeasyPrint takes over half a second to import: only processes that print pay for it.
@lru_cache(maxsize=1)
def font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@lru_cache(maxsize=1)
def stylesheet() -> Any:
    from weasyprint import CSS

    return CSS(filename=str(TEMPLATES / "print.css"), font_config=font_config())


def render(html: str) -> Any:
    """Lay ``html`` out with the shared stylesheet: a ``weasyprint.Document``. Images are
    cached for one render only (a batch reads its logo once): a process-wide cache would keep
    every QR code it ever drew."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(TEMPLATES)).render(
        stylesheets=[stylesheet()], font_config=font_config()
    )


@dataclass(frozen=True)
class Section:
    """One document of a batch (a letter, a notice, a statement) as HTML, and the word its
    footer puts before "1/2", in its language."""

    html: str  # rendered by our autoescaping templates
    page_label: str


def document_html(sections: Sequence[Section], title: str, language: str) -> str:
    """The sections one after the other in one HTML document."""
    return (
        environment()
        .get_template("document.html")
        .render(
            sections=[Markup(section.html) for section in sections],
            page_rules=Markup(page_rules(sections)),
            title=title,
            language=language,
        )
    )


def page_rules(sections: Sequence[Section]) -> str:
    """Per section, a named page that restarts the page counter and prints "Page 1/2": the
    total is the page of the section's end anchor. Two short rules per letter cost less than
    the running element the shared stylesheet would need instead (see print.css)."""
    rules = []
    for index, section in enumerate(sections):
        label = _css_string(section.page_label + " ")
        rules.append(
            f"@page doc-{index} {{ @bottom-right {{ content: {label} counter(page) "
            f'"/" target-counter(url(#end-{index}), page); }} }}\n'
            f"@page :nth(1 of doc-{index}) {{ counter-reset: page 1; }}"
        )
    return "\n".join(rules)


def _css_string(value: str) -> str:
    # "<" too, so that the text cannot close the <style> element it sits in.
    return '"' + serialize_string_value(value).replace("<", "\\3c ") + '"'


def page_view(reminder: Reminder, index: int) -> dict[str, Any]:
    """What every printed document of ``reminder`` shows around its content. Call it inside
    ``translation.override(reminder.language)``. ``index`` makes the anchors unique in a batch."""
    return {
        "index": index,
        "page_label": _("Page"),
        "language": reminder.language,
        "sender": sender_view(reminder.sender),
        "recipient": recipient_lines(reminder),
        "customer_name": reminder.customer_name,
        "place_date": place_and_date(reminder.sender, reminder.as_of, reminder.language),
        "legal_footer": legal_footer(reminder.sender),
    }


def sender_view(sender: Sender) -> dict[str, Any]:
    address = sender.address
    town = " ".join(part for part in (address.postal_code, address.city) if part)
    return {
        "name": sender.name or sender.legal_name,
        "logo": sender.logo.resolve().as_uri() if sender.logo and sender.logo.exists() else "",
        "lines": [line for line in (address.line1, address.line2, town) if line],
        "phone": sender.phone,
        "email": sender.email,
        "website": sender.website,
    }


def legal_footer(sender: Sender) -> list[str]:
    address = sender.address
    town = " ".join(part for part in (address.postal_code, address.city) if part)
    parts = [sender.legal_name or sender.name]
    parts.append(", ".join(line for line in (address.line1, address.line2, town) if line))
    if sender.siren:
        parts.append(_("SIREN %(siren)s") % {"siren": sender.siren})
    if sender.vat_number:
        parts.append(_("VAT no. %(number)s") % {"number": sender.vat_number})
    return [part for part in parts if part]


def recipient_lines(reminder: Reminder) -> list[str]:
    """The postal address as La Poste reads it: at most six lines, the town in capitals, the
    country last and only when it is not the sender's."""
    address = reminder.address
    lines = [address.name or reminder.customer_name]
    if reminder.contact_name and reminder.business:
        lines.append(_("For the attention of %(name)s") % {"name": reminder.contact_name})
    lines += [line for line in (address.line1, address.line2) if line]
    town = " ".join(part for part in (address.postal_code, address.city.upper()) if part)
    if town:
        lines.append(town)
    if address.country and address.country != reminder.sender.address.country:
        country = _locale(reminder.language).territories.get(address.country, address.country)
        lines.append(country.upper())
    return lines


def place_and_date(sender: Sender, as_of: date, language: str) -> str:
    day = formatting.day(as_of, language, "long")
    city = sender.address.city
    # Translators: the place and date line of a letter; French adds "le" before the date.
    return _("%(city)s, %(date)s") % {"city": city, "date": day} if city else day


def payment_view(reminder: Reminder, link: str, qr_uri: str, amount: str) -> dict[str, str]:
    sender = reminder.sender
    iban = sender.iban
    if iban_number.is_valid(iban):
        iban = iban_number.format(iban)
    return {
        "iban": iban,
        "bic": sender.bic,
        "holder": sender.legal_name or sender.name,
        "reference": reminder.payment_reference,
        "link": link,
        "qr": qr_uri,
        "amount": amount,
    }


@lru_cache(maxsize=32)
def _locale(language: str) -> Locale:
    return Locale.parse(language.replace("-", "_"))
