/* The test a request runs: read and built from the database, or taken
 * from this process's cache when its version still matches. */
#include "runner/testload.h"

#include "core/log.h"
#include "runner/cache.h"
#include "runner/exposure.h"
#include "runner/service_internal.h"
#include "runner/view.h"
#include "store/datatable.h"
#include "store/starter.h"
#include "store/templates.h"

#include <apr_strings.h>
#include <json.h>
#include <stdlib.h>
#include <string.h>

/* What the cache keeps: the test and the tables and templates its version
 * covers. */
typedef struct built_test {
    cc_loaded_test t;
    const char *bank_table;
    const char *responses_table; /* NULL: none */
    const char **template_names;
    int n_templates;
} built_test;

/* A string member, else NULL (other types are not formatted: that would
 * write inside a test's shared settings). */
const char *cc_member(json_object *obj, const char *key)
{
    json_object *v = NULL;

    return (obj && json_object_object_get_ex(obj, key, &v) &&
            json_object_is_type(v, json_type_string))
               ? json_object_get_string(v)
               : NULL;
}

/* The actual column for a logical name: the map's entry, else the name. */
int cc_column_of(const cc_datatable *dt, json_object *map, const char *logical)
{
    const char *actual = cc_member(map, logical);
    int c;

    if (actual == NULL || *actual == '\0')
        actual = logical;
    for (c = 0; c < dt->ncols; c++)
        if (!strcmp(dt->cols[c].name, actual))
            return c;
    return -1;
}

static const char *cell(const cc_rows *rows, int r, int c)
{
    return c < 0 ? NULL : rows->values[r][c];
}

/* A copy of a {logical: actual} column map whose values are all strings,
 * so that reading it never writes inside it (json_object_get_string on a
 * number formats it into the object). */
static json_object *string_map(apr_pool_t *pool, json_object *map)
{
    json_object *copy;

    if (map == NULL || !json_object_is_type(map, json_type_object))
        return NULL;
    copy = cc_json_owned(pool, json_object_new_object());
    json_object_object_foreach(map, key, value)
    {
        const char *text = value ? json_object_get_string(value) : NULL;
        if (text)
            json_object_object_add(copy, key, json_object_new_string(text));
    }
    return copy;
}

static const char *or_dash(const char *text)
{
    return text ? text : "-";
}

/* The version of a cached test: the test's id and revision, each table's
 * id and revision (a table made again under its name has a new id) and
 * the state of its templates (cc_template_version_sql). One small query;
 * *version is NULL when the test is gone. */
static apr_status_t read_version(cc_db *db, apr_pool_t *pool, const char *slug, long id,
                                 const built_test *b, const char **version)
{
    cc_rows *rows = NULL;
    const char **args = apr_pcalloc(pool, sizeof(*args) * (size_t)(b->n_templates + 4));
    const char *const *v;
    apr_status_t rv;
    int k;

    *version = NULL;
    args[0] = b->bank_table;
    args[1] = b->responses_table;
    for (k = 0; k < b->n_templates; k++)
        args[2 + k] = b->template_names[k];
    args[k + 2] = slug ? slug : apr_ltoa(pool, id);
    args[k + 3] = apr_itoa(pool, CC_TEST_TYPE_ASSESSMENT);
    rv = cc_db_select(db, pool, &rows,
                      apr_pstrcat(pool,
                                  "SELECT t.id, t.revision, b.id, b.revision, r.id, r.revision, "
                                  "v.n, v.last_id, v.revisions "
                                  "FROM test t LEFT JOIN data_table b ON b.name = %s "
                                  "LEFT JOIN data_table r ON r.name = %s CROSS JOIN ",
                                  cc_template_version_sql(pool, b->n_templates),
                                  slug ? " v WHERE t.slug = %s AND t.type = %s"
                                       : " v WHERE t.id = %s AND t.type = %s",
                                  NULL),
                      b->n_templates + 4, args);
    if (rv != APR_SUCCESS || rows->nrows == 0)
        return rv;
    v = rows->values[0];
    *version =
        apr_psprintf(pool, "%s:%s/%s:%s/%s:%s/%s:%s:%s", v[0], v[1], or_dash(v[2]), or_dash(v[3]),
                     or_dash(v[4]), or_dash(v[5]), or_dash(v[6]), or_dash(v[7]), or_dash(v[8]));
    return APR_SUCCESS;
}

/* Builds the test (native assessment, type 3) with its items into keep;
 * temporary things go to pool. With want_version, *version covers what was
 * read: the revisions are read before the content they count, so that an
 * edit in between can only make the version look older than the content
 * (a needless rebuild), never newer. */
static int build_test(cc_db *db, apr_pool_t *pool, apr_pool_t *keep, const char *slug, long id,
                      int want_version, built_test *b, const char **version, cc_run_result *out)
{
    cc_loaded_test *t = &b->t;
    cc_rows *rows = NULL, *items = NULL;
    cc_datatable *dt = NULL;
    json_object *bank, *map, *responses = NULL;
    cc_assess_item_row *item_rows;
    cc_template_store *store;
    const char *table, *errmsg = NULL, *test_revision;
    const char *args[] = {slug ? slug : apr_ltoa(pool, id), apr_itoa(pool, CC_TEST_TYPE_ASSESSMENT),
                          NULL};
    int r, k;

    memset(b, 0, sizeof(*b));
    if (cc_db_select(db, pool, &rows,
                     slug ? "SELECT id, slug, settings, revision FROM test WHERE slug = %s AND "
                            "type = %s"
                          : "SELECT id, slug, settings, revision FROM test WHERE id = %s AND "
                            "type = %s",
                     2, args) != APR_SUCCESS)
        return cc_run_refuse(out, 503, CC_RUN_ERROR, "the test cannot be read from the database");
    if (rows->nrows == 0)
        return cc_run_refuse(out, 404, CC_RUN_TEST_NOT_FOUND, "there is no such test");
    t->id = strtol(rows->values[0][0], NULL, 10);
    t->slug = apr_pstrdup(keep, rows->values[0][1]);
    test_revision = rows->values[0][3];
    t->settings =
        cc_json_owned(keep, json_tokener_parse(rows->values[0][2] ? rows->values[0][2] : ""));
    if (t->settings == NULL)
        return cc_run_refuse(out, 500, CC_RUN_ERROR, "the test's settings are not valid JSON");
    if (!json_object_object_get_ex(t->settings, "itemBankTable", &bank) ||
        (table = cc_member(bank, "table")) == NULL)
        return cc_run_refuse(out, 500, CC_RUN_ERROR, "the test's settings name no item bank table");
    b->bank_table = table;
    map = json_object_object_get(bank, "columns");
    if (json_object_object_get_ex(t->settings, "responseBank", &responses))
        b->responses_table = cc_member(responses, "table");
    b->n_templates = cc_view_template_names(keep, t->settings, &b->template_names);
    if (want_version) {
        const char *others = NULL;
        if (read_version(db, pool, NULL, t->id, b, &others) != APR_SUCCESS)
            return cc_run_refuse(out, 503, CC_RUN_ERROR,
                                 "the test cannot be read from the database");
        if (others == NULL)
            return cc_run_refuse(out, 404, CC_RUN_TEST_NOT_FOUND, "there is no such test");
        /* the test's part as read with the settings, the rest as read now */
        *version =
            apr_pstrcat(pool, rows->values[0][0], ":", test_revision, strchr(others, '/'), NULL);
    }
    store = cc_template_store_make(db, keep);
    if (cc_template_store_preload(store, b->template_names, b->n_templates, &errmsg) != APR_SUCCESS)
        return cc_run_refuse(out, 500, CC_RUN_ERROR,
                             apr_psprintf(pool, "the page cannot be shown: %s", errmsg));
    t->templates = store;
    if (cc_datatable_describe(db, pool, table, &dt, &errmsg) != APR_SUCCESS ||
        cc_datatable_rows(db, pool, dt, 0, 10000, &items, &errmsg) != APR_SUCCESS)
        return cc_run_refuse(out, 500, CC_RUN_ERROR,
                             apr_psprintf(pool, "the item bank cannot be read: %s", errmsg));
    item_rows = apr_pcalloc(pool, sizeof(*item_rows) * (size_t)(items->nrows + 1));
    for (r = 0; r < items->nrows; r++) {
        cc_assess_item_row *row = &item_rows[r];
        row->id = cell(items, r, cc_column_of(dt, map, "id"));
        row->fixed_index = cell(items, r, cc_column_of(dt, map, "fixedIndex"));
        row->trait = cell(items, r, cc_column_of(dt, map, "trait"));
        row->question = cell(items, r, cc_column_of(dt, map, "question"));
        row->response_options = cell(items, r, cc_column_of(dt, map, "responseOptions"));
        row->skippable = cell(items, r, cc_column_of(dt, map, "skippable"));
        row->instructions = cell(items, r, cc_column_of(dt, map, "instructions"));
        row->item_set = cell(items, r, cc_column_of(dt, map, "itemSet"));
        /* p1 may be mapped; p2, p3, ... follow by name (as Concerto). */
        for (k = 0; k < CC_MAX_CAT + 2; k++) {
            int c = cc_column_of(dt, k == 0 ? map : NULL, apr_psprintf(pool, "p%d", k + 1));
            if (c < 0)
                break;
            row->p[k] = cell(items, r, c);
            row->n_p = k + 1;
        }
    }
    t->assessment = cc_assess_create(keep, json_object_to_json_string(t->settings), item_rows,
                                     items->nrows, &errmsg);
    if (t->assessment == NULL)
        return cc_run_refuse(out, 500, CC_RUN_ERROR,
                             apr_psprintf(pool, "the test cannot run: %s", errmsg));
    b->bank_table = apr_pstrdup(keep, b->bank_table);
    if (b->responses_table != NULL) {
        if (cc_datatable_describe(db, keep, b->responses_table, &dt, &errmsg) != APR_SUCCESS)
            return cc_run_refuse(
                out, 500, CC_RUN_ERROR,
                apr_psprintf(pool, "the response table cannot be read: %s", errmsg));
        b->responses_table = dt->name;
        t->responses = dt;
        t->response_columns = string_map(keep, json_object_object_get(responses, "columns"));
    }
    return 1;
}

/* Exposure control's counts for the next pick (a CAT that asks for
 * them). Without them the test goes on with every item available. */
void cc_give_exposure_counts(cc_db *db, apr_pool_t *pool, cc_loaded_test *t, long now)
{
    cc_exposure_counts counts;
    const char *errmsg = NULL;
    int item_col, session_col;

    if (t->responses == NULL || !cc_assess_wants_exposure(t->assessment))
        return;
    item_col = cc_column_of(t->responses, t->response_columns, "item_id");
    session_col = cc_column_of(t->responses, t->response_columns, "session_id");
    if (item_col < 0 || session_col < 0)
        return;
    if (cc_exposure_counts_get(
            cc_exposure_process_cache, db, pool, t->responses, t->responses->cols[item_col].name,
            t->responses->cols[session_col].name, now, &counts, &errmsg) != APR_SUCCESS) {
        cc_log(CC_LOG_MARK, CC_LOG_WARNING, 0,
               "test %s: exposure control is off for this request: %s", t->slug, errmsg);
        return;
    }
    /* A copy for this request: the built test may be shared by threads. */
    t->assessment = cc_assess_with_exposure(t->assessment, pool, counts.sessions, counts.item_ids,
                                            counts.counts, counts.n);
}

static apr_status_t release_cached(void *entry)
{
    cc_test_cache_release(entry);
    return APR_SUCCESS;
}

/* The test (native assessment, type 3) with its items loaded: from this
 * process's cache when the database's revisions still match, else built
 * (and cached). The entry stays referenced until pool goes. */
int cc_load_test(cc_db *db, apr_pool_t *pool, const char *slug, long id, cc_loaded_test *t,
                 cc_run_result *out)
{
    cc_test_cache *cache = cc_test_cache_process();
    cc_test_cache_entry *entry;
    const built_test *cached;
    built_test *b;
    const char *version = NULL;

    memset(t, 0, sizeof(*t));
    if (cache == NULL) {
        b = apr_palloc(pool, sizeof(*b));
        if (!build_test(db, pool, pool, slug, id, 0, b, NULL, out))
            return 0;
        *t = b->t;
        return 1;
    }
    entry = cc_test_cache_find(cache, db->source, slug, id);
    if (entry != NULL) {
        cached = cc_test_cache_entry_value(entry);
        if (read_version(db, pool, slug, id, cached, &version) == APR_SUCCESS && version &&
            !strcmp(version, cc_test_cache_entry_version(entry))) {
            apr_pool_cleanup_register(pool, entry, release_cached, apr_pool_cleanup_null);
            *t = cached->t;
            return 1;
        }
        cc_test_cache_release(entry);
    }
    if (cc_test_cache_prepare(cache, &entry) != APR_SUCCESS)
        return cc_run_refuse(out, 500, CC_RUN_ERROR, "out of memory");
    b = apr_palloc(cc_test_cache_entry_pool(entry), sizeof(*b));
    if (!build_test(db, pool, cc_test_cache_entry_pool(entry), slug, id, 1, b, &version, out)) {
        cc_test_cache_release(entry); /* out's message is in pool */
        return 0;
    }
    if (cc_log_is_enabled(CC_LOG_DEBUG))
        cc_log(CC_LOG_MARK, CC_LOG_DEBUG, APR_SUCCESS, "built test %s for the cache (version %s)",
               b->t.slug, version);
    cc_test_cache_publish(cache, entry, db->source, b->t.id, b->t.slug, version, b);
    apr_pool_cleanup_register(pool, entry, release_cached, apr_pool_cleanup_null);
    *t = b->t;
    return 1;
}
