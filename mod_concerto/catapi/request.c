/* JSON requests to the CAT engine (see request.h): parsing and checking of
 * the arguments, dispatch to the engine, and the result in catR's names. */
#include "catapi/request.h"

#include "cat/bank.h"
#include "cat/estimate.h"
#include "cat/model.h"
#include "cat/rng.h"
#include "cat/select.h"
#include "cat/simulate.h"

#include <json.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Exact SEs (sem.exact) go over all 2^n response patterns; the engine
 * takes up to 20 items (seconds of work). The fuzzing build lowers it. */
#ifndef CC_CATAPI_MAX_EXACT_ITEMS
#define CC_CATAPI_MAX_EXACT_ITEMS 20
#endif

/* ------------------------------------------------------------------ */
/* Errors */

typedef struct api {
    char *err;
    size_t errlen;
} api;

static int fail(api *a, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(api *a, int code, const char *fmt, ...)
{
    va_list ap;

    if (a->err && a->errlen) {
        va_start(ap, fmt);
        /* A known analyzer false positive: ap is started just above. */
        vsnprintf(a->err, a->errlen, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
        va_end(ap);
    }
    return code;
}

#define BAD(a, ...) fail((a), CC_CATAPI_EBADREQ, __VA_ARGS__)
#define NOMEM(a) fail((a), CC_CATAPI_ENOMEM, "out of memory")

/* The engine's refusal, with its message. */
static int engine_fail(api *a, const char *fn, cc_cat_status st, const cc_cat_error *e)
{
    int code = st == CC_CAT_ENOMEM   ? CC_CATAPI_ENOMEM
               : st == CC_CAT_EINVAL ? CC_CATAPI_EBADREQ
                                     : CC_CATAPI_EREFUSED;

    return fail(a, code, "%s: %s", fn, e->message[0] ? e->message : "the engine refused");
}

/* A string of the request fit for an error message: at most 40 bytes,
 * printable ASCII only. */
typedef struct shown {
    char s[48];
} shown;

static shown show(const char *s)
{
    shown out;
    size_t i;

    for (i = 0; s && s[i] && i < 40; i++) {
        unsigned char c = (unsigned char)s[i];
        out.s[i] = (char)((c < 0x20 || c >= 0x7f) ? '?' : c);
    }
    out.s[i] = '\0';
    if (s && s[i])
        memcpy(out.s + i, "...", 4);
    return out;
}

static const char *type_name(json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null:
        return "null";
    case json_type_boolean:
        return "true/false";
    case json_type_double:
    case json_type_int:
        return "a number";
    case json_type_object:
        return "an object";
    case json_type_array:
        return "an array";
    case json_type_string:
        return "a string";
    }
    return "something else";
}

static int is_number(json_object *v)
{
    return json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
}

/* ------------------------------------------------------------------ */
/* Arguments */

/* A member of obj; NULL when absent or null (null means "not given"). */
static json_object *member(json_object *obj, const char *name)
{
    json_object *v = NULL;

    if (obj == NULL || !json_object_object_get_ex(obj, name, &v))
        return NULL;
    return v;
}

/* Refuses members of obj that are not in the NULL-terminated list. */
static int check_names(api *a, json_object *obj, const char *where, const char *fn,
                       const char *const *allowed)
{
    json_object_object_foreach(obj, key, value)
    {
        size_t i;
        int found = 0;

        (void)value;
        for (i = 0; allowed[i]; i++)
            if (!strcmp(key, allowed[i]))
                found = 1;
        if (!found)
            return BAD(a, "%s.%s is not an argument of %s", where, show(key).s, fn);
    }
    return 0;
}

/* A finite number (a 1-element array counts as its element). */
static int num_value(api *a, json_object *v, const char *where, const char *name, double *out)
{
    if (json_object_is_type(v, json_type_array) && json_object_array_length(v) == 1)
        v = json_object_array_get_idx(v, 0);
    if (!is_number(v))
        return BAD(a, "%s.%s must be a number, not %s", where, name, type_name(v));
    *out = json_object_get_double(v);
    if (!isfinite(*out))
        return BAD(a, "%s.%s must be a finite number", where, name);
    return 0;
}

/* An optional number; *out keeps its default when absent. */
static int get_num(api *a, json_object *obj, const char *where, const char *name, double *out)
{
    json_object *v = member(obj, name);

    return v ? num_value(a, v, where, name, out) : 0;
}

static int require_num(api *a, json_object *obj, const char *where, const char *name,
                       const char *what, double *out)
{
    json_object *v = member(obj, name);

    if (v == NULL)
        return BAD(a, "%s.%s is required (%s)", where, name, what);
    return num_value(a, v, where, name, out);
}

/* An optional integral number in [lo, hi]. */
static int get_int(api *a, json_object *obj, const char *where, const char *name, long lo, long hi,
                   long *out)
{
    json_object *v = member(obj, name);
    double d = 0;
    int rc;

    if (v == NULL)
        return 0;
    rc = num_value(a, v, where, name, &d);
    if (rc)
        return rc;
    if (d != floor(d) || d < (double)lo || d > (double)hi)
        return BAD(a, "%s.%s must be a whole number from %ld to %ld (not %g)", where, name, lo, hi,
                   d);
    *out = (long)d;
    return 0;
}

/* An optional vector of exactly n finite numbers. */
static int get_vec(api *a, json_object *obj, const char *where, const char *name, int n,
                   double *out)
{
    json_object *v = member(obj, name);
    int k;

    if (v == NULL)
        return 0;
    if (n == 1)
        return num_value(a, v, where, name, out);
    if (!json_object_is_type(v, json_type_array) || (int)json_object_array_length(v) != n)
        return BAD(a, "%s.%s must be an array of %d numbers", where, name, n);
    for (k = 0; k < n; k++) {
        json_object *e = json_object_array_get_idx(v, (size_t)k);
        if (!is_number(e))
            return BAD(a, "%s.%s value %d must be a number, not %s", where, name, k + 1,
                       type_name(e));
        out[k] = json_object_get_double(e);
        if (!isfinite(out[k]))
            return BAD(a, "%s.%s value %d must be a finite number", where, name, k + 1);
    }
    return 0;
}

/* An optional string out of names[0..n) (NULL entries skipped); *out
 * keeps its default when absent. */
static int get_choice(api *a, json_object *obj, const char *where, const char *name,
                      const char *const *names, int n, int *out)
{
    json_object *v = member(obj, name);
    char list[256] = "";
    const char *s;
    int k;

    if (v == NULL)
        return 0;
    if (json_object_is_type(v, json_type_array) && json_object_array_length(v) == 1)
        v = json_object_array_get_idx(v, 0);
    s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
    for (k = 0; s && k < n; k++) {
        if (names[k] && !strcmp(s, names[k])) {
            *out = k;
            return 0;
        }
    }
    for (k = 0; k < n; k++) {
        if (names[k] == NULL)
            continue;
        if (list[0])
            strncat(list, ", ", sizeof(list) - strlen(list) - 1);
        strncat(list, names[k], sizeof(list) - strlen(list) - 1);
    }
    if (s == NULL)
        return BAD(a, "%s.%s must be a string (one of %s), not %s", where, name, list,
                   type_name(v));
    return BAD(a, "%s.%s must be one of %s (not \"%s\")", where, name, list, show(s).s);
}

/* An optional true/false (0/1 accepted, as R does). */
static int get_bool(api *a, json_object *obj, const char *where, const char *name, int *out)
{
    json_object *v = member(obj, name);

    if (v == NULL)
        return 0;
    if (json_object_is_type(v, json_type_array) && json_object_array_length(v) == 1)
        v = json_object_array_get_idx(v, 0);
    if (json_object_is_type(v, json_type_boolean)) {
        *out = json_object_get_boolean(v);
        return 0;
    }
    if (json_object_is_type(v, json_type_int) &&
        (json_object_get_int64(v) == 0 || json_object_get_int64(v) == 1)) {
        *out = (int)json_object_get_int64(v);
        return 0;
    }
    return BAD(a, "%s.%s must be true or false, not %s", where, name, type_name(v));
}

static int get_model(api *a, json_object *obj, const char *where, cc_model *out)
{
    json_object *v = member(obj, "model");
    const char *s;
    int m;

    *out = CC_MODEL_DICHO;
    if (v == NULL)
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return BAD(a, "%s.model must be null (dichotomous) or a string, not %s", where,
                   type_name(v));
    s = json_object_get_string(v);
    for (m = CC_MODEL_GRM; m <= CC_MODEL_NRM; m++) {
        if (!strcmp(s, cc_model_name((cc_model)m))) {
            *out = (cc_model)m;
            return 0;
        }
    }
    return BAD(a,
               "%s.model must be null (dichotomous items) or one of GRM, MGRM, PCM, GPCM, RSM, "
               "NRM (not \"%s\")",
               where, show(s).s);
}

/* An item parameter matrix given as an array of rows (or one flat row). */
static int get_bank(api *a, json_object *obj, const char *where, const char *name, cc_model model,
                    cc_bank *bank)
{
    json_object *rows = member(obj, name), *first;
    size_t n, cols, i, j;
    double *par;
    cc_cat_error e;
    cc_cat_status st;
    int flat;

    memset(bank, 0, sizeof(*bank));
    if (rows == NULL)
        return BAD(a, "%s.%s is required (the item parameters, an array of rows)", where, name);
    if (!json_object_is_type(rows, json_type_array))
        return BAD(a, "%s.%s must be an array of rows, not %s", where, name, type_name(rows));
    n = json_object_array_length(rows);
    if (n == 0)
        return BAD(a, "%s.%s is empty: an item bank needs at least one item", where, name);
    first = json_object_array_get_idx(rows, 0);
    flat = first == NULL || is_number(first);
    if (flat) {
        cols = n;
        n = 1;
    } else {
        if (n > CC_CATAPI_MAX_ITEMS)
            return BAD(a, "%s.%s has %zu items; at most %d are accepted", where, name, n,
                       CC_CATAPI_MAX_ITEMS);
        if (!json_object_is_type(first, json_type_array))
            return BAD(a, "%s.%s row 1 must be an array of numbers, not %s", where, name,
                       type_name(first));
        cols = json_object_array_length(first);
    }
    if (cols == 0)
        return BAD(a, "%s.%s row 1 is empty", where, name);
    if (model == CC_MODEL_DICHO && cols != 4)
        return BAD(a, "%s.%s row 1 has %zu values, a dichotomous bank needs 4 (a, b, c, d)", where,
                   name, cols);
    if (cols > CC_CATAPI_MAX_COLS)
        return BAD(a, "%s.%s row 1 has %zu values; at most %d parameter columns are accepted",
                   where, name, cols, CC_CATAPI_MAX_COLS);
    if (n * cols > CC_CATAPI_MAX_VALUES)
        return BAD(a, "%s.%s has %zu items of %zu values; at most %d values are accepted", where,
                   name, n, cols, CC_CATAPI_MAX_VALUES);
    par = malloc(sizeof(double) * n * cols);
    if (par == NULL)
        return NOMEM(a);
    for (i = 0; i < n; i++) {
        json_object *row = flat ? rows : json_object_array_get_idx(rows, i);
        if (!json_object_is_type(row, json_type_array)) {
            free(par);
            return BAD(a, "%s.%s row %zu must be an array of numbers, not %s", where, name, i + 1,
                       type_name(row));
        }
        if (json_object_array_length(row) != cols) {
            free(par);
            if (model == CC_MODEL_DICHO)
                return BAD(a, "%s.%s row %zu has %zu values, a dichotomous bank needs 4", where,
                           name, i + 1, json_object_array_length(row));
            return BAD(a, "%s.%s row %zu has %zu values, but row 1 has %zu", where, name, i + 1,
                       json_object_array_length(row), cols);
        }
        for (j = 0; j < cols; j++) {
            json_object *v = json_object_array_get_idx(row, j);
            double d;
            if (v == NULL) {
                par[i * cols + j] = NAN;
                continue;
            }
            if (!is_number(v)) {
                free(par);
                return BAD(a, "%s.%s row %zu value %zu must be a number or null, not %s", where,
                           name, i + 1, j + 1, type_name(v));
            }
            d = json_object_get_double(v);
            if (!isfinite(d)) {
                free(par);
                return BAD(a, "%s.%s row %zu value %zu is not a finite number", where, name, i + 1,
                           j + 1);
            }
            par[i * cols + j] = d;
        }
    }
    st = cc_bank_init(bank, model, (int)n, (int)cols, par, &e);
    free(par);
    if (st == CC_CAT_ENOMEM)
        return NOMEM(a);
    if (st != CC_CAT_OK)
        return BAD(a, "%s.%s: %s", where, name, e.message);
    return 0;
}

/* An optional response vector: integers, null = missing. *x is malloc'd
 * (NULL when absent). */
static int get_responses(api *a, json_object *obj, const char *where, const char *name, int **x,
                         int *n)
{
    json_object *v = member(obj, name);
    size_t len, k;

    *x = NULL;
    *n = 0;
    if (v == NULL)
        return 0;
    len = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 1;
    if (!json_object_is_type(v, json_type_array) && !is_number(v))
        return BAD(a, "%s.%s must be an array of responses (integers, null for missing), not %s",
                   where, name, type_name(v));
    if (len > CC_CATAPI_MAX_ITEMS)
        return BAD(a, "%s.%s has %zu values; at most %d are accepted", where, name, len,
                   CC_CATAPI_MAX_ITEMS);
    *x = malloc(sizeof(int) * (len ? len : 1));
    if (*x == NULL)
        return NOMEM(a);
    for (k = 0; k < len; k++) {
        json_object *e =
            json_object_is_type(v, json_type_array) ? json_object_array_get_idx(v, k) : v;
        double d;
        if (e == NULL) {
            (*x)[k] = CC_MISSING;
            continue;
        }
        if (json_object_is_type(e, json_type_boolean)) {
            (*x)[k] = json_object_get_boolean(e);
            continue;
        }
        if (!is_number(e)) {
            free(*x);
            *x = NULL;
            return BAD(a, "%s.%s value %zu must be a response (an integer, or null), not %s", where,
                       name, k + 1, type_name(e));
        }
        d = json_object_get_double(e);
        if (!(d >= 0 && d < CC_MAX_CAT * 1000.0) || d != floor(d)) {
            free(*x);
            *x = NULL;
            return BAD(a, "%s.%s value %zu is %g, not a category (0, 1, 2, ...; null for missing)",
                       where, name, k + 1, d);
        }
        (*x)[k] = (int)d;
    }
    *n = (int)len;
    return 0;
}

/* An optional list of distinct 1-based item numbers of bank, returned
 * 0-based in *items (malloc'd; NULL when absent). */
static int get_items(api *a, json_object *obj, const char *where, const char *name,
                     const cc_bank *bank, int **items, int *n)
{
    json_object *v = member(obj, name);
    size_t len, k;
    unsigned char *seen;

    *items = NULL;
    *n = 0;
    if (v == NULL)
        return 0;
    if (!json_object_is_type(v, json_type_array) && !is_number(v))
        return BAD(a, "%s.%s must be an array of item numbers (1-based), not %s", where, name,
                   type_name(v));
    len = json_object_is_type(v, json_type_array) ? json_object_array_length(v) : 1;
    if (len > (size_t)bank->n_items)
        return BAD(a, "%s.%s lists %zu items, but the bank has only %d", where, name, len,
                   bank->n_items);
    *items = malloc(sizeof(int) * (len ? len : 1));
    seen = calloc((size_t)bank->n_items + 1, 1);
    if (*items == NULL || seen == NULL) {
        free(*items);
        free(seen);
        *items = NULL;
        return NOMEM(a);
    }
    for (k = 0; k < len; k++) {
        json_object *e =
            json_object_is_type(v, json_type_array) ? json_object_array_get_idx(v, k) : v;
        double d = is_number(e) ? json_object_get_double(e) : NAN;
        int rc = 0;
        if (!is_number(e))
            rc = BAD(a, "%s.%s value %zu must be an item number, not %s", where, name, k + 1,
                     type_name(e));
        else if (!(d >= 1 && d <= bank->n_items) || d != floor(d))
            rc = BAD(a, "%s.%s value %zu is %g, not an item of the bank (1 to %d)", where, name,
                     k + 1, d, bank->n_items);
        else if (seen[(int)d - 1])
            rc = BAD(a, "%s.%s lists item %d twice", where, name, (int)d);
        if (rc) {
            free(*items);
            free(seen);
            *items = NULL;
            return rc;
        }
        seen[(int)d - 1] = 1;
        (*items)[k] = (int)d - 1;
    }
    free(seen);
    *n = (int)len;
    return 0;
}

/* 0, 1, ..., n-1 (malloc'd). */
static int *all_items(int n)
{
    int *items = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1)), k;

    if (items)
        for (k = 0; k < n; k++)
            items[k] = k;
    return items;
}

/* ------------------------------------------------------------------ */
/* Estimation options (thetaEst, semTheta, nextItem, randomCAT lists) */

static const char *const method_names[] = {"ML", "BM", "EAP", "WL", "ROB"};
static const char *const prior_names[] = {"norm", "unif", "Jeffreys"};
static const char *const weight_names[] = {"Huber", "Tukey"};
static const char *const const_names[] = {NULL, "fixed4", "fixed7", "var", "BM", "EAP", "WL"};
static const char *const semtype_names[] = {"classic", "new"};

/* D, method, priorDist, priorPar, weight, tuCo, range, parInt,
 * constantPatt, current.th, bRange: the ones present in obj. */
static int get_est_options(api *a, json_object *obj, const char *where, cc_est_options *opt)
{
    int method = (int)opt->method, prior = (int)opt->prior, weight = (int)opt->weight;
    int cp = (int)opt->constant_patt, rc;
    double par_int[3] = {opt->quad[0], opt->quad[1], opt->quad_points};
    json_object *pi;
    cc_cat_error e;

    if ((rc = get_num(a, obj, where, "D", &opt->D)) ||
        (rc = get_choice(a, obj, where, "method", method_names, 5, &method)) ||
        (rc = get_choice(a, obj, where, "priorDist", prior_names, 3, &prior)) ||
        (rc = get_vec(a, obj, where, "priorPar", 2, opt->prior_par)) ||
        (rc = get_choice(a, obj, where, "weight", weight_names, 2, &weight)) ||
        (rc = get_num(a, obj, where, "tuCo", &opt->tuning)) ||
        (rc = get_vec(a, obj, where, "range", 2, opt->range)) ||
        (rc = get_vec(a, obj, where, "parInt", 3, par_int)) ||
        (rc = get_choice(a, obj, where, "constantPatt", const_names, 7, &cp)) ||
        (rc = get_num(a, obj, where, "current.th", &opt->current_theta)) ||
        (rc = get_vec(a, obj, where, "bRange", 2, opt->b_range)))
        return rc;
    if (!(opt->D > 0))
        return BAD(a, "%s.D must be positive (not %g)", where, opt->D);
    pi = member(obj, "parInt");
    if (pi && (par_int[2] != floor(par_int[2]) || par_int[2] < 2 || par_int[2] > CC_MAX_QUAD))
        return BAD(a,
                   "%s.parInt's third value (the number of quadrature points) must be a whole "
                   "number from 2 to %d (not %g)",
                   where, CC_MAX_QUAD, par_int[2]);
    opt->method = (cc_est_method)method;
    opt->prior = (cc_prior_dist)prior;
    opt->weight = (cc_rob_weight)weight;
    opt->constant_patt = (cc_constant_patt)cp;
    opt->quad[0] = par_int[0];
    opt->quad[1] = par_int[1];
    opt->quad_points = (int)par_int[2];
    if (cc_est_options_check(opt, &e) != CC_CAT_OK)
        return BAD(a, "%s: %s", where, e.message);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Results */

json_object *cc_catapi_number(double v)
{
    char buf[40];
    int p;

    if (isnan(v))
        return json_object_new_string("NaN");
    if (isinf(v))
        return json_object_new_string(v > 0 ? "Inf" : "-Inf");
    for (p = 15; p <= 17; p++) {
        snprintf(buf, sizeof(buf), "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return json_object_new_double_s(v, buf);
}

static json_object *num_array(const double *v, int n)
{
    json_object *arr = json_object_new_array_ext(n > 0 ? n : 1);
    int k;

    for (k = 0; arr && k < n; k++)
        json_object_array_add(arr, cc_catapi_number(v[k]));
    return arr;
}

/* Adds value under key to obj; returns -1 when either is missing (out of
 * memory). */
static int put(json_object *obj, const char *key, json_object *value)
{
    if (obj == NULL || value == NULL) {
        json_object_put(value);
        return -1;
    }
    return json_object_object_add(obj, key, value);
}

/* Adds JSON null under key (json-c's null is the NULL pointer). */
static int put_null(json_object *obj, const char *key)
{
    return obj ? json_object_object_add(obj, key, NULL) : -1;
}

/* ------------------------------------------------------------------ */
/* Pi, Ii, Ji, OIi */

/* Columns of catR's probability matrix for a polytomous bank. */
static int layout_width(const cc_bank *bank)
{
    switch (bank->model) {
    case CC_MODEL_GRM:
    case CC_MODEL_GPCM:
    case CC_MODEL_RSM:
        return bank->n_cols;
    case CC_MODEL_MGRM:
        return bank->n_cols - 1;
    case CC_MODEL_PCM:
        return bank->n_cols + 1;
    case CC_MODEL_NRM:
        return bank->n_cols / 2 + 1;
    case CC_MODEL_DICHO:
        break;
    }
    return 2;
}

static const char *const pi_args[] = {"th", "theta", "it", "model", "D", NULL};
static const char *const oii_args[] = {"th", "theta", "it", "x", "model", "D", NULL};

/* th (or theta), model, it, D. */
static int item_args(api *a, json_object *args, cc_bank *bank, double *th, double *D)
{
    cc_model model = CC_MODEL_DICHO;
    int rc;

    memset(bank, 0, sizeof(*bank));
    if (member(args, "th") && member(args, "theta"))
        return BAD(a, "args has both th and theta; give one");
    rc = require_num(a, args, "args", member(args, "theta") ? "theta" : "th", "the ability level",
                     th);
    if (rc == 0)
        rc = get_num(a, args, "args", "D", D);
    if (rc == 0 && !(*D > 0))
        rc = BAD(a, "args.D must be positive (not %g)", *D);
    if (rc == 0)
        rc = get_model(a, args, "args", &model);
    if (rc == 0)
        rc = get_bank(a, args, "args", "it", model, bank);
    return rc;
}

static int do_pi(api *a, json_object *args, json_object **result)
{
    static const char *const names[] = {"Pi", "dPi", "d2Pi", "d3Pi"};
    cc_bank bank;
    double th = 0, D = 1, P[4][CC_MAX_CAT];
    json_object *out, *arr[4];
    int rc, i, k, c, width;

    if ((rc = check_names(a, args, "args", "Pi", pi_args)) ||
        (rc = item_args(a, args, &bank, &th, &D)))
        return rc;
    width = layout_width(&bank);
    out = json_object_new_object();
    for (k = 0; k < 4; k++)
        arr[k] = json_object_new_array_ext(bank.n_items);
    for (i = 0; i < bank.n_items; i++) {
        cc_item_probs(&bank, i, th, D, P[0], P[1], P[2], P[3]);
        for (k = 0; k < 4; k++) {
            if (arr[k] == NULL)
                continue;
            if (bank.model == CC_MODEL_DICHO) {
                json_object_array_add(arr[k], cc_catapi_number(P[k][1]));
            } else {
                json_object *row = json_object_new_array_ext(width);
                for (c = 0; row && c < width; c++)
                    json_object_array_add(row,
                                          c < bank.n_cat[i] ? cc_catapi_number(P[k][c]) : NULL);
                json_object_array_add(arr[k], row);
            }
        }
    }
    rc = 0;
    for (k = 0; k < 4; k++)
        if (put(out, names[k], arr[k]))
            rc = -1;
    cc_bank_free(&bank);
    if (rc) {
        json_object_put(out);
        return NOMEM(a);
    }
    *result = out;
    return 0;
}

/* Per-item values of a function and its derivatives: out[0], out[stride],
 * out[2 * stride], ... for one item. */
typedef void item_values_fn(const cc_bank *bank, int item, double th, double D, double *out,
                            size_t stride);

static void ii_values(const cc_bank *bank, int item, double th, double D, double *out,
                      size_t stride)
{
    out[0] = cc_item_info(bank, item, th, D, &out[stride], &out[2 * stride]);
}

static void ji_values(const cc_bank *bank, int item, double th, double D, double *out,
                      size_t stride)
{
    out[0] = cc_item_ji(bank, item, th, D, &out[stride]);
}

/* Ii and Ji: vectors over the items, one per name. */
static int per_item_vectors(api *a, json_object *args, const char *fn, const char *const *names,
                            int nvec, item_values_fn *compute, json_object **result)
{
    cc_bank bank;
    double th = 0, D = 1, *v;
    json_object *out;
    int rc = 0, i, k, n;
    size_t stride;

    if ((rc = check_names(a, args, "args", fn, pi_args)) ||
        (rc = item_args(a, args, &bank, &th, &D)))
        return rc;
    n = bank.n_items;
    stride = (size_t)n;
    v = malloc(sizeof(double) * ((size_t)nvec * stride + 1));
    if (v == NULL) {
        cc_bank_free(&bank);
        return NOMEM(a);
    }
    for (i = 0; i < n; i++)
        compute(&bank, i, th, D, v + i, stride);
    out = json_object_new_object();
    for (k = 0; k < nvec; k++)
        rc |= put(out, names[k], num_array(v + (size_t)k * stride, n));
    free(v);
    cc_bank_free(&bank);
    if (rc) {
        json_object_put(out);
        return NOMEM(a);
    }
    *result = out;
    return 0;
}

static int do_ii(api *a, json_object *args, json_object **result)
{
    static const char *const names[] = {"Ii", "dIi", "d2Ii"};

    return per_item_vectors(a, args, "Ii", names, 3, ii_values, result);
}

static int do_ji(api *a, json_object *args, json_object **result)
{
    static const char *const names[] = {"Ji", "dJi"};

    return per_item_vectors(a, args, "Ji", names, 2, ji_values, result);
}

/* x of the same length as the bank's rows, checked against the items'
 * categories. */
static int responses_for_rows(api *a, json_object *args, const char *rows_name, const cc_bank *bank,
                              int required, int allow_missing, int **x)
{
    int n = 0, k, *items, rc;
    cc_cat_error e;

    rc = get_responses(a, args, "args", "x", x, &n);
    if (rc)
        return rc;
    if (*x == NULL)
        return required
                   ? BAD(a, "args.x is required (the responses, one per row of args.%s)", rows_name)
                   : 0;
    if (n != bank->n_items) {
        free(*x);
        *x = NULL;
        return BAD(a, "args.x has %d values but args.%s has %d rows (one response per item)", n,
                   rows_name, bank->n_items);
    }
    for (k = 0; k < n && !allow_missing; k++) {
        if ((*x)[k] == CC_MISSING) {
            free(*x);
            *x = NULL;
            return BAD(a, "args.x value %d is null; every item needs a response here", k + 1);
        }
    }
    items = all_items(n);
    if (items == NULL) {
        free(*x);
        *x = NULL;
        return NOMEM(a);
    }
    if (cc_check_responses(bank, items, *x, n, &e) != CC_CAT_OK) {
        free(items);
        free(*x);
        *x = NULL;
        return BAD(a, "args.x: %s", e.message);
    }
    free(items);
    return 0;
}

static int do_oii(api *a, json_object *args, json_object **result)
{
    cc_bank bank;
    double th = 0, D = 1, *v;
    int rc, i, *x = NULL;

    if ((rc = check_names(a, args, "args", "OIi", oii_args)) ||
        (rc = item_args(a, args, &bank, &th, &D)))
        return rc;
    rc = responses_for_rows(a, args, "it", &bank, 1, 0, &x);
    if (rc != 0 || x == NULL) { /* x is required: responses_for_rows says so */
        free(x);
        cc_bank_free(&bank);
        return rc != 0 ? rc : CC_CATAPI_EBADREQ;
    }
    v = malloc(sizeof(double) * ((size_t)bank.n_items + 1));
    if (v == NULL) {
        free(x);
        cc_bank_free(&bank);
        return NOMEM(a);
    }
    for (i = 0; i < bank.n_items; i++)
        v[i] = cc_item_observed_info(&bank, i, th, D, x[i]);
    *result = num_array(v, bank.n_items);
    free(v);
    free(x);
    cc_bank_free(&bank);
    return *result ? 0 : NOMEM(a);
}

/* ------------------------------------------------------------------ */
/* thetaEst, semTheta */

static const char *const theta_args[] = {"it",         "x",         "model",    "D",
                                         "method",     "priorDist", "priorPar", "weight",
                                         "tuCo",       "range",     "parInt",   "constantPatt",
                                         "current.th", "bRange",    NULL};
static const char *const sem_args[] = {
    "thEst",        "theta",     "th",       "it",     "x",    "model",    "D",
    "method",       "priorDist", "priorPar", "weight", "tuCo", "sem.type", "parInt",
    "constantPatt", "sem.exact", "trueTh",   "range",  NULL};

static int do_theta_est(api *a, json_object *args, json_object **result)
{
    cc_bank bank;
    cc_model model;
    cc_est_options opt;
    cc_cat_error e;
    cc_cat_status st;
    double theta = 0;
    int rc, *x = NULL, *items;

    cc_est_options_default(&opt);
    if ((rc = check_names(a, args, "args", "thetaEst", theta_args)) ||
        (rc = get_model(a, args, "args", &model)) ||
        (rc = get_est_options(a, args, "args", &opt)) ||
        (rc = get_bank(a, args, "args", "it", model, &bank)))
        return rc;
    rc = responses_for_rows(a, args, "it", &bank, 1, 1, &x);
    if (rc) {
        cc_bank_free(&bank);
        return rc;
    }
    items = all_items(bank.n_items);
    if (items == NULL) {
        free(x);
        cc_bank_free(&bank);
        return NOMEM(a);
    }
    memset(&e, 0, sizeof(e));
    st = cc_theta_est(&bank, items, x, bank.n_items, &opt, &theta, &e);
    free(items);
    free(x);
    cc_bank_free(&bank);
    if (st != CC_CAT_OK)
        return engine_fail(a, "thetaEst", st, &e);
    *result = cc_catapi_number(theta);
    return *result ? 0 : NOMEM(a);
}

static int do_sem_theta(api *a, json_object *args, json_object **result)
{
    static const char *const th_names[] = {"thEst", "theta", "th"};
    cc_bank bank;
    cc_model model;
    cc_est_options opt;
    cc_cat_error e;
    cc_cat_status st;
    double th = 0, se = 0;
    int rc, *x = NULL, *items, sem_type = CC_SEM_CLASSIC, exact = 0, k, given = 0;
    const char *th_name = "thEst";

    cc_est_options_default(&opt);
    if ((rc = check_names(a, args, "args", "semTheta", sem_args)))
        return rc;
    for (k = 0; k < 3; k++) {
        if (member(args, th_names[k])) {
            th_name = th_names[k];
            given++;
        }
    }
    if (given > 1)
        return BAD(a, "args gives the ability more than once (thEst, theta, th); give one");
    if (member(args, "trueTh"))
        return fail(a, CC_CATAPI_ENOTIMPL,
                    "semTheta: args.trueTh (the SE at a true ability "
                    "with sem.exact) is not supported");
    if ((rc = require_num(a, args, "args", th_name, "the ability estimate", &th)) ||
        (rc = get_model(a, args, "args", &model)) ||
        (rc = get_est_options(a, args, "args", &opt)) ||
        (rc = get_choice(a, args, "args", "sem.type", semtype_names, 2, &sem_type)) ||
        (rc = get_bool(a, args, "args", "sem.exact", &exact)) ||
        (rc = get_bank(a, args, "args", "it", model, &bank)))
        return rc;
    rc = responses_for_rows(a, args, "it", &bank, 0, 1, &x);
    if (rc) {
        cc_bank_free(&bank);
        return rc;
    }
    if (x == NULL) {
        /* catR needs x only for EAP, constant patterns and the "new" SE;
         * without it every item counts. */
        if (opt.method == CC_EST_EAP || opt.constant_patt != CC_CONST_NONE ||
            sem_type == CC_SEM_NEW || opt.method == CC_EST_ROB) {
            cc_bank_free(&bank);
            return BAD(a, "args.x is required with this method, constantPatt or sem.type (the "
                          "responses, one per row of args.it)");
        }
        x = calloc((size_t)bank.n_items, sizeof(int));
    }
    if (exact && bank.n_items > CC_CATAPI_MAX_EXACT_ITEMS) {
        free(x);
        cc_bank_free(&bank);
        return BAD(a,
                   "args.sem.exact: exact SEs go over all 2^n response patterns; at most %d "
                   "items (not %d)",
                   CC_CATAPI_MAX_EXACT_ITEMS, bank.n_items);
    }
    items = all_items(bank.n_items);
    if (items == NULL || x == NULL) {
        free(items);
        free(x);
        cc_bank_free(&bank);
        return NOMEM(a);
    }
    memset(&e, 0, sizeof(e));
    st = cc_sem_theta(&bank, items, x, bank.n_items, th, &opt, (cc_sem_type)sem_type, exact, &se,
                      &e);
    free(items);
    free(x);
    cc_bank_free(&bank);
    if (st != CC_CAT_OK)
        return engine_fail(a, "semTheta", st, &e);
    *result = cc_catapi_number(se);
    return *result ? 0 : NOMEM(a);
}

/* ------------------------------------------------------------------ */
/* nextItem, randomCAT */

/* A seed: a whole number (R's seeds may be negative). */
static int get_seed(api *a, json_object *obj, const char *where, const char *name, int *given,
                    uint64_t *seed)
{
    long v = 0;
    int rc;

    if (member(obj, name) == NULL)
        return 0;
    rc = get_int(a, obj, where, name, -(1L << 53), 1L << 53, &v);
    if (rc == 0) {
        *given = 1;
        *seed = (uint64_t)(int64_t)v;
    }
    return rc;
}

/* A seed for random choices the request gives no seed for. */
static uint64_t entropy_seed(void)
{
#ifdef CC_CATAPI_DETERMINISTIC
    return 20261126; /* fuzzing: a crash must replay */
#else
    uint64_t seed = 0;
    FILE *f = fopen("/dev/urandom", "rb");

    if (f) {
        if (fread(&seed, sizeof(seed), 1, f) != 1)
            seed = 0;
        fclose(f);
    }
    if (seed == 0)
        seed = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&seed;
    return seed;
#endif
}

/* catR's nAvailable: one 0/1 (or true/false) per bank item. *out is
 * malloc'd, NULL when absent. */
static int get_available(api *a, json_object *obj, const char *where, const cc_bank *bank,
                         unsigned char **out)
{
    json_object *v = member(obj, "nAvailable");
    size_t k;

    *out = NULL;
    if (v == NULL)
        return 0;
    if (!json_object_is_type(v, json_type_array) ||
        json_object_array_length(v) != (size_t)bank->n_items)
        return BAD(a, "%s.nAvailable must be an array of %d values (0/1), one per bank item", where,
                   bank->n_items);
    *out = malloc((size_t)bank->n_items + 1);
    if (*out == NULL)
        return NOMEM(a);
    for (k = 0; k < (size_t)bank->n_items; k++) {
        json_object *e = json_object_array_get_idx(v, k);
        if (json_object_is_type(e, json_type_boolean)) {
            (*out)[k] = (unsigned char)json_object_get_boolean(e);
        } else if (is_number(e) &&
                   (json_object_get_double(e) == 0 || json_object_get_double(e) == 1)) {
            (*out)[k] = (unsigned char)(json_object_get_double(e) == 1);
        } else {
            free(*out);
            *out = NULL;
            return BAD(a, "%s.nAvailable value %zu must be 0 or 1, not %s", where, k + 1,
                       is_number(e) ? "another number" : type_name(e));
        }
    }
    return 0;
}

/* A group label: a string, or a whole number written as one. */
static int label_of(json_object *e, char *buf, size_t size)
{
    double d;

    if (json_object_is_type(e, json_type_string)) {
        snprintf(buf, size, "%s", json_object_get_string(e));
        return 0;
    }
    if (!is_number(e))
        return -1;
    d = json_object_get_double(e);
    if (!isfinite(d) || d != floor(d) || fabs(d) > 1e15)
        return -1;
    snprintf(buf, size, "%.0f", d);
    return 0;
}

typedef struct balance {
    int n_groups;
    double *props;
    int *item_group;
} balance;

static void balance_free(balance *b)
{
    free(b->props);
    free(b->item_group);
    memset(b, 0, sizeof(*b));
}

/* catR's cbControl = {names, props} and cbGroup (one label per item). */
static int get_balance(api *a, json_object *obj, const char *where, const cc_bank *bank, balance *b)
{
    json_object *cb = member(obj, "cbControl"), *group = member(obj, "cbGroup"), *names, *props;
    char label[128], other[128];
    size_t n, k, j;

    memset(b, 0, sizeof(*b));
    if (cb == NULL && group == NULL)
        return 0;
    if (cb == NULL || group == NULL)
        return BAD(a, "%s.cbControl and %s.cbGroup go together (content balancing needs both)",
                   where, where);
    if (!json_object_is_type(cb, json_type_object))
        return BAD(a, "%s.cbControl must be an object {\"names\": [...], \"props\": [...]}", where);
    json_object_object_foreach(cb, key, value)
    {
        (void)value;
        if (strcmp(key, "names") != 0 && strcmp(key, "props") != 0)
            return BAD(a, "%s.cbControl.%s is not part of cbControl (names, props)", where,
                       show(key).s);
    }
    names = member(cb, "names");
    props = member(cb, "props");
    if (!json_object_is_type(names, json_type_array) ||
        !json_object_is_type(props, json_type_array) ||
        json_object_array_length(names) != json_object_array_length(props) ||
        json_object_array_length(names) == 0)
        return BAD(a,
                   "%s.cbControl needs names and props: two arrays of the same, non-zero "
                   "length",
                   where);
    n = json_object_array_length(names);
    if (n > 1000)
        return BAD(a, "%s.cbControl has %zu groups; at most 1000 are accepted", where, n);
    if (!json_object_is_type(group, json_type_array) ||
        json_object_array_length(group) != (size_t)bank->n_items)
        return BAD(a, "%s.cbGroup must be an array of %d group names, one per bank item", where,
                   bank->n_items);
    b->n_groups = (int)n;
    b->props = malloc(sizeof(double) * n);
    b->item_group = malloc(sizeof(int) * ((size_t)bank->n_items + 1));
    if (b->props == NULL || b->item_group == NULL) {
        balance_free(b);
        return NOMEM(a);
    }
    for (k = 0; k < n; k++) {
        json_object *p = json_object_array_get_idx(props, k);
        b->props[k] = is_number(p) ? json_object_get_double(p) : NAN;
        if (!(b->props[k] > 0) || !isfinite(b->props[k])) {
            balance_free(b);
            return BAD(a, "%s.cbControl.props value %zu must be a positive number", where, k + 1);
        }
        if (label_of(json_object_array_get_idx(names, k), label, sizeof(label))) {
            balance_free(b);
            return BAD(a, "%s.cbControl.names value %zu must be a string", where, k + 1);
        }
        for (j = 0; j < k; j++) {
            label_of(json_object_array_get_idx(names, j), other, sizeof(other));
            if (!strcmp(label, other)) {
                balance_free(b);
                return BAD(a, "%s.cbControl.names has \"%s\" twice", where, show(label).s);
            }
        }
    }
    for (k = 0; k < (size_t)bank->n_items; k++) {
        json_object *e = json_object_array_get_idx(group, k);
        int found = -1;
        if (label_of(e, label, sizeof(label))) {
            balance_free(b);
            return BAD(a, "%s.cbGroup value %zu must be a group name, not %s", where, k + 1,
                       type_name(e));
        }
        for (j = 0; j < n && found < 0; j++) {
            label_of(json_object_array_get_idx(names, j), other, sizeof(other));
            if (!strcmp(label, other))
                found = (int)j;
        }
        if (found < 0) {
            balance_free(b);
            return BAD(a, "%s.cbGroup value %zu is \"%s\", which is not in cbControl.names", where,
                       k + 1, show(label).s);
        }
        b->item_group[k] = found;
    }
    return 0;
}

static const char *const crit_names[] = {"MFI",  "bOpt",   "thOpt",       "MLWI",        "MPWI",
                                         "MEI",  "MEPV",   "KL",          "KLP",         "GDI",
                                         "GDIP", "random", "progressive", "proportional"};
static const char *const info_type_names[] = {"observed", "Fisher"};
static const char *const rule_names[] = {"length", "precision"};

/* itemSelect/criterion, infoType, randomesque, AP, rule/thr (named as the
 * caller's list names them). */
static int get_select(api *a, json_object *obj, const char *where, const char *crit_key,
                      const char *rule_key, const char *thr_key, cc_select_options *sel)
{
    int crit = (int)sel->criterion, info = (int)sel->info_type, rule = (int)sel->rule, rc;
    long randomesque = sel->randomesque;

    if ((rc = get_choice(a, obj, where, crit_key, crit_names, 14, &crit)) ||
        (rc = get_choice(a, obj, where, "infoType", info_type_names, 2, &info)) ||
        (rc = get_int(a, obj, where, "randomesque", 1, CC_CATAPI_MAX_ITEMS, &randomesque)) ||
        (rc = get_num(a, obj, where, "AP", &sel->ap)) ||
        (rc = get_choice(a, obj, where, rule_key, rule_names, 2, &rule)) ||
        (rc = get_num(a, obj, where, thr_key, &sel->thr)))
        return rc;
    sel->criterion = (cc_criterion)crit;
    sel->info_type = (cc_info_type)info;
    sel->rule = (cc_pro_rule)rule;
    sel->randomesque = (int)randomesque;
    return 0;
}

static json_object *row_array(const cc_bank *bank, int item)
{
    const double *row = cc_bank_row(bank, item);
    json_object *arr = json_object_new_array_ext(bank->n_cols);
    int k;

    for (k = 0; arr && k < bank->n_cols; k++)
        json_object_array_add(arr, isnan(row[k]) ? NULL : cc_catapi_number(row[k]));
    return arr;
}

static const char *const next_args[] = {
    "itemBank", "model",       "theta",       "out",       "x",       "criterion",
    "method",   "priorDist",   "priorPar",    "D",         "range",   "parInt",
    "infoType", "randomesque", "random.seed", "rule",      "thr",     "SETH",
    "AP",       "nAvailable",  "maxItems",    "cbControl", "cbGroup", NULL};

static int do_next_item(api *a, json_object *args, json_object **result)
{
    cc_bank bank;
    cc_model model;
    cc_est_options est;
    cc_select_options sel;
    cc_select_result res;
    cc_cat_error e;
    cc_cat_status st;
    cc_rng rng;
    balance bal;
    unsigned char *avail = NULL;
    double theta = 0, seth = NAN;
    long max_items = 50;
    int rc, *items = NULL, *x = NULL, n_items = 0, n_x = 0, seeded = 0, k;
    uint64_t seed = 0;
    json_object *out;

    cc_est_options_default(&est);
    cc_select_options_default(&sel);
    memset(&bal, 0, sizeof(bal));
    if ((rc = check_names(a, args, "args", "nextItem", next_args)) ||
        (rc = get_model(a, args, "args", &model)) ||
        (rc = get_est_options(a, args, "args", &est)) ||
        (rc = get_num(a, args, "args", "theta", &theta)) ||
        (rc = get_select(a, args, "args", "criterion", "rule", "thr", &sel)) ||
        (rc = get_num(a, args, "args", "SETH", &seth)) ||
        (rc = get_int(a, args, "args", "maxItems", 1, 1L << 30, &max_items)) ||
        (rc = get_seed(a, args, "args", "random.seed", &seeded, &seed)) ||
        (rc = get_bank(a, args, "args", "itemBank", model, &bank)))
        return rc;
    sel.seth = seth;
    sel.max_items = (int)max_items;
    rc = get_items(a, args, "args", "out", &bank, &items, &n_items);
    if (rc == 0)
        rc = get_responses(a, args, "args", "x", &x, &n_x);
    if (rc == 0 && x != NULL && items == NULL)
        rc = BAD(a, "args.x is given without args.out (the items the responses belong to)");
    if (rc == 0 && x != NULL && n_x != n_items)
        rc = BAD(a, "args.x has %d values but args.out has %d items (one response per item)", n_x,
                 n_items);
    if (rc == 0 && items != NULL && x == NULL) {
        /* Without responses the administered items only leave the pool;
         * the criteria that weigh by the likelihood need them. */
        if (sel.criterion == CC_CRIT_MFI || sel.criterion == CC_CRIT_BOPT ||
            sel.criterion == CC_CRIT_THOPT || sel.criterion == CC_CRIT_RANDOM ||
            sel.criterion == CC_CRIT_PROGRESSIVE || sel.criterion == CC_CRIT_PROPORTIONAL) {
            x = malloc(sizeof(int) * (size_t)(n_items > 0 ? n_items : 1));
            if (x == NULL)
                rc = NOMEM(a);
            for (k = 0; x && k < n_items; k++)
                x[k] = CC_MISSING;
        } else {
            rc = BAD(a, "args.x is required with criterion %s (the responses to args.out)",
                     crit_names[sel.criterion]);
        }
    }
    if (rc == 0 && items != NULL) {
        if (cc_check_responses(&bank, items, x, n_items, &e) != CC_CAT_OK)
            rc = BAD(a, "args.x: %s", e.message);
    }
    if (rc == 0)
        rc = get_available(a, args, "args", &bank, &avail);
    if (rc == 0)
        rc = get_balance(a, args, "args", &bank, &bal);
    if (rc) {
        free(items);
        free(x);
        free(avail);
        cc_bank_free(&bank);
        return rc;
    }
    sel.available = avail;
    sel.n_groups = bal.n_groups;
    sel.group_props = bal.props;
    sel.item_group = bal.item_group;
    cc_rng_seed(&rng, seeded ? seed : entropy_seed());
    memset(&e, 0, sizeof(e));
    st = cc_next_item(&bank, items, x, n_items, theta, &est, &sel, cc_rng_uniform_fn, &rng, NULL,
                      NULL, &res, &e);
    free(items);
    free(x);
    free(avail);
    balance_free(&bal);
    if (st != CC_CAT_OK) {
        cc_bank_free(&bank);
        return engine_fail(a, "nextItem", st, &e);
    }
    out = json_object_new_object();
    rc = put(out, "item", json_object_new_int(res.item + 1)) |
         put(out, "par", row_array(&bank, res.item)) |
         (isnan(res.info) ? put_null(out, "info") : put(out, "info", cc_catapi_number(res.info))) |
         put(out, "criterion", json_object_new_string(crit_names[sel.criterion])) |
         put(out, "randomesque", json_object_new_int(sel.randomesque));
    cc_bank_free(&bank);
    if (rc) {
        json_object_put(out);
        return NOMEM(a);
    }
    *result = out;
    return 0;
}

static const char *const start_select_names[] = {"MFI",         "bOpt",         "thOpt",
                                                 "progressive", "proportional", "random"};
static const char *const stop_names[] = {"length", "precision", "classification", "minInfo"};

static int check_list(api *a, json_object *list, const char *where, const char *const *allowed)
{
    if (list == NULL)
        return 0;
    if (!json_object_is_type(list, json_type_object))
        return BAD(a, "%s must be an object (catR's list), not %s", where, type_name(list));
    return check_names(a, list, where, where + 5, allowed);
}

static int get_start(api *a, json_object *args, const cc_bank *bank, cc_start_options *start)
{
    static const char *const names[] = {"fixItems",   "seed",        "nrItems",     "theta",
                                        "D",          "randomesque", "random.seed", "startSelect",
                                        "cb.control", "random.cb",   NULL};
    json_object *list = member(args, "start"), *th;
    const char *w = "args.start";
    int rc, sel = (int)start->select, cb = 0, *fix = NULL, n_fix = 0, k;
    long nr = start->nr_items, rq = start->randomesque;

    if ((rc = check_list(a, list, w, names)) || list == NULL)
        return rc;
    if ((rc = get_seed(a, list, w, "seed", &start->random, &start->seed)) ||
        (rc = get_int(a, list, w, "nrItems", 0, CC_MAX_START, &nr)) ||
        (rc = get_num(a, list, w, "D", &start->D)) ||
        (rc = get_int(a, list, w, "randomesque", 1, CC_CATAPI_MAX_ITEMS, &rq)) ||
        (rc = get_seed(a, list, w, "random.seed", &start->has_random_seed, &start->random_seed)) ||
        (rc = get_choice(a, list, w, "startSelect", start_select_names, 6, &sel)) ||
        (rc = get_bool(a, list, w, "cb.control", &cb)))
        return rc;
    if (cb || member(list, "random.cb"))
        return fail(a, CC_CATAPI_ENOTIMPL,
                    "args.start.cb.control and random.cb (content balancing of the start items) "
                    "are not supported");
    if (!(start->D > 0))
        return BAD(a, "args.start.D must be positive");
    start->nr_items = (int)nr;
    start->randomesque = (int)rq;
    start->select = (cc_start_select)sel;
    th = member(list, "theta");
    if (th) {
        size_t n = json_object_is_type(th, json_type_array) ? json_object_array_length(th) : 1;
        if (n < 1 || n > CC_MAX_START)
            return BAD(a, "args.start.theta must have 1 to %d values", CC_MAX_START);
        if (json_object_is_type(th, json_type_array)) {
            for (k = 0; k < (int)n; k++)
                if ((rc = num_value(a, json_object_array_get_idx(th, (size_t)k), w, "theta",
                                    &start->theta[k])))
                    return rc;
        } else if ((rc = num_value(a, th, w, "theta", &start->theta[0]))) {
            return rc;
        }
        start->n_theta = (int)n;
    }
    if ((rc = get_items(a, list, w, "fixItems", bank, &fix, &n_fix)))
        return rc;
    if (n_fix > CC_MAX_START) {
        free(fix);
        return BAD(a, "args.start.fixItems has %d items; at most %d are accepted", n_fix,
                   CC_MAX_START);
    }
    for (k = 0; k < n_fix; k++)
        start->fix_items[k] = fix[k];
    start->n_fix = n_fix;
    free(fix);
    return 0;
}

static int get_test(api *a, json_object *args, cc_test_options *test)
{
    static const char *const names[] = {
        "method",      "priorDist", "priorPar", "weight", "tuCo",         "sem.type", "sem.exact",
        "se.ase",      "range",     "D",        "parInt", "itemSelect",   "infoType", "randomesque",
        "random.seed", "AP",        "proRule",  "proThr", "constantPatt", NULL};
    json_object *list = member(args, "test");
    const char *w = "args.test";
    int rc, type = (int)test->sem_type, exact = 0;
    long ase = test->se_ase;

    if ((rc = check_list(a, list, w, names)) || list == NULL)
        return rc;
    if ((rc = get_est_options(a, list, w, &test->est)) ||
        (rc = get_choice(a, list, w, "sem.type", semtype_names, 2, &type)) ||
        (rc = get_bool(a, list, w, "sem.exact", &exact)) ||
        (rc = get_int(a, list, w, "se.ase", 0, CC_CATAPI_MAX_EXACT_ITEMS, &ase)) ||
        (rc = get_select(a, list, w, "itemSelect", "proRule", "proThr", &test->sel)) ||
        (rc = get_seed(a, list, w, "random.seed", &test->has_random_seed, &test->random_seed)))
        return rc;
    test->sem_type = (cc_sem_type)type;
    /* catR quirk 6: any sem.exact given, even false, turns exact SEs on. */
    test->sem_exact = member(list, "sem.exact") != NULL;
    test->se_ase = (int)ase;
    return 0;
}

static int get_stop(api *a, json_object *args, cc_stop_options *stop)
{
    static const char *const names[] = {"rule", "thr", "alpha", NULL};
    json_object *list = member(args, "stop"), *rules, *thr;
    const char *w = "args.stop";
    size_t n, k;
    int rc;

    if ((rc = check_list(a, list, w, names)) || list == NULL)
        return rc;
    if ((rc = get_num(a, list, w, "alpha", &stop->alpha)))
        return rc;
    if (!(stop->alpha > 0 && stop->alpha < 1))
        return BAD(a, "args.stop.alpha must be between 0 and 1");
    rules = member(list, "rule");
    thr = member(list, "thr");
    if (rules == NULL && thr == NULL)
        return 0;
    n = json_object_is_type(rules, json_type_array) ? json_object_array_length(rules) : 1;
    if (n < 1 || n > CC_MAX_STOP_RULES)
        return BAD(a, "args.stop.rule must have 1 to %d rules", CC_MAX_STOP_RULES);
    if ((json_object_is_type(thr, json_type_array) ? json_object_array_length(thr) : 1) != n)
        return BAD(a, "args.stop.thr must have one threshold per rule (%zu)", n);
    for (k = 0; k < n; k++) {
        json_object *r = json_object_is_type(rules, json_type_array)
                             ? json_object_array_get_idx(rules, k)
                             : rules;
        json_object *t =
            json_object_is_type(thr, json_type_array) ? json_object_array_get_idx(thr, k) : thr;
        json_object *tmp = json_object_new_object();
        int choice = 0;
        if (tmp == NULL)
            return NOMEM(a);
        json_object_object_add(tmp, "rule", json_object_get(r));
        json_object_object_add(tmp, "thr", json_object_get(t));
        rc = get_choice(a, tmp, w, "rule", stop_names, 4, &choice);
        if (rc == 0 && t == NULL)
            rc = BAD(a, "args.stop.thr is required with args.stop.rule");
        if (rc == 0)
            rc = get_num(a, tmp, w, "thr", &stop->thr[k]);
        json_object_put(tmp);
        if (rc)
            return rc;
        stop->rule[k] = (cc_stop_rule)choice;
    }
    stop->n_rules = (int)n;
    return 0;
}

static int get_final(api *a, json_object *args, cc_final_options *fin)
{
    static const char *const names[] = {"method", "priorDist", "priorPar",  "weight",
                                        "tuCo",   "sem.type",  "sem.exact", "range",
                                        "D",      "parInt",    "alpha",     NULL};
    json_object *list = member(args, "final");
    const char *w = "args.final";
    int rc, type = (int)fin->sem_type, exact = 0;

    if ((rc = check_list(a, list, w, names)) || list == NULL)
        return rc;
    if ((rc = get_est_options(a, list, w, &fin->est)) ||
        (rc = get_choice(a, list, w, "sem.type", semtype_names, 2, &type)) ||
        (rc = get_bool(a, list, w, "sem.exact", &exact)) ||
        (rc = get_num(a, list, w, "alpha", &fin->alpha)))
        return rc;
    if (!(fin->alpha > 0 && fin->alpha < 1))
        return BAD(a, "args.final.alpha must be between 0 and 1");
    fin->sem_type = (cc_sem_type)type;
    fin->sem_exact = member(list, "sem.exact") != NULL; /* catR quirk 6 */
    return 0;
}

static json_object *int_array_1based(const int *v, int n)
{
    json_object *arr = json_object_new_array_ext(n > 0 ? n : 1);
    int k;

    for (k = 0; arr && k < n; k++)
        json_object_array_add(arr, json_object_new_int(v[k] + 1));
    return arr;
}

static json_object *response_array(const int *v, int n)
{
    json_object *arr = json_object_new_array_ext(n > 0 ? n : 1);
    int k;

    for (k = 0; arr && k < n; k++)
        json_object_array_add(arr, v[k] == CC_MISSING ? NULL : json_object_new_int(v[k]));
    return arr;
}

static const char *const cat_args[] = {
    "trueTheta", "itemBank", "model",     "responses", "genSeed",    "start",      "test", "stop",
    "final",     "allTheta", "cbControl", "cbGroup",   "nAvailable", "min.length", NULL};

static int do_random_cat(api *a, json_object *args, json_object **result)
{
    cc_bank bank;
    cc_model model;
    cc_cat_design d;
    cc_cat_result r;
    cc_cat_error e;
    cc_cat_status st;
    balance bal;
    unsigned char *avail = NULL;
    double true_theta = NAN;
    long min_length = 0;
    int rc, *responses = NULL, n_resp = 0, all_theta = 1, gen_given = 0, given_theta, k;
    uint64_t gen_seed = 0;
    json_object *out, *rows, *rules;

    cc_cat_design_default(&d);
    memset(&bal, 0, sizeof(bal));
    if ((rc = check_names(a, args, "args", "randomCAT", cat_args)) ||
        (rc = get_model(a, args, "args", &model)) ||
        (rc = get_num(a, args, "args", "trueTheta", &true_theta)) ||
        (rc = get_seed(a, args, "args", "genSeed", &gen_given, &gen_seed)) ||
        (rc = get_bool(a, args, "args", "allTheta", &all_theta)) ||
        (rc = get_int(a, args, "args", "min.length", 0, CC_CATAPI_MAX_ITEMS, &min_length)) ||
        (rc = get_test(a, args, &d.test)) || (rc = get_stop(a, args, &d.stop)) ||
        (rc = get_final(a, args, &d.final)) ||
        (rc = get_bank(a, args, "args", "itemBank", model, &bank)))
        return rc;
    d.stop.min_length = (int)min_length;
    rc = get_start(a, args, &bank, &d.start);
    if (rc == 0)
        rc = get_responses(a, args, "args", "responses", &responses, &n_resp);
    if (rc == 0 && responses == NULL && isnan(true_theta))
        rc = BAD(a, "args.trueTheta is required unless args.responses gives every response");
    if (rc == 0 && responses != NULL && n_resp != bank.n_items)
        rc = BAD(a,
                 "args.responses has %d values but args.itemBank has %d items (one response "
                 "per item)",
                 n_resp, bank.n_items);
    if (rc == 0 && responses != NULL) {
        int *items = all_items(bank.n_items);
        if (items == NULL)
            rc = NOMEM(a);
        else if (cc_check_responses(&bank, items, responses, n_resp, &e) != CC_CAT_OK)
            rc = BAD(a, "args.responses: %s", e.message);
        free(items);
    }
    if (rc == 0)
        rc = get_available(a, args, "args", &bank, &avail);
    if (rc == 0)
        rc = get_balance(a, args, "args", &bank, &bal);
    if (rc) {
        free(responses);
        free(avail);
        cc_bank_free(&bank);
        return rc;
    }
    d.test.sel.available = avail;
    d.test.sel.n_groups = bal.n_groups;
    d.test.sel.group_props = bal.props;
    d.test.sel.item_group = bal.item_group;
    d.seed = entropy_seed();
    if (!gen_given)
        gen_seed = d.seed ^ 0x9e3779b97f4a7c15u;
    given_theta = !isnan(true_theta);
    if (!given_theta)
        true_theta = 0; /* not used: every response is given */
    memset(&e, 0, sizeof(e));
    memset(&r, 0, sizeof(r));
    st = cc_cat_design_check(&bank, &d, &e);
    if (st == CC_CAT_OK)
        st = cc_random_cat(&bank, &d, true_theta, responses, gen_seed, &r, &e);
    free(responses);
    free(avail);
    balance_free(&bal);
    if (st != CC_CAT_OK) {
        cc_bank_free(&bank);
        return engine_fail(a, "randomCAT", st, &e);
    }
    out = json_object_new_object();
    rows = json_object_new_array_ext(r.n > 0 ? r.n : 1);
    for (k = 0; rows && k < r.n; k++)
        json_object_array_add(rows, row_array(&bank, r.test_items[k]));
    rules = json_object_new_array();
    for (k = 0; rules && k < r.n_rules_final; k++)
        json_object_array_add(rules, json_object_new_string(cc_stop_rule_name(r.rule_final[k])));
    rc = (given_theta ? put(out, "trueTheta", cc_catapi_number(true_theta))
                      : put_null(out, "trueTheta")) |
         (model == CC_MODEL_DICHO
              ? put_null(out, "model")
              : put(out, "model", json_object_new_string(cc_model_name(model)))) |
         put(out, "testItems", int_array_1based(r.test_items, r.n)) | put(out, "itemPar", rows) |
         put(out, "pattern", response_array(r.pattern, r.n)) |
         put(out, "thetaProv", num_array(r.theta_prov, r.n)) |
         put(out, "seProv", num_array(r.se_prov, r.n)) |
         put(out, "thFinal", cc_catapi_number(r.th_final)) |
         put(out, "seFinal", cc_catapi_number(r.se_final)) |
         put(out, "ciFinal", num_array(r.ci_final, 2)) | put(out, "ruleFinal", rules) |
         put(out, "endWarning", json_object_new_boolean(r.end_warning)) |
         put(out, "nStart", json_object_new_int(r.n_start));
    cc_cat_result_free(&r);
    cc_bank_free(&bank);
    if (rc) {
        json_object_put(out);
        return NOMEM(a);
    }
    *result = out;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Dispatch */

typedef int handler_fn(api *a, json_object *args, json_object **result);

static const struct {
    const char *name;
    handler_fn *fn;
} handlers[] = {{"Pi", do_pi},
                {"Ii", do_ii},
                {"Ji", do_ji},
                {"OIi", do_oii},
                {"thetaEst", do_theta_est},
                {"semTheta", do_sem_theta},
                {"nextItem", do_next_item},
                {"randomCAT", do_random_cat}};

/* The path of the first NaN of a result ("dPi[3][2]", 1-based); 0 when
 * there is none. NaN is written as the string "NaN" (cc_catapi_number). */
static int find_nan(json_object *v, char *path, size_t size)
{
    size_t len = strlen(path), k;

    if (json_object_is_type(v, json_type_string))
        return !strcmp(json_object_get_string(v), "NaN");
    if (json_object_is_type(v, json_type_array)) {
        for (k = 0; k < json_object_array_length(v); k++) {
            snprintf(path + len, size - len, "[%zu]", k + 1);
            if (find_nan(json_object_array_get_idx(v, k), path, size))
                return 1;
        }
    } else if (json_object_is_type(v, json_type_object)) {
        json_object_object_foreach(v, key, value)
        {
            snprintf(path + len, size - len, "%s%s", len ? "." : "", key);
            if (find_nan(value, path, size))
                return 1;
        }
    }
    path[len] = '\0';
    return 0;
}

/* Keeps the message on one printable line. */
static void one_line(char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
}

int cc_catapi_call(const char *fn, json_object *args, json_object **result, char *errbuf,
                   size_t errlen)
{
    api a = {errbuf, errlen};
    json_object *empty = NULL;
    size_t k;
    int rc = -1;

    *result = NULL;
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (fn == NULL)
        return BAD(&a, "no fn given");
    if (args != NULL && !json_object_is_type(args, json_type_object)) {
        rc = BAD(&a, "args must be an object of catR's arguments, not %s", type_name(args));
        one_line(errbuf);
        return rc;
    }
    for (k = 0; k < sizeof(handlers) / sizeof(handlers[0]); k++) {
        if (!strcmp(fn, handlers[k].name)) {
            if (args == NULL)
                args = empty = json_object_new_object();
            if (args == NULL)
                return NOMEM(&a);
            rc = handlers[k].fn(&a, args, result);
            if (rc == CC_CATAPI_OK) {
                /* Never a NaN by accident: parameters so extreme that the
                 * model's arithmetic breaks down are refused. */
                char path[128] = "";
                if (find_nan(*result, path, sizeof(path)))
                    rc =
                        fail(&a, CC_CATAPI_EREFUSED,
                             "%s: the result is not a number (NaN) at %s%s: the parameters are too "
                             "extreme for the model to compute",
                             fn, path[0] == '[' || path[0] == '\0' ? fn : "", path);
            }
            break;
        }
    }
    if (rc == -1)
        rc = BAD(&a,
                 "unknown fn \"%s\" (use Pi, Ii, Ji, OIi, thetaEst, semTheta, nextItem or "
                 "randomCAT)",
                 show(fn).s);
    json_object_put(empty);
    if (rc != CC_CATAPI_OK) {
        json_object_put(*result);
        *result = NULL;
        one_line(errbuf);
    }
    return rc;
}

int cc_catapi_handle(const char *json, size_t len, char **out_json, char *errbuf, size_t errlen)
{
    static const char *const top_names[] = {"fn", "args", NULL};
    api a = {errbuf, errlen};
    json_tokener *tok;
    json_object *root, *fn, *result = NULL;
    enum json_tokener_error jerr;
    size_t start = 0, end;
    const char *text;
    int rc;

    *out_json = NULL;
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (json == NULL)
        len = 0;
    if (len > CC_CATAPI_MAX_REQUEST)
        return BAD(&a, "the request has %zu bytes; at most %zu (64 MiB) are accepted", len,
                   CC_CATAPI_MAX_REQUEST);
    while (start < len && strchr(" \t\r\n", json[start]) && json[start])
        start++;
    if (start == len)
        return BAD(&a, "the request is empty: expected {\"fn\": NAME, \"args\": {...}}");
    if (json[start] != '{')
        return BAD(&a, "the request must be a JSON object {\"fn\": NAME, \"args\": {...}}");
    tok = json_tokener_new_ex(CC_CATAPI_MAX_DEPTH);
    if (tok == NULL)
        return NOMEM(&a);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS |
                                    JSON_TOKENER_VALIDATE_UTF8);
    root = json_tokener_parse_ex(tok, json + start, (int)(len - start));
    jerr = json_tokener_get_error(tok);
    end = start + json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (jerr == json_tokener_continue || jerr == json_tokener_error_parse_eof) {
        json_object_put(root);
        return BAD(&a, "the request is not complete JSON (it ends too early)");
    }
    if (jerr != json_tokener_success) {
        json_object_put(root);
        if (jerr == json_tokener_error_depth)
            return BAD(&a, "the request is nested more than %d levels deep", CC_CATAPI_MAX_DEPTH);
        return BAD(&a, "the request is not valid JSON: %s (near byte %zu)",
                   json_tokener_error_desc(jerr), end + 1);
    }
    while (end < len && json[end] && strchr(" \t\r\n", json[end]))
        end++;
    if (end < len) {
        json_object_put(root);
        return BAD(&a, "unexpected text after the JSON request (at byte %zu)", end + 1);
    }
    if (!json_object_is_type(root, json_type_object)) {
        rc = BAD(&a, "the request must be a JSON object {\"fn\": NAME, \"args\": {...}}, not %s",
                 type_name(root));
        json_object_put(root);
        return rc;
    }
    if ((rc = check_names(&a, root, "request", "a request (only fn and args)", top_names))) {
        json_object_put(root);
        one_line(errbuf);
        return rc;
    }
    fn = member(root, "fn");
    if (!json_object_is_type(fn, json_type_string)) {
        rc = BAD(&a,
                 "the request needs \"fn\": a string (Pi, Ii, Ji, OIi, thetaEst, semTheta, "
                 "nextItem or randomCAT), not %s",
                 fn ? type_name(fn) : "nothing");
        json_object_put(root);
        return rc;
    }
    rc = cc_catapi_call(json_object_get_string(fn), member(root, "args"), &result, errbuf, errlen);
    json_object_put(root);
    if (rc != CC_CATAPI_OK)
        return rc;
    text = json_object_to_json_string_ext(result,
                                          JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    *out_json = text ? strdup(text) : NULL;
    json_object_put(result);
    if (*out_json == NULL)
        return NOMEM(&a);
    return CC_CATAPI_OK;
}
