"""The scenario editor: every rule's message next to its field, nothing saved until all hold."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from relance.accounts.roles import SUPERVISOR
from relance.content.penalties import ensure_rates
from relance.dunning.models import ExclusionWindow, Scenario, ScenarioLevel

pytestmark = pytest.mark.django_db

URL = reverse("web:config-scenario", kwargs={"code": "std"})
NEW = reverse("web:config-scenario-new")


@pytest.fixture
def supervisor(client, world):
    client.force_login(world.users[SUPERVISOR])
    return client


def scenario_fields(scenario: Scenario | None = None, **changes) -> dict[str, object]:
    fields = {
        "code": scenario.code if scenario else "",
        "name": scenario.name if scenario else "",
        "mode": scenario.mode if scenario else "due_date",
        "min_total": scenario.min_total if scenario else "0",
        "repeat_every_days": scenario.repeat_every_days or "" if scenario else "",
        "position": scenario.position if scenario else 0,
        "late_interest_rate": "",
        "recovery_indemnity": "",
    }
    if scenario and scenario.is_default:
        fields["is_default"] = "on"
    fields.update(changes)
    return fields


def level_rows(scenario: Scenario) -> list[dict[str, object]]:
    return [
        {
            "id": level.pk,
            "level": level.level,
            "from_days": level.from_days,
            "to_days": level.to_days,
            "channels": list(level.channels),
            "fallback_channel": level.fallback_channel,
            "sender_role": level.sender_role,
            "signature_role": level.signature_role,
        }
        for level in scenario.levels.all()
    ]


def payload(fields, levels, windows=()) -> dict[str, object]:
    """The POST of the editor: the scenario's fields and both formsets."""
    data = dict(fields)
    for prefix, rows in (("levels", levels), ("windows", windows)):
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = sum(1 for row in rows if row.get("id"))
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for index, row in enumerate(rows):
            for key, value in row.items():
                if value is True:
                    value = "on"
                data[f"{prefix}-{index}-{key}"] = value
            if prefix == "levels":
                data.setdefault(f"levels-{index}-sender_role", "account_manager")
                data.setdefault(f"levels-{index}-signature_role", "account_manager")
    return data


def post_std(client, world, change_levels=None, windows=(), language="en", **changes):
    scenario = Scenario.objects.get(company=world.a, code="std")
    levels = level_rows(scenario)
    if change_levels:
        change_levels(levels)
    return client.post(
        URL,
        payload(scenario_fields(scenario, **changes), levels, windows),
        HTTP_ACCEPT_LANGUAGE=language,
    )


def next_to(response, field_id: str) -> str:
    """The text of the field's own block: its label, input and messages, up to the next field."""
    page = response.content.decode()
    marker = f'data-for="{field_id}"'
    assert marker in page, f"no field {field_id} on the page"
    block = page.split(marker, 1)[1]
    block = re.split(r'data-for="|</form>', block, maxsplit=1)[0]
    return unescape(re.sub(r"<[^>]+>", " ", block))


def stored_levels(world) -> list[tuple[int, int, int, list[str], str]]:
    return list(
        ScenarioLevel.objects.filter(scenario__company=world.a, scenario__code="std")
        .order_by("level")
        .values_list("level", "from_days", "to_days", "channels", "fallback_channel")
    )


ORIGINAL = [(1, 1, 30, ["email"], ""), (2, 31, 400, ["email", "call"], "")]


def test_the_editor_shows_the_scenario_and_its_levels(supervisor, world):
    page = supervisor.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="levels-1-to_days" value="400"' in page
    assert 'name="levels-TOTAL_FORMS" value="3"' in page  # two levels and a blank row


def test_a_valid_change_is_saved_with_its_levels(supervisor, world):
    def change(levels):
        levels[0]["to_days"] = 20
        levels[0]["fallback_channel"] = "letter"
        levels[1]["from_days"] = 21
        levels[1]["review"] = True

    response = post_std(supervisor, world, change, windows=[{"from_days": 366, "to_days": 99999}])
    assert response.status_code == 302
    assert stored_levels(world) == [
        (1, 1, 20, ["email"], "letter"),
        (2, 21, 400, ["email", "call"], ""),
    ]
    assert ScenarioLevel.objects.get(scenario__company=world.a, level=2).review is True
    window = ExclusionWindow.objects.get(scenario__company=world.a)
    assert (window.from_days, window.to_days) == (366, 99999)
    assert stored_levels(world) != ORIGINAL


def test_two_levels_may_swap_their_numbers(supervisor, world):
    def swap(levels):
        levels[0]["level"], levels[1]["level"] = 2, 1
        levels[0]["from_days"], levels[0]["to_days"] = 31, 400
        levels[1]["from_days"], levels[1]["to_days"] = 1, 30

    assert post_std(supervisor, world, swap).status_code == 302
    assert stored_levels(world) == [(1, 1, 30, ["email", "call"], ""), (2, 31, 400, ["email"], "")]


def test_a_level_is_added_in_the_blank_row_and_another_deleted(supervisor, world):
    def change(levels):
        levels[1]["DELETE"] = True
        levels.append({"level": 3, "from_days": 31, "to_days": 90, "channels": ["letter"]})

    assert post_std(supervisor, world, change).status_code == 302
    assert stored_levels(world) == [(1, 1, 30, ["email"], ""), (3, 31, 90, ["letter"], "")]


def test_overlapping_windows_are_refused_next_to_the_later_levels_start(supervisor, world):
    response = post_std(supervisor, world, lambda levels: levels[0].update(to_days=35))
    assert response.status_code == 400
    assert "level 1 [1, 35] and level 2 [31, 400] overlap" in next_to(
        response, "id_levels-1-from_days"
    )
    assert "overlap" not in next_to(response, "id_levels-0-to_days")
    assert stored_levels(world) == ORIGINAL


def test_the_rules_messages_are_in_the_readers_language(supervisor, world):
    response = post_std(
        supervisor, world, lambda levels: levels[0].update(to_days=35), language="fr"
    )
    assert response.status_code == 400
    assert "les fenêtres du niveau 1 [1, 35] et du niveau 2 [31, 400] se chevauchent" in next_to(
        response, "id_levels-1-from_days"
    )


def test_an_existing_scenario_keeps_its_code(supervisor, world):
    # Customers, groups and runs name it by its code: a rename would move them elsewhere.
    assert post_std(supervisor, world, code="renamed", name="Renamed").status_code == 302
    assert Scenario.objects.get(company=world.a, code="std").name == "Renamed"
    assert not Scenario.objects.filter(code="renamed").exists()


def test_the_only_default_scenario_cannot_be_unticked(supervisor, world):
    fields = scenario_fields(Scenario.objects.get(company=world.a, code="std"))
    fields.pop("is_default")
    scenario = Scenario.objects.get(company=world.a, code="std")
    response = supervisor.post(
        URL, payload(fields, level_rows(scenario)), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "The company needs a default scenario" in next_to(response, "id_is_default")
    assert Scenario.objects.get(company=world.a, code="std").is_default


def test_an_inverted_window_is_refused_next_to_its_end(supervisor, world):
    response = post_std(supervisor, world, lambda levels: levels[1].update(from_days=500))
    assert "from_days 500 is after to_days 400" in next_to(response, "id_levels-1-to_days")
    assert stored_levels(world) == ORIGINAL


def test_a_level_number_given_twice_is_refused_next_to_the_number(supervisor, world):
    response = post_std(supervisor, world, lambda levels: levels[1].update(level=1))
    assert "each once" in next_to(response, "id_levels-1-level")
    assert stored_levels(world) == ORIGINAL


def test_a_level_number_above_nine_is_refused(supervisor, world):
    response = post_std(supervisor, world, lambda levels: levels[1].update(level=10))
    assert "numbered 0 (preventive) to 9" in next_to(response, "id_levels-1-level")
    assert stored_levels(world) == ORIGINAL


def test_an_unknown_channel_is_refused_next_to_the_channels(supervisor, world):
    response = post_std(supervisor, world, lambda levels: levels[0].update(channels=["fax"]))
    assert "fax" in next_to(response, "id_levels-0-channels")
    assert stored_levels(world) == ORIGINAL


def test_a_level_without_a_channel_is_refused_next_to_the_channels(supervisor, world):
    response = post_std(supervisor, world, lambda levels: levels[0].update(channels=[]))
    assert "at least one channel is needed" in next_to(response, "id_levels-0-channels")
    assert stored_levels(world) == ORIGINAL


def test_a_fallback_that_is_one_of_the_levels_channels_is_refused(supervisor, world):
    response = post_std(supervisor, world, lambda levels: levels[1].update(fallback_channel="call"))
    message = "the fallback channel call is already one of the level's channels"
    assert message in next_to(response, "id_levels-1-fallback_channel")
    assert stored_levels(world) == ORIGINAL


def test_the_preventive_level_must_start_before_the_due_date(supervisor, world):
    def add_level_zero(levels):
        levels.append({"level": 0, "from_days": 0, "to_days": 0, "channels": ["email"]})

    response = post_std(supervisor, world, add_level_zero)
    assert "from_days must be negative" in next_to(response, "id_levels-2-from_days")
    assert stored_levels(world) == ORIGINAL


def test_an_inverted_exclusion_window_is_refused_next_to_its_end(supervisor, world):
    response = post_std(supervisor, world, windows=[{"from_days": 99999, "to_days": 366}])
    assert "ends before it starts" in next_to(response, "id_windows-0-to_days")
    assert not ExclusionWindow.objects.exists()


def test_a_sequential_scenario_without_level_one_is_refused_next_to_the_mode(supervisor, world):
    def drop_level_one(levels):
        levels[0]["DELETE"] = True

    response = post_std(supervisor, world, drop_level_one, mode="sequential")
    assert "a sequential scenario needs a level 1" in next_to(response, "id_mode")
    assert stored_levels(world) == ORIGINAL


def test_a_negative_minimum_and_a_zero_repeat_are_refused_next_to_their_fields(supervisor, world):
    response = post_std(supervisor, world, min_total="-1", repeat_every_days="0")
    assert "cannot be negative" in next_to(response, "id_min_total")
    assert "repeat every 1 day or more" in next_to(response, "id_repeat_every_days")
    assert Scenario.objects.get(company=world.a, code="std").min_total == 0


def test_a_penalty_rate_below_the_legal_floor_is_refused_next_to_the_rate(supervisor, world):
    ensure_rates()
    response = post_std(supervisor, world, late_interest_rate="1.00", recovery_indemnity="-5")
    assert "below the legal minimum" in next_to(response, "id_late_interest_rate")
    assert "cannot be negative" in next_to(response, "id_recovery_indemnity")
    assert Scenario.objects.get(company=world.a, code="std").late_interest_rate is None


def test_a_scenario_without_levels_is_refused(supervisor, world):
    def drop_all(levels):
        for level in levels:
            level["DELETE"] = True

    response = post_std(supervisor, world, drop_all)
    assert response.status_code == 400
    assert "a scenario needs at least one level" in unescape(response.content.decode())
    assert stored_levels(world) == ORIGINAL


def test_a_new_scenario_is_created_as_the_company_default(supervisor, world):
    fields = scenario_fields(code="vip", name="VIP", is_default="on")
    levels = [{"level": 1, "from_days": 5, "to_days": 9999, "channels": ["call"]}]
    response = supervisor.post(NEW, payload(fields, levels))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:config-scenario", kwargs={"code": "vip"})
    vip = Scenario.objects.get(company=world.a, code="vip")
    assert vip.is_default
    assert list(vip.levels.values_list("level", "channels")) == [(1, ["call"])]
    assert list(Scenario.objects.filter(company=world.a, is_default=True)) == [vip]
    assert Scenario.objects.get(company=world.b, code="std").is_default  # B's untouched


def test_a_code_already_used_in_the_company_is_refused_next_to_the_code(supervisor, world):
    fields = scenario_fields(code="std", name="Again")
    levels = [{"level": 1, "from_days": 5, "to_days": 9999, "channels": ["call"]}]
    response = supervisor.post(NEW, payload(fields, levels), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "already exists" in next_to(response, "id_code")
    assert Scenario.objects.filter(company=world.a).count() == 1


def test_the_list_summarises_each_scenarios_levels(supervisor, world):
    page = supervisor.get(reverse("web:config-scenarios"), HTTP_ACCEPT_LANGUAGE="en")
    row = page.content.decode().split('data-level="2"')[1].split("</tr>")[0]
    assert "31 → 400" in row
    assert "email, call" in row


def test_another_companys_level_cannot_be_edited_through_its_id(supervisor, world):
    foreign = ScenarioLevel.objects.get(scenario__company=world.b, level=1)

    def hijack(levels):
        levels[0]["id"] = foreign.pk
        levels[0]["to_days"] = 5

    # The id is not one of this scenario's rows: the row is taken as a new one of company A.
    assert post_std(supervisor, world, hijack).status_code == 302
    assert ScenarioLevel.objects.get(pk=foreign.pk).to_days == 30
    assert ScenarioLevel.objects.get(pk=foreign.pk).scenario.company == world.b
    assert stored_levels(world)[0] == (1, 1, 5, ["email"], "")


def test_the_scenario_file_refuses_the_same_fallback_with_the_same_words():
    from relance.dunning.scenario_file import ScenarioFileError, parse

    text = """\
scenarios:
  - code: std
    levels:
      - {level: 1, from_days: 1, to_days: 30, channels: [email, letter], fallback: letter}
      - {level: 2, from_days: 31, to_days: 60, channels: [email], fallback: pigeon}
"""
    with pytest.raises(ScenarioFileError) as raised:
        parse(text, "s.yaml")
    assert raised.value.errors == [
        "s.yaml:2: std: level 1: the fallback channel letter is already one of the level's "
        "channels",
        "s.yaml:2: std: level 2: unknown fallback channel pigeon (use email, sms, letter, call)",
    ]
