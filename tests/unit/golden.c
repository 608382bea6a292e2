#include "golden.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SHARED_DIR
#define SHARED_DIR "../shared"
#endif

#define GOLDEN_CACHE 8

static struct {
    const char *file;
    json_object *root;
} cache[GOLDEN_CACHE];

json_object *golden_load(const char *file)
{
    char path[1024];
    int i;
    json_object *root;

    for (i = 0; i < GOLDEN_CACHE && cache[i].file; i++)
        if (!strcmp(cache[i].file, file))
            return cache[i].root;
    snprintf(path, sizeof(path), "%s/golden/catr/%s", SHARED_DIR, file);
    root = json_object_from_file(path);
    ck_assert_msg(root != NULL, "cannot read %s: %s", path, json_util_get_last_err());
    if (i < GOLDEN_CACHE) {
        cache[i].file = file;
        cache[i].root = root;
    }
    return root;
}

json_object *golden_get(json_object *obj, const char *key)
{
    json_object *value = NULL;

    ck_assert_msg(json_object_object_get_ex(obj, key, &value), "golden record has no \"%s\"", key);
    return value;
}

double golden_num(json_object *value)
{
    if (value == NULL)
        return NAN;
    if (json_object_is_type(value, json_type_string)) {
        const char *s = json_object_get_string(value);
        if (!strcmp(s, "Inf"))
            return INFINITY;
        if (!strcmp(s, "-Inf"))
            return -INFINITY;
        return NAN;
    }
    return json_object_get_double(value);
}

int golden_nums(json_object *array, double *out, int max)
{
    int n = (int)json_object_array_length(array), k;

    ck_assert_int_le(n, max);
    for (k = 0; k < n; k++)
        out[k] = golden_num(json_object_array_get_idx(array, (size_t)k));
    return n;
}

int golden_ints(json_object *array, int *out, int max)
{
    int n = (int)json_object_array_length(array), k;

    ck_assert_int_le(n, max);
    for (k = 0; k < n; k++) {
        json_object *v = json_object_array_get_idx(array, (size_t)k);
        out[k] = v == NULL ? CC_MISSING : json_object_get_int(v);
    }
    return n;
}

cc_model golden_model(json_object *record)
{
    json_object *name = NULL;
    cc_model model = CC_MODEL_DICHO;

    json_object_object_get_ex(record, "catR_model", &name);
    ck_assert_int_eq(cc_model_from_name(name ? json_object_get_string(name) : NULL, &model, NULL),
                     CC_CAT_OK);
    return model;
}

void golden_bank_from_rows(json_object *rows, cc_model model, cc_bank *out)
{
    int n = (int)json_object_array_length(rows), cols, i, j;
    double *par;
    cc_cat_error err;
    cc_cat_status st;

    ck_assert_int_gt(n, 0);
    cols = (int)json_object_array_length(json_object_array_get_idx(rows, 0));
    par = malloc(sizeof(double) * (size_t)n * (size_t)cols);
    ck_assert_ptr_nonnull(par);
    for (i = 0; i < n; i++) {
        json_object *row = json_object_array_get_idx(rows, (size_t)i);
        for (j = 0; j < cols; j++)
            par[i * cols + j] = golden_num(json_object_array_get_idx(row, (size_t)j));
    }
    st = cc_bank_init(out, model, n, cols, par, &err);
    free(par);
    ck_assert_msg(st == CC_CAT_OK, "golden bank refused: %s", err.message);
}

void golden_bank(const char *name, cc_bank *out)
{
    json_object *banks = golden_get(golden_load("banks.json"), "banks");
    json_object *record = NULL;

    if (!json_object_object_get_ex(banks, name, &record))
        record = golden_get(golden_get(golden_load("speed_banks.json"), "banks"), name);
    golden_bank_from_rows(golden_get(record, "par"), golden_model(record), out);
}

int golden_close(double a, double b, double abs_tol, double rel_tol)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    if (isinf(a) || isinf(b))
        return a == b;
    return fabs(a - b) <= abs_tol + rel_tol * fabs(b);
}
