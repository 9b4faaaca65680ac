-- 0007: nobody left in silence, nobody told twice.
--
-- follow_ups: what the timers sent about a ticket, once each: a status line to the employee
-- (key: the moment it fell due), a reminder of a question not answered or staff asked
-- whether to close it (key: when the wait began).
CREATE TABLE follow_ups (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind      TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    sent_at   TEXT    NOT NULL,
    PRIMARY KEY (ticket_id, kind, key)
) WITHOUT ROWID;

-- The personal manager's daily digest, once a day (recorded even when it was empty).
CREATE TABLE digests (
    manager_tg_id INTEGER NOT NULL,
    day           TEXT    NOT NULL,
    sent_at       TEXT    NOT NULL,
    PRIMARY KEY (manager_tg_id, day)
) WITHOUT ROWID;

CREATE INDEX ratings_by_time ON ratings (at);
