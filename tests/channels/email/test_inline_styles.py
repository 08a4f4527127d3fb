"""The e-mail HTML carries its CSS inline without a CSS inliner per message: the styles worked out
once per process must give every element what css-inline gives it, so that customers see the
same message as when each one was inlined (relance/content/email_styles.py)."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser

import pytest

from relance.channels.email.compose import html_body
from relance.content.email_styles import email_styles, inliner
from relance.content.models import Template
from relance.content.rendering import render_parts
from relance.content.services import shipped_templates
from tests.channels.reminders import SENDER, invoice, penalised, reminder


class Tree(HTMLParser):
    """A document as a browser builds it, for comparing two serialisations: elements with their
    attributes (each style as its declarations), and the text. ``<tbody>`` is left out, as
    parsers add it where the markup has none."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[object, ...]] = []

    @classmethod
    def of(cls, html: str) -> list[tuple[object, ...]]:
        tree = cls()
        tree.feed(html)
        tree.close()
        return tree.events

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "tbody":
            self.events.append((tag, tuple(sorted(self._attribute(k, v) for k, v in attrs))))

    def handle_endtag(self, tag: str) -> None:
        if tag != "tbody":
            self.events.append(("/" + tag,))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.events.append((" ".join(data.split()),))

    @staticmethod
    def _attribute(name: str, value: str | None) -> tuple[str, object]:
        if name == "style":
            return name, tuple(d.strip() for d in (value or "").split(";") if d.strip())
        return name, value


def email_template(level: int, language: str) -> Template:
    return next(
        t
        for t in shipped_templates()
        if t.channel == "email" and t.level == level and t.language == language
    )


def inlined_by_css_inline(template: Template, reminder_) -> str:
    """The message as it was made before: the layout without inline styles, the invoice table
    as print has it, and css-inline over the whole."""
    parts = render_parts(template, reminder_)
    print_copy = Template(
        **{f.attname: getattr(template, f.attname) for f in Template._meta.concrete_fields}
    )
    print_copy.channel = "letter"
    unstyled = render_parts(print_copy, reminder_)
    return html_body(reminder_, replace(parts, body_html=unstyled.body_html, markup_is_ours=False))


NOTICE = [
    penalised("F-1", 45, "1200.00", "14.20", "40.00"),
    penalised("F-2", 0, "80.00", "0.00", None),
    invoice("F-<3>&\"'", -4, "10.00"),
]
CASES = {
    "plain": reminder(channel="email"),
    "formal notice": reminder(channel="email", level=3, formal_notice=True, invoices=NOTICE),
    "no bank details": reminder(
        channel="email", sender=replace(SENDER, iban="", bic="", payment_link="", siren="")
    ),
    "in French": reminder(channel="email", language="fr"),
}


@pytest.mark.parametrize("level", [1, 2, 3])
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_element_gets_the_style_css_inline_gives_it(case, level):
    reminder_ = CASES[case]
    template = email_template(level, reminder_.language)
    parts = render_parts(template, reminder_)
    assert parts.markup_is_ours
    fast = html_body(reminder_, parts)
    assert 'class="invoices"' in fast
    assert Tree.of(fast) == Tree.of(inlined_by_css_inline(template, reminder_))


def test_a_template_with_markup_of_its_own_is_inlined_by_css_inline():
    template = email_template(1, "en")
    template.body = (
        "<strong>Hello</strong> {{ contact.name }},\n\n{{ invoice_table }}\n\n<p>Bye</p>"
    )
    reminder_ = CASES["plain"]
    parts = render_parts(template, reminder_)
    assert not parts.markup_is_ours
    html = html_body(reminder_, parts)
    paragraphs = [event[1] for event in Tree.of(html) if event[0] == "p"]
    # The template's own <p> is styled as the layout's are, which only an inliner can do.
    assert paragraphs
    assert all(dict(attrs).get("style") for attrs in paragraphs)  # type: ignore[call-overload]
    assert Tree.of(html) == Tree.of(inlined_by_css_inline(template, reminder_))


def test_the_inliner_keeps_the_style_element_for_the_clients_that_read_it():
    fast = html_body(CASES["plain"], render_parts(email_template(1, "en"), CASES["plain"]))
    assert "@media only screen and (max-width: 600px)" in fast
    assert inliner().inline(fast).count("<style>") == 1


def test_a_kind_of_element_missing_from_the_specimen_fails_loudly():
    with pytest.raises(RuntimeError, match="no element of kind 'sidebar'"):
        _ = email_styles().sidebar
