"""The unit tests' common world: a Monday morning in Moscow, and a Gold client with its
personal manager, a first-line engineer, two employees and a director, in memory."""

from __future__ import annotations

import pytest

from domain import SlaTier, StaffRole
from domain.use_cases import accounts
from tests.unit.fakes import (
    COLLEAGUE_TG,
    DIRECTOR_TG,
    EMPLOYEE_TG,
    ENGINEER,
    MANAGER,
    FakeClock,
    FakeUnitOfWork,
    msk,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(msk(2026, 11, 23, 10, 0))  # Monday morning


@pytest.fixture
async def uow(clock: FakeClock) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    await accounts.add_staff(uow, clock, tg_id=ENGINEER, name="Иван", role=StaffRole.FIRST_LINE)
    await accounts.add_staff(uow, clock, tg_id=MANAGER, name="Мария", role=StaffRole.MANAGER)
    client = (
        await accounts.register_client(
            uow, clock, name="ООО Ромашка", tier=SlaTier.GOLD, manager_tg_id=MANAGER
        )
    ).value
    for tg_id, role in (
        (EMPLOYEE_TG, "employee"),
        (COLLEAGUE_TG, "employee"),
        (DIRECTOR_TG, "director"),
    ):
        invite = (await accounts.create_invite(uow, clock, client_id=client.id, role=role)).value
        await accounts.register_employee(
            uow, clock, code=invite.code, tg_id=tg_id, name=f"u{tg_id}"
        )
    return uow
