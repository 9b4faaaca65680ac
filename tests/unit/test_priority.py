import pytest

from domain import Priority, RequestType, Scope, TicketKind, WorkImpact, assess_priority
from domain.errors import DomainError

INCIDENT = TicketKind.INCIDENT

MATRIX = [
    (WorkImpact.NOT_HINDERED, Scope.ME, Priority.LOW),
    (WorkImpact.NOT_HINDERED, Scope.SEVERAL, Priority.LOW),
    (WorkImpact.NOT_HINDERED, Scope.COMPANY, Priority.LOW),
    (WorkImpact.HAMPERED, Scope.ME, Priority.STANDARD),
    (WorkImpact.HAMPERED, Scope.SEVERAL, Priority.STANDARD),
    (WorkImpact.HAMPERED, Scope.COMPANY, Priority.STANDARD),
    (WorkImpact.BLOCKED, Scope.ME, Priority.HIGH),
    (WorkImpact.BLOCKED, Scope.SEVERAL, Priority.HIGHEST),
    (WorkImpact.BLOCKED, Scope.COMPANY, Priority.HIGHEST),
]


@pytest.mark.parametrize(("impact", "scope", "expected"), MATRIX)
def test_incident_priority_follows_the_matrix(impact, scope, expected):
    assert assess_priority(INCIDENT, impact=impact, scope=scope) is expected


def test_incident_answers_given_as_plain_strings_are_understood():
    assert assess_priority(INCIDENT, impact="blocked", scope="several") is Priority.HIGHEST


def test_service_request_is_standard_and_change_is_low():
    assert (
        assess_priority(TicketKind.REQUEST, request_type=RequestType.SERVICE) is Priority.STANDARD
    )
    assert assess_priority(TicketKind.REQUEST, request_type=RequestType.CHANGE) is Priority.LOW


def test_missing_answers_are_refused_not_guessed():
    with pytest.raises(DomainError):
        assess_priority(INCIDENT, impact=WorkImpact.BLOCKED)
    with pytest.raises(DomainError):
        assess_priority(TicketKind.REQUEST)


def test_enum_values_are_lowercase_strings():
    assert [p.value for p in Priority] == ["low", "standard", "high", "highest"]
    assert Priority.HIGHEST.rank > Priority.HIGH.rank > Priority.STANDARD.rank > Priority.LOW.rank
