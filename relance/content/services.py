"""Template services shared by the admin, `relance init`, the demo and the renderers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from jinja2 import nodes

from relance.channels.sms.encoding import analyse
from relance.content import sandbox
from relance.content.models import SUBJECT_KEYWORDS, Channel, SubjectMode, Template
from relance.ledger.models import Company

SHIPPED = Path(__file__).parent / "defaults" / "templates"
TEXT_FIELDS = ("subject", "body", "signature", "legal_mention")
_YAML_FIELDS = (
    "subject",
    "body",
    "signature",
    "legal_mention",
    "attach_invoices",
    "attach_formal_notice",
    "max_length",
)


def template_errors(template: Template) -> dict[str, list[str]]:
    """Every problem of a template, by field, each naming its line: what the admin form shows
    and what refuses a shipped or loaded template."""
    errors: dict[str, list[str]] = {}
    for name in TEXT_FIELDS:
        problems = sandbox.validate(getattr(template, name))
        if problems:
            errors[name] = [str(problem) for problem in problems]
    if template.subject_mode == SubjectMode.KEYWORDS:
        words = [word.strip() for word in template.subject_keywords.split(",") if word.strip()]
        unknown = [word for word in words if word not in SUBJECT_KEYWORDS]
        if unknown or not words:
            errors.setdefault("subject_keywords", []).append(
                _("Choose among: %(keywords)s") % {"keywords": ", ".join(SUBJECT_KEYWORDS)}
            )
    elif template.channel == Channel.EMAIL and not template.subject.strip():
        errors.setdefault("subject", []).append(_("An e-mail needs a subject."))
    if template.channel == Channel.SMS and template.max_length and "body" not in errors:
        fixed = analyse(_static_text(template.body))
        if fixed.length > template.max_length:
            errors.setdefault("body", []).append(
                _("Its fixed text alone has %(length)d characters, over the %(max)d allowed.")
                % {"length": fixed.length, "max": template.max_length}
            )
    return errors


def _static_text(source: str) -> str:
    """The template's text outside Jinja tags: a lower bound of what it will produce."""
    tree = sandbox.TEXT.parse(source)
    return "".join(node.data for node in tree.find_all(nodes.TemplateData))


def check(template: Template) -> None:
    errors = template_errors(template)
    if errors:
        raise ValidationError(errors)


def shipped_languages() -> list[str]:
    return sorted(path.stem for path in SHIPPED.glob("*.yaml"))


def read_shipped(language: str) -> list[dict[str, Any]]:
    path = SHIPPED / f"{language}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["templates"])


def shipped_templates(company: Company | None = None) -> list[Template]:
    """The shipped templates, unsaved, checked: what a company without templates of its own
    renders with, and what ``ensure_default_templates`` stores."""
    found = []
    for language in shipped_languages():
        for entry in read_shipped(language):
            template = Template(
                company=company,
                channel=entry["channel"],
                level=entry.get("level"),
                language=language,
                subject_mode=SubjectMode.KEYWORDS
                if entry.get("subject_keywords")
                else SubjectMode.FIXED,
                subject_keywords=", ".join(entry.get("subject_keywords") or []),
                **{name: entry[name] for name in _YAML_FIELDS if entry.get(name) is not None},
            )
            problems = template_errors(template)
            if problems:
                key = (template.channel, template.level)
                raise ValueError(f"{SHIPPED / language}.yaml: {key}: {problems}")
            found.append(template)
    return found


@transaction.atomic
def ensure_default_templates(company: Company) -> int:
    """Give the company the shipped templates it lacks (by channel, level and language);
    never overwrites one a person edited. Returns how many were added."""
    existing = set(
        Template.objects.filter(company=company).values_list("channel", "level", "language")
    )
    added = [
        template
        for template in shipped_templates(company)
        if (template.channel, template.level, template.language) not in existing
    ]
    Template.objects.bulk_create(added)
    return len(added)
