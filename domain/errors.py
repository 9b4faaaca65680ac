"""Domain errors: each carries a message a person can read, and a stable code the bot
can turn into a localised answer."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the front desk was broken; nothing was changed."""

    code = "domain_error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    """The thing does not exist, or it is not the asker's to see (the two look the same)."""

    code = "not_found"


class AccessDenied(DomainError):
    code = "access_denied"


class InvalidTransition(DomainError):
    """The ticket's state does not allow that step now."""

    code = "invalid_transition"


class InviteUnusable(DomainError):
    """The invite code is unknown, expired, revoked or used up (see `reason`)."""

    code = "invite_unusable"

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, reason=reason)
        self.reason = reason


class InvalidInput(DomainError):
    code = "invalid_input"


class AlreadyTaken(DomainError):
    """Somebody else has the ticket in work: it is handed over («Назначить»), not taken."""

    code = "already_taken"

    def __init__(self, message: str, holder_tg_id: int) -> None:
        super().__init__(message, holder=holder_tg_id)
        self.holder_tg_id = holder_tg_id


class ContractEnded(DomainError):
    """The client's contract has ended: no new tickets."""

    code = "contract_ended"
