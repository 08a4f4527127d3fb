"""The back-office's config screens' routes, added to ``relance.web.urls`` (namespace ``web``)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
