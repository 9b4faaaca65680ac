"""Who is behind an update: an unknown person, a client's employee, staff, or an admin."""

from __future__ import annotations

from dataclasses import dataclass

from domain.enums import StaffRole
from domain.model import Client, Employee, Staff


@dataclass(frozen=True, slots=True)
class Actor:
    tg_id: int
    employee: Employee | None = None
    client: Client | None = None
    staff: Staff | None = None
    is_admin: bool = False

    @property
    def is_employee(self) -> bool:
        return (
            self.employee is not None
            and self.employee.active
            and (self.client is None or self.client.active)
        )

    @property
    def is_former_client(self) -> bool:
        """An employee of a company whose contract has ended: they may file nothing more."""
        return (
            self.employee is not None
            and self.employee.active
            and self.client is not None
            and not self.client.active
        )

    @property
    def is_staff(self) -> bool:
        return self.staff is not None and self.staff.active

    @property
    def is_known(self) -> bool:
        return self.is_employee or self.is_staff or self.is_admin

    @property
    def locale(self) -> str | None:
        if self.employee is not None and self.employee.locale:
            return self.employee.locale
        if self.staff is not None and self.staff.locale:
            return self.staff.locale
        return None

    @property
    def is_lead(self) -> bool:
        staff = self.staff if self.is_staff else None
        return staff is not None and staff.role in (StaffRole.LEAD, StaffRole.ADMIN)
