#include "assessment.h"

#include "cat/estimate.h"
#include "core/json_pool.h"
#include "cat/select.h"
#include "cat/simulate.h"

#include <apr_strings.h>
#include <json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum { ORDER_CAT, ORDER_MANUAL, ORDER_RANDOM } item_order;

/* Seconds before the server's deadline within which a page's isTimeout is
 * believed. */
#define CC_ASSESS_TIMEOUT_GRACE 10

/* One item: what the client sees, and how its answers are scored. */
typedef struct item_def {
    long id;
    int fixed_index; /* 0 = none */
    const char *trait;
    const char *client_json; /* id, question, responseOptions without scoring, ... */
    int skippable;
    int n_options;
    const char **values; /* option values */
    double *scores;      /* score of each value (scoreMap, else default) */
    const char **traits; /* trait of each value's scoreMap entry, or NULL */
    double default_score;
    double max_score; /* highest score an answer can get */
} item_def;

struct cc_assessment {
    item_order order;
    cc_bank bank;
    item_def *items;
    int n_items;
    cc_cat_design design; /* CAT settings for the engine */
    int item_num_limit;   /* 0 = all */
    int test_time_limit;  /* seconds, 0 = none */
    int items_per_page;
    int can_go_back;
    int *item_group; /* content balancing group of each item */
    double *group_props;
    int n_groups;
    int *fixed_order; /* item indices in presentation order (linear) */
    /* exposure control (wizard: exposureMaxItems, exposureMinSessions,
     * exposureLimit) and the counts the caller gave */
    int exposure_max_items;
    long exposure_min_sessions;
    double exposure_limit;
    long exposure_sessions; /* sessions with responses, 0 = no counts */
    long *exposure_counts;  /* per item: sessions it was given in */
};

/* ---- settings ---------------------------------------------------------- */

static json_object *setting(json_object *settings, const char *name)
{
    json_object *value = NULL;

    if (settings && json_object_object_get_ex(settings, name, &value))
        return value;
    return NULL;
}

/* Wizard values come as strings or numbers. */
static int setting_number(json_object *settings, const char *name, double fallback, double *out,
                          apr_pool_t *pool, const char **errmsg)
{
    json_object *v = setting(settings, name);
    const char *text;
    char *end;

    *out = fallback;
    if (v == NULL || json_object_is_type(v, json_type_null))
        return 1;
    if (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)) {
        *out = json_object_get_double(v);
        return isfinite(*out) ? 1 : 0;
    }
    text = json_object_get_string(v);
    if (text == NULL || *text == '\0')
        return 1;
    *out = strtod(text, &end);
    if (*end != '\0' || !isfinite(*out)) {
        *errmsg = apr_psprintf(pool, "setting %s: \"%s\" is not a number", name, text);
        return 0;
    }
    return 1;
}

static const char *setting_string(json_object *settings, const char *name, const char *fallback)
{
    json_object *v = setting(settings, name);
    const char *text = v ? json_object_get_string(v) : NULL;

    return (text && *text) ? text : fallback;
}

static int setting_flag(json_object *settings, const char *name)
{
    json_object *v = setting(settings, name);

    if (v == NULL)
        return 0;
    if (json_object_is_type(v, json_type_boolean))
        return json_object_get_boolean(v);
    return json_object_get_int(v) != 0 || !strcmp(json_object_get_string(v), "true");
}

/* Parsed JSON owned by pool; NULL when text is not JSON. */
static json_object *parse_json(apr_pool_t *pool, const char *text)
{
    json_object *root = text ? json_tokener_parse(text) : NULL;

    return cc_json_owned(pool, root);
}

static const char *json_text(apr_pool_t *pool, json_object *obj)
{
    return apr_pstrdup(pool, json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
}

/* ---- items ------------------------------------------------------------- */

static int parse_long(const char *text, long *out)
{
    char *end;

    if (text == NULL || *text == '\0')
        return 0;
    *out = strtol(text, &end, 10);
    return *end == '\0';
}

/* Options and scoring of one item; the client copy drops the scoring. */
static int parse_item(apr_pool_t *pool, const cc_assess_item_row *row, item_def *item,
                      const char **errmsg)
{
    json_object *options_json = parse_json(pool, row->response_options), *options, *score_map,
                *client, *client_options;
    int k, m;
    double dflt = 0;

    if (!parse_long(row->id, &item->id)) {
        *errmsg = apr_psprintf(pool, "an item has no numeric id (\"%s\")", row->id ? row->id : "");
        return 0;
    }
    if (options_json == NULL || !json_object_is_type(options_json, json_type_object) ||
        !json_object_object_get_ex(options_json, "options", &options) ||
        !json_object_is_type(options, json_type_array) || json_object_array_length(options) == 0) {
        *errmsg =
            apr_psprintf(pool, "item %ld: responseOptions is not JSON with options", item->id);
        return 0;
    }
    item->n_options = (int)json_object_array_length(options);
    item->values = apr_pcalloc(pool, sizeof(char *) * (size_t)item->n_options);
    item->scores = apr_pcalloc(pool, sizeof(double) * (size_t)item->n_options);
    item->traits = apr_pcalloc(pool, sizeof(char *) * (size_t)item->n_options);
    if (json_object_object_get_ex(options_json, "defaultScore", &score_map))
        dflt = json_object_get_double(score_map);
    item->default_score = dflt;
    score_map = NULL;
    json_object_object_get_ex(options_json, "scoreMap", &score_map);
    for (k = 0; k < item->n_options; k++) {
        json_object *option = json_object_array_get_idx(options, (size_t)k), *value = NULL;
        if (!json_object_object_get_ex(option, "value", &value)) {
            *errmsg = apr_psprintf(pool, "item %ld: option %d has no value", item->id, k + 1);
            return 0;
        }
        item->values[k] = apr_pstrdup(pool, json_object_get_string(value));
        item->scores[k] = dflt;
        for (m = 0; score_map && m < (int)json_object_array_length(score_map); m++) {
            json_object *entry = json_object_array_get_idx(score_map, (size_t)m), *v, *s, *t;
            if (json_object_object_get_ex(entry, "value", &v) &&
                !strcmp(json_object_get_string(v), item->values[k]) &&
                json_object_object_get_ex(entry, "score", &s)) {
                item->scores[k] = json_object_get_double(s);
                if (json_object_object_get_ex(entry, "trait", &t) && *json_object_get_string(t))
                    item->traits[k] = apr_pstrdup(pool, json_object_get_string(t));
            }
        }
    }
    item->max_score = item->scores[0];
    for (k = 1; k < item->n_options; k++)
        if (item->scores[k] > item->max_score)
            item->max_score = item->scores[k];
    /* The client copy: everything but the scoring. */
    client_options = json_tokener_parse(row->response_options);
    json_object_object_del(client_options, "scoreMap");
    json_object_object_del(client_options, "defaultScore");
    client = json_object_new_object();
    json_object_object_add(client, "id", json_object_new_int64(item->id));
    json_object_object_add(client, "question",
                           json_object_new_string(row->question ? row->question : ""));
    json_object_object_add(client, "responseOptions", client_options);
    json_object_object_add(client, "skippable", json_object_new_boolean(item->skippable));
    json_object_object_add(client, "instructions",
                           row->instructions ? json_object_new_string(row->instructions) : NULL);
    item->client_json = json_text(pool, client);
    json_object_put(client);
    /* Everything needed is copied out: free the parsed tree now, not with
     * the pool (a cached test would hold it for the child's life). */
    cc_json_release(pool, options_json);
    return 1;
}

/* The engine's parameter columns for a row: p1..pN, with a dichotomous
 * row's missing c and d as 0 and 1 (2PL banks leave them empty). */
static int row_params(apr_pool_t *pool, const cc_assess_item_row *row, cc_model model, int n_cols,
                      double *out, long id, const char **errmsg)
{
    int k;

    for (k = 0; k < n_cols; k++) {
        const char *text = k < row->n_p ? row->p[k] : NULL;
        char *end;
        if (text == NULL || *text == '\0') {
            out[k] = (model == CC_MODEL_DICHO && k == 2)   ? 0
                     : (model == CC_MODEL_DICHO && k == 3) ? 1
                                                           : NAN;
            continue;
        }
        out[k] = strtod(text, &end);
        if (*end != '\0') {
            *errmsg = apr_psprintf(pool, "item %ld: p%d \"%s\" is not a number", id, k + 1, text);
            return 0;
        }
    }
    return 1;
}

static int compare_fixed(const void *x, const void *y, void *items)
{
    const item_def *a = &((const item_def *)items)[*(const int *)x];
    const item_def *b = &((const item_def *)items)[*(const int *)y];
    int fa = a->fixed_index ? a->fixed_index : 1 << 30,
        fb = b->fixed_index ? b->fixed_index : 1 << 30;

    if (fa != fb)
        return fa < fb ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

static apr_status_t bank_cleanup(void *bank)
{
    cc_bank_free(bank);
    return APR_SUCCESS;
}

static int settings_model(apr_pool_t *pool, json_object *settings, cc_model *model,
                          const char **errmsg)
{
    const char *name = setting_string(settings, "model", "dichotomous");
    cc_cat_error err;

    if (!strcmp(name, "dichotomous")) {
        *model = CC_MODEL_DICHO;
        return 1;
    }
    if (cc_model_from_name(name, model, &err) != CC_CAT_OK) {
        *errmsg = apr_psprintf(pool, "setting model: %s", err.message);
        return 0;
    }
    return 1;
}

static int settings_method(apr_pool_t *pool, json_object *settings, cc_est_method *method,
                           const char **errmsg)
{
    static const struct {
        const char *name;
        cc_est_method method;
    } methods[] = {{"BM", CC_EST_BM}, {"ML", CC_EST_ML}, {"WL", CC_EST_WL}, {"EAP", CC_EST_EAP}};
    const char *name = setting_string(settings, "scoringMethod", "EAP");
    size_t k;

    for (k = 0; k < sizeof(methods) / sizeof(methods[0]); k++) {
        if (!strcmp(name, methods[k].name)) {
            *method = methods[k].method;
            return 1;
        }
    }
    *errmsg = apr_psprintf(pool, "setting scoringMethod: \"%s\" is not BM, ML, WL or EAP", name);
    return 0;
}

/* contentBalancing: [{name, proportion}] over the items' traits. */
static int settings_balance(apr_pool_t *pool, json_object *settings, cc_assessment *a,
                            const char **errmsg)
{
    json_object *groups = setting(settings, "contentBalancing");
    int g, i;

    if (groups == NULL || !json_object_is_type(groups, json_type_array) ||
        json_object_array_length(groups) == 0)
        return 1;
    a->n_groups = (int)json_object_array_length(groups);
    a->group_props = apr_pcalloc(pool, sizeof(double) * (size_t)a->n_groups);
    a->item_group = apr_pcalloc(pool, sizeof(int) * (size_t)a->n_items);
    for (i = 0; i < a->n_items; i++)
        a->item_group[i] = -1;
    for (g = 0; g < a->n_groups; g++) {
        json_object *group = json_object_array_get_idx(groups, (size_t)g), *name, *prop;
        if (!json_object_object_get_ex(group, "name", &name) ||
            !json_object_object_get_ex(group, "proportion", &prop) ||
            !(json_object_get_double(prop) > 0)) {
            *errmsg = apr_psprintf(pool,
                                   "setting contentBalancing: entry %d needs a name and a "
                                   "positive proportion",
                                   g + 1);
            return 0;
        }
        a->group_props[g] = json_object_get_double(prop);
        for (i = 0; i < a->n_items; i++)
            if (a->items[i].trait && !strcmp(a->items[i].trait, json_object_get_string(name)))
                a->item_group[i] = g;
    }
    for (i = 0; i < a->n_items; i++) {
        if (a->item_group[i] < 0) {
            *errmsg = apr_psprintf(pool, "item %ld: its trait \"%s\" is not in contentBalancing",
                                   a->items[i].id, a->items[i].trait ? a->items[i].trait : "");
            return 0;
        }
    }
    a->design.test.sel.n_groups = a->n_groups;
    a->design.test.sel.group_props = a->group_props;
    a->design.test.sel.item_group = a->item_group;
    return 1;
}

static int settings_design(apr_pool_t *pool, json_object *settings, cc_assessment *a,
                           const char **errmsg)
{
    cc_cat_design *d = &a->design;
    cc_cat_error err;
    double v;
    int n_rules = 0;

    cc_cat_design_default(d);
    if (!settings_method(pool, settings, &d->test.est.method, errmsg))
        return 0;
    if (!setting_number(settings, "d", 1, &v, pool, errmsg))
        return 0;
    d->test.est.D = d->start.D = v;
    if (!setting_number(settings, "startingTheta", 0, &v, pool, errmsg))
        return 0;
    d->start.nr_items = 0; /* the first item is chosen at startingTheta */
    d->start.n_theta = 1;
    d->start.theta[0] = v;
    d->test.est.current_theta = v;
    if (cc_criterion_from_name(setting_string(settings, "nextItemCriterion", "MFI"),
                               &d->test.sel.criterion, &err) != CC_CAT_OK) {
        *errmsg = apr_psprintf(pool, "setting nextItemCriterion: %s", err.message);
        return 0;
    }
    if (!setting_number(settings, "nextItemRandomesque", 1, &v, pool, errmsg))
        return 0;
    d->test.sel.randomesque = v >= 1 ? (int)v : 1;
    d->final.est = d->test.est;
    if (!setting_number(settings, "itemNumLimit", 0, &v, pool, errmsg))
        return 0;
    a->item_num_limit = v > 0 ? (int)v : 0;
    if (a->item_num_limit > 0) {
        d->stop.rule[n_rules] = CC_STOP_LENGTH;
        d->stop.thr[n_rules++] = a->item_num_limit;
    }
    if (!setting_number(settings, "minAccuracy", 0, &v, pool, errmsg))
        return 0;
    if (v > 0) {
        d->stop.rule[n_rules] = CC_STOP_PRECISION;
        d->stop.thr[n_rules++] = v;
        if (!setting_number(settings, "minAccuracyMinItems", 0, &v, pool, errmsg))
            return 0;
        d->stop.min_length = v > 0 ? (int)v : 0;
    }
    if (n_rules == 0) { /* every item of the bank */
        d->stop.rule[n_rules] = CC_STOP_LENGTH;
        d->stop.thr[n_rules++] = a->n_items;
    }
    d->stop.n_rules = n_rules;
    return settings_balance(pool, settings, a, errmsg);
}

/* Concerto's wizard defaults: no item left out (exposureMaxItems 0), from
 * the first session on (exposureMinSessions 0), at a rate of 0.7. */
static int settings_exposure(apr_pool_t *pool, json_object *settings, cc_assessment *a,
                             const char **errmsg)
{
    double v;

    if (!setting_number(settings, "exposureMaxItems", 0, &v, pool, errmsg))
        return 0;
    a->exposure_max_items = v > 0 ? (int)v : 0;
    if (!setting_number(settings, "exposureMinSessions", 0, &v, pool, errmsg))
        return 0;
    a->exposure_min_sessions = v > 0 ? (long)v : 0;
    if (!setting_number(settings, "exposureLimit", 0.7, &v, pool, errmsg))
        return 0;
    if (a->exposure_max_items > 0 && !(v > 0 && v <= 1)) {
        *errmsg = apr_psprintf(pool, "setting exposureLimit: %g is not a rate in (0, 1]", v);
        return 0;
    }
    a->exposure_limit = v;
    return 1;
}

/* The wizard's itemSet: when set, only the rows whose itemSet column has
 * that value (exact match) make the bank. */
static int item_set_filter(apr_pool_t *pool, json_object *settings, const cc_assess_item_row **rows,
                           int *n_rows, const char **errmsg)
{
    const char *set = setting_string(settings, "itemSet", "");
    cc_assess_item_row *kept;
    int i, n = 0;

    if (*set == '\0')
        return 1;
    kept = apr_palloc(pool, sizeof(*kept) * (size_t)*n_rows);
    for (i = 0; i < *n_rows; i++)
        if ((*rows)[i].item_set && !strcmp((*rows)[i].item_set, set))
            kept[n++] = (*rows)[i];
    if (n == 0) {
        *errmsg = apr_psprintf(pool, "setting itemSet: no item of the bank is in set \"%s\"", set);
        return 0;
    }
    *rows = kept;
    *n_rows = n;
    return 1;
}

cc_assessment *cc_assess_create(apr_pool_t *pool, const char *settings_json,
                                const cc_assess_item_row *rows, int n_rows, const char **errmsg)
{
    json_object *settings = parse_json(pool, settings_json ? settings_json : "{}");
    cc_assessment *a = apr_pcalloc(pool, sizeof(*a));
    const char *order;
    cc_model model;
    cc_cat_error err;
    double *par, v;
    int i, n_cols;

    if (settings == NULL || !json_object_is_type(settings, json_type_object)) {
        *errmsg = "the test's settings are not a JSON object";
        return NULL;
    }
    if (n_rows < 1) {
        *errmsg = "the item bank has no items";
        return NULL;
    }
    if (!item_set_filter(pool, settings, &rows, &n_rows, errmsg))
        return NULL;
    order = setting_string(settings, "order", "cat");
    a->order = !strcmp(order, "manual")   ? ORDER_MANUAL
               : !strcmp(order, "random") ? ORDER_RANDOM
                                          : ORDER_CAT;
    if (strcmp(order, "cat") != 0 && a->order == ORDER_CAT) {
        *errmsg = apr_psprintf(pool, "setting order: \"%s\" is not cat, manual or random", order);
        return NULL;
    }
    if (!settings_model(pool, settings, &model, errmsg))
        return NULL;
    a->n_items = n_rows;
    a->items = apr_pcalloc(pool, sizeof(item_def) * (size_t)n_rows);
    n_cols = model == CC_MODEL_DICHO ? 4 : 0;
    for (i = 0; i < n_rows; i++) {
        long fixed = 0;
        if (model != CC_MODEL_DICHO && rows[i].n_p > n_cols)
            n_cols = rows[i].n_p;
        a->items[i].trait = rows[i].trait ? apr_pstrdup(pool, rows[i].trait) : NULL;
        a->items[i].skippable = rows[i].skippable && (!strcmp(rows[i].skippable, "1") ||
                                                      !strcasecmp(rows[i].skippable, "true"));
        if (parse_long(rows[i].fixed_index, &fixed) && fixed > 0)
            a->items[i].fixed_index = (int)fixed;
        if (!parse_item(pool, &rows[i], &a->items[i], errmsg))
            return NULL;
    }
    if (n_cols == 0) {
        *errmsg = "the items have no parameters p1, p2, ...";
        return NULL;
    }
    par = apr_palloc(pool, sizeof(double) * (size_t)n_rows * (size_t)n_cols);
    for (i = 0; i < n_rows; i++)
        if (!row_params(pool, &rows[i], model, n_cols, par + (size_t)i * (size_t)n_cols,
                        a->items[i].id, errmsg))
            return NULL;
    if (cc_bank_init(&a->bank, model, n_rows, n_cols, par, &err) != CC_CAT_OK) {
        /* The engine names the row; the author knows items by id. */
        *errmsg = apr_psprintf(pool, "item %ld: %s", err.item > 0 ? a->items[err.item - 1].id : 0,
                               err.message);
        return NULL;
    }
    apr_pool_cleanup_register(pool, &a->bank, bank_cleanup, apr_pool_cleanup_null);
    for (i = 0; i < n_rows; i++) {
        int k;
        for (k = 0; k < a->items[i].n_options && model != CC_MODEL_DICHO; k++) {
            double s = a->items[i].scores[k];
            if (s < 0 || s >= a->bank.n_cat[i] || s != floor(s)) {
                *errmsg =
                    apr_psprintf(pool,
                                 "item %ld: option \"%s\" scores %g, but the item has "
                                 "categories 0 to %d",
                                 a->items[i].id, a->items[i].values[k], s, a->bank.n_cat[i] - 1);
                return NULL;
            }
        }
    }
    if (!settings_design(pool, settings, a, errmsg))
        return NULL;
    if (!setting_number(settings, "testTimeLimit", 0, &v, pool, errmsg))
        return NULL;
    a->test_time_limit = v > 0 ? (int)v : 0;
    if (!setting_number(settings, "itemsPerPage", 1, &v, pool, errmsg))
        return NULL;
    a->items_per_page = (a->order != ORDER_CAT && v >= 1) ? (int)v : 1;
    a->can_go_back = a->order != ORDER_CAT && setting_flag(settings, "canGoBack");
    if (!settings_exposure(pool, settings, a, errmsg))
        return NULL;
    a->fixed_order = apr_palloc(pool, sizeof(int) * (size_t)n_rows);
    for (i = 0; i < n_rows; i++)
        a->fixed_order[i] = i;
    qsort_r(a->fixed_order, (size_t)n_rows, sizeof(int), compare_fixed, a->items);
    if (a->order == ORDER_CAT) {
        /* Items with a fixedIndex come first, in that order (as Concerto
         * forces them at their positions from the start). */
        for (i = 0; i < n_rows && a->design.start.n_fix < CC_MAX_START; i++)
            if (a->items[a->fixed_order[i]].fixed_index)
                a->design.start.fix_items[a->design.start.n_fix++] = a->fixed_order[i];
    }
    if (cc_cat_design_check(&a->bank, &a->design, &err) != CC_CAT_OK) {
        *errmsg = apr_psprintf(pool, "the test's CAT settings: %s", err.message);
        return NULL;
    }
    return a;
}

int cc_assess_item_count(const cc_assessment *a)
{
    return a->n_items;
}

int cc_assess_items_revisited(const cc_assessment *a)
{
    return a->can_go_back;
}

int cc_assess_wants_exposure(const cc_assessment *a)
{
    return a->order == ORDER_CAT && a->exposure_max_items > 0;
}

const cc_assessment *cc_assess_with_exposure(const cc_assessment *a, apr_pool_t *pool,
                                             long sessions, const long *item_ids,
                                             const long *counts, int n)
{
    cc_assessment *copy;
    int k, i;

    if (sessions <= 0)
        return a;
    copy = apr_pmemdup(pool, a, sizeof(*a));
    copy->exposure_counts = apr_pcalloc(pool, sizeof(long) * (size_t)a->n_items);
    for (k = 0; k < n; k++)
        for (i = 0; i < a->n_items; i++)
            if (a->items[i].id == item_ids[k])
                copy->exposure_counts[i] = counts[k];
    copy->exposure_sessions = sessions;
    return copy;
}

/* ---- session state ------------------------------------------------------ */

typedef struct answer {
    int item; /* index into the bank */
    const char *value;
    int x; /* category for the engine, CC_MISSING when skipped */
    double score;
    int skipped;
    double theta, sem, time_taken;
} answer;

typedef struct session_state {
    unsigned long long seed;
    long started, shown;
    int page;
    int *order; /* linear: presentation order; NULL for CAT */
    int n_order;
    int *current; /* items of the page shown */
    int n_current;
    answer *answers;
    int n_answers;
    int done;
    const char *stop;
} session_state;

static int item_by_id(const cc_assessment *a, long id)
{
    int i;

    for (i = 0; i < a->n_items; i++)
        if (a->items[i].id == id)
            return i;
    return -1;
}

static json_object *ids_json(const cc_assessment *a, const int *items, int n)
{
    json_object *array = json_object_new_array();
    int k;

    for (k = 0; k < n; k++)
        json_object_array_add(array, json_object_new_int64(a->items[items[k]].id));
    return array;
}

static const char *state_text(apr_pool_t *pool, const cc_assessment *a, const session_state *s)
{
    json_object *root = json_object_new_object(), *answers = json_object_new_array();
    const char *text;
    int k;

    json_object_object_add(root, "v", json_object_new_int(1));
    json_object_object_add(root, "seed",
                           json_object_new_string(apr_psprintf(pool, "%llu", s->seed)));
    json_object_object_add(root, "started", json_object_new_int64(s->started));
    json_object_object_add(root, "shown", json_object_new_int64(s->shown));
    json_object_object_add(root, "page", json_object_new_int(s->page));
    if (s->order)
        json_object_object_add(root, "order", ids_json(a, s->order, s->n_order));
    json_object_object_add(root, "current", ids_json(a, s->current, s->n_current));
    for (k = 0; k < s->n_answers; k++) {
        const answer *an = &s->answers[k];
        json_object *row = json_object_new_object();
        json_object_object_add(row, "item", json_object_new_int64(a->items[an->item].id));
        json_object_object_add(row, "value", json_object_new_string(an->value));
        json_object_object_add(row, "x", json_object_new_int(an->x));
        json_object_object_add(row, "score",
                               isnan(an->score) ? NULL : json_object_new_double(an->score));
        json_object_object_add(row, "skipped", json_object_new_boolean(an->skipped));
        json_object_object_add(row, "theta", json_object_new_double(an->theta));
        json_object_object_add(row, "sem", json_object_new_double(an->sem));
        json_object_object_add(row, "timeTaken", json_object_new_double(an->time_taken));
        json_object_array_add(answers, row);
    }
    json_object_object_add(root, "answers", answers);
    json_object_object_add(root, "done", json_object_new_boolean(s->done));
    if (s->stop)
        json_object_object_add(root, "stopReason", json_object_new_string(s->stop));
    text = json_text(pool, root);
    json_object_put(root);
    return text;
}

static double member_double(json_object *obj, const char *key, double fallback)
{
    json_object *v;

    return (json_object_object_get_ex(obj, key, &v) && v) ? json_object_get_double(v) : fallback;
}

/* Item ids of a stored array back to bank indices; 0 when one is unknown
 * (the bank changed under a running session). */
static int ids_back(apr_pool_t *pool, const cc_assessment *a, json_object *array, int **out, int *n)
{
    int k;

    *n = array ? (int)json_object_array_length(array) : 0;
    *out = apr_pcalloc(pool, sizeof(int) * (size_t)(*n + 1));
    for (k = 0; k < *n; k++)
        if (((*out)[k] = item_by_id(
                 a, (long)json_object_get_int64(json_object_array_get_idx(array, (size_t)k)))) < 0)
            return 0;
    return 1;
}

static int state_parse(apr_pool_t *pool, const cc_assessment *a, const char *text, session_state *s,
                       const char **errmsg)
{
    json_object *root = parse_json(pool, text), *v = NULL, *answers = NULL;
    int k;

    memset(s, 0, sizeof(*s));
    if (root == NULL || !json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "v", &v) || json_object_get_int(v) != 1) {
        *errmsg = "the session's stored state cannot be read";
        return 0;
    }
    if (json_object_object_get_ex(root, "seed", &v))
        s->seed = strtoull(json_object_get_string(v), NULL, 10);
    s->started = (long)member_double(root, "started", 0);
    s->shown = (long)member_double(root, "shown", 0);
    s->page = (int)member_double(root, "page", 1);
    v = NULL;
    if (json_object_object_get_ex(root, "order", &v) &&
        !ids_back(pool, a, v, &s->order, &s->n_order))
        goto changed;
    v = NULL;
    json_object_object_get_ex(root, "current", &v);
    if (!ids_back(pool, a, v, &s->current, &s->n_current))
        goto changed;
    json_object_object_get_ex(root, "answers", &answers);
    s->n_answers = answers ? (int)json_object_array_length(answers) : 0;
    s->answers = apr_pcalloc(pool, sizeof(answer) * (size_t)(a->n_items + 1));
    for (k = 0; k < s->n_answers; k++) {
        json_object *row = json_object_array_get_idx(answers, (size_t)k);
        answer *an = &s->answers[k];
        an->item = item_by_id(a, (long)member_double(row, "item", -1));
        if (an->item < 0)
            goto changed;
        an->value = json_object_object_get_ex(row, "value", &v)
                        ? apr_pstrdup(pool, json_object_get_string(v))
                        : "";
        an->x = (int)member_double(row, "x", CC_MISSING);
        an->score = member_double(row, "score", NAN);
        an->skipped = json_object_object_get_ex(row, "skipped", &v) && json_object_get_boolean(v);
        an->theta = member_double(row, "theta", NAN);
        an->sem = member_double(row, "sem", NAN);
        an->time_taken = member_double(row, "timeTaken", 0);
    }
    if (a->order != ORDER_CAT && s->order == NULL)
        goto changed; /* a linear session always stores its order */
    s->done = json_object_object_get_ex(root, "done", &v) && json_object_get_boolean(v);
    if (json_object_object_get_ex(root, "stopReason", &v))
        s->stop = apr_pstrdup(pool, json_object_get_string(v));
    return 1;
changed:
    *errmsg = "the test's items changed while this session was running";
    return 0;
}

/* ---- pages -------------------------------------------------------------- */

static int linear_limit(const cc_assessment *a, const session_state *s);
static void estimate_answers(const cc_assessment *a, apr_pool_t *pool, const answer *answers,
                             int n_answers, const char *trait, double *theta, double *sem);

/* Results per trait, in the order the traits were first met; NULL when the
 * items given have fewer than two traits. */
static void fill_traits(apr_pool_t *pool, const cc_assessment *a, const session_state *s,
                        cc_assess_page *page)
{
    cc_assess_trait *traits = apr_pcalloc(pool, sizeof(*traits) * (size_t)(s->n_answers + 1));
    int n = 0, k, t;

    for (k = 0; k < s->n_answers; k++) {
        const item_def *item = &a->items[s->answers[k].item];
        const char *name = item->trait ? item->trait : "";
        for (t = 0; t < n && strcmp(traits[t].name, name) != 0; t++)
            ;
        if (t == n)
            traits[n++].name = name;
        traits[t].n_items++;
        traits[t].max_score += item->max_score;
        if (!isnan(s->answers[k].score))
            traits[t].score += s->answers[k].score;
    }
    if (n < 2)
        return;
    for (t = 0; t < n; t++)
        estimate_answers(a, pool, s->answers, s->n_answers, traits[t].name, &traits[t].theta,
                         &traits[t].sem);
    page->traits = traits;
    page->n_traits = n;
}

/* The page of a state. given: the answers just submitted to its items
 * (a page shown again), else NULL for the stored ones. */
static void fill_page(apr_pool_t *pool, const cc_assessment *a, const session_state *s, long now,
                      apr_table_t *given, cc_assess_page *page)
{
    double *thetas = apr_pcalloc(pool, sizeof(double) * (size_t)(s->n_answers + 1));
    double *sems = apr_pcalloc(pool, sizeof(double) * (size_t)(s->n_answers + 1));
    double *scores = apr_pcalloc(pool, sizeof(double) * (size_t)(s->n_answers + 1));
    const char *items = "[";
    int k, m;

    memset(page, 0, sizeof(*page));
    page->finished = s->done;
    page->stop_reason = s->stop;
    page->seed = s->seed;
    page->values = apr_pcalloc(pool, sizeof(char *) * (size_t)(s->n_current + 1));
    for (k = 0; !s->done && k < s->n_current; k++) {
        const item_def *item = &a->items[s->current[k]];
        items = apr_pstrcat(pool, items, k ? "," : "", item->client_json, NULL);
        if (given) {
            page->values[k] = apr_table_get(given, apr_psprintf(pool, "r%ld", item->id));
        } else {
            for (m = 0; m < s->n_answers; m++)
                if (s->answers[m].item == s->current[k] && !s->answers[m].skipped)
                    page->values[k] = s->answers[m].value;
        }
        page->n_items++;
    }
    page->items_json = apr_pstrcat(pool, items, "]", NULL);
    page->page = s->page;
    page->answered = s->n_answers;
    page->max_items = a->item_num_limit ? a->item_num_limit : a->n_items;
    page->linear = a->order != ORDER_CAT;
    if (page->linear) {
        page->max_items = linear_limit(a, s);
        page->n_pages = (page->max_items + a->items_per_page - 1) / a->items_per_page;
    }
    page->can_go_back = a->can_go_back && s->page > 1 && !s->done;
    page->time_left = -1;
    if (a->test_time_limit) {
        long left = a->test_time_limit - (now - s->started);
        page->time_left = left > 0 ? (int)left : 0;
    }
    page->theta = a->design.start.theta[0];
    page->sem = INFINITY;
    for (k = 0; k < s->n_answers; k++) {
        thetas[k] = s->answers[k].theta;
        sems[k] = s->answers[k].sem;
        scores[k] = s->answers[k].score;
        page->theta = thetas[k];
        page->sem = sems[k];
        page->max_score += a->items[s->answers[k].item].max_score;
        if (!isnan(s->answers[k].score))
            page->total_score += s->answers[k].score;
    }
    page->theta_history = thetas;
    page->sem_history = sems;
    page->score_history = scores;
    page->n_history = s->n_answers;
    if (s->done)
        fill_traits(pool, a, s, page);
}

/* ---- CAT ---------------------------------------------------------------- */

static int by_exposure(const void *x, const void *y, void *counts)
{
    long cx = ((const long *)counts)[*(const int *)x], cy = ((const long *)counts)[*(const int *)y];

    if (cx != cy)
        return cx > cy ? -1 : 1;
    return *(const int *)x - *(const int *)y;
}

/* Exposure control for a new pick: once exposure_min_sessions sessions
 * have responses, up to exposure_max_items of the items given in at least
 * exposure_limit of them (the most exposed first) are unavailable. Items
 * this session already answered are never in question, and when the rule
 * would leave nothing to give it is not applied. NULL: nothing excluded. */
static unsigned char *exposure_mask(apr_pool_t *pool, const cc_assessment *a,
                                    const session_state *s)
{
    unsigned char *mask, *answered;
    int *over, n_over = 0, left = 0, excluded, i, k;

    if (!cc_assess_wants_exposure(a) || a->exposure_sessions <= 0 ||
        a->exposure_sessions < a->exposure_min_sessions)
        return NULL;
    answered = apr_pcalloc(pool, (size_t)a->n_items);
    for (k = 0; k < s->n_answers; k++)
        answered[s->answers[k].item] = 1;
    over = apr_palloc(pool, sizeof(int) * (size_t)a->n_items);
    for (i = 0; i < a->n_items; i++) {
        if (answered[i])
            continue;
        left++;
        if ((double)a->exposure_counts[i] / (double)a->exposure_sessions >= a->exposure_limit)
            over[n_over++] = i;
    }
    excluded = n_over < a->exposure_max_items ? n_over : a->exposure_max_items;
    if (excluded == 0 || excluded >= left)
        return NULL;
    qsort_r(over, (size_t)n_over, sizeof(int), by_exposure, a->exposure_counts);
    mask = apr_palloc(pool, (size_t)a->n_items);
    memset(mask, 1, (size_t)a->n_items);
    for (k = 0; k < excluded; k++)
        mask[over[k]] = 0;
    return mask;
}

/* Replays the stored answers through the engine (resuming on any child),
 * then asks for the next item. */
static apr_status_t cat_advance(apr_pool_t *pool, const cc_assessment *a, session_state *s,
                                const answer *fresh, int n_fresh, int timed_out,
                                const char **errmsg)
{
    cc_cat_design design = a->design;
    cc_cat_state st;
    cc_cat_next nx;
    cc_cat_error err;
    int k;

    design.seed = s->seed;
    if (cc_cat_begin(&st, &a->bank, &design, &err) != CC_CAT_OK)
        goto fail;
    for (k = 0; k < s->n_answers + n_fresh; k++) {
        answer *an = &s->answers[k];
        if (k >= s->n_answers)
            *an = fresh[k - s->n_answers];
        if (cc_cat_next_item(&st, &nx, &err) != CC_CAT_OK ||
            cc_cat_answer(&st, an->item, an->x, &err) != CC_CAT_OK)
            goto fail_state;
        if (k >= s->n_answers) {
            an->theta = st.theta_now;
            an->sem = st.se_now;
        }
    }
    s->n_answers += n_fresh;
    s->n_current = 0;
    /* Only the new pick sees exposure control: the replay above ran with
     * every item available, as the answers it replays were given. st keeps
     * a pointer to design, so the change applies from here on. */
    design.test.sel.available = exposure_mask(pool, a, s);
    if (timed_out) {
        s->done = 1;
        s->stop = "timeOut";
    } else if (cc_cat_next_item(&st, &nx, &err) != CC_CAT_OK) {
        goto fail_state;
    } else if (nx.stop) {
        int precision = a->design.stop.n_rules > 0 &&
                        a->design.stop.rule[a->design.stop.n_rules - 1] == CC_STOP_PRECISION &&
                        (nx.rules_met >> (a->design.stop.n_rules - 1)) & 1u;
        s->done = 1;
        s->stop = (!nx.end_warning && precision) ? "minAccuracy" : "maxItems";
    } else {
        s->current[0] = nx.item;
        s->n_current = 1;
        s->page = s->n_answers + 1;
    }
    cc_cat_end(&st);
    return APR_SUCCESS;
fail_state:
    cc_cat_end(&st);
fail:
    *errmsg = apr_psprintf(pool, "the adaptive test cannot go on: %s", err.message);
    return APR_EGENERAL;
}

/* ---- linear ------------------------------------------------------------- */

static int linear_limit(const cc_assessment *a, const session_state *s)
{
    return a->item_num_limit && a->item_num_limit < s->n_order ? a->item_num_limit : s->n_order;
}

static void linear_show(const cc_assessment *a, session_state *s)
{
    int first = (s->page - 1) * a->items_per_page, k;

    s->n_current = 0;
    for (k = first; k < first + a->items_per_page && k < linear_limit(a, s); k++)
        s->current[s->n_current++] = s->order[k];
}

/* Estimate over the answered items of one trait (NULL: all of them). */
static void estimate_answers(const cc_assessment *a, apr_pool_t *pool, const answer *answers,
                             int n_answers, const char *trait, double *theta, double *sem)
{
    int *items = apr_palloc(pool, sizeof(int) * (size_t)(n_answers + 1));
    int *x = apr_palloc(pool, sizeof(int) * (size_t)(n_answers + 1));
    int k, n = 0;

    for (k = 0; k < n_answers; k++) {
        const char *t = a->items[answers[k].item].trait;
        if (trait && (t == NULL || strcmp(t, trait) != 0))
            continue;
        items[n] = answers[k].item;
        x[n++] = answers[k].x;
    }
    *theta = a->design.start.theta[0];
    *sem = INFINITY;
    if (cc_theta_est(&a->bank, items, x, n, &a->design.test.est, theta, NULL) != CC_CAT_OK)
        *theta = a->design.start.theta[0];
    if (cc_sem_theta(&a->bank, items, x, n, *theta, &a->design.test.est, CC_SEM_CLASSIC, 0, sem,
                     NULL) != CC_CAT_OK)
        *sem = INFINITY;
}

static void linear_estimate(const cc_assessment *a, apr_pool_t *pool, session_state *s,
                            double *theta, double *sem)
{
    estimate_answers(a, pool, s->answers, s->n_answers, NULL, theta, sem);
}

/* ---- the API ------------------------------------------------------------ */

static void state_init(apr_pool_t *pool, const cc_assessment *a, session_state *s)
{
    memset(s, 0, sizeof(*s));
    s->answers = apr_pcalloc(pool, sizeof(answer) * (size_t)(a->n_items + 1));
    s->current = apr_pcalloc(pool, sizeof(int) * (size_t)(a->n_items + 1));
    s->page = 1;
}

apr_status_t cc_assess_start(const cc_assessment *a, apr_pool_t *pool, long now,
                             unsigned long long seed, const char **state_json, cc_assess_page *page,
                             const char **errmsg)
{
    session_state s;
    apr_status_t rv = APR_SUCCESS;

    state_init(pool, a, &s);
    s.seed = seed;
    s.started = s.shown = now;
    if (a->order == ORDER_CAT) {
        rv = cat_advance(pool, a, &s, NULL, 0, 0, errmsg);
    } else {
        int k;
        s.n_order = a->n_items;
        s.order = apr_pmemdup(pool, a->fixed_order, sizeof(int) * (size_t)a->n_items);
        if (a->order == ORDER_RANDOM) {
            /* Shuffled once per session (Fisher-Yates); fixed items stay first. */
            cc_rng rng;
            int first = 0;
            cc_rng_seed(&rng, seed);
            while (first < s.n_order && a->items[s.order[first]].fixed_index)
                first++;
            for (k = s.n_order - 1; k > first; k--) {
                int j = first + (int)(cc_rng_uniform(&rng) * (k - first + 1)), t = s.order[k];
                s.order[k] = s.order[j];
                s.order[j] = t;
            }
        }
        linear_show(a, &s);
    }
    if (rv != APR_SUCCESS)
        return rv;
    *state_json = state_text(pool, a, &s);
    fill_page(pool, a, &s, now, NULL, page);
    return APR_SUCCESS;
}

apr_status_t cc_assess_current(const cc_assessment *a, apr_pool_t *pool, const char *state_json,
                               long now, cc_assess_page *page, const char **errmsg)
{
    session_state s;

    if (!state_parse(pool, a, state_json, &s, errmsg))
        return APR_EINVAL;
    fill_page(pool, a, &s, now, NULL, page);
    return APR_SUCCESS;
}

/* Scores one form value for item i; APR_EINVAL for a value the item does
 * not offer, APR_INCOMPLETE for a missing answer to an item that cannot be
 * skipped. */
static apr_status_t score_answer(apr_pool_t *pool, const cc_assessment *a, int i,
                                 apr_table_t *values, int timeout, long now, long shown, answer *an,
                                 const char **errmsg)
{
    const item_def *item = &a->items[i];
    const char *key = apr_psprintf(pool, "r%ld", item->id);
    const char *value = apr_table_get(values, key);
    const char *skip = apr_table_get(values, apr_psprintf(pool, "skip%ld", item->id));
    int k;

    memset(an, 0, sizeof(*an));
    an->item = i;
    an->time_taken = (double)(now - shown);
    if (value == NULL || *value == '\0' || (skip && !strcmp(skip, "1"))) {
        if (!item->skippable && !timeout) {
            *errmsg = apr_psprintf(pool, "please answer question %ld before going on (field %s)",
                                   item->id, key);
            return APR_INCOMPLETE;
        }
        an->value = "";
        an->x = CC_MISSING;
        an->score = NAN;
        an->skipped = 1;
        return APR_SUCCESS;
    }
    for (k = 0; k < item->n_options; k++) {
        if (!strcmp(item->values[k], value)) {
            an->value = apr_pstrdup(pool, value);
            an->score = item->scores[k];
            an->x = a->bank.model == CC_MODEL_DICHO ? (an->score > 0) : (int)an->score;
            return APR_SUCCESS;
        }
    }
    *errmsg = apr_psprintf(pool, "\"%s\" is not one of the answers to question %ld (field %s)",
                           value, item->id, key);
    return APR_EINVAL;
}

static void collect_responses(apr_pool_t *pool, const cc_assessment *a, const answer *answers,
                              int n, apr_array_header_t *out)
{
    int k;

    for (k = 0; k < n; k++) {
        cc_assess_response *r = apr_array_push(out);
        const item_def *item = &a->items[answers[k].item];
        int m;
        r->item_id = item->id;
        r->response = answers[k].value;
        r->score = answers[k].score;
        r->skipped = answers[k].skipped;
        r->theta = answers[k].theta;
        r->sem = answers[k].sem;
        r->time_taken = answers[k].time_taken;
        r->trait = item->trait;
        for (m = 0; m < item->n_options; m++)
            if (item->traits[m] && !strcmp(item->values[m], answers[k].value))
                r->trait = item->trait ? apr_pstrcat(pool, item->trait, ",", item->traits[m], NULL)
                                       : item->traits[m];
    }
}

/* Linear tests: the page's answers replace earlier ones to the same items
 * (the back button), then the page moves. */
static void linear_record(apr_pool_t *pool, const cc_assessment *a, session_state *s, answer *fresh,
                          int n_fresh)
{
    double theta, sem;
    int k, m;

    for (k = 0; k < n_fresh; k++) {
        for (m = 0; m < s->n_answers && s->answers[m].item != fresh[k].item; m++)
            ;
        s->answers[m] = fresh[k];
        if (m == s->n_answers)
            s->n_answers++;
    }
    linear_estimate(a, pool, s, &theta, &sem);
    for (k = 0; k < n_fresh; k++) {
        fresh[k].theta = theta;
        fresh[k].sem = sem;
        for (m = 0; m < s->n_answers; m++)
            if (s->answers[m].item == fresh[k].item)
                s->answers[m] = fresh[k];
    }
}

/* Is the test's time up? The server's clock decides; the page's timer
 * (isTimeout=1) is believed when it is within a few seconds of it (clocks
 * of servers sharing the database differ a little, and the page's timer
 * started when the page arrived). A test without a time limit never
 * times out, whatever the client says: isTimeout cannot skip items. */
static int test_timed_out(const cc_assessment *a, const session_state *s, long now,
                          int client_timeout)
{
    long left = a->test_time_limit - (now - s->started);

    if (a->test_time_limit == 0)
        return 0;
    return left <= 0 || (client_timeout && left <= CC_ASSESS_TIMEOUT_GRACE);
}

apr_status_t cc_assess_submit(const cc_assessment *a, apr_pool_t *pool, const char *state_json,
                              apr_table_t *values, long now, const char **new_state_json,
                              apr_array_header_t **responses, cc_assess_page *page,
                              const char **errmsg)
{
    const char *button = apr_table_get(values, "buttonPressed");
    const char *timeout_field = apr_table_get(values, "isTimeout");
    int client_timeout = timeout_field && !strcmp(timeout_field, "1"), timeout;
    const char *missing = NULL;
    session_state s;
    answer *fresh;
    int k, back;
    apr_status_t rv = APR_SUCCESS;

    if (!state_parse(pool, a, state_json, &s, errmsg))
        return APR_EINVAL;
    *responses = apr_array_make(pool, 4, sizeof(cc_assess_response));
    if (s.done) {
        *errmsg = "this test is already finished";
        return APR_EGENERAL;
    }
    back = button && !strcmp(button, "back");
    if (back && !(a->can_go_back && s.page > 1)) {
        *errmsg = "going back is not possible here";
        return APR_EINVAL;
    }
    timeout = test_timed_out(a, &s, now, client_timeout);
    fresh = apr_pcalloc(pool, sizeof(answer) * (size_t)(s.n_current + 1));
    for (k = 0; k < s.n_current; k++) {
        apr_status_t one = score_answer(pool, a, s.current[k], values, timeout || back, now,
                                        s.shown, &fresh[k], &missing);
        if (one == APR_INCOMPLETE && rv == APR_SUCCESS)
            rv = one;
        else if (one != APR_SUCCESS && one != APR_INCOMPLETE)
            return (*errmsg = missing, one);
    }
    if (rv == APR_INCOMPLETE) {
        /* The same page again, with what was given (a bad value, above,
         * is refused first: it is a client fault, not a participant's). */
        *errmsg = missing;
        *new_state_json = state_json;
        fill_page(pool, a, &s, now, values, page);
        return rv;
    }
    if (a->order == ORDER_CAT) {
        int s_current_count = s.n_current;
        rv = cat_advance(pool, a, &s, fresh, s.n_current, timeout, errmsg);
        if (rv != APR_SUCCESS)
            return rv;
        /* The page's answers, now with their theta and SEM. */
        collect_responses(pool, a, s.answers + s.n_answers - s_current_count, s_current_count,
                          *responses);
    } else {
        int answered = 0;
        for (k = 0; k < s.n_current; k++)
            answered += !(back && fresh[k].skipped);
        if (answered)
            linear_record(pool, a, &s, fresh, s.n_current);
        collect_responses(pool, a, fresh, answered ? s.n_current : 0, *responses);
        s.page += back ? -1 : 1;
        if (timeout) {
            s.done = 1;
            s.stop = "timeOut";
        } else if ((s.page - 1) * a->items_per_page >= linear_limit(a, &s)) {
            s.done = 1;
            s.stop = "maxItems";
        }
        if (!s.done)
            linear_show(a, &s);
        else
            s.n_current = 0;
    }
    s.shown = now;
    *new_state_json = state_text(pool, a, &s);
    fill_page(pool, a, &s, now, NULL, page);
    return APR_SUCCESS;
}
