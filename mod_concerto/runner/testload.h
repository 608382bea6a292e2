/* The test a runner request runs, read and built from the database or
 * taken from this process's cache (cache.h) when the database's revisions
 * still match. Internal: for the runner's own files, not installed.
 *
 * A loaded test may be shared by the threads of a child at the same time:
 * it is read-only (see cc_loaded_test). */
#ifndef CC_RUNNER_TESTLOAD_H
#define CC_RUNNER_TESTLOAD_H

#include "core/json_pool.h"
#include "runner/assessment.h"
#include "runner/service.h"
#include "store/datatable.h"
#include "store/db.h"
#include "store/templates.h"

#include <apr_pools.h>
#include <json.h>

/* A test ready to run. When it comes from the process's cache (cache.h)
 * other threads use it at the same time: read only, and no
 * json_object_to_json_string on its objects (that writes inside them). */
typedef struct cc_loaded_test {
    long id;
    const char *slug;
    json_object *settings;
    const cc_assessment *assessment;
    const cc_datatable *responses;      /* NULL: no response table */
    json_object *response_columns;      /* logical -> actual column names, all strings */
    const cc_template_store *templates; /* its view templates, read with it */
} cc_loaded_test;

/* The test (native assessment, type 3) with its items loaded, by slug, or
 * by id when slug is NULL. 1 when *t is ready (the cache entry stays
 * referenced until pool goes); else 0 and out holds the refusal. */
int cc_load_test(cc_db *db, apr_pool_t *pool, const char *slug, long id, cc_loaded_test *t,
                 cc_run_result *out);

/* Exposure control's counts for the next pick, when the test's CAT asks
 * for them: t->assessment becomes a copy for this request (in pool). */
void cc_give_exposure_counts(cc_db *db, apr_pool_t *pool, cc_loaded_test *t, long now);

/* A string member of obj, else NULL (obj may be NULL). */
const char *cc_member(json_object *obj, const char *key);

/* The column of dt for a logical name: map's entry (map may be NULL),
 * else the name itself; -1 when dt has no such column. */
int cc_column_of(const cc_datatable *dt, json_object *map, const char *logical);

#endif
