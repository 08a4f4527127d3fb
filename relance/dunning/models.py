"""Dunning scenarios as stored: what the supervisor edits in the admin or loads from YAML.

The rules live in the engine (``relance.engine.scenario``); ``to_engine`` turns a stored
scenario into the engine's frozen form.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from relance.engine import scenario as engine
from relance.ledger.models import Company


class Scenario(models.Model):
    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="scenarios",
        verbose_name=_("company"),
        db_index=False,  # covered by the (company, code) unique index
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    mode = models.CharField(
        _("mode"),
        max_length=12,
        default=engine.Mode.DUE_DATE,
        choices=[
            (engine.Mode.DUE_DATE, _("By due date (levels can be skipped)")),
            (engine.Mode.SEQUENTIAL, _("Sequential (no level skipped)")),
        ],
    )
    min_total = models.DecimalField(
        _("minimum total due"),
        max_digits=15,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text=_("Customers owing less than this are not reminded."),
    )
    exclude_partially_paid = models.BooleanField(_("skip partially paid invoices"), default=False)
    repeat_every_days = models.PositiveIntegerField(
        _("repeat the last level every (days)"),
        null=True,
        blank=True,
    )
    is_default = models.BooleanField(
        _("company default"),
        default=False,
        help_text=_("Used for customers that neither name a scenario nor match a group."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["company", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="scenario_code_per_company"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def to_engine(self) -> engine.Scenario:
        return engine.Scenario(
            code=self.code,
            name=self.name,
            mode=engine.Mode(self.mode),
            min_total=self.min_total,
            exclude_partially_paid=self.exclude_partially_paid,
            repeat_every_days=self.repeat_every_days,
            levels=tuple(level.to_engine() for level in self.levels.all()),
            exclusions=tuple(window.to_engine() for window in self.exclusions.all()),
        )


def validate_channels(value: list[str]) -> None:
    unknown = [channel for channel in value if channel not in engine.CHANNELS]
    if not isinstance(value, list) or unknown or not value:
        raise ValidationError(
            _("Choose one or more of: %(channels)s") % {"channels": ", ".join(engine.CHANNELS)}
        )


class SignatoryRole(models.TextChoices):
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    HEAD_OF_ACCOUNTS = "head_of_accounts", _("Head of accounts")
    LEGAL = "legal", _("Legal department")


class ScenarioLevel(models.Model):
    scenario = models.ForeignKey(
        Scenario, on_delete=models.CASCADE, related_name="levels", verbose_name=_("scenario")
    )
    level = models.PositiveSmallIntegerField(_("level"))
    from_days = models.IntegerField(_("from (days after due date)"))
    to_days = models.IntegerField(_("to (days after due date)"))
    channels = models.JSONField(_("channels"), default=list, validators=[validate_channels])
    review = models.BooleanField(_("needs review"), default=False)
    formal_notice = models.BooleanField(_("formal notice"), default=False)
    late_interest = models.BooleanField(_("late-payment interest"), default=False)
    recovery_indemnity = models.BooleanField(_("fixed recovery indemnity"), default=False)
    sender_role = models.CharField(
        _("sender"),
        max_length=20,
        choices=SignatoryRole.choices,
        default=SignatoryRole.ACCOUNT_MANAGER,
    )
    signature_role = models.CharField(
        _("signature"),
        max_length=20,
        choices=SignatoryRole.choices,
        default=SignatoryRole.ACCOUNT_MANAGER,
    )

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["scenario", "level"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "level"], name="level_once_per_scenario"),
        ]

    def __str__(self) -> str:
        return f"{self.scenario.code} N{self.level}"

    def to_engine(self) -> engine.Level:
        return engine.Level(
            self.from_days,
            self.to_days,
            level=self.level,
            channels=tuple(self.channels),
            review=self.review,
            formal_notice=self.formal_notice,
            late_interest=self.late_interest,
            recovery_indemnity=self.recovery_indemnity,
        )


class ExclusionWindow(models.Model):
    scenario = models.ForeignKey(
        Scenario, on_delete=models.CASCADE, related_name="exclusions", verbose_name=_("scenario")
    )
    from_days = models.IntegerField(_("from (days after due date)"))
    to_days = models.IntegerField(_("to (days after due date)"))

    class Meta:
        verbose_name = _("exclusion window")
        verbose_name_plural = _("exclusion windows")
        ordering = ["scenario", "from_days"]

    def __str__(self) -> str:
        return f"{self.scenario.code} NA [{self.from_days}, {self.to_days}]"

    def to_engine(self) -> engine.Window:
        return engine.Window(self.from_days, self.to_days)
