from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relance.dunning.groups import recompute_groups
from relance.dunning.models import ExclusionWindow, Group, Scenario, ScenarioLevel
from relance.dunning.problems import scenario_errors
from relance.engine import scenario as engine
from relance.ledger.models import Company
from relance.ledger.models.customer import CustomerKind


class LevelFormSet(forms.BaseInlineFormSet):
    """Checks the scenario as a whole with the engine's rules (overlaps, order, level 1…)."""

    def clean(self) -> None:
        super().clean()
        # Forms with their own errors are reported by Django already; a valid form's
        # instance holds its cleaned values.
        levels = [
            form.instance.to_engine()
            for form in self.forms
            if form.is_valid() and form.has_changed() and not form.cleaned_data.get("DELETE")
        ]
        parent = self.instance
        candidate = engine.Scenario(
            code=parent.code or "?",
            mode=engine.Mode(parent.mode or engine.Mode.DUE_DATE),
            levels=tuple(sorted(levels, key=lambda level: level.level)),
            min_total=parent.min_total,
            repeat_every_days=parent.repeat_every_days,
        )
        errors = scenario_errors(candidate)
        if errors:
            raise ValidationError(errors)


class LevelInline(admin.TabularInline):
    model = ScenarioLevel
    formset = LevelFormSet
    extra = 0


class ExclusionInline(admin.TabularInline):
    model = ExclusionWindow
    extra = 0


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "company", "mode", "is_default", "level_count"]
    list_filter = ["company", "mode"]
    search_fields = ["code", "name"]
    inlines = [LevelInline, ExclusionInline]

    list_select_related = ["company"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Scenario]:
        return super().get_queryset(request).annotate(levels_total=Count("levels"))

    @admin.display(description=_("levels"), ordering="levels_total")
    def level_count(self, scenario: Any) -> Any:
        return scenario.levels_total


class TextListField(forms.CharField):
    """A list of short texts typed on one line, separated by commas."""

    def prepare_value(self, value: Any) -> Any:
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [item.strip() for item in text.split(",") if item.strip()]


class GroupForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("kinds"),
        choices=CustomerKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: any kind."),
    )
    segments = TextListField(
        label=_("segments"),
        required=False,
        help_text=_("Separated by commas, written as in the customers file; blank: any."),
    )
    countries = TextListField(
        label=_("countries"),
        required=False,
        help_text=_("ISO codes separated by commas, such as FR, BE; blank: any."),
    )
    languages = TextListField(
        label=_("languages"),
        required=False,
        help_text=_("Codes separated by commas, such as fr, en; blank: any."),
    )

    class Meta:
        model = Group
        fields = [
            "company",
            "code",
            "name",
            "priority",
            "scenario",
            "kinds",
            "segments",
            "countries",
            "languages",
            "min_total_due",
            "max_total_due",
            "min_oldest_overdue_days",
            "max_oldest_overdue_days",
            "min_late_payments",
        ]


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    form = GroupForm
    list_display = ["code", "name", "priority", "scenario", "member_count", "recomputed_at"]
    list_filter = ["company", "scenario"]
    search_fields = ["code", "name"]
    list_select_related = ["scenario"]
    readonly_fields = ["member_count", "recomputed_at"]
    actions = ["recompute"]
    fieldsets = [
        (None, {"fields": ["company", "code", "name", "priority", "scenario"]}),
        (_("Customer fields"), {"fields": ["kinds", "segments", "countries", "languages"]}),
        (
            _("Amounts and lateness"),
            {
                "fields": [
                    ("min_total_due", "max_total_due"),
                    ("min_oldest_overdue_days", "max_oldest_overdue_days"),
                    "min_late_payments",
                ]
            },
        ),
        (_("Members"), {"fields": ["member_count", "recomputed_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Group]:
        return super().get_queryset(request).annotate(members=Count("memberships"))

    @admin.display(description=_("members"), ordering="members")
    def member_count(self, group: Any) -> Any:
        return getattr(group, "members", None)

    @admin.action(description=_("Recompute groups now"))
    def recompute(self, request: HttpRequest, queryset: QuerySet[Group]) -> None:
        """Membership depends on every group of a company (a customer joins the first it
        matches), so all groups of the selected groups' companies are recomputed."""
        today = timezone.localdate()
        for company in Company.objects.filter(pk__in=queryset.values("company_id")):
            counts = recompute_groups(company, today)
            self.message_user(
                request,
                _("Groups of %(company)s recomputed: %(counts)s")
                % {
                    "company": company.code,
                    "counts": ", ".join(f"{code} {count}" for code, count in counts.items()),
                },
            )
