from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from relance.holds.admin import CustomerDisputesMixin, DisputeInline, PromiseInline
from relance.holds.models import Dispute, Promise
from relance.holds.services import cancel_promise, open_dispute, record_promise
from relance.ledger.models import Customer, Invoice
from tests.conftest import TODAY
from tests.holds.conftest import make_invoice

pytestmark = pytest.mark.django_db

WEEK = TODAY + timedelta(days=7)


@pytest.fixture
def staff(client, boss):
    """An admin user whose browser asks for English (the installation default is French)."""
    client.force_login(boss)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def promise_form(customer, *invoices, **changes):
    return {
        "customer": customer.pk,
        "invoices": [invoice.pk for invoice in invoices],
        "amount": "250.00",
        "currency": "EUR",
        "promised_on": TODAY.isoformat(),
        "until": WEEK.isoformat(),
        "source": "phone",
        "note": "pays on Friday",
        **changes,
    }


def a_promise(customer, **kwargs):
    return record_promise(customer, amount=Decimal(100), until=WEEK, promised_on=TODAY, **kwargs)


@pytest.mark.parametrize("model", ["promise", "dispute"])
def test_every_holds_page_opens(staff, c1, model):
    records = {
        "promise": a_promise(c1),
        "dispute": open_dispute(make_invoice(c1, "F1"), "damaged", TODAY),
    }
    for page in ("changelist", "add"):
        assert staff.get(reverse(f"admin:holds_{model}_{page}")).status_code == 200
    for page in ("change", "history"):
        url = reverse(f"admin:holds_{model}_{page}", args=[records[model].pk])
        assert staff.get(url).status_code == 200
    search = staff.get(reverse(f"admin:holds_{model}_changelist"), {"q": "C1"})
    assert search.context["cl"].result_count == 1


def test_a_promise_added_in_the_admin_is_recorded_by_its_user_with_history(staff, c1, boss):
    f1 = make_invoice(c1, "F1")
    response = staff.post(reverse("admin:holds_promise_add"), promise_form(c1, f1))
    assert response.status_code == 302
    promise = Promise.objects.get()
    assert (promise.recorded_by, promise.amount, promise.company) == (
        boss,
        Decimal("250.00"),
        c1.company,
    )
    assert list(promise.invoices.all()) == [f1]
    assert promise.history.count() == 1
    history = staff.get(reverse("admin:holds_promise_history", args=[promise.pk]))
    assert history.status_code == 200
    assert "promise recorded" in history.content.decode()


def test_the_admin_shows_why_a_promise_cannot_stand_on_its_form(staff, c1, c2):
    theirs = make_invoice(c2, "F2")
    data = promise_form(c1, theirs, amount="0", until=(TODAY - timedelta(days=1)).isoformat())
    response = staff.post(reverse("admin:holds_promise_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {
        "amount": ["The amount promised must be more than zero."],
        "until": ["A promise cannot end (2026-11-23) before it was made (2026-11-24)."],
        "invoices": ["Not invoices of customer C1: F2."],
    }
    assert not Promise.objects.exists()


def test_extending_a_promise_in_the_admin_is_kept_in_its_history(staff, c1, boss):
    promise = a_promise(c1)
    later = WEEK + timedelta(days=7)
    data = {"amount": "100.00", "until": later.isoformat(), "source": "email", "note": "more time"}
    response = staff.post(reverse("admin:holds_promise_change", args=[promise.pk]), data)
    assert response.status_code == 302
    latest, first = promise.history.all()
    assert (first.until, latest.until, latest.history_user) == (WEEK, later, boss)
    page = staff.get(reverse("admin:holds_promise_history", args=[promise.pk])).content.decode()
    assert "promise changed" in page
    assert "more time" in page


def test_a_closed_promise_is_shown_read_only(staff, c1):
    promise = a_promise(c1)
    cancel_promise(promise, TODAY)
    url = reverse("admin:holds_promise_change", args=[promise.pk])
    assert staff.get(url).status_code == 200
    assert staff.post(url, {"amount": "1.00", "until": WEEK.isoformat()}).status_code == 403
    promise.refresh_from_db()
    assert promise.amount == Decimal("100.00")


def test_the_cancel_action_cancels_the_open_promises_only(staff, c1):
    open_one, closed = a_promise(c1), a_promise(c1)
    cancel_promise(closed, TODAY - timedelta(days=1))
    response = staff.post(
        reverse("admin:holds_promise_changelist"),
        {"action": "cancel_promises", "_selected_action": [open_one.pk, closed.pk]},
    )
    assert response.status_code == 302
    assert dict(Promise.objects.values_list("pk", "closed_on")) == {
        open_one.pk: TODAY,
        closed.pk: TODAY - timedelta(days=1),
    }


def test_a_dispute_added_in_the_admin_flags_the_invoice(staff, c1, boss):
    f1 = make_invoice(c1, "F1")
    data = {"invoice": f1.pk, "reason": "goods damaged", "since": TODAY.isoformat()}
    response = staff.post(reverse("admin:holds_dispute_add"), {**data, "source": "email"})
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert (dispute.opened_by, dispute.source) == (boss, "email")
    f1.refresh_from_db()
    assert (f1.disputed, f1.dispute_reason, f1.disputed_since) == (True, "goods damaged", TODAY)


def test_the_admin_refuses_to_dispute_a_disputed_invoice_or_to_choose_import(staff, c1):
    f1 = make_invoice(c1, "F1")
    open_dispute(f1, "first", TODAY)
    data = {"invoice": f1.pk, "reason": "second", "since": TODAY.isoformat(), "source": "import"}
    response = staff.post(reverse("admin:holds_dispute_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["invoice"] == ["Invoice F1 is already disputed."]
    assert "import is not one of the available choices" in errors["source"][0]
    assert Dispute.objects.count() == 1


def test_resolving_a_dispute_in_the_admin_clears_the_flag_and_shows_in_history(staff, c1, boss):
    f1 = make_invoice(c1, "F1")
    dispute = open_dispute(f1, "goods damaged", TODAY)
    data = {
        "reason": "goods damaged",
        "since": TODAY.isoformat(),
        "resolved_on": WEEK.isoformat(),
        "resolution_note": "credit note AV12 issued",
    }
    url = reverse("admin:holds_dispute_change", args=[dispute.pk])
    assert staff.post(url, data).status_code == 302
    dispute.refresh_from_db()
    assert (dispute.resolved_on, dispute.resolved_by) == (WEEK, boss)
    f1.refresh_from_db()
    assert (f1.disputed, f1.dispute_reason, f1.disputed_since) == (False, "", None)
    page = staff.get(reverse("admin:holds_dispute_history", args=[dispute.pk])).content.decode()
    assert "dispute resolved" in page
    assert "credit note AV12 issued" in page


def test_the_admin_refuses_a_resolution_before_the_dispute_began(staff, c1):
    dispute = open_dispute(make_invoice(c1, "F1"), "damaged", TODAY)
    data = {
        "reason": "damaged",
        "since": TODAY.isoformat(),
        "resolved_on": (TODAY - timedelta(days=1)).isoformat(),
    }
    response = staff.post(reverse("admin:holds_dispute_change", args=[dispute.pk]), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "resolved_on": ["A dispute cannot be resolved before it began (2026-11-24)."]
    }
    assert Dispute.objects.get().is_open


def test_holds_cannot_be_deleted_nor_their_history_rewritten(staff, c1):
    promise = a_promise(c1)
    dispute = open_dispute(make_invoice(c1, "F1"), "damaged", TODAY)
    for model, record in (("promise", promise), ("dispute", dispute)):
        delete = reverse(f"admin:holds_{model}_delete", args=[record.pk])
        assert staff.post(delete, {"post": "yes"}).status_code == 403
        version = record.history.get().pk
        old = reverse(f"admin:holds_{model}_simple_history", args=[record.pk, version])
        assert staff.get(old).status_code == 200
        assert staff.post(old, {"reason": "rewritten", "note": "rewritten"}).status_code == 403
    assert (Promise.objects.count(), Dispute.objects.count()) == (1, 1)
    assert Dispute.objects.get().reason == "damaged"


def test_the_inlines_and_the_disputes_field_fit_the_ledger_admin(c1, boss):
    f1 = make_invoice(c1, "F1")
    promise = a_promise(c1, invoices=[f1])
    dispute = open_dispute(f1, "damaged <b>", TODAY)

    class CustomerAdmin(CustomerDisputesMixin, admin.ModelAdmin):
        inlines = [PromiseInline]
        readonly_fields = ["disputes"]

    class InvoiceAdmin(admin.ModelAdmin):
        inlines = [DisputeInline]

    site = admin.AdminSite("test")
    customer_admin, invoice_admin = CustomerAdmin(Customer, site), InvoiceAdmin(Invoice, site)
    assert customer_admin.check() == []
    assert invoice_admin.check() == []
    request = RequestFactory().get("/")
    request.user = boss
    promises = PromiseInline(Customer, site).get_formset(request, c1)(instance=c1)
    assert [form.instance for form in promises] == [promise]
    disputes = DisputeInline(Invoice, site).get_formset(request, f1)(instance=f1)
    assert [form.instance for form in disputes] == [dispute]
    html = customer_admin.disputes(c1)
    assert reverse("admin:holds_dispute_change", args=[dispute.pk]) in html
    assert "damaged &lt;b&gt;" in html
    assert customer_admin.disputes(Customer(company=c1.company)) == "—"
