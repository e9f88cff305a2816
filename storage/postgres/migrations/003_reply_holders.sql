-- Several processes share the journal of replies: each entry names the
-- process that wrote it, and a process says it is alive every 20 s, so a
-- survivor recovers only the entries of processes that are gone.
ALTER TABLE replies ADD COLUMN holder text NOT NULL DEFAULT '';
CREATE TABLE processes (holder text PRIMARY KEY, seen timestamptz NOT NULL);
