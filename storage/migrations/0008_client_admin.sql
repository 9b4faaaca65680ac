-- 0007: what an operator changes on a client's contract: its fixed specialist, its end,
-- and plans that change from a given month on.
--
-- A client's default assignee (seed 003: "always the same specialist") gets its new
-- tickets while on shift. deactivated_at is the end of the contract (NULL: active): no new
-- tickets, the history kept.
ALTER TABLE clients ADD COLUMN default_assignee_tg_id INTEGER;
ALTER TABLE clients ADD COLUMN deactivated_at TEXT;

-- A plan in force from a month on ('YYYY-MM', the client's calendar), until the next
-- change. The plan_* columns of clients stay the plan the contract started with, in force
-- before the first change; a change never rewrites the months before it.
CREATE TABLE client_plans (
    client_id       INTEGER NOT NULL REFERENCES clients (id),
    from_month      TEXT    NOT NULL CHECK (from_month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
    monthly_fee     INTEGER NOT NULL,
    hours_included  REAL    NOT NULL,
    extra_hour_rate INTEGER NOT NULL,
    reserve_cap     REAL    NOT NULL,
    set_at          TEXT    NOT NULL,
    PRIMARY KEY (client_id, from_month)
) WITHOUT ROWID;
