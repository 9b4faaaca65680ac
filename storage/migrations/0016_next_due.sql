-- 0016: each open ticket keeps its next due time, so that the SLA timers read only the
-- tickets falling due, not every overdue one.
--
-- next_due_at is the earliest of the ticket's SLA milestones (reaction and resolution
-- warnings and breaches) still ahead of it and not yet in sla_events; NULL for a ticket
-- that is closed, cancelled or has none left. The storage computes it again whenever
-- what it depends on changes (storage/repositories.py, NEXT_DUE: the same expression as
-- below). The refill and the start-up read tickets along tickets_next_due, in due order
-- and a page at a time. sla_events' uniqueness still keeps each milestone once.
ALTER TABLE tickets ADD COLUMN next_due_at TEXT;
UPDATE tickets SET next_due_at = CASE WHEN status NOT IN ('closed', 'cancelled') THEN (SELECT MIN(due) FROM (
        SELECT t.reaction_warning_at AS due FROM tickets t WHERE t.id = tickets.id AND t.first_response_at IS NULL AND NOT EXISTS (SELECT 1 FROM sla_events e WHERE e.ticket_id = t.id AND e.milestone = 'reaction_warning')
        UNION ALL
        SELECT t.reaction_due AS due FROM tickets t WHERE t.id = tickets.id AND (t.first_response_at IS NULL OR t.first_response_at > t.reaction_due) AND NOT EXISTS (SELECT 1 FROM sla_events e WHERE e.ticket_id = t.id AND e.milestone = 'reaction_breach')
        UNION ALL
        SELECT t.resolution_warning_at AS due FROM tickets t WHERE t.id = tickets.id AND t.status NOT IN ('closed', 'resolved') AND NOT EXISTS (SELECT 1 FROM sla_events e WHERE e.ticket_id = t.id AND e.milestone = 'resolution_warning')
        UNION ALL
        SELECT t.resolution_due AS due FROM tickets t WHERE t.id = tickets.id AND (t.status NOT IN ('closed', 'resolved') OR (t.status IN ('closed', 'resolved') AND t.resolved_at > t.resolution_due)) AND NOT EXISTS (SELECT 1 FROM sla_events e WHERE e.ticket_id = t.id AND e.milestone = 'resolution_breach')
    ) AS ahead) END
WHERE status NOT IN ('closed', 'cancelled');
CREATE INDEX tickets_next_due ON tickets (next_due_at, id) WHERE next_due_at IS NOT NULL;
