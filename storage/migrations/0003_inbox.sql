-- 0003: the inbox of long polling.
--
-- Each update taken from getUpdates is written here, in one transaction per batch, before
-- the next getUpdates confirms it to Telegram; it is handled from here, and a restart
-- handles again whatever is still here (the processed_updates mark, written in the
-- update's own transaction, drops the ones already handled). Rows are deleted once their
-- handling is over.
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    payload     TEXT    NOT NULL,   -- the update, as JSON in the Bot API's shape
    received_at TEXT    NOT NULL
);
