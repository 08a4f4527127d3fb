"""A German, Spanish or Italian customer reads every fixed part of what we send in their
language: the invoice table, statuses and totals, the payment details, the e-mail footer, the
letter's layout and the attached statement and formal notice.

Those parts come from Django's catalogues, and an entry missing from the customer's catalogue
silently falls back to the installation's language, French: the renders below must show the
customer's words and none of the French catalogue's.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext
from pypdf import PdfReader

from relance.channels.attachments import attachments_for
from relance.channels.documents import formal_notice_pdf, statement_pdf
from relance.channels.email.compose import compose
from relance.channels.letter.render import LetterItem, render_one
from relance.content.models import SubjectMode, Template
from relance.content.reminder import Reminder
from relance.content.rendering import render_parts
from relance.content.services import shipped_templates
from tests.channels.reminders import invoice, penalised, reminder, text

LANGUAGES = ["de", "es", "it"]

# Where the catalogue's customer-facing entries come from (paths as in its "#:" comments).
CUSTOMER_SOURCES = re.compile(
    r"^(content/(rendering|formatting|context|reminder)\.py|content/layouts/"
    r"|channels/(attachments|qr)\.py|channels/email/compose\.py|channels/letter/"
    r"|channels/documents/)"
)
# Raised to the person editing a template, in their own language, never sent.
NOT_SENT = {"the message has %(length)d characters, more than the %(max)d allowed"}

# Labels of the French catalogue a reader would spot at once, whatever the checks below derive.
FRENCH = [
    "Reste à payer",
    "Échue depuis",
    "Date échéance",
    "Montant TTC",
    "Total restant dû",
    "Coordonnées de règlement",
    "Référence à rappeler",
    "Mise en demeure",
    "Relevé",
    "Page ",
    "Objet :",
    "Madame, Monsieur",
]

INVOICES = [
    penalised("F-100", 40, "1000.00", "9.99", "40.00"),
    replace(invoice("F-200", 1, "250.50", "200.50"), interest=None),
    invoice("F-300", 1, "300.00"),
    invoice("F-400", 0, "100.00"),
    invoice("F-500", -5, "80.00"),
    invoice("F-600", -3, "90.00", "45.00"),
]

EXPECTED: dict[str, dict[str, list[str]]] = {
    "de": {
        "email_text": [
            "Rechnungsnr.",
            "Fällig am",
            "Offener Betrag",
            "Seit 40 Tagen überfällig",
            "Seit 1 Tag überfällig",
            "Teilweise bezahlt, seit 1 Tag überfällig",
            "Heute fällig",
            "Fällig in 5 Tagen",
            "Offener Gesamtbetrag: 1.725,50 €",
            "Verzugszinsen: 9,99 €",
            "Pauschale Beitreibungskosten: 40,00 €",
            "Geforderter Gesamtbetrag: 1.775,49 €",
            "Zahlungsinformationen IBAN: FR76",
            "BIC: AGRIFRPP",
            "Verwendungszweck: C001",
            "Online bezahlen: https://pay.acme.example/",
            "SIREN 552100554",
        ],
        "email_html": [
            "Rechnungsnr.",
            "Rechnungsdatum",
            "Fälligkeitsdatum",
            "Betrag brutto",
            "Offener Betrag",
            "Status",
            "Verzugszinsen",
            "Beitreibungspauschale",
            "Teilweise bezahlt",
            "Offener Gesamtbetrag 1.725,50 €",
            "Geforderter Gesamtbetrag inkl. Verzugskosten 1.775,49 €",
            "Zahlungsinformationen IBAN: FR76",
            "Verwendungszweck: C001",
            "Online bezahlen",
            "SIREN 552100554 – USt-IdNr. FR40552100554",
        ],
        "attachments": ["kontoauszug-c001.pdf", "inverzugsetzung-c001.pdf"],
        "subjects": [
            "Bevorstehende Fälligkeit – Rechnung F-500 – Gesamtbetrag 80,00 €",
            "2. Mahnung – Rechnungen F-100, F-200, F-300 …",
            "Inverzugsetzung",
        ],
        "letter": [
            "Betreff: ",
            "Ihre Kundenreferenz: C001",
            "z. Hd. Claire Durand",
            "Paris, 24. November 2026",
            "Tel. +33 1 23 45 67 89",
            "Seite 1/",
            "Rechnungsdatum",
            "Zahlungsinformationen",
            "Zu zahlender Betrag: 1.775,49 €",
            "Überweisung an: ACME Industrie SAS",
            "IBAN: FR76 3000",
            "BIC: AGRIFRPP",
            "Verwendungszweck: C001",
            "Online bezahlen: https://pay.acme.example/",
            "Scannen Sie den Code mit Ihrer Banking-App, um per Überweisung zu bezahlen",
            "SIREN 552100554 – USt-IdNr. FR40552100554",
        ],
        "statement": [
            "Kunde: Durand C001 SARL (C001)",
            "Stand: 24. November 2026",
            "Die nachstehenden, zum 24. November 2026 offenen Rechnungen sind unserer "
            "Nachricht nicht beigefügt; hier sind ihre Einzelheiten.",
            "Offener Gesamtbetrag",
            "Dieser Kontoauszug ist keine Rechnung. Bitte geben Sie bei Ihrer Zahlung den "
            "Verwendungszweck C001 an.",
        ],
        "statement_of_one": [
            "Die nachstehende, zum 24. November 2026 offene Rechnung ist unserer Nachricht "
            "nicht beigefügt; hier sind ihre Einzelheiten."
        ],
        "formal_notice": [
            "Betreff: Mahnung mit Inverzugsetzung",
            "Guten Tag Claire Durand,",
            "Trotz unserer bisherigen Zahlungserinnerungen sind die nachstehend aufgeführten "
            "Rechnungen zum 24. November 2026 weiterhin unbezahlt.",
            "Gemäß Artikel L441-10 des französischen Handelsgesetzbuchs (Code de commerce) sind",
            "Sie werden mit einem Jahreszinssatz von 12,15 % auf den geschuldeten Bruttobetrag",
            "Zudem sind für jede verspätet bezahlte Rechnung pauschale Beitreibungskosten von "
            "40,00 € geschuldet",
            "Wir setzen Sie hiermit in Verzug und fordern Sie auf, den Betrag von 1.775,49 € "
            "innerhalb von 8 Tagen ab dem Datum dieses Schreibens, spätestens also bis zum "
            "2. Dezember 2026, zu zahlen.",
            "Sollte die Zahlung bis zu diesem Datum nicht eingehen,",
            "Sollten Sie die Zahlung zwischenzeitlich geleistet haben,",
            "Mit freundlichen Grüßen",
            "Geforderter Gesamtbetrag inkl. Verzugskosten",
        ],
        "consumer_notice": [
            "Sehr geehrte Damen und Herren,",
            "im Sinne von Artikel 1344 des französischen Zivilgesetzbuchs (Code civil)",
        ],
        "titles": ["Kontoauszug", "Mahnung mit Inverzugsetzung"],
    },
    "es": {
        "email_text": [
            "N.º de factura",
            "Vencimiento",
            "Pendiente de pago",
            "Vencida hace 40 días",
            "Vencida hace 1 día",
            "Pagada en parte, vencida hace 1 día",
            "Vence hoy",
            "Vence dentro de 5 días",
            "Total pendiente: 1.725,50 €",
            "Intereses de demora: 9,99 €",
            "Indemnización fija por costes de cobro: 40,00 €",
            "Total reclamado: 1.775,49 €",
            "Datos de pago IBAN: FR76",
            "BIC: AGRIFRPP",
            "Referencia a indicar: C001",
            "Pagar en línea: https://pay.acme.example/",
            "SIREN 552100554",
        ],
        "email_html": [
            "N.º de factura",
            "Fecha de factura",
            "Fecha de vencimiento",
            "Importe IVA incl.",
            "Pendiente de pago",
            "Estado",
            "Intereses de demora",
            "Indemnización fija",
            "Pagada en parte",
            "Total pendiente 1.725,50 €",
            "Total reclamado, recargos incluidos 1.775,49 €",
            "Datos de pago IBAN: FR76",
            "Referencia a indicar: C001",
            "Pagar en línea",
            "SIREN 552100554 – NIF-IVA FR40552100554",
        ],
        "attachments": ["extracto-de-cuenta-c001.pdf", "requerimiento-de-pago-c001.pdf"],
        "subjects": [
            "Próximo vencimiento – Factura F-500 – Total adeudado 80,00 €",
            "Recordatorio n.º 2 – Facturas F-100, F-200, F-300 …",
            "Requerimiento formal",
        ],
        "letter": [
            "Asunto: ",
            "Su referencia de cliente: C001",
            "A la atención de Claire Durand",
            "Paris, 24 de noviembre de 2026",
            "Tel. +33 1 23 45 67 89",
            "Página 1/",
            "Fecha de factura",
            "Datos de pago",
            "Importe a pagar: 1.775,49 €",
            "Transferencia a: ACME Industrie SAS",
            "IBAN: FR76 3000",
            "BIC: AGRIFRPP",
            "Referencia a indicar: C001",
            "Pago en línea: https://pay.acme.example/",
            "Escanear el código con la aplicación bancaria para pagar por transferencia",
            "SIREN 552100554 – NIF-IVA FR40552100554",
        ],
        "statement": [
            "Cliente: Durand C001 SARL (C001)",
            "Extracto a fecha de 24 de noviembre de 2026",
            "Las facturas siguientes, pendientes a fecha de 24 de noviembre de 2026, no se "
            "adjuntan a nuestro mensaje; a continuación figura su detalle.",
            "Total pendiente",
            "Este extracto no es una factura. Se ruega indicar la referencia C001 al efectuar "
            "el pago.",
        ],
        "statement_of_one": [
            "La factura siguiente, pendiente a fecha de 24 de noviembre de 2026, no se adjunta "
            "a nuestro mensaje; a continuación figura su detalle."
        ],
        "formal_notice": [
            "Asunto: Requerimiento formal de pago",
            "Estimado/a Claire Durand:",
            "Pese a nuestros recordatorios anteriores, las facturas que se detallan a "
            "continuación siguen impagadas a fecha de 24 de noviembre de 2026.",
            "Conforme al artículo L441-10 del Código de Comercio francés, se devengan intereses "
            "de demora",
            "Se calculan al tipo anual del 12,15 % sobre el importe adeudado, IVA incluido.",
            "Además, se adeuda una indemnización fija por costes de cobro de 40,00 € por cada "
            "factura pagada con retraso",
            "Por la presente le requerimos formalmente el pago de la suma de 1.775,49 € en un "
            "plazo de 8 días a partir de la fecha de esta carta, es decir, a más tardar el "
            "2 de diciembre de 2026.",
            "A falta de pago en dicha fecha,",
            "Si ya ha efectuado el pago, le rogamos que no tenga en cuenta esta carta.",
            "Atentamente,",
            "Total reclamado, recargos incluidos",
        ],
        "consumer_notice": [
            "Estimados señores:",
            "en el sentido del artículo 1344 del Código Civil francés",
        ],
        "titles": ["Extracto de cuenta", "Requerimiento formal de pago"],
    },
    "it": {
        "email_text": [
            "N. fattura",
            "Scadenza",
            "Residuo da pagare",
            "Scaduta da 40 giorni",
            "Scaduta da 1 giorno",
            "Pagata in parte, scaduta da 1 giorno",
            "Scade oggi",
            "Scade tra 5 giorni",
            "Totale residuo: 1.725,50 €",
            "Interessi di mora: 9,99 €",
            "Indennità forfettaria per le spese di recupero: 40,00 €",
            "Totale richiesto: 1.775,49 €",
            "Estremi di pagamento IBAN: FR76",
            "BIC: AGRIFRPP",
            "Riferimento da indicare: C001",
            "Paga online: https://pay.acme.example/",
            "SIREN 552100554",
        ],
        "email_html": [
            "N. fattura",
            "Data fattura",
            "Data di scadenza",
            "Importo IVA incl.",
            "Residuo da pagare",
            "Stato",
            "Interessi di mora",
            "Indennità forfettaria",
            "Pagata in parte",
            "Totale residuo 1.725,50 €",
            "Totale richiesto, oneri di mora inclusi 1.775,49 €",
            "Estremi di pagamento IBAN: FR76",
            "Riferimento da indicare: C001",
            "Paga online",
            "SIREN 552100554 – P. IVA FR40552100554",
        ],
        "attachments": ["estratto-conto-c001.pdf", "diffida-ad-adempiere-c001.pdf"],
        "subjects": [
            "Scadenza imminente – Fattura F-500 – Totale dovuto 80,00 €",
            "Sollecito n. 2 – Fatture F-100, F-200, F-300 …",
            "Diffida ad adempiere",
        ],
        "letter": [
            "Oggetto: ",
            "Riferimento cliente: C001",
            "All’attenzione di Claire Durand",
            "Paris, 24 novembre 2026",
            "Tel. +33 1 23 45 67 89",
            "Pagina 1/",
            "Data fattura",
            "Estremi di pagamento",
            "Importo da pagare: 1.775,49 €",
            "Bonifico a favore di: ACME Industrie SAS",
            "IBAN: FR76 3000",
            "BIC: AGRIFRPP",
            "Riferimento da indicare: C001",
            "Pagamento online: https://pay.acme.example/",
            "Scansionare il codice con l’app della propria banca per pagare con bonifico",
            "SIREN 552100554 – P. IVA FR40552100554",
        ],
        "statement": [
            "Cliente: Durand C001 SARL (C001)",
            "Situazione al 24 novembre 2026",
            "Le fatture seguenti, insolute al 24 novembre 2026, non sono allegate al nostro "
            "messaggio; eccone il dettaglio.",
            "Totale residuo",
            "Il presente estratto conto non è una fattura. Si prega di indicare il riferimento "
            "C001 nel pagamento.",
        ],
        "statement_of_one": [
            "La fattura seguente, insoluta al 24 novembre 2026, non è allegata al nostro "
            "messaggio; eccone il dettaglio."
        ],
        "formal_notice": [
            "Oggetto: Diffida ad adempiere",
            "Gentile Claire Durand,",
            "Nonostante i nostri precedenti solleciti, le fatture elencate di seguito risultano "
            "ancora insolute al 24 novembre 2026.",
            "Ai sensi dell’articolo L441-10 del Codice di commercio francese, gli interessi di "
            "mora sono dovuti",
            "Sono calcolati al tasso annuo del 12,15% sull’importo dovuto, IVA inclusa.",
            "È inoltre dovuta un’indennità forfettaria per le spese di recupero di 40,00 € per "
            "ciascuna fattura pagata in ritardo",
            "La diffidiamo pertanto formalmente a pagare la somma di 1.775,49 € entro 8 giorni "
            "dalla data della presente, ovvero entro e non oltre il 2 dicembre 2026.",
            "In mancanza di pagamento entro tale data,",
            "Qualora abbia già provveduto al pagamento, La preghiamo di non tenere conto della "
            "presente.",
            "Distinti saluti,",
            "Totale richiesto, oneri di mora inclusi",
        ],
        "consumer_notice": [
            "Gentile Cliente,",
            "ai sensi dell’articolo 1344 del Codice civile francese",
        ],
        "titles": ["Estratto conto", "Diffida ad adempiere"],
    },
}


def plain(value: str) -> str:
    """One line, single spaces: Babel's no-break spaces, PDF line breaks and HTML layout
    whitespace all become one plain space."""
    return " ".join(value.replace("\u202f", " ").replace("\xa0", " ").split())


def html_text(document: str) -> str:
    body = document[document.index("<body") :]
    return plain(html.unescape(re.sub(r"<[^>]+>", " ", body)))


def pdf_text(pdf: bytes) -> str:
    return plain(text(pdf))


def pdf_title(pdf: bytes) -> str:
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    return str(metadata.title if metadata else "")


@dataclass(frozen=True)
class Entry:
    """A catalogue entry: one msgid (two with a plural) and its one or two translations."""

    context: str | None
    ids: tuple[str, ...]
    strings: tuple[str, ...]
    fuzzy: bool


@cache
def customer_entries(language: str) -> tuple[Entry, ...]:
    """The entries of ``language``'s catalogue that reach customers, by their source files."""
    path = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as po:
        catalog = read_po(po)
    entries = []
    for message in catalog:
        ids = tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        sources = [filename for filename, _line in message.locations]
        if ids[0] and ids[0] not in NOT_SENT and any(map(CUSTOMER_SOURCES.match, sources)):
            entries.append(
                Entry(message.context, ids, tuple(s or "" for s in strings), message.fuzzy)
            )
    return tuple(entries)


def translated(entry: Entry, count: int = 1) -> str:
    """``entry`` through Django's catalogue in the active language, as the renderers ask."""
    if len(entry.ids) == 2:
        if entry.context:
            return npgettext(entry.context, entry.ids[0], entry.ids[1], count)
        return ngettext(entry.ids[0], entry.ids[1], count)
    if entry.context:
        return pgettext(entry.context, entry.ids[0])
    return gettext(entry.ids[0])


@cache
def french_fragments() -> tuple[str, ...]:
    """The French catalogue's wording of every customer-facing text, cut at its placeholders:
    what a fallback to French would print. Pieces the English source shares (IBAN, SIREN…)
    prove nothing and are left out."""
    pieces: set[str] = set(FRENCH)
    with translation.override("fr"):
        for message in customer_entries("de"):
            for count in (1, 2):
                french = plain(translated(message, count))
                for piece in re.split(r"%\(\w+\)[a-z]", french):
                    piece = piece.strip(" ,.;:()")
                    if len(piece) >= 3 and not any(piece in source for source in message.ids):
                        pieces.add(piece)
    return tuple(sorted(pieces))


def assert_in_language(content: str, expected: Iterable[str]) -> None:
    missing = [phrase for phrase in expected if plain(phrase) not in content]
    assert not missing, f"missing {missing} in: {content}"
    french = [piece for piece in french_fragments() if _word_in(piece, content)]
    assert not french, f"French {french} in: {content}"


def _word_in(piece: str, content: str) -> bool:
    # Whole words only: the French "Client" is no fallback inside the Spanish "Cliente".
    return re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", content) is not None


@cache
def shipped(channel: str, level: int, language: str) -> Template:
    return next(
        t
        for t in shipped_templates()
        if (t.channel, t.level, t.language) == (channel, level, language)
    )


def dunned(language: str, **changes) -> Reminder:
    """A level-3 formal-notice e-mail reminder, penalties charged, unless ``changes`` say
    otherwise."""
    defaults: dict[str, Any] = {
        "invoices": INVOICES,
        "level": 3,
        "formal_notice": True,
        "channel": "email",
        "recipients": ("compta@durand.example",),
    }
    return reminder(language=language, **(defaults | changes))


def keyword_subject(language: str, built: Reminder) -> str:
    shipped_one = shipped("email", 1, language)
    chosen = Template(
        channel="email",
        level=built.level,
        language=language,
        subject_mode=SubjectMode.KEYWORDS,
        subject_keywords="level, invoices, total",
        body=shipped_one.body,
        signature=shipped_one.signature,
    )
    return render_parts(chosen, built).subject


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_customer_facing_entry_of_the_catalogue_is_translated_and_compiled(language):
    entries = customer_entries(language)
    assert len(entries) > 60  # the filter still finds them where the code puts them

    empty = [e.ids[0] for e in entries if not all(e.strings) or e.fuzzy]
    assert not empty, f"untranslated in {language}: {empty}"
    with translation.override(language):
        stale = [
            e.ids[0]
            for e in entries
            if tuple(translated(e, count) for count in (1, 2)[: len(e.strings)]) != e.strings
        ]
    assert not stale, f"{language}'s django.mo is older than its django.po: {stale}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_email_text_html_and_attachment_names_are_in_the_customers_language(language):
    built = dunned(language)
    template = shipped("email", 3, language)
    parts = render_parts(template, built)

    message = compose(built, parts, attachments_for(built, template, parts))

    expected = EXPECTED[language]
    assert_in_language(plain(str(message.body)), expected["email_text"])
    html_part = message.alternatives[0][0]
    assert_in_language(html_text(str(html_part)), expected["email_html"])
    names = [attachment[0] for attachment in message.attachments]
    assert names == expected["attachments"]
    for _name, content, _mimetype in message.attachments:
        assert_in_language(pdf_text(content), [])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_subject_built_from_keywords_names_the_level_and_invoices_in_the_customers_language(
    language,
):
    upcoming = dunned(language, level=0, formal_notice=False, invoices=INVOICES[4:5])
    second = dunned(language, level=2, formal_notice=False)
    notice = dunned(language)

    subjects = [plain(keyword_subject(language, built)) for built in (upcoming, second, notice)]

    expected = EXPECTED[language]["subjects"]
    for subject, phrase in zip(subjects, expected, strict=True):
        assert_in_language(subject, [phrase])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_letter_is_laid_out_in_the_customers_language(language):
    built = dunned(language, channel="letter")

    pdf = render_one(LetterItem.of(shipped("letter", 3, language), built))

    assert_in_language(pdf_text(pdf), EXPECTED[language]["letter"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_account_statement_is_in_the_customers_language(language):
    built = dunned(language)

    several = statement_pdf(built, INVOICES)
    one = statement_pdf(built, INVOICES[:1])

    expected = EXPECTED[language]
    assert_in_language(pdf_text(several), expected["statement"])
    assert_in_language(pdf_text(one), expected["statement_of_one"])
    assert pdf_title(several) == expected["titles"][0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_formal_notice_is_in_the_customers_language(language):
    built = dunned(language)
    parts = render_parts(shipped("email", 3, language), built)

    pdf = formal_notice_pdf(built, parts)

    expected = EXPECTED[language]
    assert_in_language(pdf_text(pdf), expected["formal_notice"])
    assert pdf_title(pdf) == expected["titles"][1]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_consumers_formal_notice_rests_on_the_civil_code_in_the_customers_language(language):
    built = dunned(
        language,
        business=False,
        contact_name="",
        invoices=[penalised("F-100", 40, "1000.00", "9.99", None)],
    )
    parts = render_parts(shipped("email", 3, language), built)

    pdf = formal_notice_pdf(built, parts)

    assert_in_language(pdf_text(pdf), EXPECTED[language]["consumer_notice"])
