-- 0014: the knowledge base: articles suggested before a request is registered, answers to
-- questions about the service, what the suggestions changed.
--
-- An article applies to every client (client_id NULL) or to one. A draft (from a solved
-- ticket) is never shown to clients until a lead publishes it. Its picture or file is kept
-- here, so that it goes wherever the database goes.
CREATE TABLE kb_articles (
    id              INTEGER PRIMARY KEY,
    slug            TEXT    NOT NULL UNIQUE,
    title           TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    categories      TEXT    NOT NULL DEFAULT '[]',  -- JSON list of Category values
    phrases         TEXT    NOT NULL DEFAULT '[]',  -- JSON list of strings
    client_id       INTEGER REFERENCES clients (id),
    status          TEXT    NOT NULL DEFAULT 'published',
    source_ticket   INTEGER REFERENCES tickets (id),
    attachment_name TEXT,
    attachment      BLOB,
    attachment_is_image INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT    NOT NULL
);

-- Self-help in the intake: an article that solved the problem (no ticket: a deflection),
-- or one the employee said did not help (shown on the ticket's card once registered).
CREATE TABLE kb_outcomes (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER REFERENCES kb_articles (id) ON DELETE SET NULL,
    title       TEXT    NOT NULL,  -- as suggested, should the article change or go
    client_id   INTEGER NOT NULL REFERENCES clients (id),
    employee_id INTEGER NOT NULL REFERENCES employees (id),
    helped      INTEGER NOT NULL CHECK (helped IN (0, 1)),
    intake_key  TEXT,               -- the intake it was suggested in: its ticket, if any
    at          TEXT    NOT NULL
);
CREATE INDEX kb_outcomes_by_client ON kb_outcomes (client_id, at) WHERE helped = 1;
CREATE INDEX kb_outcomes_by_intake ON kb_outcomes (intake_key) WHERE helped = 0;
