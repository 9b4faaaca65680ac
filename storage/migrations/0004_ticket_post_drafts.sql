-- 0004: a ticket's card on its way to the staff chat.
--
-- Written before the card is sent (with the forum topic as soon as it is created), and
-- removed in the transaction that records the card in ticket_posts. A row found here when
-- the card is posted again means an earlier attempt died on the way: its topic is used
-- rather than a new one created.
CREATE TABLE ticket_post_drafts (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    chat_id   INTEGER NOT NULL,
    thread_id INTEGER
);
