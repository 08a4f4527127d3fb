"""The back-office's run screens' routes, added to ``relance.web.urls`` (namespace ``web``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from relance.web import run_preview, run_wizard

urlpatterns: list[URLPattern] = [
    path("runs/new/", run_wizard.run_new, name="run-new"),
    path("runs/<int:pk>/add/", run_wizard.run_add, name="run-add"),
    path(
        "runs/<int:pk>/actions/<int:action>/preview/",
        run_preview.action_preview,
        name="run-preview",
    ),
    path(
        "runs/<int:pk>/actions/<int:action>/preview.pdf",
        run_preview.action_preview_pdf,
        name="run-preview-pdf",
    ),
]
