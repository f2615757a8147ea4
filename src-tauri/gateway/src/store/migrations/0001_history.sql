-- 0001_history: conversations, messages as a tree, full-text search.
-- Shipped: never edit this file; add a new numbered migration instead.

-- 'HRTH': marks the file as Hearth's so another application's database is never touched.
PRAGMA application_id = 1213355080;

CREATE TABLE conversations (
    seq          INTEGER PRIMARY KEY,           -- stable integer key (FTS rowid)
    id           TEXT    NOT NULL UNIQUE,       -- UUID v7
    title        TEXT    NOT NULL DEFAULT '',   -- '' until derived from the first user message
    created_at   INTEGER NOT NULL,              -- ms since the Unix epoch, UTC
    updated_at   INTEGER NOT NULL,
    pinned       INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    archived     INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    deleted_at   INTEGER,                       -- in the trash since; NULL when not trashed
    current_leaf TEXT                           -- id of the message at the tip of the shown branch
);

CREATE INDEX conversations_by_recency ON conversations (deleted_at, archived, updated_at);

CREATE TABLE messages (
    seq             INTEGER PRIMARY KEY,        -- stable integer key (FTS rowid), insertion order
    id              TEXT    NOT NULL UNIQUE,    -- UUID v7
    conversation_id TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    parent_id       TEXT    REFERENCES messages (id) ON DELETE CASCADE,
    role            TEXT    NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
    blocks          TEXT    NOT NULL,           -- JSON array of conversation::Block
    provider        TEXT,
    model           TEXT,
    usage           TEXT,                       -- JSON conversation::Usage
    cost_usd        REAL,
    status          TEXT    NOT NULL
        CHECK (status IN ('complete', 'streaming', 'interrupted', 'error', 'cancelled')),
    error           TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

CREATE INDEX messages_by_conversation ON messages (conversation_id, seq);
CREATE INDEX messages_by_parent ON messages (parent_id);
CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming';

-- Full-text search over the plain text of messages (text, reasoning, tool results) and titles.
CREATE VIRTUAL TABLE message_fts USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE conversation_fts USING fts5 (title, tokenize = 'unicode61 remove_diacritics 2');

-- The indexed text of a message: its text, reasoning and tool-result blocks, one per line
-- (the same as conversation::Block::plain_text). An answer still streaming is indexed when it
-- ends (finish, or recovery to 'interrupted'), so flushing deltas stays cheap.
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
WHEN new.status <> 'streaming' BEGIN
    INSERT INTO message_fts (rowid, body)
    SELECT new.seq, group_concat(coalesce(b.value ->> '$.text', b.value ->> '$.content'), char(10))
    FROM json_each(new.blocks) AS b
    WHERE b.value ->> '$.type' IN ('text', 'reasoning', 'tool_result');
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF blocks, status ON messages
WHEN new.status <> 'streaming' OR old.status <> 'streaming' BEGIN
    DELETE FROM message_fts WHERE rowid = old.seq;
    INSERT INTO message_fts (rowid, body)
    SELECT new.seq, group_concat(coalesce(b.value ->> '$.text', b.value ->> '$.content'), char(10))
    FROM json_each(new.blocks) AS b
    WHERE new.status <> 'streaming' AND b.value ->> '$.type' IN ('text', 'reasoning', 'tool_result');
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_fts WHERE rowid = old.seq;
END;

CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversation_fts (rowid, title) VALUES (new.seq, new.title);
END;

CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
    DELETE FROM conversation_fts WHERE rowid = old.seq;
    INSERT INTO conversation_fts (rowid, title) VALUES (new.seq, new.title);
END;

CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
    DELETE FROM conversation_fts WHERE rowid = old.seq;
END;
