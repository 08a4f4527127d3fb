"""The e-mail layout's CSS as inline ``style`` attributes, worked out once per process.

Mail clients ignore much of a ``<style>`` element, so every element of a reminder e-mail carries
its CSS inline. Running a CSS inliner on each message cost a third of rendering it, to find
the same few dozen declarations every time: the layout (``layouts/email.html``) and the
invoice table (``invoice_table.py``) are ours and style a fixed set of element kinds. Each
such element names its kind (``<td class="num"{{ styles.td_num }}>``). Here the layouts are
rendered once with every optional block shown and a marker in place of each
``styles.<kind>``, css-inline inlines that specimen, and the style it gave each marker becomes
the attribute written for that kind from then on: the declarations are css-inline's own.

Only the markup the layouts and ``rendering.render_parts`` write can be styled this way (the
paragraphs, line breaks and invoice table). A template whose own text holds markup is
inlined by css-inline as before (``RenderedParts.markup_is_ours``).
"""

from __future__ import annotations

from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

import css_inline
from markupsafe import Markup, escape

_MARKER = "data-relance-style"


class Styles:
    """``styles.<kind>``: the `` style="…"`` attribute of an element kind, or nothing."""

    def __init__(self, attributes: dict[str, Markup]) -> None:
        self._attributes = attributes

    def __getattr__(self, kind: str) -> Markup:
        try:
            return self._attributes[kind]
        except KeyError:
            # Not an AttributeError, which Jinja would turn into an empty, unstyled element.
            raise RuntimeError(
                f"the e-mail specimen has no element of kind {kind!r}: show it in _specimen()"
            ) from None


class NoStyles:
    """For print, where a stylesheet does the styling: every kind is unstyled."""

    def __getattr__(self, kind: str) -> Markup:
        return Markup("")


NO_STYLES = NoStyles()


class _Markers:
    def __getattr__(self, kind: str) -> Markup:
        return Markup(f' {_MARKER}="{kind}"')


@lru_cache(maxsize=1)
def inliner() -> css_inline.CSSInliner:
    # The layout's <style> is ours and complete: nothing to fetch, and mail clients that
    # honour <style> (media queries) still get it.
    return css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


@lru_cache(maxsize=1)
def email_styles() -> Styles:
    found = _StyleReader.read(inliner().inline(_specimen(_Markers())))
    return Styles(
        {
            kind: Markup(f' style="{escape(style)}"') if style else Markup("")
            for kind, style in found.items()
        }
    )


def _specimen(styles: Any) -> str:
    """The e-mail layout with every optional block shown: a legal mention, payment details,
    paragraphs in the body and signature, and an invoice table with penalties, one late row
    and one not."""
    from relance.content.invoice_table import invoice_table
    from relance.content.rendering import LABELS, layouts

    labels = {key: key for key in LABELS}
    row = {"number": "1", "issue_date": "d", "due_date": "d", "amount": "1", "open_amount": "1"}
    row |= {"status": "s", "interest": "1", "indemnity": "1"}
    table = invoice_table(
        {
            "invoices": [row | {"days_overdue": 1}, row | {"days_overdue": 0}],
            "penalties": True,
            "total": {"open": "1", "interest": "1", "indemnity": "1", "grand": "1"},
        },
        labels,
        styles,
    )
    company = {"name": "n", "legal_name": "n", "address": "a", "siren": "1", "vat_number": "v"}
    company |= {"phone": "p", "website": "w"}
    return (
        layouts()
        .get_template("email.html")
        .render(
            language="en",
            subject="s",
            company=company,
            payment={"iban": "i", "bic": "b", "reference": "r", "link": "https://example.com"},
            legal_mention="m",
            body=Markup(f"<p{styles.body_p}>b</p>{table}"),
            signature=Markup(f"<p{styles.signature_p}>s</p>"),
            labels=labels,
            styles=styles,
        )
    )


class _StyleReader(HTMLParser):
    """The inlined style of each marked element kind; one kind must have one style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.styles: dict[str, str] = {}

    @classmethod
    def read(cls, html: str) -> dict[str, str]:
        reader = cls()
        reader.feed(html)
        reader.close()
        return reader.styles

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        kind = values.get(_MARKER)
        if kind is None:
            return
        style = values.get("style") or ""
        if self.styles.setdefault(kind, style) != style:
            raise RuntimeError(f"e-mail elements of kind {kind!r} are styled differently")
