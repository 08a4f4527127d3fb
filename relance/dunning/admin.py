from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from relance.dunning.models import ExclusionWindow, Scenario, ScenarioLevel
from relance.engine import scenario as engine


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
        errors = engine.validate(candidate)
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

    @admin.display(description="levels")
    def level_count(self, scenario: Scenario) -> Any:
        return scenario.levels.count()
