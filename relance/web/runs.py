"""Runs: the list, a run's review (approve, remove with a reason), its launch and progress.
Thin over ``relance.runs.executing`` and ``relance.delivery.services``, like ``relance review``
and ``relance send``. Creating a run and adding customers: ``run_wizard``; previews:
``run_preview``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relance.delivery.selectors import counts_by_state
from relance.runs import executing
from relance.runs.models import ActionState, Run
from relance.runs.reviewing import launched, unreachable
from relance.web.access import acting_view, company_view


def run_of(request: HttpRequest, pk: int) -> Run:
    return get_object_or_404(Run, pk=pk, company=request.company)  # type: ignore[attr-defined]


def detail_context(run: Run) -> dict[str, Any]:
    return {
        "run": run,
        "actions": run.actions.select_related("customer").order_by("customer__code", "channel"),
        "unreachable": unreachable(run),
        "progress": executing.progress(run),
        "outbox": counts_by_state(run.company, run.pk),
        "launched": launched(run),
        "approved": run.actions.filter(state=ActionState.APPROVED).count(),
    }


@company_view
def run_list(request: HttpRequest) -> HttpResponse:
    runs = Run.objects.filter(company=request.company).select_related("started_by")[:100]  # type: ignore[attr-defined]
    return render(request, "web/runs.html", {"runs": runs})


@company_view
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_of(request, pk)
    if request.htmx and request.GET.get("part") == "progress":  # type: ignore[attr-defined]
        # Polled every few seconds while sending: only what the progress line shows.
        progress = {
            "run": run,
            "progress": executing.progress(run),
            "outbox": counts_by_state(run.company, run.pk),
        }
        return render(request, "web/run_progress.html", progress)
    return render(request, "web/run.html", detail_context(run))


@require_POST
@acting_view
def run_decide(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_of(request, pk)
    chosen = run.actions.filter(pk__in=request.POST.getlist("action"))
    decision = request.POST.get("decision")
    if decision == "approve":
        done = executing.approve(chosen, request.user)  # type: ignore[arg-type]
        messages.success(request, _("%(count)d action(s) approved.") % {"count": done})
    elif decision == "approve_all":
        done = executing.approve(run.actions.all(), request.user)  # type: ignore[arg-type]
        messages.success(request, _("%(count)d action(s) approved.") % {"count": done})
    elif decision == "remove":
        reason = request.POST.get("reason", "").strip()
        if not reason:
            messages.error(request, _("Say why the customers are removed."))
        else:
            done = executing.remove(chosen, reason, request.user)  # type: ignore[arg-type]
            messages.success(request, _("%(count)d action(s) removed.") % {"count": done})
    elif decision == "launch" and not run.actions.filter(state=ActionState.APPROVED).exists():
        messages.error(request, _("Nothing is approved: approve the customers to remind first."))
    elif decision == "launch":
        outcome = executing.execute(run, request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            _("%(done)d done, %(failed)d failed, %(waiting)d in the outbox.")
            % {"done": outcome.done, "failed": outcome.failed, "waiting": outcome.waiting},
        )
    return redirect("web:run", pk=run.pk)
