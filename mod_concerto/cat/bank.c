#include "bank.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cc_cat_status cc_cat_fail(cc_cat_error *err, cc_cat_status status, int item0, const char *fmt, ...)
{
    va_list ap;

    if (err) {
        err->item = item0 >= 0 ? item0 + 1 : 0;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof(err->message), fmt, ap);
        va_end(ap);
    }
    return status;
}

static const char *const model_names[] = {NULL, "GRM", "MGRM", "PCM", "GPCM", "RSM", "NRM"};

cc_cat_status cc_model_from_name(const char *name, cc_model *out, cc_cat_error *err)
{
    int m;

    if (name == NULL || *name == '\0') {
        *out = CC_MODEL_DICHO;
        return CC_CAT_OK;
    }
    for (m = CC_MODEL_GRM; m <= CC_MODEL_NRM; m++) {
        if (!strcmp(name, model_names[m])) {
            *out = (cc_model)m;
            return CC_CAT_OK;
        }
    }
    return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                       "unknown model \"%.40s\" (use null for dichotomous items, or GRM, MGRM, "
                       "PCM, GPCM, RSM, NRM)",
                       name);
}

const char *cc_model_name(cc_model model)
{
    return (model >= CC_MODEL_DICHO && model <= CC_MODEL_NRM) ? model_names[model] : NULL;
}

/* The number of leading present (non-NA) values in row[from..to), which
 * must be followed by NAs only. -1 when a value follows an NA. */
static int leading_present(const double *row, int from, int to, int step)
{
    int k, present = 0, seen_na = 0;

    for (k = from; k < to; k += step) {
        if (isnan(row[k])) {
            seen_na = 1;
        } else {
            if (seen_na)
                return -1;
            present++;
        }
    }
    return present;
}

static cc_cat_status check_finite(const double *row, int from, int to, int item, const char *what,
                                  cc_cat_error *err)
{
    int k;

    for (k = from; k < to; k++)
        if (!isfinite(row[k]))
            return cc_cat_fail(err, CC_CAT_EINVAL, item,
                               "item %d: %s parameter %d is not a finite number", item + 1, what,
                               k + 1);
    return CC_CAT_OK;
}

static cc_cat_status check_item(const cc_bank *bank, int item, int *n_cat, cc_cat_error *err)
{
    const double *row = cc_bank_row(bank, item);
    int cols = bank->n_cols, k, n;
    cc_cat_status st;

    switch (bank->model) {
    case CC_MODEL_DICHO:
        st = check_finite(row, 0, 4, item, "a, b, c, d", err);
        if (st != CC_CAT_OK)
            return st;
        if (row[0] <= 0)
            return cc_cat_fail(err, CC_CAT_EINVAL, item,
                               "item %d: discrimination a = %g must be positive", item + 1, row[0]);
        if (row[2] < 0 || row[3] > 1 || row[2] >= row[3])
            return cc_cat_fail(err, CC_CAT_EINVAL, item,
                               "item %d: asymptotes must satisfy 0 <= c < d <= 1 (c = %g, d = %g)",
                               item + 1, row[2], row[3]);
        *n_cat = 2;
        return CC_CAT_OK;
    case CC_MODEL_GRM:
    case CC_MODEL_GPCM:
        st = check_finite(row, 0, 1, item, "discrimination", err);
        if (st != CC_CAT_OK)
            return st;
        n = leading_present(row, 1, cols, 1);
        if (n < 1)
            return cc_cat_fail(err, CC_CAT_EINVAL, item,
                               "item %d: needs at least one threshold, with absent ones (null) "
                               "only at the end",
                               item + 1);
        st = check_finite(row, 1, 1 + n, item, "threshold", err);
        if (st != CC_CAT_OK)
            return st;
        if (bank->model == CC_MODEL_GRM)
            for (k = 2; k < 1 + n; k++)
                if (!(row[k] > row[k - 1]))
                    return cc_cat_fail(err, CC_CAT_EINVAL, item,
                                       "item %d: GRM thresholds must increase (%g then %g)",
                                       item + 1, row[k - 1], row[k]);
        *n_cat = n + 1;
        return CC_CAT_OK;
    case CC_MODEL_PCM:
        n = leading_present(row, 0, cols, 1);
        if (n < 1)
            return cc_cat_fail(err, CC_CAT_EINVAL, item,
                               "item %d: needs at least one step parameter, with absent ones "
                               "(null) only at the end",
                               item + 1);
        st = check_finite(row, 0, n, item, "step", err);
        if (st != CC_CAT_OK)
            return st;
        *n_cat = n + 1;
        return CC_CAT_OK;
    case CC_MODEL_MGRM:
    case CC_MODEL_RSM:
        /* Every category is present by design (shared structure). */
        st = check_finite(row, 0, cols, item, bank->model == CC_MODEL_RSM ? "RSM" : "MGRM", err);
        if (st != CC_CAT_OK)
            return st;
        if (bank->model == CC_MODEL_MGRM) {
            /* Boundaries b - c_k must increase (c_k decrease), or category
             * probabilities would come out negative. */
            for (k = 3; k < cols; k++)
                if (!(row[k] < row[k - 1]))
                    return cc_cat_fail(err, CC_CAT_EINVAL, item,
                                       "item %d: MGRM category parameters must decrease "
                                       "(c%d = %g, c%d = %g)",
                                       item + 1, k - 2, row[k - 1], k - 1, row[k]);
        }
        *n_cat = cols - (bank->model == CC_MODEL_MGRM ? 2 : 1) + 1;
        return CC_CAT_OK;
    case CC_MODEL_NRM:
        if (cols % 2 != 0)
            return cc_cat_fail(err, CC_CAT_EINVAL, item,
                               "NRM items need pairs of columns (alpha, c), not %d columns", cols);
        n = leading_present(row, 0, cols, 2);
        if (n < 1 || leading_present(row, 1, cols, 2) != n)
            return cc_cat_fail(err, CC_CAT_EINVAL, item,
                               "item %d: NRM needs (alpha, c) pairs, with absent pairs (null) "
                               "only at the end",
                               item + 1);
        st = check_finite(row, 0, 2 * n, item, "NRM", err);
        if (st != CC_CAT_OK)
            return st;
        *n_cat = n + 1;
        return CC_CAT_OK;
    }
    return cc_cat_fail(err, CC_CAT_EINVAL, -1, "unknown model");
}

static int expected_columns_ok(cc_model model, int cols)
{
    switch (model) {
    case CC_MODEL_DICHO:
        return cols == 4;
    case CC_MODEL_GRM:
    case CC_MODEL_GPCM:
    case CC_MODEL_RSM:
        return cols >= 2;
    case CC_MODEL_MGRM:
        return cols >= 3;
    case CC_MODEL_PCM:
        return cols >= 1;
    case CC_MODEL_NRM:
        return cols >= 2 && cols % 2 == 0;
    }
    return 0;
}

cc_cat_status cc_bank_init(cc_bank *bank, cc_model model, int n_items, int n_cols,
                           const double *par, cc_cat_error *err)
{
    int i;
    cc_cat_status st;

    memset(bank, 0, sizeof(*bank));
    if (model < CC_MODEL_DICHO || model > CC_MODEL_NRM)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "unknown model");
    if (n_items < 1)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "the item bank is empty");
    if (!expected_columns_ok(model, n_cols))
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "a %s bank cannot have %d parameter columns%s",
                           model == CC_MODEL_DICHO ? "dichotomous" : cc_model_name(model), n_cols,
                           model == CC_MODEL_DICHO ? " (it needs 4: a, b, c, d)" : "");
    if ((size_t)n_items > ((size_t)1 << 26) / (size_t)n_cols)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "the item bank is too large (%d items)",
                           n_items);
    bank->model = model;
    bank->n_items = n_items;
    bank->n_cols = n_cols;
    bank->par = malloc(sizeof(double) * (size_t)n_items * (size_t)n_cols);
    bank->n_cat = malloc(sizeof(int) * (size_t)n_items);
    if (bank->par == NULL || bank->n_cat == NULL) {
        cc_bank_free(bank);
        return cc_cat_fail(err, CC_CAT_ENOMEM, -1, "out of memory for %d items", n_items);
    }
    memcpy(bank->par, par, sizeof(double) * (size_t)n_items * (size_t)n_cols);
    for (i = 0; i < n_items; i++) {
        st = check_item(bank, i, &bank->n_cat[i], err);
        if (st == CC_CAT_OK && bank->n_cat[i] > CC_MAX_CAT)
            st = cc_cat_fail(err, CC_CAT_EINVAL, i, "item %d has %d categories; at most %d", i + 1,
                             bank->n_cat[i], CC_MAX_CAT);
        if (st != CC_CAT_OK) {
            cc_bank_free(bank);
            return st;
        }
        if (bank->n_cat[i] > bank->max_cat)
            bank->max_cat = bank->n_cat[i];
    }
    return CC_CAT_OK;
}

cc_cat_status cc_bank_subset(cc_bank *out, const cc_bank *src, const int *items, int n,
                             cc_cat_error *err)
{
    int k;

    memset(out, 0, sizeof(*out));
    if (n < 1)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "no items given");
    for (k = 0; k < n; k++)
        if (items[k] < 0 || items[k] >= src->n_items)
            return cc_cat_fail(err, CC_CAT_EINVAL, -1, "item %d is not in the bank (1 to %d)",
                               items[k] + 1, src->n_items);
    out->model = src->model;
    out->n_items = n;
    out->n_cols = src->n_cols;
    out->par = malloc(sizeof(double) * (size_t)n * (size_t)src->n_cols);
    out->n_cat = malloc(sizeof(int) * (size_t)n);
    if (out->par == NULL || out->n_cat == NULL) {
        cc_bank_free(out);
        return cc_cat_fail(err, CC_CAT_ENOMEM, -1, "out of memory");
    }
    for (k = 0; k < n; k++) {
        memcpy(out->par + (size_t)k * (size_t)src->n_cols, cc_bank_row(src, items[k]),
               sizeof(double) * (size_t)src->n_cols);
        out->n_cat[k] = src->n_cat[items[k]];
        if (out->n_cat[k] > out->max_cat)
            out->max_cat = out->n_cat[k];
    }
    return CC_CAT_OK;
}

void cc_bank_free(cc_bank *bank)
{
    free(bank->par);
    free(bank->n_cat);
    bank->par = NULL;
    bank->n_cat = NULL;
    bank->n_items = 0;
}

cc_cat_status cc_check_responses(const cc_bank *bank, const int *items, const int *x, int n,
                                 cc_cat_error *err)
{
    int k;

    for (k = 0; k < n; k++) {
        if (items[k] < 0 || items[k] >= bank->n_items)
            return cc_cat_fail(err, CC_CAT_EINVAL, -1, "item %d is not in the bank (1 to %d)",
                               items[k] + 1, bank->n_items);
        if (x[k] == CC_MISSING)
            continue;
        if (x[k] < 0 || x[k] >= bank->n_cat[items[k]])
            return cc_cat_fail(err, CC_CAT_EINVAL, items[k],
                               "response %d is %d, but item %d has only categories 0 to %d", k + 1,
                               x[k], items[k] + 1, bank->n_cat[items[k]] - 1);
    }
    return CC_CAT_OK;
}
