"""Configuration screens for supervisors: scenarios and their levels, customer groups, and the
company's settings. Thin over the forms of ``config_forms`` and the dunning services."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.dunning.groups import recompute_groups
from relance.dunning.models import Group, Scenario
from relance.dunning.removal import (
    ScenarioInUse,
    delete_group,
    delete_scenario,
    scenario_obstacles,
)
from relance.ledger.models import Company
from relance.web.access import supervisor_view
from relance.web.config_forms import CompanyForm, CompanyGroupForm, ScenarioEditor
from relance.web.config_summary import rules_of


@supervisor_view
def config_index(request: HttpRequest) -> HttpResponse:
    company = request.company  # type: ignore[attr-defined]
    counts = {
        "scenarios": Scenario.objects.filter(company=company).count(),
        "groups": Group.objects.filter(company=company).count(),
    }
    return render(request, "web/config_index.html", {"counts": counts})


@supervisor_view
def scenario_list(request: HttpRequest) -> HttpResponse:
    scenarios = (
        Scenario.objects.filter(company=request.company)  # type: ignore[attr-defined]
        .prefetch_related("levels", "exclusions")
        .annotate(group_count=Count("groups"))
    )
    return render(request, "web/config_scenarios.html", {"scenarios": scenarios})


@supervisor_view
def scenario_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    company = request.company  # type: ignore[attr-defined]
    if code is None:
        last = Scenario.objects.filter(company=company).aggregate(last=Max("position"))["last"]
        scenario = Scenario(company=company, position=0 if last is None else last + 1)
    else:
        scenario = get_object_or_404(Scenario, company=company, code=code)
    editor = ScenarioEditor(scenario, request.POST if request.method == "POST" else None)
    if request.method == "POST" and editor.is_valid():
        saved = editor.save()
        messages.success(request, _("Scenario %(code)s saved.") % {"code": saved.code})
        return redirect("web:config-scenario", code=saved.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "web/config_scenario.html",
        {"editor": editor, "scenario": scenario, "creating": code is None},
        status=status,
    )


@supervisor_view
def group_list(request: HttpRequest) -> HttpResponse:
    groups = (
        Group.objects.filter(company=request.company)  # type: ignore[attr-defined]
        .select_related("scenario")
        .annotate(members=Count("memberships"))
        .order_by("priority", "code")
    )
    rows = [(group, rules_of(group)) for group in groups]
    return render(request, "web/config_groups.html", {"rows": rows})


@supervisor_view
def group_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    company = request.company  # type: ignore[attr-defined]
    if code is None:
        group = Group(company=company)
    else:
        group = get_object_or_404(Group, company=company, code=code)
    form = CompanyGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(
            request,
            _("Group %(code)s saved. Recompute the groups to update its members.")
            % {"code": saved.code},
        )
        return redirect("web:config-group", code=saved.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "web/config_group.html",
        {"form": form, "group": group, "creating": code is None},
        status=status,
    )


@supervisor_view
def scenario_delete(request: HttpRequest, code: str) -> HttpResponse:
    """GET asks for confirmation and says what stands in the way; POST deletes."""
    scenario = get_object_or_404(Scenario, company=request.company, code=code)  # type: ignore[attr-defined]
    if request.method == "POST":
        try:
            delete_scenario(scenario)
        except ScenarioInUse as exc:
            return _confirm_delete(request, scenario, exc.reasons, status=409)
        messages.success(request, _("Scenario %(code)s deleted.") % {"code": code})
        return redirect("web:config-scenarios")
    return _confirm_delete(request, scenario, scenario_obstacles(scenario))


@supervisor_view
def group_delete(request: HttpRequest, code: str) -> HttpResponse:
    group = get_object_or_404(Group, company=request.company, code=code)  # type: ignore[attr-defined]
    if request.method == "POST":
        delete_group(group, timezone.localdate())
        messages.success(
            request, _("Group %(code)s deleted; the groups are recomputed.") % {"code": code}
        )
        return redirect("web:config-groups")
    return _confirm_delete(request, group, [], members=group.memberships.count())


def _confirm_delete(
    request: HttpRequest,
    thing: Scenario | Group,
    reasons: list[str],
    status: int = 200,
    **extra: object,
) -> HttpResponse:
    is_scenario = isinstance(thing, Scenario)
    context = {
        "thing": thing,
        "reasons": reasons,
        "is_scenario": is_scenario,
        "back": "web:config-scenario" if is_scenario else "web:config-group",
        **extra,
    }
    return render(request, "web/config_delete.html", context, status=status)


@require_POST
@supervisor_view
def groups_recompute(request: HttpRequest) -> HttpResponse:
    """The same service as ``relance groups``, at today's date."""
    counts = recompute_groups(request.company, timezone.localdate())  # type: ignore[attr-defined]
    messages.success(
        request,
        _("Groups recomputed: %(members)d customer(s) in a group.")
        % {"members": sum(counts.values())},
    )
    return redirect("web:config-groups")


@supervisor_view
def company_settings(request: HttpRequest) -> HttpResponse:
    # A copy: a refused form must not change the company the page header shows.
    company = Company.objects.get(pk=request.company.pk)  # type: ignore[attr-defined]
    form = CompanyForm(request.POST or None, request.FILES or None, instance=company)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Company settings saved."))
        return redirect("web:config-company")
    status = 400 if request.method == "POST" else 200
    return render(request, "web/config_company.html", {"form": form}, status=status)
