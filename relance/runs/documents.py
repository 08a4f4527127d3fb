"""Keeping exactly what left — the .eml of an e-mail, the PDF of a letter — in the media
storage, next to the journal entry that records it."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from relance.runs.models import Run


def keep(run: Run, key: str, extension: str, content: bytes) -> str:
    """Store ``content`` and return its storage name (for a FileField)."""
    name = f"journal/{run.as_of:%Y/%m}/run-{run.pk}/{key}.{extension}"
    return default_storage.save(name, ContentFile(content))
