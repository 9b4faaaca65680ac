"""`frontdesk admin client edit | sla | plan | deactivate`: an operator keeps a client's
contract current; each bad value is one line, exit code 2, and nothing written."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import MovableClock, SystemClock
from domain.enums import PenaltyBasis, Priority, SlaTier
from domain.model import PenaltyRule, Plan
from domain.plan_changes import PlanChange
from domain.ports import OutboxMessage, UnitOfWork
from domain.use_cases import accounts
from storage import Database
from storage.outbox import OutboxDelivery
from tests.cli.test_admin import cli, db_path, in_db, invite_code, register  # noqa: F401

H = timedelta(hours=1)
THIS_MONTH = datetime.now(ZoneInfo("Europe/Moscow")).date().replace(day=1)  # the clients' zone
LAST_MONTH = (THIS_MONTH - timedelta(days=1)).replace(day=1)
NEXT_MONTH = (THIS_MONTH + timedelta(days=32)).replace(day=1)


def client(path: Path, client_id: int = 1):
    return in_db(path, lambda uow: uow.clients.get(client_id))


def queued(path: Path) -> list[OutboxMessage]:
    async def read() -> list[OutboxMessage]:
        db = await Database.open(path, clock=SystemClock())
        try:
            return list(await OutboxDelivery(db).pending())
        finally:
            await db.close()

    return asyncio.run(read())


def plan_changes(path: Path, client_id: int = 1) -> list[PlanChange]:
    return list(in_db(path, lambda uow: uow.clients.plan_changes(client_id)))


def an_old_client(path: Path) -> int:
    """A client with us since January 2025, its months since then invoiced."""

    async def work(uow: UnitOfWork) -> int:
        clock = MovableClock(datetime(2025, 1, 10, 9, 0, tzinfo=UTC), ticking=False)
        registered = await accounts.register_client(uow, clock, name="Old", plan=Plan(1, 2, 3, 4))
        assert registered.value.id is not None
        return registered.value.id

    return in_db(path, work)


@pytest.fixture
def beta(cli, db_path):  # noqa: F811
    cli("staff", "add", "--tg-id", "1001", "--name", "Ivan", "--role", "manager")
    cli("staff", "add", "--tg-id", "1002", "--name", "Maria", "--role", "second_line")
    cli("client", "add", "--name", "Beta", "--manager", "1001")
    return db_path


# --- edit -------------------------------------------------------------------------------


def test_client_edit_changes_what_is_given_and_says_what_changed(cli, beta):  # noqa: F811
    result = cli(
        "client", "edit", "--client", "1", "--name", "Beta Ltd", "--tier", "platinum",
        "--hours", "08:00-17:00", "--weekdays", "mon-sat", "--country", "none", "--24x7",
        "--manager", "1002", "--warning-share", "80%", "--default-assignee", "1002",
    )  # fmt: skip

    assert (result.code, result.out) == (0, "1\n")
    assert result.err == (
        "client 1 (Beta Ltd): name Beta → Beta Ltd, tier bronze → platinum, "
        "hours 09:00-18:00 → 08:00-17:00, weekdays mon-fri → mon-sat, holidays RU → none, "
        "24/7 no → yes, manager 1001 Ivan → 1002 Maria, warning share 75% → 80%, "
        "default assignee none → 1002 Maria; "
        "new tickets get these terms, open tickets keep their deadlines\n"
    )
    edited = client(beta)
    assert (edited.name, edited.tier, edited.country) == ("Beta Ltd", SlaTier.PLATINUM, None)
    assert (edited.opens, edited.closes, edited.weekdays) == (
        time(8),
        time(17),
        frozenset(range(6)),
    )
    assert edited.round_the_clock is True
    assert (edited.manager_tg_id, edited.default_assignee_tg_id) == (1002, 1002)
    assert edited.warning_fraction == pytest.approx(0.8)
    assert edited.timezone == "Europe/Moscow"  # not given: kept


def test_client_edit_sets_the_emergency_rate_and_the_penalty(cli, beta):  # noqa: F811
    result = cli("client", "edit", "--client", "1", "--emergency-rate", "3000",
                 "--penalty", "500/hour", "--penalty-cap", "10%")  # fmt: skip

    assert (result.code, result.out) == (0, "1\n")
    assert result.err == (
        "client 1 (Beta): emergency rate the plan's extra rate → 3000 RUB/h, "
        "penalty none → 500 RUB per working hour overdue, at most 10% of the fee; "
        "every report from now on bills by them\n"
    )
    edited = client(beta)
    assert edited.emergency_hour_rate == 3000
    assert edited.penalty == PenaltyRule(PenaltyBasis.OVERDUE_HOUR, 500, 0.1)

    per_ticket = cli("client", "edit", "--client", "1", "--penalty", "1500/ticket")
    assert per_ticket.code == 0
    assert (
        "penalty 500 RUB per working hour overdue, at most 10% of the fee → 1500 RUB per "
        "overdue ticket, at most 10% of the fee" in per_ticket.err
    )  # the cap is kept
    assert cli("client", "edit", "--client", "1", "--penalty-cap", "none").code == 0
    assert client(beta).penalty == PenaltyRule(PenaltyBasis.OVERDUE_TICKET, 1500)

    off = cli("client", "edit", "--client", "1", "--penalty", "none", "--emergency-rate", "none")
    assert off.code == 0
    assert (client(beta).penalty, client(beta).emergency_hour_rate) == (None, None)


def test_client_edit_clears_the_manager_and_the_default_assignee(cli, beta):  # noqa: F811
    cli("client", "edit", "--client", "1", "--default-assignee", "1002")

    result = cli("client", "edit", "--client", "1", "--manager", "none", "--no-24x7",
                 "--default-assignee", "none", "--warning-share", "0.5")  # fmt: skip

    assert result.code == 0
    assert "manager 1001 Ivan → none" in result.err
    assert "default assignee 1002 Maria → none" in result.err
    assert "24/7" not in result.err  # it was off already
    edited = client(beta)
    assert (edited.manager_tg_id, edited.default_assignee_tg_id) == (None, None)
    assert edited.warning_fraction == 0.5


def test_client_list_shows_the_default_assignee_and_the_end_of_a_contract(cli, beta):  # noqa: F811
    cli("client", "edit", "--client", "1", "--default-assignee", "1002")
    cli("client", "deactivate", "--client", "1", "--yes")

    rows = cli("client", "list").out.splitlines()

    assert rows[1].split()[-4:] == ["Ivan", "1002", "Maria", "ended"] or rows[1].endswith(
        f"1002 Maria  ended {datetime.now(UTC):%Y-%m-%d}"
    )


# --- sla --------------------------------------------------------------------------------


def test_client_sla_sets_the_contracts_own_table_shows_it_and_resets_it(cli, beta):  # noqa: F811
    result = cli("client", "sla", "--client", "1", "--low", "24/48", "--standard", "4/16",
                 "--high", "1/8", "--highest", "30m/4h")  # fmt: skip

    assert (result.code, result.out) == (0, "1\n")
    assert result.err == (
        "client 1 (Beta) now has its own SLA table; "
        "new tickets get it, open tickets keep their deadlines\n"
    )
    table = client(beta).custom_sla
    assert table[Priority.LOW].reaction == 24 * H and table[Priority.LOW].resolution == 48 * H
    assert table[Priority.HIGHEST].reaction == 0.5 * H
    assert table[Priority.HIGHEST].resolution == 4 * H

    shown = cli("client", "sla", "--client", "1")
    assert shown.err == "client 1 (Beta): its own table, in working hours\n"
    assert [line.split() for line in shown.out.splitlines()] == [
        ["priority", "reaction", "resolution"],
        ["low", "24", "h", "48", "h"],
        ["standard", "4", "h", "16", "h"],
        ["high", "1", "h", "8", "h"],
        ["highest", "0.5", "h", "4", "h"],
    ]

    reset = cli("client", "sla", "--client", "1", "--reset")
    assert reset.err.startswith("client 1 (Beta) now has the bronze tier's SLA table")
    assert client(beta).custom_sla is None
    assert cli("client", "sla", "--client", "1").out.splitlines()[1].split() == [
        "low", "40", "h", "80", "h",
    ]  # fmt: skip


# --- plan -------------------------------------------------------------------------------


def test_a_plan_from_a_month_on_leaves_the_months_before_as_they_were(cli, db_path):  # noqa: F811
    old = an_old_client(db_path)

    result = cli("plan", "--client", str(old), "--fee", "35000", "--hours", "20", "--extra-rate",
                 "1800", "--reserve-cap", "5", "--from", f"{NEXT_MONTH:%Y-%m}")  # fmt: skip

    assert (result.code, result.out) == (0, f"{old}\n")
    assert result.err == (
        f"client {old} (Old) from {NEXT_MONTH:%Y-%m} on: 35000 RUB a month, 20 h included, "
        "1800 RUB per extra hour, reserve up to 5 h "
        "(was: 1 RUB a month, 2 h included, 3 RUB per extra hour, reserve up to 4 h)\n"
    )
    assert plan_changes(db_path, old) == [PlanChange(NEXT_MONTH, Plan(35000, 20, 1800, 5))]
    assert client(db_path, old).plan == Plan(1, 2, 3, 4)  # the months before keep it


def test_a_plan_without_from_starts_this_month(cli, beta):  # noqa: F811
    result = cli("client", "plan", "--client", "1", "--fee", "20000", "--hours", "10",
                 "--extra-rate", "2000", "--reserve-cap", "10")  # fmt: skip

    assert result.code == 0
    assert plan_changes(beta) == [PlanChange(THIS_MONTH, Plan(20000, 10, 2000, 10))]


def test_a_plan_change_of_an_invoiced_month_needs_force(cli, db_path):  # noqa: F811
    old = an_old_client(db_path)
    argv = ["plan", "--client", str(old), "--fee", "30000", "--hours", "15", "--extra-rate",
            "2000", "--from", f"{LAST_MONTH:%Y-%m}"]  # fmt: skip

    refused = cli(*argv)
    assert refused.code == 2
    assert refused.err == (
        f"frontdesk admin plan: error: {LAST_MONTH:%Y-%m} is invoiced already: a plan from then "
        f"would rewrite its statement; give --from {THIS_MONTH:%Y-%m} or later, "
        "or --force to correct it\n"
    )
    assert plan_changes(db_path, old) == []

    forced = cli(*argv, "--force")
    assert forced.code == 0
    assert plan_changes(db_path, old) == [PlanChange(LAST_MONTH, Plan(30000, 15, 2000, 0))]


def test_a_plan_with_months_without_the_fee(cli, beta):  # noqa: F811
    result = cli("plan", "--client", "1", "--fee", "20000", "--hours", "10", "--extra-rate",
                 "2000", "--reserve-cap", "10", "--fee-free-months", "2")  # fmt: skip

    assert result.code == 0
    assert result.err == (
        f"client 1 (Beta) from {THIS_MONTH:%Y-%m} on: 20000 RUB a month, 10 h included, "
        "2000 RUB per extra hour, reserve up to 10 h; the first 2 months without the fee, "
        "every hour paid\n"
    )
    assert plan_changes(beta) == [PlanChange(THIS_MONTH, Plan(20000, 10, 2000, 10, 2))]


@pytest.mark.parametrize(
    ("tier", "fee", "said"),
    [("bronze", 20000, "20000 × 1 for bronze"), ("gold", 30000, "20000 × 1.5 for gold"),
     ("silver", 25000, "20000 × 1.25 for silver"), ("platinum", 40000, "20000 × 2 for platinum")],
)  # fmt: skip
def test_a_plans_fee_from_the_bronze_price_and_the_tier(cli, beta, tier, fee, said):  # noqa: F811
    cli("client", "edit", "--client", "1", "--tier", tier)

    result = cli("plan", "--client", "1", "--base-fee", "20000", "--hours", "10",
                 "--extra-rate", "2000")  # fmt: skip

    assert result.code == 0
    assert f"{fee} RUB a month ({said}), 10 h included" in result.err
    assert plan_changes(beta) == [PlanChange(THIS_MONTH, Plan(fee, 10, 2000, 0))]


# --- deactivate -------------------------------------------------------------------------


def test_deactivate_needs_yes_and_then_ends_the_contract(cli, beta):  # noqa: F811
    code = invite_code(cli("invite", "--client", "1", "--uses", "5", "--bot-username", "desk_bot"))
    register(beta, code, 5001, "Anna")
    register(beta, code, 5002, "Boris")

    asked = cli("client", "deactivate", "--client", "1")
    assert asked.code == 2
    assert asked.err == (
        "frontdesk admin client deactivate: error: this ends the contract of Beta: its employees "
        "get a farewell and can file no new requests, its manager the hand-over checklist; "
        "run again with --yes\n"
    )
    assert client(beta).active

    result = cli("client", "deactivate", "--client", "1", "--yes")

    assert (result.code, result.out) == (0, "1\n")
    assert result.err == (
        "the contract of Beta has ended: 2 employees get a farewell, 0 open tickets stay with "
        "staff to finish; its manager gets the hand-over checklist\n"
    )
    assert not client(beta).active
    texts = {row.chat_id: row.payload["text"] for row in queued(beta)}
    assert set(texts) == {5001, 5002, 1001}
    assert texts[5001].startswith(
        "Договор на ИТ-обслуживание с компанией Beta завершён. Спасибо, что работали с нами!"
    )
    assert 'вашему персональному менеджеру — <a href="tg://user?id=1001">Ivan</a>.' in texts[5001]
    assert texts[1001].startswith("Договор с компанией Beta завершён")
    assert "Прощальное сообщение отправлено сотрудникам: 2." in texts[1001]
    assert "☐ передать клиенту пароли и логины" in texts[1001]
    assert f"/report 1 {datetime.now(UTC) + timedelta(hours=3):%Y-%m}" in texts[1001]

    again = cli("client", "deactivate", "--client", "1", "--yes")
    assert again.code == 2
    assert "the contract of Beta has ended already, on " in again.err
    assert len(queued(beta)) == 3


def test_reactivate_renews_an_ended_contract_and_tells_its_people(cli, beta):  # noqa: F811
    code = invite_code(cli("invite", "--client", "1", "--uses", "5", "--bot-username", "desk_bot"))
    register(beta, code, 5001, "Anna")
    refused = cli("client", "reactivate", "--client", "1")
    assert refused.code == 2
    assert refused.err.endswith("error: the contract of Beta has not ended\n")
    cli("client", "deactivate", "--client", "1", "--yes")
    farewells = len(queued(beta))

    result = cli("client", "reactivate", "--client", "1")

    assert (result.code, result.out) == (0, "1\n")
    assert result.err.startswith(
        "the contract of Beta is renewed: 1 employee is told they may write again"
    )
    assert client(beta).active
    texts = {row.chat_id: row for row in queued(beta)[farewells:]}
    assert set(texts) == {5001, 1001}
    assert (
        texts[5001]
        .payload["text"]
        .startswith("Договор на ИТ-обслуживание с компанией Beta возобновлён.")
    )
    assert texts[5001].payload["reply_markup"]["keyboard"] == [
        [{"text": "📝 Новая заявка"}, {"text": "📋 Мои заявки"}]
    ]
    assert "Сообщение отправлено сотрудникам: 1." in texts[1001].payload["text"]
    # Ended again, the farewell is said again.
    cli("client", "deactivate", "--client", "1", "--yes")
    assert len(queued(beta)) == farewells + 2 + 2


def test_an_invite_of_an_ended_contract_registers_nobody(cli, beta):  # noqa: F811
    code = invite_code(cli("invite", "--client", "1", "--uses", "5", "--bot-username", "desk_bot"))
    cli("client", "deactivate", "--client", "1", "--yes")

    with pytest.raises(Exception, match="revoked"):
        register(beta, code, 5003, "Vera")


# --- bad values: one line, exit code 2, nothing written ---------------------------------

SLA = ["--low", "24/48", "--standard", "4/16", "--high", "1/8", "--highest", "30m/4h"]
PLAN = ["--fee", "1", "--hours", "1", "--extra-rate", "1"]

BAD_VALUES = [
    (["client", "edit", "--client", "9", "--name", "X"], "unknown client id 9"),
    (["client", "edit", "--client", "1"], "nothing to change: give --name, --tier"),
    (["client", "edit", "--client", "1", "--tier", "golden"],
     "argument --tier: unknown tier 'golden' (valid: bronze, silver, gold, platinum)"),
    (["client", "edit", "--client", "1", "--weekdays", "mon-fry"],
     "argument --weekdays: expected days like mon-fri or mon,wed,fri "
     "(days: mon, tue, wed, thu, fri, sat, sun, or daily)"),
    (["client", "edit", "--client", "1", "--hours", "18:00-09:00"], "must be before"),
    (["client", "edit", "--client", "1", "--timezone", "Mars/Base"], "unknown time zone"),
    (["client", "edit", "--client", "1", "--manager", "77"],
     "unknown manager: staff member 77 not found (add them with: frontdesk admin staff add)"),
    (["client", "edit", "--client", "1", "--default-assignee", "77"],
     "unknown default assignee: staff member 77 not found"),
    (["client", "edit", "--client", "1", "--warning-share", "1.5"],
     "argument --warning-share: expected a share of the SLA time above 0 and below 1"),
    (["client", "edit", "--client", "1", "--warning-share", "100%"], "above 0 and below 1"),
    (["client", "edit", "--client", "1", "--24x7", "--no-24x7"], "not allowed with argument"),
    (["client", "edit", "--client", "1", "--name", " "], "the name is empty"),
    (["client", "sla", "--client", "9", *SLA], "unknown client id 9"),
    (["client", "sla", "--client", "1", *SLA[:6]],
     "missing --highest: a contract's SLA table gives all four priorities "
     "(--low, --standard, --high, --highest)"),
    (["client", "sla", "--client", "1", "--low", "1/2", "--high", "1/2"],
     "missing --standard, --highest: a contract's SLA table gives all four priorities"),
    (["client", "sla", "--client", "1", *SLA[:4], "--high", "1/8", "--highest", "4h/30m"],
     "highest: the resolution time must not be shorter than the reaction time"),
    (["client", "sla", "--client", "1", *SLA[:6], "--highest", "4"],
     "argument --highest: expected reaction/resolution in working hours like 4/16 or 30m/6h, "
     "got '4'"),
    (["client", "sla", "--client", "1", *SLA[:6], "--highest", "0/4"], "like 4/16 or 30m/6h"),
    (["client", "sla", "--client", "1", *SLA[:6], "--highest", "nan/4"], "like 4/16 or 30m/6h"),
    (["client", "sla", "--client", "1", "--reset", *SLA],
     "give either --reset or the table's priorities, not both"),
    (["client", "plan", "--client", "9", *PLAN], "unknown client id 9"),
    (["client", "plan", "--client", "1", *PLAN, "--from", "2026-13"],
     "argument --from: expected a month like 2026-12 (YYYY-MM), got '2026-13'"),
    (["client", "plan", "--client", "1", *PLAN, "--from", "9999-12"],
     "argument --from: expected a month from 2000-01 to "),
    (["plan", "--client", "1", *PLAN, "--from", "1999-12"], "expected a month from 2000-01 to "),
    (["plan", "--client", "1", *PLAN, "--from", "december"], "like 2026-12 (YYYY-MM)"),
    (["client", "plan", "--client", "1", *PLAN, "--fee-free-months", "-1"],
     "argument --fee-free-months: expected a number of months from 0 to 120, got '-1'"),
    (["client", "plan", "--client", "1", *PLAN, "--base-fee", "2"],
     "argument --base-fee: not allowed with argument --fee"),
    (["client", "plan", "--client", "9", "--base-fee", "2", *PLAN[2:]], "unknown client id 9"),
    (["client", "edit", "--client", "1", "--emergency-rate", "дорого"],
     "argument --emergency-rate: expected whole roubles an hour or none, got 'дорого'"),
    (["client", "edit", "--client", "1", "--penalty", "500"],
     "argument --penalty: expected RUB per working hour overdue or per overdue ticket, "
     "like 500/hour or 1500/ticket, or none; got '500'"),
    (["client", "edit", "--client", "1", "--penalty", "500/day"], "like 500/hour or 1500/ticket"),
    (["client", "edit", "--client", "1", "--penalty", "0/hour"], "like 500/hour or 1500/ticket"),
    (["client", "edit", "--client", "1", "--penalty-cap", "150%"],
     "argument --penalty-cap: expected a share of the monthly fee above 0 and up to 100%, "
     "like 10% or 0.1, or none; got '150%'"),
    (["client", "edit", "--client", "1", "--penalty-cap", "10%"],
     "there is no penalty to cap: give --penalty too, like --penalty 500/hour"),
    (["client", "deactivate", "--client", "9", "--yes"], "unknown client id 9"),
    (["client", "deactivate"], "the following arguments are required: --client"),
]  # fmt: skip


def everything(path: Path) -> tuple:
    async def read(uow: UnitOfWork) -> tuple:
        clients = await uow.clients.list()
        changes = [await uow.clients.plan_changes(c.id or 0) for c in clients]
        return (repr(clients), repr(changes))

    return (*in_db(path, read), len(queued(path)))


@pytest.mark.parametrize(("argv", "message"), BAD_VALUES)
def test_a_bad_value_is_one_line_exit_2_and_nothing_written(cli, beta, argv, message):  # noqa: F811
    before = everything(beta)

    result = cli(*argv)

    assert result.code == 2
    assert len(result.err_lines) == 1, result.err
    assert message in result.err_lines[0]
    assert re.match(r"frontdesk admin[\w ]*: error: ", result.err_lines[0])
    assert result.out == ""
    assert everything(beta) == before
