"""The credit controller's screens: thin views over the selectors and services."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from relance.accounts.scoping import choose_company
from relance.content.loading import recipients
from relance.delivery.models import DeliveryEvent, Message, MessageState
from relance.delivery.statements import new_token
from relance.dunning.models import Group, Scenario
from relance.holds.models import Dispute, Promise
from relance.ledger.models import Customer
from relance.ledger.overview import overview
from relance.notes.models import AnswerChannel
from relance.notes.services import recent_answers
from relance.runs.models import ActionState, Run
from relance.tasks.models import TaskState
from relance.web.access import company_view, visible_customers, visible_tasks
from relance.web.timeline import timeline

SORTS = {
    "code": "code",
    "name": "name",
    "-due": "-due",
    "-marker": "-marker",
}


@company_view
def home(request: HttpRequest) -> HttpResponse:
    company = request.company  # type: ignore[attr-defined]
    today = timezone.localdate()
    failures = Message.objects.filter(company=company).filter(
        Q(state__in=[MessageState.UNCERTAIN, MessageState.FAILED])
        | Q(event__in=[DeliveryEvent.BOUNCED, DeliveryEvent.COMPLAINED])
    )
    context = {
        "overview": overview(company, today),
        "review": Run.objects.filter(company=company, actions__state=ActionState.PROPOSED)
        .distinct()
        .order_by("-as_of")[:10],
        "tasks": visible_tasks(request)[:10],
        "promises": Promise.objects.filter(company=company).order_by("-id")[:5],
        "disputes": Dispute.objects.filter(company=company).order_by("-id")[:5],
        "failures": failures.select_related("customer").order_by("-created_at")[:10],
        "answers": recent_answers(company),
    }
    return render(request, "web/home.html", context)


@company_view
def customers(request: HttpRequest) -> HttpResponse:
    found = visible_customers(request).annotate(due=Sum("invoices__open_amount"))
    query = request.GET.get("q", "").strip()
    if query:
        found = found.filter(
            Q(code__icontains=query) | Q(name__icontains=query) | Q(email__icontains=query)
        )
    if level := request.GET.get("level"):
        found = found.filter(marker=int(level)) if level.isdigit() else found
    if request.GET.get("blocked"):
        found = found.filter(blocked_until__gte=timezone.localdate())
    if request.GET.get("disputed"):
        found = found.filter(invoices__disputed=True).distinct()
    if request.GET.get("mine"):
        found = found.filter(collector_id=request.user.pk)
    if (collector := request.GET.get("collector", "")).isdigit():
        found = found.filter(collector_id=int(collector))
    if (group := request.GET.get("group", "")).isdigit():
        # The membership the last recompute stored (a run, or ``relance groups``).
        found = found.filter(group_membership__group_id=int(group))
    if segment := request.GET.get("segment", "").strip():
        found = found.filter(segment=segment)
    if (minimum := request.GET.get("min_due", "").replace(",", ".")).replace(".", "", 1).isdigit():
        found = found.filter(due__gte=Decimal(minimum))
    sort = SORTS.get(request.GET.get("sort", ""), "code")
    page = Paginator(found.order_by(sort, "code"), 50).get_page(request.GET.get("page"))
    template = "web/customers_table.html" if request.htmx else "web/customers.html"  # type: ignore[attr-defined]
    company_customers = Customer.objects.filter(company=request.company)  # type: ignore[attr-defined]
    context = {
        "page": page,
        "query": query,
        "sort": sort,
        "collectors": User.objects.filter(pk__in=company_customers.values("collector")).order_by(
            "first_name", "username"
        ),
        "groups": Group.objects.filter(company=request.company).order_by(  # type: ignore[attr-defined]
            "priority", "code"
        ),
        "segments": company_customers.exclude(segment="")
        .order_by("segment")
        .values_list("segment", flat=True)
        .distinct(),
    }
    return render(request, template, context)


@company_view
def customer(request: HttpRequest, code: str) -> HttpResponse:
    found = get_object_or_404(visible_customers(request), code=code)
    context = {
        "customer": found,
        "invoices": found.invoices.order_by("-due_date")[:200],
        "timeline": timeline(found),
        "tasks": found.tasks.filter(state=TaskState.OPEN).order_by("due_at"),
        "scenarios": Scenario.objects.filter(company=found.company).order_by("position", "code"),
        "answer_channels": AnswerChannel.choices,
        # One token per page shown: sending twice from it queues one statement.
        "statement_token": new_token(),
        # Whom a statement goes to: the customer's address and its contacts', as it is sent.
        "statement_to": ", ".join(recipients(found)),
    }
    return render(request, "web/customer.html", context)


@require_POST
@company_view
def switch_company(request: HttpRequest) -> HttpResponse:
    company_id = request.POST.get("company", "")
    if not company_id.isdigit() or not choose_company(request, int(company_id)):
        return HttpResponse(status=404)
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)
