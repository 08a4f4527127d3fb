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
from relance.engine.groups import GroupRule
from relance.ledger import validators
from relance.ledger.models import Company, Customer
from relance.ledger.models.customer import CustomerKind


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
    late_interest_rate = models.DecimalField(
        _("late-payment interest rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Overrides the company's rate for this scenario's customers; blank: none."),
    )
    recovery_indemnity = models.DecimalField(
        _("fixed recovery indemnity per invoice"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Overrides the company's indemnity for this scenario; blank: no override."),
    )

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["company", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="scenario_code_per_company"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        # Imported here: the content app's models depend on this one.
        from relance.content.penalties import penalty_terms_errors

        errors: dict[str, ValidationError] = {}
        errors.update(penalty_terms_errors(self.late_interest_rate, self.recovery_indemnity))
        if errors:
            raise ValidationError(errors)

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
    fallback_channel = models.CharField(
        _("fallback channel"),
        max_length=10,
        blank=True,
        choices=[(channel, channel) for channel in engine.CHANNELS],
        help_text=_(
            "Used when a message of this level cannot be sent at all (no address, bounced, "
            "refused), e.g. a letter when an e-mail fails."
        ),
    )
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
            fallback=self.fallback_channel,
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


def validate_text_list(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Give a list of values, such as FR, BE."))


def validate_kinds(value: object) -> None:
    validate_text_list(value)
    allowed = CustomerKind.values
    unknown = [kind for kind in value if kind not in allowed]  # type: ignore[attr-defined]
    if unknown:
        raise ValidationError(
            _("Unknown kind(s) %(kinds)s: use %(allowed)s")
            % {"kinds": ", ".join(unknown), "allowed": ", ".join(allowed)}
        )


class Group(models.Model):
    """A dynamic segment of customers that follows a scenario.

    Every rule given must hold for a customer to match; an empty list or a blank bound means
    "any". A customer belongs to the first group (lowest priority number, then code) whose
    rules it matches; membership is recomputed by ``relance.dunning.groups.recompute_groups``.
    """

    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="customer_groups",
        verbose_name=_("company"),
        db_index=False,  # covered by the (company, code) unique index
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    priority = models.PositiveIntegerField(
        _("priority"),
        default=100,
        help_text=_(
            "Groups are tried from the lowest number up; a customer joins the first match."
        ),
    )
    scenario = models.ForeignKey(
        Scenario, on_delete=models.PROTECT, related_name="groups", verbose_name=_("scenario")
    )
    kinds = models.JSONField(_("kinds"), default=list, blank=True, validators=[validate_kinds])
    segments = models.JSONField(
        _("segments"), default=list, blank=True, validators=[validate_text_list]
    )
    countries = models.JSONField(
        _("countries"), default=list, blank=True, validators=[validate_text_list]
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=[validate_text_list]
    )
    min_total_due = models.DecimalField(
        _("total due from"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    max_total_due = models.DecimalField(
        _("total due up to"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    min_oldest_overdue_days = models.PositiveIntegerField(
        _("oldest overdue invoice from (days)"), null=True, blank=True
    )
    max_oldest_overdue_days = models.PositiveIntegerField(
        _("oldest overdue invoice up to (days)"), null=True, blank=True
    )
    min_late_payments = models.PositiveIntegerField(
        _("late payments in the last 12 months, at least"), null=True, blank=True
    )
    recomputed_at = models.DateTimeField(_("members recomputed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer group")
        verbose_name_plural = _("customer groups")
        ordering = ["company", "priority", "code"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="group_code_per_company"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        for field, normalize in (
            ("countries", validators.normalize_country),
            ("languages", validators.normalize_language),
        ):
            values = getattr(self, field)
            if not isinstance(values, list):
                continue  # reported by the field's own validator
            normalized = []
            for value in values:
                try:
                    normalized.append(normalize(str(value)))
                except ValidationError as exc:
                    errors.setdefault(field, []).append(exc)
            setattr(self, field, list(dict.fromkeys(normalized)))
        if isinstance(self.segments, list):
            stripped = (str(segment).strip() for segment in self.segments)
            self.segments = list(dict.fromkeys(segment for segment in stripped if segment))
        for low, high in (
            ("min_total_due", "max_total_due"),
            ("min_oldest_overdue_days", "max_oldest_overdue_days"),
        ):
            low_value, high_value = getattr(self, low), getattr(self, high)
            if low_value is not None and high_value is not None and low_value > high_value:
                errors.setdefault(high, []).append(
                    ValidationError(
                        _("The upper bound %(high)s is below the lower bound %(low)s.")
                        % {"high": high_value, "low": low_value}
                    )
                )
        if self.scenario_id and self.company_id and self.scenario.company_id != self.company_id:
            errors.setdefault("scenario", []).append(
                ValidationError(_("This scenario belongs to another company."))
            )
        if errors:
            raise ValidationError(errors)

    def to_engine(self) -> GroupRule:
        return GroupRule(
            code=self.code,
            scenario=self.scenario.code,
            priority=self.priority,
            kinds=frozenset(self.kinds),
            segments=frozenset(self.segments),
            countries=frozenset(self.countries),
            languages=frozenset(self.languages),
            min_total_due=self.min_total_due,
            max_total_due=self.max_total_due,
            min_oldest_overdue_days=self.min_oldest_overdue_days,
            max_oldest_overdue_days=self.max_oldest_overdue_days,
            min_late_payments=self.min_late_payments,
        )


class GroupMembership(models.Model):
    """The group a customer belongs to as of the last recompute; written only by
    ``recompute_groups``, read by lists that filter or count customers by group."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    customer = models.OneToOneField(
        Customer,
        on_delete=models.CASCADE,
        related_name="group_membership",
        verbose_name=_("customer"),
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group")
    )

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.group_id}"
