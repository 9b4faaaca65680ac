"""A client's own group chat: the one-time code, binding the group with it, the bot removed
from it, the group become a supergroup, and a member who joins by writing there."""

from __future__ import annotations

from datetime import timedelta

from domain import events as ev
from domain.enums import EmployeeRole
from domain.errors import AccessDenied, InvalidInput, InviteUnusable
from domain.group_chat import ClientGroup, GroupCode, may_bind
from domain.model import Employee
from domain.ports import Clock, UnitOfWork
from domain.use_cases.accounts import new_invite_code
from domain.use_cases.common import Outcome, clean_text, get_client

CODE_VALID_FOR = timedelta(days=1)


async def create_code(
    uow: UnitOfWork, clock: Clock, *, client_id: int, valid_for: timedelta = CODE_VALID_FOR
) -> Outcome[GroupCode]:
    """A one-time code that binds one group to the client within `valid_for`."""
    client = await get_client(uow, client_id)
    if not client.active:
        raise InvalidInput("the client's contract has ended", field="client")
    if valid_for <= timedelta(0):
        raise InvalidInput("a code must be valid for some time", field="expires")
    now = clock.now()
    code = GroupCode(
        code=new_invite_code(), client_id=client_id, expires_at=now + valid_for, created_at=now
    )
    return Outcome(await uow.client_groups.add_code(code))


async def bind(
    uow: UnitOfWork, clock: Clock, *, code: str, chat_id: int, title: str, tg_id: int
) -> Outcome[ClientGroup]:
    """`/bind CODE` in a group: by the client's director or personal manager, the group
    becomes the client's; the code is used up. A wrong person uses nothing up."""
    found = await uow.client_groups.code(code.strip()) if code.strip() else None
    if found is None:
        raise InviteUnusable("this code is unknown", reason="unknown")
    now = clock.now()
    client = await uow.clients.get(found.client_id)
    reason = found.unusable_reason(now) or (None if client and client.active else "expired")
    if reason is not None:
        raise InviteUnusable(f"this code is {reason}", reason=reason)
    assert client is not None
    employee = await uow.employees.by_tg_id(tg_id)
    staff = await uow.staff.get(tg_id)
    director = (
        employee is not None
        and employee.active
        and employee.client_id == client.id
        and employee.is_director
    )
    manager = staff is not None and staff.active and client.manager_tg_id == tg_id
    if not may_bind(is_director_of_client=director, is_manager_of_client=manager):
        raise AccessDenied("only the company's director or personal manager binds a group")
    existing = await uow.client_groups.get(chat_id)
    if existing is not None and existing.active and existing.client_id != client.id:
        raise InvalidInput("this group is bound to another company", field="group")
    group = ClientGroup(
        chat_id=chat_id,
        client_id=found.client_id,
        title=clean_text(title, limit=200, what="title", allow_empty=True),
        bound_by_tg_id=tg_id,
        bound_at=now,
    )
    await uow.client_groups.save(group)
    found.used_at, found.used_in_chat_id = now, chat_id
    await uow.client_groups.update_code(found)
    return Outcome(group)


async def bot_removed(uow: UnitOfWork, *, chat_id: int) -> Outcome[ClientGroup | None]:
    """The bot was removed from the group: its binding stays on record, inactive (a new
    code binds it again)."""
    group = await uow.client_groups.get(chat_id)
    if group is not None and group.active:
        group.active = False
        await uow.client_groups.save(group)
    return Outcome(group)


async def migrated(uow: UnitOfWork, *, old_chat_id: int, new_chat_id: int) -> Outcome[bool]:
    """The group became a supergroup (a new chat id): its binding follows it."""
    return Outcome(await uow.client_groups.move(old_chat_id, new_chat_id))


async def join(
    uow: UnitOfWork,
    clock: Clock,
    *,
    group: ClientGroup,
    tg_id: int,
    name: str,
    username: str | None = None,
    locale: str | None = None,
) -> Outcome[Employee]:
    """A member of a bound group, unknown to the bot, registers as an employee of its
    client by asking there: the group's membership is the invitation."""
    client = await get_client(uow, group.client_id)
    if not client.active or not group.active:
        raise InvalidInput("the group takes no requests", field="group")
    existing = await uow.employees.by_tg_id(tg_id)
    if existing is not None and existing.active:
        raise InvalidInput("already registered", field="employee")
    now = clock.now()
    employee = Employee(
        client_id=client.id or 0,
        tg_id=tg_id,
        name=clean_text(name, limit=200, what="name", allow_empty=True) or str(tg_id),
        role=EmployeeRole.EMPLOYEE,
        locale=locale,
        username=username,
        created_at=now,
    )
    if existing is not None:  # was with another company once
        employee.id = existing.id
        await uow.employees.update(employee)
    else:
        employee = await uow.employees.add(employee)
    assert employee.id is not None
    await uow.client_groups.add_member(employee.id, tg_id, group.chat_id, now)
    return Outcome(employee, (ev.EmployeeRegistered(employee.client_id, employee.id),))
