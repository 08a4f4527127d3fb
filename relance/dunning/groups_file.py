"""The ``groups:`` list of the scenario file: check, load and export customer groups.

``relance.dunning.scenario_file`` reads the YAML and calls these functions; the checks are
the model's own (``Group.clean_fields`` and ``Group.clean``), so the admin and the file refuse
the same groups with the same messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from relance.dunning.models import Group, Scenario
from relance.ledger.models import Company

LIST_KEYS = ("kinds", "segments", "countries", "languages")
AMOUNT_KEYS = ("min_total_due", "max_total_due")
COUNT_KEYS = ("min_oldest_overdue_days", "max_oldest_overdue_days", "min_late_payments")
GROUP_KEYS = {"code", "name", "priority", "scenario", *LIST_KEYS, *AMOUNT_KEYS, *COUNT_KEYS}
DEFAULT_PRIORITY = Group._meta.get_field("priority").default


class GroupLoadError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class GroupSpec:
    where: str  # "file:line: group CODE: ", the prefix of the errors found when loading
    code: str
    scenario: str
    fields: dict[str, Any]


def parse_group(entry: Any, where: str, errors: list[str]) -> GroupSpec | None:
    """Check one entry of the ``groups:`` list; ``where`` is its "file:line: " prefix."""
    if not isinstance(entry, dict):
        errors.append(where + _("each group must be a mapping"))
        return None
    code = str(entry.get("code") or "")
    where += (_("group %(code)s") % {"code": code} if code else _("group")) + ": "
    before = len(errors)
    for key in sorted(set(entry) - GROUP_KEYS):
        errors.append(where + _("unknown key %(key)s") % {"key": key})
    for key in ("code", "scenario"):
        if not entry.get(key) or not isinstance(entry[key], str):
            errors.append(where + _("%(key)s is required") % {"key": key})
    fields: dict[str, Any] = {"name": str(entry.get("name") or code)}
    for key in LIST_KEYS:
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            errors.append(where + _("%(key)s must be a list such as [a, b]") % {"key": key})
        fields[key] = value
    for key in ("priority", *COUNT_KEYS):
        value = entry.get(key, DEFAULT_PRIORITY if key == "priority" else None)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            errors.append(where + _("%(key)s must be a whole number") % {"key": key})
        fields[key] = value
    for key in AMOUNT_KEYS:
        fields[key] = _amount(entry.get(key), where + f"{key}: ", errors)
    if len(errors) > before:
        return None
    group = Group(code=code, **fields)
    for check in (lambda: group.clean_fields(exclude=["company", "scenario"]), group.clean):
        try:
            check()
        except ValidationError as exc:
            errors.extend(
                f"{where}{field}: {message}"
                for field, messages in exc.message_dict.items()
                for message in messages
            )
    if len(errors) > before:
        return None
    # clean() normalises countries, languages and segments: keep what it made of them.
    fields.update({key: getattr(group, key) for key in LIST_KEYS})
    return GroupSpec(where, code, entry["scenario"], fields)


def _amount(value: Any, where: str, errors: list[str]) -> Decimal | None:
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors.append(where + _("%(value)r is not an amount") % {"value": value})
        return None


def load_groups(company: Company, specs: list[GroupSpec]) -> tuple[list[str], list[str]]:
    """Create or replace the groups named in ``specs`` (others stay as they are); return the
    codes created and replaced. Call it inside the scenarios' transaction, after them, so that
    a group may follow a scenario of the same file; GroupLoadError names unknown scenarios."""
    scenarios = {scenario.code: scenario for scenario in Scenario.objects.filter(company=company)}
    unknown = [spec for spec in specs if spec.scenario not in scenarios]
    if unknown:
        raise GroupLoadError(
            [
                spec.where + _("scenario: no scenario %(code)s") % {"code": spec.scenario}
                for spec in unknown
            ]
        )
    created: list[str] = []
    updated: list[str] = []
    for spec in specs:
        fields = {**spec.fields, "scenario": scenarios[spec.scenario]}
        _group, is_new = Group.objects.update_or_create(
            company=company, code=spec.code, defaults=fields
        )
        (created if is_new else updated).append(spec.code)
    return created, updated


def group_entries(company: Company) -> list[dict[str, Any]]:
    """The company's groups in canonical file form: keys left at their default are omitted."""
    entries = []
    for group in Group.objects.filter(company=company).select_related("scenario"):
        entry: dict[str, Any] = {
            "code": group.code,
            "name": group.name,
            "priority": group.priority,
            "scenario": group.scenario.code,
        }
        entry.update({key: getattr(group, key) for key in LIST_KEYS if getattr(group, key)})
        entry.update(
            {
                key: getattr(group, key)
                for key in (*AMOUNT_KEYS, *COUNT_KEYS)
                if getattr(group, key) is not None
            }
        )
        entries.append(entry)
    return entries
