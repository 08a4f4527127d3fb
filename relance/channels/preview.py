"""Writing what a reminder would be on each channel to files: .eml, .pdf, .txt."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.utils.text import slugify
from django.utils.translation import gettext as _

from relance.channels.email.compose import html_body, text_body
from relance.channels.email.prepare import prepare_one
from relance.channels.letter.render import LetterItem, render_one
from relance.channels.sms.encoding import analyse
from relance.content.models import SubjectMode, Template
from relance.content.preview import NothingToPreview, PreviewRequest, preview_reminder
from relance.content.reminder import Reminder
from relance.content.rendering import TemplateSet, render_parts
from relance.content.sandbox import RenderError
from relance.content.services import template_errors
from relance.ledger.models import Company


def render_files(reminder: Reminder, templates: TemplateSet) -> dict[str, bytes]:
    """File name → content, exactly as the channel would send or print it."""
    stem = slugify(f"{reminder.customer_code}-{reminder.level}-{reminder.channel}")
    template = templates.find(reminder.channel, reminder.level, reminder.language)
    if reminder.channel == "email":
        prepared = prepare_one(reminder, templates)
        if prepared.message is None:
            raise RenderError(prepared.error)
        files = {f"{stem}.eml": prepared.message.message().as_bytes()}
        html = prepared.message.alternatives[0][0]
        files[f"{stem}.html"] = str(html).encode()
        return files
    if reminder.channel == "letter":
        return {f"{stem}.pdf": render_one(LetterItem.of(template, reminder))}
    parts = render_parts(template, reminder)
    text = parts.body_text + "\n"
    if reminder.channel == "sms":
        info = analyse(parts.body_text)
        header = f"# {info.encoding}, {info.length} characters, {info.segments} segment(s)\n"
        return {f"{stem}.txt": (header + text).encode()}
    return {f"{stem}.txt": (parts.subject + "\n\n" + text if parts.subject else text).encode()}


def write_files(files: dict[str, bytes], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        path = folder / name
        path.write_bytes(content)
        written.append(path)
    return written


class PreviewFailed(Exception):
    pass


def live_preview(
    company: Company,
    *,
    fields: dict[str, str],
    customer: str,
    language: str | None,
    as_of: date,
) -> dict[str, str]:
    """Render an unsaved template (the admin form as being typed) for a customer: subject,
    HTML, text and, for an SMS, its encoding and segments."""
    level = int(fields["level"]) if fields.get("level") else None
    template = Template(
        company=company,
        channel=fields.get("channel") or "email",
        level=level,
        language=fields.get("language") or company.default_language,
        subject_mode=fields.get("subject_mode") or SubjectMode.FIXED,
        subject=fields.get("subject", ""),
        subject_keywords=fields.get("subject_keywords", ""),
        body=fields.get("body", ""),
        signature=fields.get("signature", ""),
        legal_mention=fields.get("legal_mention", ""),
        max_length=int(fields["max_length"]) if fields.get("max_length") else None,
    )
    problems = template_errors(template)
    if problems:
        raise PreviewFailed("; ".join(p for field in problems.values() for p in field))
    request = PreviewRequest(
        customer=customer,
        as_of=as_of,
        level=level,
        channel=template.channel,
        language=language or template.language,
    )
    try:
        reminder = preview_reminder(company, request)
        parts = render_parts(template, reminder)
    except (NothingToPreview, RenderError) as exc:
        raise PreviewFailed(str(exc)) from exc
    result = {"subject": parts.subject, "text": parts.body_text, "info": "", "html": ""}
    if template.channel == "email":
        result["html"] = html_body(reminder, parts)
        result["text"] = text_body(reminder, parts)
    elif template.channel == "letter":
        result["html"] = str(parts.body_html)
    elif template.channel == "sms":
        info = analyse(parts.body_text)
        result["info"] = _("%(encoding)s, %(length)d characters, %(segments)d segment(s)") % {
            "encoding": info.encoding,
            "length": info.length,
            "segments": info.segments,
        }
    return result
