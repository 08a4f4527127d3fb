"""The back-office's customer screens' routes, added to ``relance.web.urls`` (namespace ``web``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from relance.web import customer_notes, customer_statement

urlpatterns: list[URLPattern] = [
    path("customers/<str:code>/notes/", customer_notes.customer_note, name="customer-note"),
    path(
        "customers/<str:code>/statement/",
        customer_statement.customer_statement,
        name="customer-statement",
    ),
]
