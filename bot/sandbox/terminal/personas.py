"""The demo company and the people of the sandbox, and their place in the database.
ООО «Ромашка» (Gold, Moscow calendar) with Анна (an employee), Anne (an employee who
speaks English), Елена (its director: /company and /report), Анна's colleagues Борис,
Вера and Глеб (a mass outage needs several) and Олег (a newcomer with an invitation),
and its office's group chat, bound to the company, where Семён, a colleague the bot does
not know yet, writes too; the front desk's Мария (the company's personal manager), Иван
(first line), Олег (second line, on duty at night and at weekends), Пётр (the lead) and
their staff chat. Each has a screen: `/as NAME` shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from pathlib import Path

from bot.sandbox.people import Group, Person
from bot.sandbox.server import BotApiEmulator
from domain import SlaTier, StaffRole
from domain.billing import START_PLAN
from domain.enums import EmployeeRole
from domain.knowledge import read_folder
from domain.ports import Clock, UnitOfWork
from domain.use_cases import accounts, after_hours, client_groups, knowledge

STAFF_CHAT_ID = -1001234567890
STAFF_CHAT_TITLE = "Поддержка · заявки"
OFFICE_GROUP_ID = -1001234500001
OFFICE_GROUP_TITLE = "Офис Ромашка"
OFFICE_GROUP_WHO = "the office's group chat, as Анна"
TIMEZONE = "Europe/Moscow"


@dataclass(frozen=True)
class Persona:
    screen: str  # /as SCREEN
    first_name: str
    username: str
    language: str
    who: str  # what they are: "the personal manager"
    last_name: str | None = None
    full_name: str = ""  # as registered with the front desk
    staff_role: StaffRole | None = None
    employee_role: EmployeeRole | None = None  # registered with the demo company


PERSONAS = (
    Persona(
        "employee",
        "Анна",
        "anna",
        "ru",
        "an employee",
        last_name="Петрова",
        full_name="Анна Петрова",
        employee_role=EmployeeRole.EMPLOYEE,
    ),
    Persona(
        "employee-en",
        "Anne",
        "anne",
        "en",
        "an employee who speaks English",
        last_name="Smith",
        full_name="Anne Smith",
        employee_role=EmployeeRole.EMPLOYEE,
    ),
    Persona("newcomer", "Олег", "oleg", "ru", "someone with an invitation"),
    Persona(
        "colleague",
        "Семён",
        "semen",
        "ru",
        "in the office's group chat, not registered yet",
        last_name="Котов",
    ),
    Persona(
        "manager",
        "Мария",
        "maria_pm",
        "ru",
        "the personal manager",
        full_name="Мария",
        staff_role=StaffRole.MANAGER,
    ),
    Persona(
        "engineer",
        "Иван",
        "ivan_l1",
        "ru",
        "first line",
        full_name="Иван",
        staff_role=StaffRole.FIRST_LINE,
    ),
    Persona(
        "duty",
        "Олег",
        "oleg_duty",
        "ru",
        "second line, on duty at night",
        full_name="Олег",
        staff_role=StaffRole.SECOND_LINE,
    ),
    Persona(
        "lead", "Пётр", "petr_lead", "ru", "the lead", full_name="Пётр", staff_role=StaffRole.LEAD
    ),
    Persona(
        "director",
        "Елена",
        "elena_director",
        "ru",
        "the company's director",
        last_name="Смирнова",
        full_name="Елена Смирнова",
        employee_role=EmployeeRole.DIRECTOR,
    ),
    # Colleagues of Анна: when the office's internet goes down, they write too.
    *(
        Persona(
            screen,
            first,
            username,
            "ru",
            who,
            last_name=last,
            full_name=f"{first} {last}",
            employee_role=EmployeeRole.EMPLOYEE,
        )
        for screen, first, last, username, who in (
            ("accountant", "Борис", "Кузнецов", "boris", "an accountant"),
            ("sales", "Вера", "Орлова", "vera", "a sales manager"),
            ("reception", "Глеб", "Соколов", "gleb", "the receptionist"),
        )
    ),
)
STAFF_CHAT_WHO = "the staff chat"
SCREEN_ORDER = (
    "employee",
    "employee-en",
    "director",
    "office-group",
    "colleague",
    "accountant",
    "sales",
    "reception",
    "newcomer",
    "manager",
    "engineer",
    "duty",
    "lead",
    "staff-chat",
)


def create_people(emulator: BotApiEmulator) -> tuple[dict[str, Person], Group]:
    """Everybody's Telegram account, and the staff chat with the staff in it."""
    people = {
        p.screen: emulator.create_user(
            p.first_name, last_name=p.last_name, username=p.username, language_code=p.language
        )
        for p in PERSONAS
    }
    staff = [people[p.screen] for p in PERSONAS if p.staff_role is not None]
    group = emulator.create_group(STAFF_CHAT_TITLE, members=staff, chat_id=STAFF_CHAT_ID)
    return people, group


def create_office_group(emulator: BotApiEmulator, people: dict[str, Person]) -> Group:
    """The office's own group chat: Анна, Елена and Семён, with the bot an admin there."""
    office = [people["employee"], people["director"], people["colleague"]]
    return emulator.create_group(OFFICE_GROUP_TITLE, members=office, chat_id=OFFICE_GROUP_ID)


async def seed(uow: UnitOfWork, clock: Clock, people: dict[str, Person]) -> str:
    """The front desk's staff and duty rota, the demo company and its registered people;
    the code of an invitation for the newcomer."""
    for persona in PERSONAS:
        if persona.staff_role is not None:
            await accounts.add_staff(
                uow,
                clock,
                tg_id=people[persona.screen].id,
                name=persona.full_name,
                role=persona.staff_role,
            )
    # Олег is on duty whenever the office is closed: weeknights, and from Saturday morning
    # to Monday morning (a weekend shift of 00:00-00:00 would leave Monday 00:00-09:00 open).
    for weekdays, starts, ends in (
        (frozenset(range(5)), time(18), time(9)),
        (frozenset({5, 6}), time(9), time(9)),
    ):
        await after_hours.add_weekly_duty(
            uow,
            staff_tg_id=people["duty"].id,
            weekdays=weekdays,
            starts=starts,
            ends=ends,
            timezone=TIMEZONE,
        )
    client = (
        await accounts.register_client(
            uow,
            clock,
            name="ООО «Ромашка»",
            tier=SlaTier.GOLD,
            timezone=TIMEZONE,
            country="RU",
            manager_tg_id=people["manager"].id,
            plan=START_PLAN,  # seed 003's "Старт": 20,000 a month, 10 hours included
        )
    ).value
    assert client.id is not None
    # an hour of a night emergency is paid apart from the plan, at its own rate
    await accounts.edit_client(uow, client_id=client.id, emergency_hour_rate=3_000)
    for persona in PERSONAS:
        if persona.employee_role is None:
            continue
        invite = await accounts.create_invite(
            uow, clock, client_id=client.id, role=persona.employee_role
        )
        person = people[persona.screen]
        await accounts.register_employee(
            uow,
            clock,
            code=invite.value.code,
            tg_id=person.id,
            name=persona.full_name,
            locale=persona.language,
            username=person.username,
        )
    # The office's group, bound by Елена with the code `frontdesk admin client group` gave.
    code = await client_groups.create_code(uow, clock, client_id=client.id)
    await client_groups.bind(
        uow,
        clock,
        code=code.value.code,
        chat_id=OFFICE_GROUP_ID,
        title=OFFICE_GROUP_TITLE,
        tg_id=people["director"].id,
    )
    # A few known fixes, suggested before a request is registered (bot/sandbox/kb)
    for source in read_folder(Path(__file__).parent.parent / "kb"):
        await knowledge.save_article(uow, clock, source.article, new=True)
    invite = await accounts.create_invite(
        uow, clock, client_id=client.id, role=EmployeeRole.EMPLOYEE, max_uses=5
    )
    return invite.value.code
