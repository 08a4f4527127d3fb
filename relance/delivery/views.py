"""Opening exactly what was sent: a message's stored content (the .eml, shown as text; the PDF
of a letter), for the users of the message's company only."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from relance.accounts.scoping import companies_of
from relance.delivery.models import Message
from relance.runs.models import JournalEntry, Run

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


@login_required
def message_content(request: HttpRequest, pk: int) -> FileResponse:
    mine = companies_of(request.user)
    return _serve(get_object_or_404(Message, pk=pk, company__in=mine).content)


@login_required
def journal_document(request: HttpRequest, pk: int) -> FileResponse:
    mine = companies_of(request.user)
    return _serve(get_object_or_404(JournalEntry, pk=pk, company__in=mine).document)


@login_required
def print_batch(request: HttpRequest, pk: int) -> FileResponse:
    """The run's letters in one print-ready PDF."""
    mine = companies_of(request.user)
    return _serve(get_object_or_404(Run, pk=pk, company__in=mine).print_batch)
