-- 0002_action_log: the tamper-evident action log (see gateway/src/audit).
-- Shipped: never edit this file; add a new numbered migration instead.
--
-- Append-only: an action is a 'begin' record written before it happens, optional 'progress'
-- records (e.g. the approval decision, the start of a tool run) and one 'complete' record
-- written after. Rows are never updated. Each row carries the SHA-256 of the row before it
-- (`prev_hash`) and of its own canonical contents plus `prev_hash` (`hash`), so an edit or a
-- deletion breaks the chain and `hearth log verify` names the first bad record.

CREATE TABLE action_log (
    seq             INTEGER PRIMARY KEY,        -- chain position: 1, 2, 3... never reused
    entry_id        TEXT    NOT NULL,           -- UUID v7 of the action (shared by its records)
    phase           TEXT    NOT NULL CHECK (phase IN ('begin', 'progress', 'complete')),
    at_ms           INTEGER NOT NULL,           -- when this record was written, ms since epoch
    kind            TEXT    NOT NULL,           -- model_call, tool_call, approval, key_use...
    actor           TEXT    NOT NULL,           -- who initiated (begin) or decided (progress)
    conversation_id TEXT,
    status          TEXT    NOT NULL,           -- pending (begin), a stage name, or the outcome
    summary         TEXT    NOT NULL,           -- one redacted line for people
    detail          TEXT    NOT NULL,           -- redacted JSON object
    duration_ms     INTEGER,                    -- 'complete' only
    prev_hash       TEXT    NOT NULL,           -- hex SHA-256 of the previous record
    hash            TEXT    NOT NULL            -- hex SHA-256 of this record (see audit/chain.rs)
);

CREATE UNIQUE INDEX action_log_one_begin_and_complete
    ON action_log (entry_id, phase) WHERE phase IN ('begin', 'complete');
CREATE INDEX action_log_by_entry ON action_log (entry_id, seq);
CREATE INDEX action_log_by_time ON action_log (at_ms);

-- The two ends of the chain: the anchor (hash of the last record removed by retention, so
-- pruning keeps verification green) and the head (the newest record, so deleting the newest
-- records is detected too). Exactly one row.
CREATE TABLE action_log_chain (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    anchor_seq  INTEGER NOT NULL,
    anchor_hash TEXT    NOT NULL,
    head_seq    INTEGER NOT NULL,
    head_hash   TEXT    NOT NULL
);

INSERT INTO action_log_chain (id, anchor_seq, anchor_hash, head_seq, head_hash) VALUES (
    1, 0, '0000000000000000000000000000000000000000000000000000000000000000',
    0, '0000000000000000000000000000000000000000000000000000000000000000'
);
