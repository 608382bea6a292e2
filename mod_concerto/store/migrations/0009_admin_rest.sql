-- The admin REST API (issue 7, rest): accounts carry a revision like the
-- other top entities, so that an edit made from a stale page is refused
-- (409) instead of silently undoing another administrator's change.
ALTER TABLE concerto_user ADD COLUMN revision BIGINT DEFAULT 0 NOT NULL;
