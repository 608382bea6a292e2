-- A revision counter for view templates, as 0004 for tests and data tables:
-- a cached test keeps its templates, and its version covers how many of
-- them exist, their largest id and the sum of their revisions
-- (store/templates.h cc_template_version_sql), so that each child sees an
-- added, deleted or edited template on its next request. See
-- store/revision.h for changes made with SQL by hand.
ALTER TABLE view_template ADD COLUMN revision BIGINT DEFAULT 0 NOT NULL;
