#include "bank.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cc_cat_status cc_cat_fail(cc_cat_error *err, cc_cat_status status, int item0, const char *fmt, ...)
{
    va_list ap;

    if (err) {
        err->item = item0 >= 0 ? item0 + 1 : 0;
        va_start(ap, fmt);
        /* clang-tidy's analyzer reports ap uninitialized here whenever
         * another file precedes this one in the same run (mod_concerto/admin/
         * sorts first): a false positive, va_start is just above. */
        // NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized)
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

/* ---- the selection cache (dichotomous banks) ---------------------------- */

/* The root e = exp(z*) of cc_dicho_peak_z. */
static double dicho_peak_e(double c, double d)
{
    double q = d * (1 - d), s = c * (1 - d) + d * (1 - c), r = c * (1 - c), e;
    int it;

    if (q == 0) {
        e = (1 + sqrt(1 + 8 * r / s)) / 2;
    } else {
        /* f is convex on e > 0: Newton from the right decreases
         * monotonically to the root. */
        e = 1;
        for (it = 0; it < 2000 && 2 * q * e * e * e + s * e * e - s * e - 2 * r < 0; it++)
            e *= 2;
        for (it = 0; it < 200; it++) {
            double f = 2 * q * e * e * e + s * e * e - s * e - 2 * r;
            double fp = 6 * q * e * e + 2 * s * e - s, en;
            if (!(fp > 0))
                break;
            en = e - f / fp;
            if (!(en < e))
                break;
            e = en;
        }
    }
    return e;
}

double cc_dicho_peak_z(double c, double d)
{
    return log(dicho_peak_e(c, d));
}

/* The information of a 4PL item with a = 1, D = 1 where exp(theta - b) = e:
 * r1 r2 L (1 - L), L = e / (1 + e), r1 = (d - c) L / P, r2 = (d - c) (1 - L) / Q. */
static double dicho_info_unit(double e, double c, double d)
{
    double L = e / (1 + e), Lq = 1 / (1 + e), P, Q;

    P = c + (d - c) * L;
    Q = (1 - d) + (d - c) * Lq;
    return ((d - c) * L / P) * ((d - c) * Lq / Q) * (L * Lq);
}

/* Relative margin that makes the computed peak a true upper bound of any
 * computed information value: it covers the rounding of both (about
 * 1e-15) and an error in z* up to ~1e-3 (the peak is flat there). */
#define PEAK_MARGIN 1e-6

typedef struct {
    uint32_t key; /* ~(high 32 bits of the peak): ascending keys = descending peaks */
    int i;
} peak_rank;

/* Stable LSD radix sort by key, a byte at a time (bytes all items share
 * are skipped): equal keys keep item order. tmp holds n entries. */
static void radix_sort(peak_rank *a, peak_rank *tmp, int n)
{
    peak_rank *src = a, *dst = tmp, *t;
    int shift, b, k;

    for (shift = 0; shift < 32; shift += 8) {
        size_t count[257] = {0};

        for (k = 0; k < n; k++)
            count[((src[k].key >> shift) & 255) + 1]++;
        for (b = 0; b < 256 && count[b + 1] != (size_t)n; b++)
            ;
        if (b < 256)
            continue; /* one byte value: already in order */
        for (b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (k = 0; k < n; k++)
            dst[count[(src[k].key >> shift) & 255]++] = src[k];
        t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, sizeof(*a) * (size_t)n);
}

/* One block holds the cache: info_peak (the block), info_loga and
 * info_zstar (n doubles each), then info_order. */
static void free_cache(cc_bank *bank)
{
    free(bank->info_peak);
    bank->info_order = NULL;
    bank->info_peak = NULL;
    bank->info_loga = NULL;
    bank->info_zstar = NULL;
}

/* Each item's peak information at D = 1 and the items ranked by it, for
 * the selection's branch and bound (dichotomous banks only). The ranking
 * is by the peak rounded down to 20 bits of mantissa (a cheap sort), so
 * info_peak[r] is the largest peak of the items from rank r on: it never
 * increases along the ranking, and bounds every later item. */
static cc_cat_status cache_peaks(cc_bank *bank, cc_cat_error *err)
{
    int N = bank->n_items, i;
    peak_rank *pr;
    double *block, *peak_by_item, mx;

    if (bank->model != CC_MODEL_DICHO)
        return CC_CAT_OK;
    pr = malloc(sizeof(*pr) * 2 * (size_t)N + sizeof(double) * (size_t)N);
    block = malloc((sizeof(double) * 3 + sizeof(int)) * (size_t)N);
    if (!pr || !block) {
        free(pr);
        free(block);
        return cc_cat_fail(err, CC_CAT_ENOMEM, -1, "out of memory for %d items", N);
    }
    bank->info_peak = block;
    bank->info_loga = block + N;
    bank->info_zstar = block + 2 * (size_t)N;
    bank->info_order = (int *)(void *)(block + 3 * (size_t)N);
    peak_by_item = (double *)(void *)(pr + 2 * (size_t)N);
    for (i = 0; i < N; i++) {
        const double *row = cc_bank_row(bank, i);
        double e = dicho_peak_e(row[2], row[3]), v;
        uint64_t bits;

        bank->info_zstar[i] = log(e);
        v = row[0] * row[0] * dicho_info_unit(e, row[2], row[3]) * (1 + PEAK_MARGIN);
        if (!(v < INFINITY)) /* a^2 overflows (then NaN when f underflows): no bound */
            v = INFINITY;
        peak_by_item[i] = v;
        memcpy(&bits, &v, sizeof(bits)); /* v >= 0: its bits order as the values */
        pr[i].key = ~(uint32_t)(bits >> 32);
        pr[i].i = i;
    }
    radix_sort(pr, pr + N, N);
    mx = 0;
    for (i = N - 1; i >= 0; i--) {
        int item = pr[i].i;

        if (peak_by_item[item] > mx)
            mx = peak_by_item[item];
        bank->info_order[i] = item;
        bank->info_peak[i] = mx;
        bank->info_loga[i] = log(cc_bank_row(bank, item)[0]);
    }
    free(pr);
    return CC_CAT_OK;
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
        bank->n_cat[i] = 0;
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
    if ((st = cache_peaks(bank, err)) != CC_CAT_OK) {
        cc_bank_free(bank);
        return st;
    }
    return CC_CAT_OK;
}

cc_cat_status cc_bank_subset(cc_bank *out, const cc_bank *src, const int *items, int n,
                             cc_cat_error *err)
{
    int k;
    cc_cat_status st;

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
    if ((st = cache_peaks(out, err)) != CC_CAT_OK) {
        cc_bank_free(out);
        return st;
    }
    return CC_CAT_OK;
}

void cc_bank_free(cc_bank *bank)
{
    free(bank->par);
    free(bank->n_cat);
    free_cache(bank);
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
