-- Revision counters for caches of built tests (runner/cache.h): every write
-- through the store bumps the test's or the data table's counter in the
-- same transaction, so that each child of each server sees an edit on its
-- next request. `updated` is whole seconds and would miss two edits in one
-- second. See store/revision.h for changes made with SQL by hand.
ALTER TABLE test ADD COLUMN revision BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE data_table ADD COLUMN revision BIGINT DEFAULT 0 NOT NULL;
