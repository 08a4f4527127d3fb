"""The forms of the configuration screens: a scenario with its levels and exclusion windows,
a group, and the company's settings.

No rule is written here: the fields' validators, ``Scenario.clean``, ``Group.clean``,
``Company.clean_fields``/``clean`` and the engine's ``problems`` (which the scenario file and
the admin use too) decide; these forms only put each message next to the field it is about.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from relance.content.models import Channel
from relance.dunning.admin import GroupForm
from relance.dunning.models import ExclusionWindow, Scenario, ScenarioLevel
from relance.dunning.problems import translated
from relance.engine import scenario as engine
from relance.ledger.models import Company
from relance.ledger.models.company import NORMALIZERS

# The engine's name for a level attribute, where the form's differs.
LEVEL_FIELDS = {"fallback": "fallback_channel"}


class CompanyCodeForm(forms.ModelForm):
    """A form over a model owned by a company given by the view, never by the form. Its
    (company, code) uniqueness is still checked, and reported next to the code."""

    def validate_unique(self) -> None:
        super().validate_unique()
        if self.has_error("code"):
            return
        others = {field.name for field in self.instance._meta.fields} - {"company", "code"}
        try:
            self.instance.validate_constraints(exclude=others)
        except ValidationError as exc:
            self.add_error("code", exc.messages)


class ScenarioForm(CompanyCodeForm):
    class Meta:
        model = Scenario
        fields = [
            "code",
            "name",
            "mode",
            "min_total",
            "exclude_partially_paid",
            "repeat_every_days",
            "is_default",
            "position",
            "late_interest_rate",
            "recovery_indemnity",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Customers, groups and runs name the scenario by its code: renaming it would
            # quietly move them to another scenario.
            code = self.fields["code"]
            code.disabled = True
            code.help_text = _("Customers, groups and runs refer to it by this code.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Customers that neither name a scenario nor match a group follow the default: the
        # company's only default cannot simply be unticked (the scenario file keeps one too).
        if self.instance.pk and self.instance.is_default and not data.get("is_default"):
            others = Scenario.objects.filter(company_id=self.instance.company_id, is_default=True)
            if not others.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "is_default",
                    _("The company needs a default scenario: make another one the default."),
                )
        return data


class LevelForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=[(channel, Channel(channel).label) for channel in engine.CHANNELS],
        widget=forms.CheckboxSelectMultiple,
        # Not required: the model's validator says what an empty choice lacks.
        required=False,
    )

    class Meta:
        model = ScenarioLevel
        fields = [
            "level",
            "from_days",
            "to_days",
            "channels",
            "fallback_channel",
            "review",
            "formal_notice",
            "late_interest",
            "recovery_indemnity",
            "sender_role",
            "signature_role",
        ]
        widgets = {
            field: forms.NumberInput(attrs={"class": "days"})
            for field in ("level", "from_days", "to_days")
        }
        # Short: they head the columns of the levels' table.
        labels = {
            "level": _("Level"),
            "from_days": _("From (days)"),
            "to_days": _("To (days)"),
            "fallback_channel": _("Fallback"),
            "review": _("Review"),
            "formal_notice": _("Formal notice"),
            "late_interest": _("Interest"),
            "recovery_indemnity": _("Indemnity"),
            "sender_role": _("Sender"),
            "signature_role": _("Signature"),
        }


class WindowForm(forms.ModelForm):
    class Meta:
        model = ExclusionWindow
        fields = ["from_days", "to_days"]


# Not inline formsets: the scenario's levels are replaced as a whole when it is saved (as the
# scenario file does), so that two levels may swap numbers; without the scenario in the forms,
# the per-row (scenario, level) check is left to the engine, which sees every row at once.
LevelFormSet = forms.modelformset_factory(ScenarioLevel, form=LevelForm, extra=1, can_delete=True)
WindowFormSet = forms.modelformset_factory(
    ExclusionWindow, form=WindowForm, extra=1, can_delete=True
)


class ScenarioEditor:
    """A scenario, its levels and its exclusion windows, checked as a whole and saved in one
    transaction."""

    def __init__(self, scenario: Scenario, data: Any = None) -> None:
        self.scenario = scenario
        self.form = ScenarioForm(data, instance=scenario)
        saved = scenario.pk is not None
        self.levels = LevelFormSet(
            data,
            prefix="levels",
            queryset=scenario.levels.all() if saved else ScenarioLevel.objects.none(),
        )
        self.windows = WindowFormSet(
            data,
            prefix="windows",
            queryset=scenario.exclusions.all() if saved else ExclusionWindow.objects.none(),
        )

    def is_valid(self) -> bool:
        # Every part is validated, so that all messages show at once.
        valid = [self.form.is_valid(), self.levels.is_valid(), self.windows.is_valid()]
        self._check_scenario()
        return all(valid) and not self._has_errors()

    def _has_errors(self) -> bool:
        return bool(
            self.form.errors
            or any(form.errors for form in self.levels.forms)
            or any(form.errors for form in self.windows.forms)
        )

    def _kept(self, formset: Any) -> list[Any]:
        """The rows to store: the valid ones not deleted, but the blank rows left blank."""
        stored = formset.initial_form_count()
        return [
            form
            for index, form in enumerate(formset.forms)
            if form.is_valid()
            and (index < stored or form.has_changed())
            and not form.cleaned_data.get("DELETE")
        ]

    def _check_scenario(self) -> None:
        """The engine's rules over the rows that are valid on their own, each problem shown
        on the row and field it names."""
        levels = sorted(self._kept(self.levels), key=lambda form: form.cleaned_data["level"])
        if not levels and any(form.errors for form in self.levels.forms):
            return  # "no level at all" would only hide the rows' own messages
        windows = self._kept(self.windows)
        values = self.form.cleaned_data if hasattr(self.form, "cleaned_data") else {}
        candidate = engine.Scenario(
            code=values.get("code") or "?",
            mode=engine.Mode(values.get("mode") or engine.Mode.DUE_DATE),
            min_total=values.get("min_total") or Decimal("0"),
            repeat_every_days=values.get("repeat_every_days"),
            levels=tuple(form.instance.to_engine() for form in levels),
            exclusions=tuple(form.instance.to_engine() for form in windows),
        )
        for problem in engine.problems(candidate):
            if problem.level is not None:
                form = levels[problem.level]
                field = LEVEL_FIELDS.get(problem.field, problem.field)
            elif problem.window is not None:
                form, field = windows[problem.window], problem.field
            else:
                form, field = self.form, problem.field
            form.add_error(field if field in form.fields else None, translated(problem))

    @transaction.atomic
    def save(self) -> Scenario:
        scenario = self.form.save()
        if scenario.is_default:
            Scenario.objects.filter(company=scenario.company).exclude(pk=scenario.pk).update(
                is_default=False
            )
        scenario.levels.all().delete()
        scenario.exclusions.all().delete()
        levels = [form.instance for form in self._kept(self.levels)]
        windows = [form.instance for form in self._kept(self.windows)]
        for row in (*levels, *windows):
            row.pk = None
            row.scenario = scenario
        ScenarioLevel.objects.bulk_create(sorted(levels, key=lambda level: level.level))
        ExclusionWindow.objects.bulk_create(windows)
        return scenario


class CompanyGroupForm(CompanyCodeForm, GroupForm):
    """The admin's group form, its company fixed and its scenarios the company's own."""

    class Meta(GroupForm.Meta):
        fields = [name for name in GroupForm.Meta.fields if name != "company"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        company = self.instance.company
        self.fields["scenario"].queryset = Scenario.objects.filter(company=company)  # type: ignore[attr-defined]


def members_of(company: Company) -> models.QuerySet[User]:
    return User.objects.filter(memberships__company=company).order_by("username")


COMPANY_SECTIONS = [
    (
        _("Identity and legal mentions"),
        [
            "legal_name",
            "siren",
            "siret",
            "vat_number",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "country",
            "logo",
        ],
    ),
    (
        _("Sender"),
        [
            "sender_name",
            "sender_email",
            "sender_address",
            "phone",
            "website",
            "head_of_accounts",
            "legal_department",
        ],
    ),
    (_("Payment details"), ["iban", "bic", "payment_link"]),
    (_("Penalties"), ["late_interest_rate", "recovery_indemnity"]),
    (_("Personal data (GDPR)"), ["legal_basis", "retention_years"]),
    (_("Language and currency"), ["default_language", "default_currency"]),
]


def _https_by_default(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    # A website typed without a scheme is https, as in the admin.
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class CompanyForm(forms.ModelForm):
    """The company's settings. ``Company.clean_fields`` normalises identifiers, IBAN, BIC,
    country, language and currency (with python-stdnum) before their length is checked, so
    the form fields leave the length to it: "FR76 3000 ..." is a valid IBAN once compacted."""

    class Meta:
        model = Company
        fields = [name for _title, names in COMPANY_SECTIONS for name in names]
        formfield_callback = staticmethod(_https_by_default)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = members_of(self.instance)
        for name in ("head_of_accounts", "legal_department"):
            self.fields[name].queryset = members  # type: ignore[attr-defined]
        for name in NORMALIZERS:
            field = self.fields[name]
            field.max_length = None  # type: ignore[attr-defined]
            field.validators = [
                v for v in field.validators if not isinstance(v, MaxLengthValidator)
            ]
            field.widget.attrs.pop("maxlength", None)

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in COMPANY_SECTIONS]
