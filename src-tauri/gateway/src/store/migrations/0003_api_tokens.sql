-- 0003_api_tokens: client tokens of the local API (see gateway/src/server/tokens.rs).
-- Shipped: never edit this file; add a new numbered migration instead.
--
-- Only the SHA-256 of a token is kept: the token itself is shown once, when it is created.
-- Revoking a token deletes its row (the action log keeps the history of its use).

CREATE TABLE api_tokens (
    name       TEXT    PRIMARY KEY,          -- the client's name, shown in the action log
    hash       TEXT    NOT NULL UNIQUE,      -- hex SHA-256 of the whole token
    prefix     TEXT    NOT NULL,             -- the first characters, to recognise it in lists
    models     TEXT    NOT NULL,             -- JSON array of glob patterns; [] = every model
    record     INTEGER NOT NULL DEFAULT 0,   -- 1 = requests are also kept as conversations
    created_at INTEGER NOT NULL              -- ms since the epoch
);
