"""The new manual run: choose a scenario, a level and a date (step 1), then on the run's page
review the list, add or remove customers (step 2), see apart those a channel cannot reach
(step 3) and launch (step 4). Thin over the services of ``relance run --review`` and
``relance review``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from relance.dunning.models import Scenario, ScenarioLevel
from relance.dunning.planning import NoScenario
from relance.ledger.models import Company
from relance.runs.reviewing import ReviewRefused, add_customers
from relance.runs.services import RunRefused, RunRequest, run_dunning
from relance.web.access import acting_view, visible_customers
from relance.web.runs import detail_context, run_of


class NewRunForm(forms.Form):
    scenario = forms.ChoiceField(
        label=gettext_lazy("Scenario"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Unknown scenario: %(value)s.")},
    )
    level = forms.IntegerField(
        label=gettext_lazy("Level"),
        required=False,
        min_value=0,
        max_value=9,
        help_text=gettext_lazy("Leave empty for every level."),
    )
    as_of = forms.DateField(
        label=gettext_lazy("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    force = forms.BooleanField(
        label=gettext_lazy("Allow a date before the latest executed run"), required=False
    )

    def __init__(self, company: Company, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        scenarios = Scenario.objects.filter(company=company).order_by("code")
        field: forms.ChoiceField = self.fields["scenario"]  # type: ignore[assignment]
        field.choices = [("", _("Every scenario"))] + [
            (s.code, s.code if s.name in ("", s.code) else f"{s.name} ({s.code})")
            for s in scenarios
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        level = data.get("level")
        if level is not None:
            levels = ScenarioLevel.objects.filter(scenario__company=self.company, level=level)
            if data.get("scenario"):
                levels = levels.filter(scenario__code=data["scenario"])
            if not levels.exists():
                self.add_error(
                    "level", _("No chosen scenario has a level %(level)d.") % {"level": level}
                )
        return data


@acting_view
def run_new(request: HttpRequest) -> HttpResponse:
    company: Company = request.company  # type: ignore[attr-defined]
    form = NewRunForm(company, request.POST or None, initial={"as_of": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run_request = RunRequest(
            as_of=data["as_of"],
            scenario=data["scenario"] or None,
            level=data["level"],
            review=True,
            force=data["force"],
        )
        user: User = request.user  # type: ignore[assignment]
        try:
            result = run_dunning(company, run_request, user)
        except RunRefused as exc:
            form.add_error("as_of", str(exc))
        except NoScenario as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Run #%(id)s created with %(count)d proposal(s): review the list, then launch.")
                % {"id": result.run.pk, "count": result.run.proposals},
            )
            return redirect("web:run", pk=result.run.pk)
    return render(request, "web/run_new.html", {"form": form})


@require_POST
@acting_view
def run_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add customers, by code, to a run not yet launched: the customers the user sees (a
    collector's own and those nobody holds)."""
    run = run_of(request, pk)
    codes = request.POST.get("codes", "").replace(",", " ").split()
    error = ""
    if not codes:
        error = _("Give at least one customer code.")
    else:
        try:
            added = add_customers(
                run,
                codes,
                request.user,  # type: ignore[arg-type]
                among=visible_customers(request),
            )
        except ReviewRefused as exc:
            error = str(exc)
        else:
            if added:
                messages.success(request, _("%(count)d action(s) added.") % {"count": len(added)})
            else:
                messages.info(request, _("Those customers are already in the run."))
            return redirect("web:run", pk=run.pk)
    context = detail_context(run)
    context.update(add_error=error, add_codes=request.POST.get("codes", ""))
    return render(request, "web/run.html", context)
