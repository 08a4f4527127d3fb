"""Scenarios in YAML (DESIGN.md section 5): load all-or-nothing, export in canonical form.

Errors name the file, the line and the scenario; loading the export of a company gives back
the same scenarios, and exporting again gives the same text. An optional ``groups:`` list
(customer groups choosing a scenario) is handled by ``relance.dunning.groups_file``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from relance.dunning.groups_file import (
    GroupLoadError,
    GroupSpec,
    group_entries,
    load_groups,
    parse_group,
)
from relance.dunning.models import ExclusionWindow, Scenario, ScenarioLevel, SignatoryRole
from relance.engine import scenario as engine
from relance.ledger.models import Company

SCENARIO_KEYS = {
    "code",
    "name",
    "mode",
    "min_total",
    "exclude_partially_paid",
    "repeat_every_days",
    "default",
    "levels",
    "exclusions",
}
LEVEL_FLAGS = ("review", "formal_notice", "late_interest", "recovery_indemnity")
LEVEL_KEYS = {
    "level",
    "from_days",
    "to_days",
    "channels",
    "fallback",
    "sender",
    "signature",
    *LEVEL_FLAGS,
}
WINDOW_KEYS = {"from_days", "to_days"}
ROLES = tuple(SignatoryRole.values)
LINE = "__line__"


class ScenarioFileError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class LevelSpec:
    level: engine.Level
    sender: str = SignatoryRole.ACCOUNT_MANAGER
    signature: str = SignatoryRole.ACCOUNT_MANAGER
    fallback: str = ""


@dataclass
class ScenarioSpec:
    scenario: engine.Scenario
    is_default: bool = False
    levels: list[LevelSpec] = field(default_factory=list)


class ParsedFile(list[ScenarioSpec]):
    """What ``parse`` read: the list of the file's scenarios, carrying its groups along."""

    def __init__(self, scenarios: list[ScenarioSpec], groups: list[GroupSpec]):
        super().__init__(scenarios)
        self.groups = groups


class _LineLoader(yaml.SafeLoader):
    """Records each mapping's line so that errors can point at it."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE] = node.start_mark.line + 1
    return mapping  # type: ignore[return-value]


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def parse(text: str, name: str) -> ParsedFile:
    """Read and check a scenario file; raise ScenarioFileError listing every problem.

    A file may hold only ``groups:`` that follow scenarios already loaded."""
    try:
        document = yaml.load(
            text, Loader=_LineLoader
        )  # a SafeLoader subclass: no object construction
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise ScenarioFileError([f"{name}:{line}: {getattr(exc, 'problem', exc)}"]) from exc
    if isinstance(document, dict) and "groups" in document:
        document.setdefault("scenarios", [])
    if not isinstance(document, dict) or not isinstance(document.get("scenarios"), list):
        raise ScenarioFileError([f"{name}:1: " + _("expected a 'scenarios:' list")])
    errors: list[str] = []
    specs = [_scenario(entry, name, errors) for entry in document["scenarios"]]
    groups = _groups(document, name, errors)
    codes = [spec.scenario.code for spec in specs if spec is not None]
    for code in {code for code in codes if codes.count(code) > 1}:
        errors.append(f"{name}: " + _("scenario %(code)s appears twice") % {"code": code})
    if sum(1 for spec in specs if spec is not None and spec.is_default) > 1:
        errors.append(f"{name}: " + _("only one scenario can say default: true"))
    if errors:
        raise ScenarioFileError(errors)
    return ParsedFile([spec for spec in specs if spec is not None], groups)


def _groups(document: dict[str, Any], name: str, errors: list[str]) -> list[GroupSpec]:
    entries = document.get("groups", [])
    if not isinstance(entries, list):
        errors.append(f"{name}: " + _("groups must be a list"))
        return []
    specs = []
    for entry in entries:
        where = f"{name}:{entry.pop(LINE, 1)}: " if isinstance(entry, dict) else f"{name}: "
        spec = parse_group(entry, where, errors)
        if spec is not None:
            specs.append(spec)
    codes = [spec.code for spec in specs]
    for code in sorted({code for code in codes if codes.count(code) > 1}):
        errors.append(f"{name}: " + _("group %(code)s appears twice") % {"code": code})
    return specs


def _scenario(entry: Any, name: str, errors: list[str]) -> ScenarioSpec | None:
    if not isinstance(entry, dict):
        errors.append(f"{name}: " + _("each scenario must be a mapping"))
        return None
    line = entry.get(LINE, 1)
    code = str(entry.get("code") or "")
    where = f"{name}:{line}: " + (f"{code}: " if code else "")
    before = len(errors)
    for key in sorted(set(entry) - SCENARIO_KEYS - {LINE}):
        errors.append(where + _("unknown key %(key)s") % {"key": key})
    if not code:
        errors.append(where + _("code is required"))
    levels = [_level(item, name, code, errors) for item in _list(entry, "levels", where, errors)]
    windows = [
        _window(item, name, code, errors) for item in _list(entry, "exclusions", where, errors)
    ]
    mode = str(entry.get("mode", engine.Mode.DUE_DATE))
    if mode not in engine.Mode.__members__.values():
        errors.append(where + _("mode must be due_date or sequential"))
    min_total = _decimal(entry.get("min_total", 0), where + "min_total: ", errors)
    repeat = entry.get("repeat_every_days")
    if repeat is not None and not isinstance(repeat, int):
        errors.append(where + _("repeat_every_days must be a whole number of days"))
    flags = {key: entry.get(key, False) for key in ("exclude_partially_paid", "default")}
    for key, value in flags.items():
        if not isinstance(value, bool):
            errors.append(where + _("%(key)s must be true or false") % {"key": key})
    if len(errors) > before or any(level is None for level in levels):
        return None
    scenario = engine.Scenario(
        code=code,
        name=str(entry.get("name") or code),
        mode=engine.Mode(mode),
        min_total=min_total,
        exclude_partially_paid=flags["exclude_partially_paid"],
        repeat_every_days=repeat,
        levels=tuple(spec.level for spec in levels if spec),
        exclusions=tuple(window for window in windows if window),
    )
    errors.extend(where + problem for problem in engine.validate(scenario))
    return ScenarioSpec(scenario, flags["default"], [spec for spec in levels if spec])


def _list(entry: dict[str, Any], key: str, where: str, errors: list[str]) -> list[Any]:
    value = entry.get(key, [])
    if not isinstance(value, list):
        errors.append(where + _("%(key)s must be a list") % {"key": key})
        return []
    return value


def _level(item: Any, name: str, code: str, errors: list[str]) -> LevelSpec | None:
    if not isinstance(item, dict):
        errors.append(f"{name}: {code}: " + _("each level must be a mapping"))
        return None
    where = (
        f"{name}:{item.get(LINE, 1)}: {code}: "
        + _("level %(n)s") % {"n": item.get("level", "?")}
        + ": "
    )
    before = len(errors)
    for key in sorted(set(item) - LEVEL_KEYS - {LINE}):
        errors.append(where + _("unknown key %(key)s") % {"key": key})
    numbers: dict[str, Any] = {key: item.get(key) for key in ("level", "from_days", "to_days")}
    for key, value in numbers.items():
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append(where + _("%(key)s must be a whole number") % {"key": key})
    channels = item.get("channels", [])
    if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
        errors.append(where + _("channels must be a list such as [email, sms]"))
    flags = {key: item.get(key, False) for key in LEVEL_FLAGS}
    for key, value in flags.items():
        if not isinstance(value, bool):
            errors.append(where + _("%(key)s must be true or false") % {"key": key})
    roles = {key: item.get(key, SignatoryRole.ACCOUNT_MANAGER) for key in ("sender", "signature")}
    for key, value in roles.items():
        if value not in ROLES:
            errors.append(
                where
                + _("%(key)s must be one of %(roles)s") % {"key": key, "roles": ", ".join(ROLES)}
            )
    fallback = str(item.get("fallback") or "")  # checked with the level by engine.validate
    if len(errors) > before:
        return None
    level = engine.Level(
        numbers["from_days"],
        numbers["to_days"],
        level=numbers["level"],
        channels=tuple(channels),
        fallback=fallback,
        **flags,
    )
    return LevelSpec(level, roles["sender"], roles["signature"], fallback)


def _window(item: Any, name: str, code: str, errors: list[str]) -> engine.Window | None:
    if (
        not isinstance(item, dict)
        or set(item) - WINDOW_KEYS - {LINE}
        or not all(isinstance(item.get(key), int) for key in WINDOW_KEYS)
    ):
        line = item.get(LINE, 1) if isinstance(item, dict) else 1
        errors.append(
            f"{name}:{line}: {code}: " + _("an exclusion window is {from_days: N, to_days: M}")
        )
        return None
    return engine.Window(item["from_days"], item["to_days"])


def _decimal(value: Any, where: str, errors: list[str]) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors.append(where + _("%(value)r is not an amount") % {"value": value})
        return Decimal("0.00")
    return amount


@dataclass
class LoadReport:
    created: list[str]
    updated: list[str]
    default: str | None
    groups_created: list[str] = field(default_factory=list)
    groups_updated: list[str] = field(default_factory=list)


@transaction.atomic
def load(company: Company, specs: list[ScenarioSpec]) -> LoadReport:
    """Create or replace the company's scenarios named in ``specs`` (others stay as they are),
    then the groups ``parse`` found in the same file.

    The company default is the scenario that says ``default: true``, else the one already
    default, else the first scenario loaded.
    """
    report = LoadReport([], [], None)
    position = Scenario.objects.filter(company=company).count()
    for spec in specs:
        source = spec.scenario
        fields = {
            "name": source.name,
            "mode": source.mode,
            "min_total": source.min_total,
            "exclude_partially_paid": source.exclude_partially_paid,
            "repeat_every_days": source.repeat_every_days,
        }
        stored, created = Scenario.objects.update_or_create(
            company=company,
            code=source.code,
            defaults=fields,
            create_defaults={**fields, "position": position},
        )
        position += created
        (report.created if created else report.updated).append(source.code)
        stored.levels.all().delete()
        stored.exclusions.all().delete()
        ScenarioLevel.objects.bulk_create(
            ScenarioLevel(
                scenario=stored,
                level=spec_level.level.level,
                from_days=spec_level.level.from_days,
                to_days=spec_level.level.to_days,
                channels=list(spec_level.level.channels),
                review=spec_level.level.review,
                formal_notice=spec_level.level.formal_notice,
                late_interest=spec_level.level.late_interest,
                recovery_indemnity=spec_level.level.recovery_indemnity,
                sender_role=spec_level.sender,
                signature_role=spec_level.signature,
                fallback_channel=spec_level.fallback,
            )
            for spec_level in spec.levels
        )
        ExclusionWindow.objects.bulk_create(
            ExclusionWindow(scenario=stored, from_days=window.from_days, to_days=window.to_days)
            for window in source.exclusions
        )
    chosen = next((spec.scenario.code for spec in specs if spec.is_default), None)
    scenarios = Scenario.objects.filter(company=company)
    if chosen is None and not scenarios.filter(is_default=True).exists() and specs:
        chosen = specs[0].scenario.code
    if chosen is not None:
        scenarios.exclude(code=chosen).update(is_default=False)
        scenarios.filter(code=chosen).update(is_default=True)
    report.default = scenarios.filter(is_default=True).values_list("code", flat=True).first()
    try:
        report.groups_created, report.groups_updated = load_groups(
            company, getattr(specs, "groups", [])
        )
    except GroupLoadError as exc:
        raise ScenarioFileError(exc.errors) from exc  # inside the transaction: nothing stays
    return report


class _FlowList(list[Any]):
    pass


class _FlowDict(dict[str, Any]):
    pass


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as DESIGN.md and hand-written files do.
        return super().increase_indent(flow, False)


_Dumper.add_representer(
    _FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True)
)
_Dumper.add_representer(
    _FlowDict, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True)
)
_Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", str(v)))


def export(company: Company) -> str:
    """The company's scenarios as a YAML file that ``load`` reads back unchanged."""
    scenarios = []
    for stored in Scenario.objects.filter(company=company).prefetch_related("levels", "exclusions"):
        entry: dict[str, Any] = {"code": stored.code, "name": stored.name, "mode": stored.mode}
        if stored.is_default:
            entry["default"] = True
        entry["min_total"] = stored.min_total
        entry["exclude_partially_paid"] = stored.exclude_partially_paid
        if stored.repeat_every_days is not None:
            entry["repeat_every_days"] = stored.repeat_every_days
        entry["levels"] = [_level_entry(level) for level in stored.levels.all()]
        windows = [
            _FlowDict(from_days=w.from_days, to_days=w.to_days) for w in stored.exclusions.all()
        ]
        if windows:
            entry["exclusions"] = windows
        scenarios.append(entry)
    document: dict[str, Any] = {"scenarios": scenarios}
    groups = [
        _FlowDict({key: _FlowList(v) if isinstance(v, list) else v for key, v in entry.items()})
        for entry in group_entries(company)
    ]
    if groups:
        document["groups"] = groups
    return yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)


def _level_entry(level: ScenarioLevel) -> _FlowDict:
    entry = _FlowDict(
        level=level.level,
        from_days=level.from_days,
        to_days=level.to_days,
        channels=_FlowList(level.channels),
        review=level.review,
    )
    for flag in LEVEL_FLAGS[1:]:
        if getattr(level, flag):
            entry[flag] = True
    if level.fallback_channel:
        entry["fallback"] = level.fallback_channel
    if level.sender_role != SignatoryRole.ACCOUNT_MANAGER:
        entry["sender"] = level.sender_role
    if level.signature_role != SignatoryRole.ACCOUNT_MANAGER:
        entry["signature"] = level.signature_role
    return entry
