import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table
from rich.text import Text

from relance.ledger.management.options import add_company_option, company_from_options
from relance.tasks.management.people import user_named
from relance.tasks.models import Task
from relance.tasks.selectors import todo


def phones_text(task: Task) -> str:
    return ", ".join(
        f"{entry['number']} {entry['name']}" if entry.get("name") else entry["number"]
        for entry in task.phones
    )


def task_as_json(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "kind": task.kind,
        "due_at": timezone.localtime(task.due_at).isoformat(),
        "overdue": task.due_at < timezone.now(),
        "customer": task.customer.code,
        "customer_name": task.customer.name,
        "assignee": task.assignee.get_username() if task.assignee else None,
        "title": task.title,
        "phones": list(task.phones),
        "action": task.action_id,
        "level": task.action.level if task.action else None,
        "body": task.body,
    }


class Command(BaseCommand):
    help = "Show the to-do list: calls to make, letters to post, messages to look at."

    def add_arguments(self, parser: CommandParser) -> None:
        who = parser.add_mutually_exclusive_group()
        who.add_argument(
            "--mine",
            action="store_true",
            help="only my tasks (the user named by RELANCE_USER, else the login name)",
        )
        who.add_argument("--user", metavar="USERNAME", help="only this user's tasks")
        parser.add_argument("--all", action="store_true", help="also the tasks due after today")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        add_company_option(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        company = company_from_options(options)
        user = user_named(options["user"]) if options["mine"] or options["user"] else None
        tasks = todo(company, user, include_future=options["all"])
        if options["format"] == "json":
            payload = {"tasks": [task_as_json(task) for task in tasks]}
            self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
            return
        now = timezone.now()
        console = Console(file=self.stdout, width=160)  # type: ignore[arg-type]
        table = Table(title=_("To-do list"))
        for column in (
            _("id"),
            _("due"),
            _("kind"),
            _("customer"),
            _("task"),
            _("phone"),
            _("for"),
        ):
            table.add_column(column)
        for task in tasks:
            due = timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M")
            # Text, not markup: a customer's name may hold square brackets.
            table.add_row(
                Text(str(task.pk)),
                Text(due, style="bold red" if task.due_at < now else ""),
                Text(task.get_kind_display()),
                Text(task.customer.code),
                Text(task.title),
                Text(phones_text(task)),
                Text(task.assignee.get_username() if task.assignee else "—"),
            )
        if not table.row_count:
            self.stdout.write(_("Nothing to do."))
            return
        console.print(table)
