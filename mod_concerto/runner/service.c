#include "service.h"

#include "core/log.h"
#include "core/random.h"
#include "core/token.h"
#include "core/log.h"
#include "core/multipart.h"
#include "runner/assessment.h"
#include "runner/view.h"
#include "runner/exposure.h"
#include "runner/cache.h"
#include "store/datatable.h"
#include "store/secret.h"
#include "store/sessions.h"
#include "store/starter.h"
#include "store/templates.h"

#include <apr_file_io.h>
#include <apr_strings.h>
#include <json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RUNNER_PURPOSE "runner"

/* A test ready to run. When it comes from the process's cache (cache.h)
 * other threads use it at the same time: read only, and no
 * json_object_to_json_string on its objects (that writes inside them). */
typedef struct loaded_test {
    long id;
    const char *slug;
    json_object *settings;
    const cc_assessment *assessment;
    const cc_datatable *responses;      /* NULL: no response table */
    json_object *response_columns;      /* logical -> actual column names, all strings */
    const cc_template_store *templates; /* its view templates, read with it */
} loaded_test;

/* What the cache keeps: the test and the tables and templates its version
 * covers. */
typedef struct built_test {
    loaded_test t;
    const char *bank_table;
    const char *responses_table; /* NULL: none */
    const char **template_names;
    int n_templates;
} built_test;

static apr_status_t json_cleanup(void *data)
{
    json_object_put(data);
    return APR_SUCCESS;
}

static json_object *owned(apr_pool_t *pool, json_object *obj)
{
    if (obj)
        apr_pool_cleanup_register(pool, obj, json_cleanup, apr_pool_cleanup_null);
    return obj;
}

/* A string member, else NULL (other types are not formatted: that would
 * write inside a test's shared settings). */
static const char *member(json_object *obj, const char *key)
{
    json_object *v = NULL;

    return (obj && json_object_object_get_ex(obj, key, &v) &&
            json_object_is_type(v, json_type_string))
               ? json_object_get_string(v)
               : NULL;
}

static int refuse(cc_run_result *out, int http_status, int code, const char *message)
{
    out->http_status = http_status;
    out->code = code;
    out->message = message;
    out->json = NULL;
    return 0;
}

/* The actual column for a logical name: the map's entry, else the name. */
static int column_of(const cc_datatable *dt, json_object *map, const char *logical)
{
    const char *actual = member(map, logical);
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
    copy = owned(pool, json_object_new_object());
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
    loaded_test *t = &b->t;
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
        return refuse(out, 503, CC_RUN_ERROR, "the test cannot be read from the database");
    if (rows->nrows == 0)
        return refuse(out, 404, CC_RUN_TEST_NOT_FOUND, "there is no such test");
    t->id = strtol(rows->values[0][0], NULL, 10);
    t->slug = apr_pstrdup(keep, rows->values[0][1]);
    test_revision = rows->values[0][3];
    t->settings = owned(keep, json_tokener_parse(rows->values[0][2] ? rows->values[0][2] : ""));
    if (t->settings == NULL)
        return refuse(out, 500, CC_RUN_ERROR, "the test's settings are not valid JSON");
    if (!json_object_object_get_ex(t->settings, "itemBankTable", &bank) ||
        (table = member(bank, "table")) == NULL)
        return refuse(out, 500, CC_RUN_ERROR, "the test's settings name no item bank table");
    b->bank_table = table;
    map = json_object_object_get(bank, "columns");
    if (json_object_object_get_ex(t->settings, "responseBank", &responses))
        b->responses_table = member(responses, "table");
    b->n_templates = cc_view_template_names(keep, t->settings, &b->template_names);
    if (want_version) {
        const char *others = NULL;
        if (read_version(db, pool, NULL, t->id, b, &others) != APR_SUCCESS)
            return refuse(out, 503, CC_RUN_ERROR, "the test cannot be read from the database");
        if (others == NULL)
            return refuse(out, 404, CC_RUN_TEST_NOT_FOUND, "there is no such test");
        /* the test's part as read with the settings, the rest as read now */
        *version =
            apr_pstrcat(pool, rows->values[0][0], ":", test_revision, strchr(others, '/'), NULL);
    }
    store = cc_template_store_make(db, keep);
    if (cc_template_store_preload(store, b->template_names, b->n_templates, &errmsg) != APR_SUCCESS)
        return refuse(out, 500, CC_RUN_ERROR,
                      apr_psprintf(pool, "the page cannot be shown: %s", errmsg));
    t->templates = store;
    if (cc_datatable_describe(db, pool, table, &dt, &errmsg) != APR_SUCCESS ||
        cc_datatable_rows(db, pool, dt, 0, 10000, &items, &errmsg) != APR_SUCCESS)
        return refuse(out, 500, CC_RUN_ERROR,
                      apr_psprintf(pool, "the item bank cannot be read: %s", errmsg));
    item_rows = apr_pcalloc(pool, sizeof(*item_rows) * (size_t)(items->nrows + 1));
    for (r = 0; r < items->nrows; r++) {
        cc_assess_item_row *row = &item_rows[r];
        row->id = cell(items, r, column_of(dt, map, "id"));
        row->fixed_index = cell(items, r, column_of(dt, map, "fixedIndex"));
        row->trait = cell(items, r, column_of(dt, map, "trait"));
        row->question = cell(items, r, column_of(dt, map, "question"));
        row->response_options = cell(items, r, column_of(dt, map, "responseOptions"));
        row->skippable = cell(items, r, column_of(dt, map, "skippable"));
        row->instructions = cell(items, r, column_of(dt, map, "instructions"));
        row->item_set = cell(items, r, column_of(dt, map, "itemSet"));
        /* p1 may be mapped; p2, p3, ... follow by name (as Concerto). */
        for (k = 0; k < CC_MAX_CAT + 2; k++) {
            int c = column_of(dt, k == 0 ? map : NULL, apr_psprintf(pool, "p%d", k + 1));
            if (c < 0)
                break;
            row->p[k] = cell(items, r, c);
            row->n_p = k + 1;
        }
    }
    t->assessment = cc_assess_create(keep, json_object_to_json_string(t->settings), item_rows,
                                     items->nrows, &errmsg);
    if (t->assessment == NULL)
        return refuse(out, 500, CC_RUN_ERROR,
                      apr_psprintf(pool, "the test cannot run: %s", errmsg));
    b->bank_table = apr_pstrdup(keep, b->bank_table);
    if (b->responses_table != NULL) {
        if (cc_datatable_describe(db, keep, b->responses_table, &dt, &errmsg) != APR_SUCCESS)
            return refuse(out, 500, CC_RUN_ERROR,
                          apr_psprintf(pool, "the response table cannot be read: %s", errmsg));
        b->responses_table = dt->name;
        t->responses = dt;
        t->response_columns = string_map(keep, json_object_object_get(responses, "columns"));
    }
    return 1;
}

/* Exposure control's counts for the next pick (a CAT that asks for
 * them). Without them the test goes on with every item available. */
static void give_exposure_counts(cc_db *db, apr_pool_t *pool, loaded_test *t, long now)
{
    cc_exposure_counts counts;
    const char *errmsg = NULL;
    int item_col, session_col;

    if (t->responses == NULL || !cc_assess_wants_exposure(t->assessment))
        return;
    item_col = column_of(t->responses, t->response_columns, "item_id");
    session_col = column_of(t->responses, t->response_columns, "session_id");
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
static int load_test(cc_db *db, apr_pool_t *pool, const char *slug, long id, loaded_test *t,
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
        return refuse(out, 500, CC_RUN_ERROR, "out of memory");
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

static json_object *number_or_null(double v)
{
    return isfinite(v) ? json_object_new_double(v) : NULL;
}

/* {code, data:{templateParams, lastSubmitId}, hash, token, timeLimit}: the
 * answer without its page, as the session keeps it for a repeated submit. */
static const char *answer_json(apr_pool_t *pool, const cc_assess_page *page, const char *hash,
                               const char *token, const char *submit_id)
{
    json_object *root = json_object_new_object(), *data = json_object_new_object(),
                *params = json_object_new_object(), *th = json_object_new_array(),
                *se = json_object_new_array();
    const char *text;
    int k;

    json_object_object_add(params, "items", json_tokener_parse(page->items_json));
    json_object_object_add(params, "page", json_object_new_int(page->page));
    json_object_object_add(params, "answered", json_object_new_int(page->answered));
    json_object_object_add(params, "maxItems", json_object_new_int(page->max_items));
    json_object_object_add(params, "canGoBack", json_object_new_boolean(page->can_go_back));
    json_object_object_add(params, "timeLeft", json_object_new_int(page->time_left));
    json_object_object_add(params, "theta", number_or_null(page->theta));
    json_object_object_add(params, "sem", number_or_null(page->sem));
    json_object_object_add(params, "totalScore", json_object_new_double(page->total_score));
    if (page->stop_reason)
        json_object_object_add(params, "stopReason", json_object_new_string(page->stop_reason));
    for (k = 0; k < page->n_history; k++) {
        json_object_array_add(th, number_or_null(page->theta_history[k]));
        json_object_array_add(se, number_or_null(page->sem_history[k]));
    }
    json_object_object_add(params, "thetaHistory", th);
    json_object_object_add(params, "semHistory", se);
    json_object_object_add(data, "templateParams", params);
    json_object_object_add(data, "lastSubmitId",
                           submit_id ? json_object_new_string(submit_id) : NULL);
    json_object_object_add(root, "code",
                           json_object_new_int(page->finished ? CC_RUN_FINISHED : CC_RUN_VIEW));
    json_object_object_add(root, "data", data);
    json_object_object_add(root, "hash", json_object_new_string(hash));
    json_object_object_add(root, "token", json_object_new_string(token));
    json_object_object_add(root, "timeLimit",
                           json_object_new_int(page->time_left > 0 ? page->time_left : 0));
    text = apr_pstrdup(pool, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
    return text;
}

/* The test's templates for this request: those read with the test, and
 * any other a template embeds ({{template:NAME}}) read now. */
static void template_source(cc_db *db, apr_pool_t *pool, const loaded_test *t, cc_view_source *src)
{
    src->lookup = cc_template_store_lookup;
    src->baton = cc_template_store_make_on(db, pool, t->templates);
}

/* Adds the rendered page to an answer: data.templateHtml, templateCss,
 * templateJs and templateHead (as Concerto sends them). */
static int with_view(cc_db *db, apr_pool_t *pool, const loaded_test *t, const cc_assess_page *page,
                     const char *alert, const char *answer, int code, const char **out_json,
                     cc_run_result *out)
{
    cc_view_source src;
    cc_template view;
    json_object *root, *data = NULL;
    const char *errmsg = NULL;

    template_source(db, pool, t, &src);
    if ((page ? cc_view_page(pool, t->settings, page, alert, &src, &view, &errmsg)
              : cc_view_intro(pool, t->settings, &src, &view, &errmsg)) != APR_SUCCESS)
        return refuse(out, 500, CC_RUN_ERROR,
                      apr_psprintf(pool, "the page cannot be shown: %s", errmsg));
    root = owned(pool, json_tokener_parse(answer));
    if (root == NULL || !json_object_object_get_ex(root, "data", &data))
        return refuse(out, 500, CC_RUN_ERROR, "the stored answer cannot be read");
    json_object_object_add(data, "templateHtml", json_object_new_string(view.html));
    json_object_object_add(data, "templateCss", json_object_new_string(view.css));
    json_object_object_add(data, "templateJs", json_object_new_string(view.js));
    json_object_object_add(data, "templateHead", json_object_new_string(view.head));
    json_object_object_add(root, "code", json_object_new_int(code));
    *out_json = apr_pstrdup(pool, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    return 1;
}

/* A whole answer: code, page, new token. */
static int page_answer(cc_db *db, apr_pool_t *pool, const loaded_test *t,
                       const cc_assess_page *page, const char *alert, int code, const char *hash,
                       const char *token, const char *submit_id, cc_run_result *out)
{
    const char *json = NULL;

    if (!with_view(db, pool, t, page, alert, answer_json(pool, page, hash, token, submit_id), code,
                   &json, out))
        return 0;
    out->http_status = 200;
    out->code = code;
    out->json = json;
    return 1;
}

/* The token signing key, from this process's cache when it has it: it is
 * read from the database once per child and database. */
static apr_status_t token_key(cc_db *db, apr_pool_t *pool, cc_token_key *key, const char **errmsg)
{
    cc_test_cache *cache = cc_test_cache_process();
    apr_status_t rv;

    if (cache && cc_test_cache_token_key(cache, db->source, key))
        return APR_SUCCESS;
    rv = cc_secret_token_key(db, pool, key, errmsg);
    if (rv == APR_SUCCESS && cache)
        cc_test_cache_keep_token_key(cache, db->source, key);
    return rv;
}

static int sign_token(apr_pool_t *pool, const cc_token_key *key, const char *hash, long now,
                      const char **token, cc_run_result *out)
{
    cc_token_claims claims;
    const char *errmsg = NULL;

    memset(&claims, 0, sizeof(claims));
    claims.session_hash = hash;
    claims.purpose = RUNNER_PURPOSE;
    claims.issued_at = apr_time_from_sec(now);
    claims.expires_at = apr_time_from_sec(now + CC_TOKEN_DEFAULT_LIFETIME);
    if (cc_token_sign(pool, key, &claims, token, &errmsg) != APR_SUCCESS)
        return refuse(out, 500, CC_RUN_ERROR, errmsg);
    return 1;
}

/* The session row the idle check read (cc_run_expire_idle), handed once
 * to the same request's next open_session instead of a second read. */
#define SESSION_READ_KEY "concerto_runner_session_read"

static void keep_session_read(apr_pool_t *pool, cc_session *s)
{
    apr_pool_userdata_setn(s, SESSION_READ_KEY, NULL, pool);
}

static cc_session *take_session_read(apr_pool_t *pool, const char *hash)
{
    void *data = NULL;

    apr_pool_userdata_get(&data, SESSION_READ_KEY, pool);
    if (data == NULL)
        return NULL;
    apr_pool_userdata_setn(NULL, SESSION_READ_KEY, NULL, pool);
    return !strcmp(((cc_session *)data)->hash, hash) ? data : NULL;
}

/* Token and session checks shared by every request after the start;
 * check (may be NULL) gets the token's claims. */
static int open_session_checked(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                                long now, cc_token_key *key, cc_session **s, cc_run_result *out,
                                cc_token_check *check_out)
{
    cc_token_check local = {0}, *check = check_out ? check_out : &local;
    cc_session *kept = take_session_read(pool, hash);
    const char *errmsg = NULL;
    apr_status_t rv;

    memset(out, 0, sizeof(*out));
    if (token_key(db, pool, key, &errmsg) != APR_SUCCESS)
        return refuse(out, 503, CC_RUN_ERROR, errmsg);
    if (token == NULL || cc_token_verify(pool, key, token, hash, RUNNER_PURPOSE,
                                         apr_time_from_sec(now), check) != CC_TOKEN_VALID)
        return refuse(out, 403, CC_RUN_SESSION_LOST,
                      token ? "this session's access has expired or is not valid; please start "
                              "again"
                            : "a token is required");
    *s = kept;
    rv = kept ? APR_SUCCESS : cc_session_load(db, pool, hash, s);
    if (rv == APR_NOTFOUND)
        return refuse(out, 404, CC_RUN_SESSION_LOST, "there is no such session");
    if (rv != APR_SUCCESS)
        return refuse(out, 503, CC_RUN_ERROR, "the session cannot be read from the database");
    return 1;
}

static int open_session(cc_db *db, apr_pool_t *pool, const char *hash, const char *token, long now,
                        cc_token_key *key, cc_session **s, cc_run_result *out)
{
    return open_session_checked(db, pool, hash, token, now, key, s, out, NULL);
}

apr_status_t cc_run_start(cc_db *db, apr_pool_t *pool, const char *slug, const char *client_ip,
                          const char *client_browser, long now, cc_run_result *out)
{
    cc_token_key key;
    loaded_test t;
    cc_assess_page page;
    cc_session *s = NULL;
    const char *state = NULL, *errmsg = NULL, *token = NULL, *seed_hex = NULL;
    unsigned long long seed;

    memset(out, 0, sizeof(*out));
    if (!load_test(db, pool, slug, 0, &t, out))
        return APR_SUCCESS;
    give_exposure_counts(db, pool, &t, now);
    /* The key first: no session is stored that could not be given a token. */
    if (token_key(db, pool, &key, &errmsg) != APR_SUCCESS) {
        refuse(out, 503, CC_RUN_ERROR, errmsg);
        return APR_SUCCESS;
    }
    if (cc_random_hex(pool, 8, &seed_hex) != APR_SUCCESS)
        return APR_EGENERAL;
    seed = strtoull(seed_hex, NULL, 16);
    if (cc_assess_start(t.assessment, pool, now, seed, &state, &page, &errmsg) != APR_SUCCESS) {
        refuse(out, 500, CC_RUN_ERROR, apr_psprintf(pool, "the test cannot start: %s", errmsg));
        return APR_SUCCESS;
    }
    if (cc_session_create(db, pool, t.id, NULL, client_ip, client_browser, state, now, &s) !=
        APR_SUCCESS) {
        refuse(out, 503, CC_RUN_ERROR, "the session cannot be stored");
        return APR_SUCCESS;
    }
    if (!sign_token(pool, &key, s->hash, now, &token, out))
        return APR_SUCCESS;
    page_answer(db, pool, &t, &page, NULL, page.finished ? CC_RUN_FINISHED : CC_RUN_VIEW, s->hash,
                token, NULL, out);
    return APR_SUCCESS;
}

apr_status_t cc_run_intro(cc_db *db, apr_pool_t *pool, const char *slug, cc_run_result *out)
{
    loaded_test t;
    json_object *root = json_object_new_object(), *data = json_object_new_object(),
                *params = json_object_new_object();
    const char *answer;

    memset(out, 0, sizeof(*out));
    if (!load_test(db, pool, slug, 0, &t, out)) {
        json_object_put(root);
        json_object_put(data);
        json_object_put(params);
        return APR_SUCCESS;
    }
    json_object_object_add(
        params, "title",
        json_object_new_string(member(t.settings, "title") ? member(t.settings, "title") : ""));
    json_object_object_add(data, "templateParams", params);
    json_object_object_add(root, "code", json_object_new_int(CC_RUN_VIEW));
    json_object_object_add(root, "data", data);
    json_object_object_add(root, "hash", NULL);
    json_object_object_add(root, "token", NULL);
    json_object_object_add(root, "timeLimit", json_object_new_int(0));
    answer = apr_pstrdup(pool, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
    if (with_view(db, pool, &t, NULL, NULL, answer, CC_RUN_VIEW, &out->json, out)) {
        out->http_status = 200;
        out->code = CC_RUN_VIEW;
    }
    return APR_SUCCESS;
}

static const char *datetime_text(apr_pool_t *pool, long now)
{
    apr_time_exp_t tm;

    apr_time_exp_gmt(&tm, apr_time_from_sec(now));
    return apr_psprintf(pool, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* An estimate as the response table stores it: NULL when it does not
 * exist (SEM before any information, no theta), unless the column cannot
 * be empty (a table made before theta and sem became nullable): then
 * +/-1e300 stands for an infinite value, as it did before. */
static const char *estimate_text(apr_pool_t *pool, const cc_datatable *dt, int column, double v)
{
    if (isfinite(v))
        return apr_psprintf(pool, "%.17g", v);
    if (column < 0 || dt->cols[column].nullable)
        return NULL;
    return isnan(v) ? "0" : v > 0 ? "1e300" : "-1e300";
}

/* The response table holds one row per (item_id, session_id), as
 * Concerto's upsert: an item answered again (a linear test's back
 * button) updates its row. A CAT never gives an item twice, so there it
 * is always an insert. Runs inside the submit's transaction. */
static apr_status_t save_responses(cc_db *db, apr_pool_t *pool, const loaded_test *t,
                                   const cc_session *s, apr_array_header_t *responses, long now,
                                   const char **errmsg)
{
    static const char *const logical[] = {"item_id",    "response",   "score",      "timeTaken",
                                          "session_id", "theta",      "sem",        "trait",
                                          "skipped",    "updateTime", "createdTime"};
    enum { N_LOGICAL = 11, CREATED = 10 };
    const cc_datatable *dt = t->responses;
    int cols[N_LOGICAL], k, m;

    if (dt == NULL)
        return APR_SUCCESS;
    for (m = 0; m < N_LOGICAL; m++)
        cols[m] = column_of(dt, t->response_columns, logical[m]);
    for (k = 0; k < responses->nelts; k++) {
        const cc_assess_response *r = &APR_ARRAY_IDX(responses, k, cc_assess_response);
        const char *values[N_LOGICAL], *names[N_LOGICAL];
        apr_array_header_t *ids = NULL;
        int n = 0;
        apr_int64_t id;
        values[0] = apr_ltoa(pool, r->item_id);
        values[1] = r->response;
        values[2] = isnan(r->score) ? NULL : apr_psprintf(pool, "%.17g", r->score);
        values[3] = apr_psprintf(pool, "%.17g", r->time_taken);
        values[4] = apr_psprintf(pool, "i%ld", s->id);
        values[5] = estimate_text(pool, dt, cols[5], r->theta);
        values[6] = estimate_text(pool, dt, cols[6], r->sem);
        values[7] = r->trait;
        values[8] = r->skipped ? "1" : "0";
        values[9] = values[10] = datetime_text(pool, now);
        for (m = 0; m < N_LOGICAL; m++) {
            if (cols[m] < 0)
                continue; /* the table has no such column: not saved */
            names[n] = dt->cols[cols[m]].name;
            values[n] = values[m];
            n++;
        }
        if (cols[0] >= 0 && cols[4] >= 0) {
            const char *key_names[] = {dt->cols[cols[0]].name, dt->cols[cols[4]].name};
            const char *key_values[] = {apr_ltoa(pool, r->item_id),
                                        apr_psprintf(pool, "i%ld", s->id)};
            if (cc_datatable_find(db, pool, dt, 2, key_names, key_values, &ids, errmsg) !=
                APR_SUCCESS)
                return APR_EGENERAL;
        }
        if (ids && ids->nelts > 0) {
            /* createdTime, the last column given when present, stays. */
            if (cc_datatable_update(db, pool, dt, APR_ARRAY_IDX(ids, 0, apr_int64_t),
                                    n - (cols[CREATED] >= 0), names, values, errmsg) != APR_SUCCESS)
                return APR_EGENERAL;
        } else if (cc_datatable_insert_keep_revision(db, pool, dt, n, names, values, &id, errmsg) !=
                   APR_SUCCESS) {
            return APR_EGENERAL;
        }
    }
    return APR_SUCCESS;
}

/* The answer given to the session's last submit, with its page rendered
 * again from the stored state (the stored answer leaves the page out, to
 * keep the session row small). */
static void repeat_answer(cc_db *db, apr_pool_t *pool, const cc_session *s, cc_run_result *out)
{
    loaded_test t;
    cc_assess_page page;
    json_object *root = owned(pool, json_tokener_parse(s->last_response)), *code = NULL;
    const char *errmsg = NULL;

    if (!load_test(db, pool, NULL, s->test_id, &t, out))
        return;
    if (root == NULL || !json_object_object_get_ex(root, "code", &code) ||
        cc_assess_current(t.assessment, pool, s->state, (long)s->updated, &page, &errmsg) !=
            APR_SUCCESS) {
        refuse(out, 409, CC_RUN_SESSION_LOST, errmsg ? errmsg : "the stored answer cannot be read");
        return;
    }
    if (with_view(db, pool, &t, &page, NULL, s->last_response, json_object_get_int(code),
                  &out->json, out)) {
        out->http_status = 200;
        out->code = json_object_get_int(code);
    }
}

/* The message on a page shown again because an answer is missing. */
static const char *alert_text(json_object *settings)
{
    const char *text = member(settings, "responseRequiredAlert");

    return text && *text ? text : "Please answer every question on this page before going on.";
}

apr_status_t cc_run_submit(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                           apr_table_t *values, const char *submit_id, long now, cc_run_result *out)
{
    cc_token_key key;
    cc_session *s = NULL;
    loaded_test t;
    cc_assess_page page;
    apr_array_header_t *responses = NULL;
    apr_dbd_transaction_t *txn = NULL;
    const char *errmsg = NULL, *state = NULL, *new_token = NULL, *json, *shown = NULL;
    int swapped = 0;
    apr_status_t rv;

    if (!open_session(db, pool, hash, token, now, &key, &s, out))
        return APR_SUCCESS;
    /* A repeated submit gets the same answer and changes nothing. */
    if (submit_id && s->last_submit_id && !strcmp(submit_id, s->last_submit_id) &&
        s->last_response) {
        repeat_answer(db, pool, s, out);
        return APR_SUCCESS;
    }
    if (s->status != CC_SESSION_RUNNING) {
        refuse(out, 409, CC_RUN_SESSION_LOST, "this session has already ended");
        return APR_SUCCESS;
    }
    if (!load_test(db, pool, NULL, s->test_id, &t, out))
        return APR_SUCCESS;
    give_exposure_counts(db, pool, &t, now);
    rv = cc_assess_submit(t.assessment, pool, s->state, values, now, &state, &responses, &page,
                          &errmsg);
    if (rv == APR_INCOMPLETE) {
        /* The same page again with a message; nothing is stored. */
        if (sign_token(pool, &key, hash, now, &new_token, out))
            page_answer(db, pool, &t, &page, alert_text(t.settings), CC_RUN_VIEW, hash, new_token,
                        NULL, out);
        return APR_SUCCESS;
    }
    if (rv == APR_EINVAL) {
        refuse(out, 400, CC_RUN_ERROR, errmsg);
        return APR_SUCCESS;
    }
    if (rv != APR_SUCCESS) {
        refuse(out, 409, CC_RUN_ERROR, errmsg);
        return APR_SUCCESS;
    }
    if (!sign_token(pool, &key, hash, now, &new_token, out))
        return APR_SUCCESS;
    json = answer_json(pool, &page, hash, new_token, submit_id);
    /* Rendered before anything is stored: a page that cannot be shown
     * must not advance the session. */
    if (!with_view(db, pool, &t, &page, NULL, json, page.finished ? CC_RUN_FINISHED : CC_RUN_VIEW,
                   &shown, out))
        return APR_SUCCESS;
    s->state = state;
    s->status = page.finished ? CC_SESSION_FINALIZED : CC_SESSION_RUNNING;
    s->time_limit = page.time_left > 0 ? page.time_left : 0;
    s->last_submit_id = submit_id;
    s->last_response = json;
    /* The answers and the new state together, or neither. */
    rv = cc_db_begin(db, pool, &txn);
    if (rv == APR_SUCCESS)
        rv = save_responses(db, pool, &t, s, responses, now, &errmsg);
    if (rv == APR_SUCCESS)
        rv = cc_session_save(db, pool, s, now, &swapped);
    cc_db_end(db, pool, txn, rv != APR_SUCCESS || !swapped);
    if (rv != APR_SUCCESS) {
        refuse(out, 503, CC_RUN_ERROR,
               apr_psprintf(pool, "the answers cannot be saved: %s",
                            errmsg ? errmsg : db->last_error));
        return APR_SUCCESS;
    }
    if (!swapped) {
        /* Another request saved first: answer as it did when it was this
         * same submit, else ask for a retry. */
        if (cc_session_load(db, pool, hash, &s) == APR_SUCCESS && submit_id && s->last_submit_id &&
            !strcmp(submit_id, s->last_submit_id) && s->last_response) {
            repeat_answer(db, pool, s, out);
            return APR_SUCCESS;
        }
        refuse(out, 409, CC_RUN_ERROR, "another answer to this session came first; please retry");
        return APR_SUCCESS;
    }
    out->http_status = 200;
    out->code = page.finished ? CC_RUN_FINISHED : CC_RUN_VIEW;
    out->json = shown;
    return APR_SUCCESS;
}

/* {code, hash, token} for the answers that carry no page. */
static const char *short_json(apr_pool_t *pool, int code, const char *hash, const char *token)
{
    json_object *root = json_object_new_object();
    const char *text;

    json_object_object_add(root, "code", json_object_new_int(code));
    json_object_object_add(root, "hash", json_object_new_string(hash));
    if (token)
        json_object_object_add(root, "token", json_object_new_string(token));
    text = apr_pstrdup(pool, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
    return text;
}

apr_status_t cc_run_resume(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                           long now, cc_run_result *out)
{
    cc_token_key key;
    cc_session *s = NULL;
    loaded_test t;
    cc_assess_page page;
    const char *errmsg = NULL, *new_token = NULL;

    if (!open_session(db, pool, hash, token, now, &key, &s, out))
        return APR_SUCCESS;
    if (s->status != CC_SESSION_RUNNING && s->status != CC_SESSION_FINALIZED) {
        refuse(out, 409, CC_RUN_SESSION_LOST, "this session has already ended");
        return APR_SUCCESS;
    }
    if (!load_test(db, pool, NULL, s->test_id, &t, out))
        return APR_SUCCESS;
    if (cc_assess_current(t.assessment, pool, s->state, now, &page, &errmsg) != APR_SUCCESS) {
        refuse(out, 409, CC_RUN_SESSION_LOST, errmsg);
        return APR_SUCCESS;
    }
    if (!sign_token(pool, &key, hash, now, &new_token, out))
        return APR_SUCCESS;
    /* The page as a view, under Concerto's resume code. */
    page_answer(db, pool, &t, &page, NULL, page.finished ? CC_RUN_FINISHED : CC_RUN_RESUME, hash,
                new_token, s->last_submit_id, out);
    return APR_SUCCESS;
}

apr_status_t cc_run_keepalive(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                              long now, cc_run_result *out)
{
    cc_token_key key;
    cc_session *s = NULL;
    const char *new_token = NULL;

    if (!open_session(db, pool, hash, token, now, &key, &s, out))
        return APR_SUCCESS;
    if (s->status == CC_SESSION_RUNNING && cc_session_touch(db, pool, hash, now) != APR_SUCCESS) {
        refuse(out, 503, CC_RUN_ERROR, "the session cannot be updated");
        return APR_SUCCESS;
    }
    if (!sign_token(pool, &key, hash, now, &new_token, out))
        return APR_SUCCESS;
    out->http_status = 200;
    out->code = CC_RUN_KEEPALIVE;
    out->json = short_json(pool, CC_RUN_KEEPALIVE, hash, new_token);
    return APR_SUCCESS;
}

apr_status_t cc_run_kill(cc_db *db, apr_pool_t *pool, const char *hash, const char *token, long now,
                         cc_run_result *out)
{
    cc_token_key key;
    cc_session *s = NULL;
    int swapped = 0, tries;

    for (tries = 0; tries < 3; tries++) {
        if (!open_session(db, pool, hash, token, now, &key, &s, out))
            return APR_SUCCESS;
        if (s->status != CC_SESSION_RUNNING)
            break;
        s->status = CC_SESSION_STOPPED;
        if (cc_session_save(db, pool, s, now, &swapped) != APR_SUCCESS) {
            refuse(out, 503, CC_RUN_ERROR, "the session cannot be updated");
            return APR_SUCCESS;
        }
        if (swapped)
            break;
    }
    out->http_status = 200;
    out->code = CC_RUN_STOPPED;
    out->json = short_json(pool, CC_RUN_STOPPED, hash, NULL);
    return APR_SUCCESS;
}

apr_status_t cc_run_log(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                        const char *message, long now, cc_run_result *out)
{
    cc_token_key key;
    cc_session *s = NULL;

    if (!open_session(db, pool, hash, token, now, &key, &s, out))
        return APR_SUCCESS;
    if (message == NULL || *message == '\0') {
        refuse(out, 400, CC_RUN_ERROR, "the log entry has no \"error\" text");
        return APR_SUCCESS;
    }
    /* One client's error text is bounded, so the log cannot be flooded. */
    if (strlen(message) > 4000)
        message = apr_pstrndup(pool, message, 4000);
    if (cc_session_log_add(db, pool, s, CC_SESSION_LOG_JS, message, now) != APR_SUCCESS) {
        refuse(out, 503, CC_RUN_ERROR, "the log entry cannot be saved");
        return APR_SUCCESS;
    }
    out->http_status = 200;
    out->code = 0;
    out->json = short_json(pool, 0, hash, NULL);
    return APR_SUCCESS;
}

/* {result:-1, error} with the refusal's status, as Concerto's upload. */
static int upload_refused(apr_pool_t *pool, cc_run_result *out, int http_status,
                          const char *message)
{
    json_object *root = json_object_new_object();

    refuse(out, http_status, CC_RUN_ERROR, message);
    json_object_object_add(root, "result", json_object_new_int(-1));
    json_object_object_add(root, "error", json_object_new_string(message));
    out->json = apr_pstrdup(pool, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
    return 0;
}

/* The test grants uploads (settings "sessionFilesAccess": true), or the
 * token carries the grant (CC_TOKEN_SESSION_FILES, Concerto's claim). */
static int uploads_allowed(cc_db *db, apr_pool_t *pool, const cc_session *s,
                           const cc_token_check *check)
{
    const char *args[] = {apr_ltoa(pool, s->test_id)}, *settings = NULL;
    json_object *root, *grant;
    int allowed;

    if (check->claims.flags & CC_TOKEN_SESSION_FILES)
        return 1;
    if (cc_db_select_value(db, pool, &settings, "SELECT settings FROM test WHERE id = %s", 1,
                           args) != APR_SUCCESS ||
        settings == NULL || (root = json_tokener_parse(settings)) == NULL)
        return 0;
    allowed = json_object_object_get_ex(root, "sessionFilesAccess", &grant) &&
              json_object_get_boolean(grant);
    json_object_put(root);
    return allowed;
}

/* Written next to its final name, then renamed: a reader never sees half
 * a file, and two uploads of one name leave one whole file. */
static apr_status_t store_file(apr_pool_t *pool, const char *dir, const char *name,
                               const char *data, apr_size_t len, const char **path,
                               const char **errmsg)
{
    char *tmp = apr_pstrcat(pool, dir, "/.upload-XXXXXX", NULL);
    apr_file_t *f = NULL;
    apr_size_t written = 0;
    apr_status_t rv;

    *path = apr_pstrcat(pool, dir, "/", name, NULL);
    rv = apr_dir_make_recursive(dir,
                                APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_UEXECUTE |
                                    APR_FPROT_GREAD | APR_FPROT_GEXECUTE,
                                pool);
    if (rv == APR_SUCCESS)
        rv = apr_file_mktemp(&f, tmp,
                             APR_FOPEN_CREATE | APR_FOPEN_READ | APR_FOPEN_WRITE | APR_FOPEN_EXCL |
                                 APR_FOPEN_BINARY,
                             pool);
    if (rv == APR_SUCCESS) {
        rv = apr_file_write_full(f, data, len, &written);
        if (apr_file_close(f) != APR_SUCCESS && rv == APR_SUCCESS)
            rv = APR_EGENERAL;
        if (rv == APR_SUCCESS)
            rv = apr_file_rename(tmp, *path, pool);
        if (rv != APR_SUCCESS)
            apr_file_remove(tmp, pool);
    }
    if (rv != APR_SUCCESS) {
        char buf[120];
        *errmsg = apr_psprintf(pool, "%s: %s", *path, apr_strerror(rv, buf, sizeof(buf)));
        cc_log(CC_LOG_MARK, CC_LOG_ERR, rv, "upload cannot be stored: %s", *errmsg);
    }
    return rv;
}

apr_status_t cc_run_upload(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                           const char *file_name, const char *data, apr_size_t len,
                           const char *data_dir, long now, cc_run_result *out)
{
    cc_token_key key;
    cc_token_check check;
    cc_session *s = NULL;
    const char *name, *path = NULL, *errmsg = NULL, *new_token = NULL;
    json_object *root;

    memset(&check, 0, sizeof(check));
    if (!open_session_checked(db, pool, hash, token, now, &key, &s, out, &check)) {
        upload_refused(pool, out, out->http_status, out->message);
        return APR_SUCCESS;
    }
    if (s->status != CC_SESSION_RUNNING) {
        upload_refused(pool, out, 409, "this session has already ended");
        return APR_SUCCESS;
    }
    if (!uploads_allowed(db, pool, s, &check)) {
        upload_refused(pool, out, 403, "this test does not accept files");
        return APR_SUCCESS;
    }
    if (data == NULL) {
        upload_refused(pool, out, 400, "no file was sent (a part named \"file\" is needed)");
        return APR_SUCCESS;
    }
    name = cc_safe_file_name(pool, file_name);
    /* The hash was found in the database: 40 hex characters, no path. */
    if (store_file(pool, apr_pstrcat(pool, data_dir, "/files/sessions/", s->hash, NULL), name, data,
                   len, &path, &errmsg) != APR_SUCCESS) {
        upload_refused(pool, out, 503, "the file cannot be stored on the server");
        return APR_SUCCESS;
    }
    if (!sign_token(pool, &key, hash, now, &new_token, out))
        return APR_SUCCESS;
    root = json_object_new_object();
    json_object_object_add(root, "result", json_object_new_int(0));
    json_object_object_add(root, "file_path", json_object_new_string(path));
    json_object_object_add(root, "name", json_object_new_string(name));
    json_object_object_add(root, "token", json_object_new_string(new_token));
    out->json = apr_pstrdup(pool, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
    out->http_status = 200;
    out->code = 0;
    return APR_SUCCESS;
}

apr_status_t cc_run_expire_idle(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                                int max_idle, long now, int *go_on, cc_run_result *out)
{
    cc_token_key key;
    cc_session *s = NULL;
    int swapped = 0;
    long idle;

    *go_on = 0;
    if (!open_session(db, pool, hash, token, now, &key, &s, out))
        return APR_SUCCESS;
    idle = now - s->updated;
    if (s->status != CC_SESSION_RUNNING || max_idle <= 0 || idle <= max_idle) {
        *go_on = 1;
        keep_session_read(pool, s);
        return APR_SUCCESS;
    }
    s->status = CC_SESSION_STOPPED;
    if (cc_session_save(db, pool, s, now, &swapped) != APR_SUCCESS) {
        refuse(out, 503, CC_RUN_ERROR, "the session cannot be updated");
        return APR_SUCCESS;
    }
    if (!swapped) {
        /* Another request saved it just now: the session is in use. */
        *go_on = 1;
        return APR_SUCCESS;
    }
    if (cc_session_log_add(db, pool, s, CC_SESSION_LOG_SYSTEM,
                           apr_psprintf(pool,
                                        "stopped: idle for %ld s, more than the %d s allowed "
                                        "(ConcertoSessionMaxIdle)",
                                        idle, max_idle),
                           now) != APR_SUCCESS)
        cc_log(CC_LOG_MARK, CC_LOG_WARNING, 0, "session %s: the expiry was not logged", hash);
    refuse(out, 410, CC_RUN_SESSION_LOST,
           apr_psprintf(pool,
                        "this session was closed because it was not used for more than %d "
                        "minutes; please start the test again",
                        (max_idle + 59) / 60));
    return APR_SUCCESS;
}
