/* Revision counters of tests and data tables (migration 0004) and of view
 * templates (0005). A cache of something built from a test's settings, a
 * data table's rows and columns or a view template (runner/cache.h) keeps the revisions it was
 * built at and compares them on each use; every write through the store bumps the counter in the
 * same transaction as the change, after it.
 *
 * A change made with SQL by hand, outside the store, is not seen by running
 * servers until the counter is bumped, e.g.
 *   UPDATE data_table SET revision = revision + 1 WHERE name = 'demo_cat_items';
 *   UPDATE test SET revision = revision + 1 WHERE slug = 'demo-cat';
 *   UPDATE view_template SET revision = revision + 1 WHERE name = 'cc-item';
 * (or until every child has restarted: apachectl graceful). */
#ifndef CC_REVISION_H
#define CC_REVISION_H

#include "db.h"

/* The data table registered as name (no error when there is none). */
apr_status_t cc_revision_bump_table(cc_db *db, apr_pool_t *pool, const char *name);

/* The test with this id. */
apr_status_t cc_revision_bump_test(cc_db *db, apr_pool_t *pool, long test_id);

/* The view template called name, after an edit of its head, html, css or
 * js, or a rename (bumped under its new name: two templates swapping names
 * leave the count and largest id alike). A template added or deleted needs
 * no bump (cc_template_version_sql counts them). */
apr_status_t cc_revision_bump_template(cc_db *db, apr_pool_t *pool, const char *name);

#endif
