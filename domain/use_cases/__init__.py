"""The use cases of the front desk, by subject. Each takes a unit of work (and a clock when
time matters), changes the model through the repositories, and returns the domain events
it caused in an `Outcome` (common.py). None commits: the caller's unit of work does, so the
change and what must be told about it land together.

- accounts: client companies and plans, invites, employees, staff; taking access away
- intake: a new ticket from the employee's draft, and the deadlines it promises
- employee_tickets: what the employee does with their tickets afterwards, and where a
  message they type goes
- staff_tickets: what staff do with a ticket, from taking it to resolving it
- after_hours: acknowledging a page of the on-duty engineer, and the duty rota
- sla_checks: the timers' check that records SLA warnings and breaches as they fall due
- follow_ups: status lines and reminders as they fall due, the managers' daily digests, and
  the answers to a reminder (no longer needed; close it or keep waiting)
"""
