"""Preparing a batch of reminder e-mails: reminders loaded once, each rendered with its
level's template in its language, with its attachments. A template that fails fails its own
message only, with the reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.mail import EmailMultiAlternatives

from relance.channels.attachments import attachments_for
from relance.channels.email.compose import compose
from relance.content.loading import reminders_for_actions
from relance.content.reminder import Reminder
from relance.content.rendering import MissingTemplate, TemplateSet, render_parts
from relance.content.sandbox import RenderError
from relance.ledger.models import Company


@dataclass
class Prepared:
    reminder: Reminder
    message: EmailMultiAlternatives | None = None
    error: str = ""


def prepare(company: Company, actions: Sequence[Any], templates: TemplateSet) -> list[Prepared]:
    prepared = []
    for reminder in reminders_for_actions(company, actions):
        prepared.append(prepare_one(reminder, templates))
    return prepared


def prepare_one(reminder: Reminder, templates: TemplateSet) -> Prepared:
    try:
        template = templates.find("email", reminder.level, reminder.language)
        parts = render_parts(template, reminder)
        files = attachments_for(reminder, template, parts)
        return Prepared(reminder, compose(reminder, parts, files))
    except (MissingTemplate, RenderError) as exc:
        return Prepared(reminder, error=str(exc))
