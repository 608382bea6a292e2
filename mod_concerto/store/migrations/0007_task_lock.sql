-- Locks of the scheduled commands (concertoctl sessions clear, sessions log,
-- schedule tick; tasks/lock.h). Several servers sharing one database run
-- them from cron at the same minute: one claims the row with a conditional
-- UPDATE, the others see it taken. `expires` (Unix seconds) frees the lock
-- of a run that died. The rows exist from the start so that claiming never
-- needs an INSERT that could race.
CREATE TABLE task_lock (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    holder VARCHAR(255),
    expires BIGINT DEFAULT 0 NOT NULL
);

INSERT INTO task_lock (name, expires) VALUES ('sessions_clear', 0);
INSERT INTO task_lock (name, expires) VALUES ('sessions_log', 0);
INSERT INTO task_lock (name, expires) VALUES ('schedule_tick', 0);
