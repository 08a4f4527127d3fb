"""The HTML table of a reminder's invoices, in e-mails, letters, notices and statements.

Written in Python rather than as a Jinja layout: it is the largest piece of every reminder
(ten invoices are some eighty cells), and a template spent more time looking up each cell's
value and style than the rest of an e-mail took to render. The words, header and total labels
are assembled once per language and style; a row is one f-string of escaped values.

``styles`` gives each cell kind its attribute: `` style="…"`` in an e-mail
(``email_styles``), nothing in print, where the stylesheet sets the look. Print and e-mail
markup are otherwise the same, so that print.css and the e-mail CSS style the same classes.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markupsafe import escape

_TABLE = '<table class="invoices" role="presentation" width="100%" cellpadding="0" cellspacing="0"'


_ROW_FIELDS = ("number", "issue_date", "due_date", "amount", "open_amount", "status")
_PENALTY_FIELDS = ("interest", "indemnity")
_TOTAL_FIELDS = ("open", "interest", "indemnity", "grand")


def invoice_table(context: dict[str, Any], labels: dict[str, str], styles: Any) -> str:
    """The table for ``context`` (``template_context``) with the words of ``labels``
    (``rendering.labels()``)."""
    penalties = bool(context["penalties"])
    head, total_row, grand_row = _frame(penalties, styles, tuple(labels.items()))
    fields = _ROW_FIELDS + _PENALTY_FIELDS if penalties else _ROW_FIELDS
    invoices = context["invoices"]
    total = context["total"]
    values = _escaped(
        [invoice[field] for invoice in invoices for field in fields]
        + [total[field] for field in _TOTAL_FIELDS]
    )
    text, num, late = styles.td_text, styles.td_num, styles.td_late
    rows = []
    width = len(fields)
    for index, invoice in enumerate(invoices):
        number, issued, due, amount, open_amount, status, *extra = values[
            index * width : (index + 1) * width
        ]
        status_cell = (
            f'<td class="text late"{late}>'
            if invoice["days_overdue"] > 0
            else f'<td class="text"{text}>'
        )
        rows.append(
            f'<tr>\n<td class="text"{text}>{number}</td>\n'
            f'<td class="text"{text}>{issued}</td>\n'
            f'<td class="text"{text}>{due}</td>\n'
            f'<td class="num"{num}>{amount}</td>\n'
            f'<td class="num"{num}>{open_amount}</td>\n'
            f"{status_cell}{status}</td>\n"
            + "".join(f'<td class="num"{num}>{value}</td>' for value in extra)
            + "</tr>\n"
        )
    total_open, interest, indemnity, grand = values[-4:]
    foot = total_row.format(open=total_open)
    if penalties:
        foot += (
            f'<td class="num"{styles.total_num}>{interest}</td>'
            f'<td class="num"{styles.total_num}>{indemnity}</td>'
        )
    foot += "</tr>\n" + (grand_row.format(grand=grand) if penalties else "")
    return f"{head}{''.join(rows)}</tbody>\n<tfoot>\n{foot}</tfoot>\n</table>"


def _escaped(values: list[Any]) -> list[str]:
    """Each value as escaped HTML, in one pass: markupsafe spends more on wrapping each
    result in a Markup than on escaping it, and a table has some eighty values."""
    texts = [str(value) for value in values]
    escaped = str(escape("\x00".join(texts))).split("\x00")
    if len(escaped) != len(texts):  # a value held the separator
        return [str(escape(text)) for text in texts]
    return escaped


@lru_cache(maxsize=64)
def _frame(
    penalties: bool, styles: Any, labels: tuple[tuple[str, str], ...]
) -> tuple[str, str, str]:
    """What does not change from one reminder to the next: the header, and the total rows
    as ``str.format`` patterns for their amounts."""
    words = {key: escape(value) for key, value in labels}
    th_text, th_num = styles.th_text, styles.th_num
    head = (
        f"{_TABLE}{styles.table}>\n<thead><tr>\n"
        f'<th class="text"{th_text}>{words["invoice_no"]}</th>\n'
        f'<th class="text"{th_text}>{words["invoice_date"]}</th>\n'
        f'<th class="text"{th_text}>{words["due_date"]}</th>\n'
        f'<th class="num"{th_num}>{words["amount"]}</th>\n'
        f'<th class="num"{th_num}>{words["open"]}</th>\n'
        f'<th class="text"{th_text}>{words["status"]}</th>\n'
    )
    if penalties:
        head += (
            f'<th class="num"{th_num}>{words["interest"]}</th>'
            f'<th class="num"{th_num}>{words["indemnity"]}</th>'
        )
    head += "</tr></thead>\n<tbody>\n"
    total_text = _braces(styles.total_text)
    total_row = (
        f'<tr class="total"><td class="text" colspan="4"{total_text}>'
        f"{_braces(words['total_open'])}</td>"
        f'<td class="num"{_braces(styles.total_num)}>{{open}}</td>'
        f'<td class="text"{total_text}></td>\n'
    )
    grand_text = _braces(styles.grand_text)
    grand_row = (
        f'<tr class="grand"><td class="text" colspan="4"{grand_text}>'
        f"{_braces(words['total_claimed'])}</td>"
        f'<td class="num"{_braces(styles.grand_num)}>{{grand}}</td>'
        f'<td class="text" colspan="3"{grand_text}></td></tr>'
    )
    return head, total_row, grand_row


def _braces(text: str) -> str:
    """``text`` inside a ``str.format`` pattern."""
    return text.replace("{", "{{").replace("}", "}}")
