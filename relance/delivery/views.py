"""Opening exactly what was sent: a message's stored content (the .eml, shown as text; the PDF
of a letter), for staff. The back-office (issue 6) adds per-company scoping on top."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib.admin.views.decorators import staff_member_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from relance.delivery.models import Message
from relance.runs.models import JournalEntry

# An .eml shown in the browser as its source, rather than downloaded.
CONTENT_TYPES = {".eml": "text/plain; charset=utf-8", ".txt": "text/plain; charset=utf-8"}


def _serve(stored: object) -> FileResponse:
    name = getattr(stored, "name", "")
    if not name:
        raise Http404("nothing stored")
    try:
        handle = stored.open("rb")  # type: ignore[attr-defined]
    except OSError as exc:
        raise Http404("the stored file is missing") from exc
    suffix = PurePath(name).suffix
    response = FileResponse(handle, filename=PurePath(name).name)
    if suffix in CONTENT_TYPES:
        response["Content-Type"] = CONTENT_TYPES[suffix]
    response["Content-Disposition"] = f'inline; filename="{PurePath(name).name}"'
    return response


@staff_member_required
def message_content(request: HttpRequest, pk: int) -> FileResponse:
    return _serve(get_object_or_404(Message, pk=pk).content)


@staff_member_required
def journal_document(request: HttpRequest, pk: int) -> FileResponse:
    return _serve(get_object_or_404(JournalEntry, pk=pk).document)
