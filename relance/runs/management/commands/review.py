import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from relance.ledger.management.options import add_company_option, company_from_options
from relance.runs.executing import approve, progress, remove
from relance.runs.management.lookup import run_of
from relance.runs.models import Action, Run
from relance.runs.reviewing import ReviewRefused, add_customers, unreachable


class Command(BaseCommand):
    help = (
        "Review a run before launching it (relance send --run ID): list its customers and "
        "those a channel cannot reach, add or remove customers, approve them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("run", type=int, help="the run's number")
        parser.add_argument("--add", nargs="+", metavar="CODE", default=[], help="add customers")
        parser.add_argument(
            "--remove", nargs="+", metavar="CODE", default=[], help="remove customers (--reason)"
        )
        parser.add_argument("--reason", default="", help="why customers are removed")
        parser.add_argument("--approve", nargs="+", metavar="CODE", default=[])
        parser.add_argument("--approve-all", action="store_true")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        add_company_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        company = company_from_options(options)
        run = run_of(company, options["run"])
        try:
            if options["add"]:
                add_customers(run, options["add"])
        except ReviewRefused as exc:
            raise CommandError(str(exc)) from exc
        if options["remove"]:
            if not options["reason"].strip():
                raise CommandError(_("Say why with --reason."))
            remove(self._of(run, options["remove"]), options["reason"])
        if options["approve"]:
            approve(self._of(run, options["approve"]))
        if options["approve_all"]:
            approve(run.actions.all())
        self._show(run, options["format"])

    def _of(self, run: Run, codes: list[str]) -> QuerySet[Action]:
        actions = run.actions.filter(customer__code__in=codes)
        found = set(actions.values_list("customer__code", flat=True))
        if missing := [code for code in codes if code not in found]:
            raise CommandError(
                _("Not in run %(id)s: %(codes)s") % {"id": run.pk, "codes": ", ".join(missing)}
            )
        return actions

    def _show(self, run: Run, fmt: str) -> None:
        actions = run.actions.select_related("customer").order_by(
            "customer__code", "currency", "channel"
        )
        lacking = unreachable(run)
        if fmt == "json":
            payload = {
                "run": run.pk,
                "as_of": run.as_of.isoformat(),
                "actions": [
                    {
                        "customer": a.customer.code,
                        "currency": a.currency,
                        "level": a.level,
                        "channel": a.channel,
                        "state": a.state,
                        "total_due": str(a.total_due),
                        "removed_reason": a.removed_reason,
                    }
                    for a in actions
                ],
                "unreachable": [
                    {
                        "customer": u.customer,
                        "level": u.level,
                        "missing": list(u.missing),
                        "fallback": list(u.fallback),
                    }
                    for u in lacking
                ],
            }
            self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
            return
        console = Console(file=self.stdout, width=140)  # type: ignore[arg-type]
        table = Table(title=str(run))
        for column in (_("customer"), _("level"), _("channel"), _("total due"), _("state")):
            table.add_column(column)
        for a in actions:
            table.add_row(
                f"{a.customer.code} – {a.customer.name}",
                f"N{a.level}",
                a.channel,
                f"{a.total_due} {a.currency}",
                a.get_state_display() + (f" ({a.removed_reason})" if a.removed_reason else ""),
            )
        console.print(table)
        if lacking:
            apart = Table(title=_("Customers a channel cannot reach"))
            for column in (_("customer"), _("level"), _("no address for"), _("instead")):
                apart.add_column(column)
            for u in lacking:
                apart.add_row(
                    f"{u.customer} – {u.name}",
                    f"N{u.level}",
                    ", ".join(u.missing),
                    ", ".join(u.fallback) or _("nothing: add an address or a fallback channel"),
                )
            console.print(apart)
        outcome = progress(run)
        self.stdout.write(
            _("%(done)d done, %(failed)d failed, %(waiting)d in the outbox.")
            % {"done": outcome.done, "failed": outcome.failed, "waiting": outcome.waiting}
        )
