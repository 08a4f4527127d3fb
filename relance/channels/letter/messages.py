"""Strings the letter layouts translate with keyword arguments (Jinja's newstyle gettext),
which ``makemessages`` cannot read in the templates: listed here so they reach the catalogue."""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = (
    gettext_noop("Your customer reference: %(reference)s"),
    gettext_noop("Dear %(name)s,"),
    gettext_noop(
        "Despite our previous reminders, the invoices listed below remain unpaid on %(date)s."
    ),
    gettext_noop(
        "We therefore formally demand that you pay the sum of %(total)s within %(days)d days "
        "of this letter, that is by %(deadline)s at the latest."
    ),
    gettext_noop("Customer: %(name)s (%(code)s)"),
    gettext_noop("Statement date: %(date)s"),
    gettext_noop(
        "This statement is not an invoice. Please quote the reference %(reference)s with your "
        "payment."
    ),
    ngettext_lazy(
        "The invoice below, outstanding on %(date)s, has no copy attached to our message; "
        "here are its details.",
        "The invoices below, outstanding on %(date)s, have no copy attached to our message; "
        "here are their details.",
        "count",
    ),
)
