/* Starter content (conf/starter): data tables with their rows, view
 * templates and tests, loaded by `concertoctl setup --starter DIR`.
 * Objects that already exist (by name) are left as they are, so loading
 * again adds only what is missing and never overwrites an author's edits. */
#ifndef CC_STARTER_H
#define CC_STARTER_H

#include "db.h"

/* Test type of the native adaptive test (Concerto: 0 code, 1 wizard, 2 flow). */
#define CC_TEST_TYPE_ASSESSMENT 3

typedef struct cc_starter_report {
    int tables_created, tables_kept;
    long rows_imported;
    int templates_created, templates_kept;
    int tests_created, tests_kept;
} cc_starter_report;

/* Loads DIR/tests.json (format "mod_concerto-starter/1"), its tables' CSV
 * files and DIR/templates/templates.json. *errmsg names the file and what
 * is wrong. */
apr_status_t cc_starter_load(cc_db *db, apr_pool_t *pool, const char *dir, long now,
                             cc_starter_report *report, const char **errmsg);

#endif
