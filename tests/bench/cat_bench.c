/* Speed of the native CAT engine, call by call, beside catR's recorded
 * times (../shared/golden/catr/speed_anchors.json and the figures of issue 3).
 *
 * catR cannot run here (it is not packaged in Debian and CRAN is out of
 * reach), so its side of each ratio is the median recorded on a machine
 * of this kind, not a measurement of this run; our side is measured now:
 * the median over 11 batches of at least 20 ms each, after a warm-up.
 *
 *   make bench        (builds build/cat_bench and runs it) */
#include "cat/bank.h"
#include "cat/estimate.h"
#include "cat/model.h"
#include "cat/rng.h"
#include "cat/select.h"
#include "cat/simulate.h"

#include <json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef SHARED_DIR
#define SHARED_DIR "../shared"
#endif

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef void bench_fn(void *ctx);

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median seconds per call over 11 batches of >= 20 ms. */
static double time_call(bench_fn *fn, void *ctx)
{
    double batches[11], start, elapsed;
    long calls = 1, k;
    int b;

    fn(ctx); /* warm-up */
    for (;;) {
        start = now_seconds();
        for (k = 0; k < calls; k++)
            fn(ctx);
        elapsed = now_seconds() - start;
        if (elapsed >= 0.02 || calls >= (1L << 30))
            break;
        calls *= elapsed > 0.002 ? (long)(0.025 / elapsed) + 1 : 16;
    }
    for (b = 0; b < 11; b++) {
        start = now_seconds();
        for (k = 0; k < calls; k++)
            fn(ctx);
        batches[b] = (now_seconds() - start) / (double)calls;
    }
    qsort(batches, 11, sizeof(double), compare_doubles);
    return batches[5];
}

/* ---- banks ---- */

static json_object *load_json(const char *file)
{
    char path[1024];
    json_object *root;

    snprintf(path, sizeof(path), "%s/golden/catr/%s", SHARED_DIR, file);
    root = json_object_from_file(path);
    if (root == NULL) {
        fprintf(stderr, "cat_bench: cannot read %s\n", path);
        exit(1);
    }
    return root;
}

static void bank_from_record(json_object *record, cc_model model, cc_bank *bank)
{
    json_object *rows = json_object_object_get(record, "par");
    int n = (int)json_object_array_length(rows), cols, i, j;
    double *par;
    cc_cat_error err;

    cols = (int)json_object_array_length(json_object_array_get_idx(rows, 0));
    par = malloc(sizeof(double) * (size_t)n * (size_t)cols);
    for (i = 0; i < n; i++)
        for (j = 0; j < cols; j++)
            par[i * cols + j] = json_object_get_double(
                json_object_array_get_idx(json_object_array_get_idx(rows, (size_t)i), (size_t)j));
    if (cc_bank_init(bank, model, n, cols, par, &err) != CC_CAT_OK) {
        fprintf(stderr, "cat_bench: bank refused: %s\n", err.message);
        exit(1);
    }
    free(par);
}

static void golden_3pl(json_object *banks, json_object *speed, int n_items, cc_bank *bank)
{
    char name[64];
    json_object *record = NULL;

    snprintf(name, sizeof(name), "dicho_3PL_%d", n_items);
    if (!json_object_object_get_ex(json_object_object_get(banks, "banks"), name, &record))
        record = json_object_object_get(json_object_object_get(speed, "banks"), name);
    bank_from_record(record, CC_MODEL_DICHO, bank);
}

/* A 3PL bank of n items with catR's generator's distributions (a ~ N(1, 0.2),
 * b ~ N(0, 1), c ~ U(0, 0.25)), for sizes the golden data lacks. */
static double normal(cc_rng *rng)
{
    double u1 = cc_rng_uniform(rng), u2 = cc_rng_uniform(rng);
    return sqrt(-2 * log(1 - u1)) * cos(2 * M_PI * u2);
}

static void generated_3pl(int n, uint64_t seed, cc_bank *bank)
{
    double *par = malloc(sizeof(double) * 4 * (size_t)n);
    cc_rng rng;
    cc_cat_error err;
    int i;

    cc_rng_seed(&rng, seed);
    for (i = 0; i < n; i++) {
        par[4 * i] = fmax(0.2, 1 + 0.2 * normal(&rng));
        par[4 * i + 1] = normal(&rng);
        par[4 * i + 2] = 0.25 * cc_rng_uniform(&rng);
        par[4 * i + 3] = 1;
    }
    if (cc_bank_init(bank, CC_MODEL_DICHO, n, 4, par, &err) != CC_CAT_OK)
        exit(1);
    free(par);
}

/* A GRM bank of n items with 5 categories (4 ordered thresholds). */
static void generated_grm5(int n, uint64_t seed, cc_bank *bank)
{
    double *par = malloc(sizeof(double) * 5 * (size_t)n);
    cc_rng rng;
    cc_cat_error err;
    int i, k;

    cc_rng_seed(&rng, seed);
    for (i = 0; i < n; i++) {
        double b[4];
        par[5 * i] = fmax(0.3, 1 + 0.2 * normal(&rng));
        for (k = 0; k < 4; k++)
            b[k] = normal(&rng);
        qsort(b, 4, sizeof(double), compare_doubles);
        for (k = 0; k < 4; k++)
            par[5 * i + 1 + k] = b[k] + 1e-6 * k;
    }
    if (cc_bank_init(bank, CC_MODEL_GRM, n, 5, par, &err) != CC_CAT_OK) {
        fprintf(stderr, "cat_bench: %s\n", err.message);
        exit(1);
    }
    free(par);
}

/* ---- administered items, responses and theta ---- */

typedef struct scenario {
    const cc_bank *bank;
    int items[64];
    int x[64];
    int n;
    double theta;
    cc_est_options est;
    cc_select_options sel;
    cc_rng rng;
    void *work;
    double sink;
} scenario;

static void make_scenario(scenario *s, const cc_bank *bank, int n_given)
{
    cc_rng rng;
    int k, j;
    double P[CC_MAX_CAT];

    memset(s, 0, sizeof(*s));
    s->bank = bank;
    s->n = n_given;
    cc_rng_seed(&rng, 77);
    for (k = 0; k < n_given; k++) {
        int again;
        do {
            s->items[k] = (int)(cc_rng_uniform(&rng) * bank->n_items);
            again = 0;
            for (j = 0; j < k; j++)
                again |= (s->items[j] == s->items[k]);
        } while (again);
        cc_item_probs(bank, s->items[k], 0.5, 1, P, NULL, NULL, NULL);
        {
            double u = cc_rng_uniform(&rng), cum = 0;
            s->x[k] = bank->n_cat[s->items[k]] - 1;
            for (j = 0; j < bank->n_cat[s->items[k]]; j++) {
                cum += P[j];
                if (u < cum) {
                    s->x[k] = j;
                    break;
                }
            }
        }
    }
    cc_est_options_default(&s->est);
    s->est.method = CC_EST_BM;
    s->theta = 0;
    if (cc_theta_est(bank, s->items, s->x, s->n, &s->est, &s->theta, NULL) != CC_CAT_OK)
        s->theta = 0;
    cc_select_options_default(&s->sel);
    cc_rng_seed(&s->rng, 99);
    s->work = malloc(cc_select_work_size(bank));
}

static void run_theta(void *ctx)
{
    scenario *s = ctx;
    double theta;

    cc_theta_est(s->bank, s->items, s->x, s->n, &s->est, &theta, NULL);
    s->sink += theta;
}

static void run_sem(void *ctx)
{
    scenario *s = ctx;
    double se;

    cc_sem_theta(s->bank, s->items, s->x, s->n, s->theta, &s->est, CC_SEM_CLASSIC, 0, &se, NULL);
    s->sink += se;
}

static void run_next(void *ctx)
{
    scenario *s = ctx;
    cc_select_result res;

    cc_next_item(s->bank, s->items, s->x, s->n, s->theta, &s->est, &s->sel, cc_rng_uniform_fn,
                 &s->rng, NULL, s->work, &res, NULL);
    s->sink += res.item;
}

/* One adaptive step: estimate (BM), its SE, and the next item by MFI. */
static void run_step(void *ctx)
{
    scenario *s = ctx;
    double theta = 0, se = 0;
    cc_select_result res;

    cc_theta_est(s->bank, s->items, s->x, s->n, &s->est, &theta, NULL);
    cc_sem_theta(s->bank, s->items, s->x, s->n, theta, &s->est, CC_SEM_CLASSIC, 0, &se, NULL);
    cc_next_item(s->bank, s->items, s->x, s->n, theta, &s->est, &s->sel, cc_rng_uniform_fn, &s->rng,
                 NULL, s->work, &res, NULL);
    s->sink += theta + se + res.item;
}

/* One whole simulated 30-item test (catR's randomCAT). */
typedef struct whole_cat {
    const cc_bank *bank;
    cc_cat_design design;
    uint64_t seed;
    double sink;
} whole_cat;

static void run_random_cat(void *ctx)
{
    whole_cat *w = ctx;
    cc_cat_result result;

    if (cc_random_cat(w->bank, &w->design, 0.5, NULL, ++w->seed, &result, NULL) == CC_CAT_OK) {
        w->sink += result.th_final;
        cc_cat_result_free(&result);
    }
}

/* ---- reporting ---- */

static json_object *anchors;
static int targets_missed;

static double anchor(const char *call, int bank_items, int given)
{
    json_object *timings = json_object_object_get(anchors, "timings");
    size_t i;

    for (i = 0; i < json_object_array_length(timings); i++) {
        json_object *t = json_object_array_get_idx(timings, i);
        if (!strcmp(json_object_get_string(json_object_object_get(t, "call")), call) &&
            json_object_get_int(json_object_object_get(t, "bank_items")) == bank_items &&
            json_object_get_int(json_object_object_get(t, "administered")) == given)
            return json_object_get_double(json_object_object_get(t, "median_s"));
    }
    return NAN;
}

/* One line: our time, catR's (NAN when unknown), the ratio, and whether an
 * absolute target (seconds; NAN for none) and the 100x target hold. */
static void report(const char *call, const char *bank, int given, double ours, double catr,
                   double target)
{
    char ratio[32] = "-", verdict[64] = "";
    int ok = 1;

    if (!isnan(catr)) {
        snprintf(ratio, sizeof(ratio), "%.0fx", catr / ours);
        ok &= (catr / ours >= 100);
    }
    if (!isnan(target))
        ok &= (ours <= target);
    if (!isnan(catr) || !isnan(target))
        snprintf(verdict, sizeof(verdict), "%s", ok ? "ok" : "MISSED");
    if (!ok)
        targets_missed++;
    printf("%-22s %-16s %5d %12.2f %14.1f %10s %s\n", call, bank, given, ours * 1e6,
           isnan(catr) ? NAN : catr * 1e6, ratio, verdict);
    fflush(stdout);
}

static void bench_theta(scenario *s, const char *bank_name, int bank_items)
{
    static const struct {
        cc_est_method method;
        const char *name, *anchor;
    } methods[] = {{CC_EST_BM, "thetaEst_BM", NULL},
                   {CC_EST_EAP, "thetaEst_EAP", "thetaEst_EAP"},
                   {CC_EST_ML, "thetaEst_ML", "thetaEst_ML"},
                   {CC_EST_WL, "thetaEst_WL", NULL}};
    size_t m;

    for (m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
        s->est.method = methods[m].method;
        report(methods[m].name, bank_name, s->n, time_call(run_theta, s),
               methods[m].anchor ? anchor(methods[m].anchor, bank_items, s->n) : NAN, NAN);
    }
    s->est.method = CC_EST_BM;
    report("semTheta_BM", bank_name, s->n, time_call(run_sem, s), NAN, NAN);
}

static void bench_next(scenario *s, const char *bank_name, int bank_items,
                       const cc_criterion *crits, size_t ncrit, const double *catr_known)
{
    size_t c;
    char call[64];

    for (c = 0; c < ncrit; c++) {
        s->sel.criterion = crits[c];
        snprintf(call, sizeof(call), "nextItem_%s", cc_criterion_name(crits[c]));
        report(call, bank_name, s->n, time_call(run_next, s),
               catr_known ? catr_known[c] : anchor(call, bank_items, s->n), NAN);
    }
    s->sel.criterion = CC_CRIT_MFI;
}

int main(void)
{
    static const cc_criterion dicho_crits[] = {CC_CRIT_MFI,  CC_CRIT_KL,  CC_CRIT_KLP,
                                               CC_CRIT_GDI,  CC_CRIT_MEI, CC_CRIT_MEPV,
                                               CC_CRIT_MLWI, CC_CRIT_MPWI};
    static const int sizes[] = {100, 1000, 10000};
    static const int given[] = {10, 30};
    json_object *banks = load_json("banks.json"), *speed = load_json("speed_banks.json");
    cc_bank bank;
    scenario s;
    size_t b, g;

    anchors = load_json("speed_anchors.json");
    printf("CAT engine speed; catR = median recorded in speed_anchors.json or issue 3 (not run "
           "here)\n");
    printf("%-22s %-16s %5s %12s %14s %10s\n", "call", "bank", "given", "ours (us)", "catR (us)",
           "catR/ours");
    for (b = 0; b < sizeof(sizes) / sizeof(sizes[0]); b++) {
        char name[32];
        golden_3pl(banks, speed, sizes[b], &bank);
        snprintf(name, sizeof(name), "3PL x %d", sizes[b]);
        for (g = 0; g < sizeof(given) / sizeof(given[0]); g++) {
            make_scenario(&s, &bank, given[g]);
            bench_theta(&s, name, sizes[b]);
            bench_next(&s, name, sizes[b], dicho_crits,
                       sizeof(dicho_crits) / sizeof(dicho_crits[0]), NULL);
            free(s.work);
        }
        if (sizes[b] == 1000) {
            static const struct {
                const char *call;
                cc_est_method method;
                cc_criterion crit;
            } designs[] = {{"randomCAT_30_BM_MFI", CC_EST_BM, CC_CRIT_MFI},
                           {"randomCAT_30_EAP_MFI", CC_EST_EAP, CC_CRIT_MFI},
                           {"randomCAT_30_EAP_KL", CC_EST_EAP, CC_CRIT_KL}};
            size_t d;
            for (d = 0; d < sizeof(designs) / sizeof(designs[0]); d++) {
                whole_cat w;
                memset(&w, 0, sizeof(w));
                w.bank = &bank;
                cc_cat_design_default(&w.design);
                w.design.test.est.method = designs[d].method;
                w.design.test.sel.criterion = designs[d].crit;
                w.design.stop.n_rules = 1;
                w.design.stop.rule[0] = CC_STOP_LENGTH;
                w.design.stop.thr[0] = 30;
                report(designs[d].call, name, 30, time_call(run_random_cat, &w),
                       anchor(designs[d].call, 1000, 30), NAN);
            }
            make_scenario(&s, &bank, 10);
            report("step BM+SE+MFI", name, 10, time_call(run_step, &s), NAN, 50e-6);
            make_scenario(&s, &bank, 30);
            report("step BM+SE+MFI", name, 30, time_call(run_step, &s), NAN, 50e-6);
            free(s.work);
        }
        cc_bank_free(&bank);
    }
    {
        /* Issue 3's catR figures for one nextItem on a 2,000-item 3PL bank. */
        static const cc_criterion crits[] = {CC_CRIT_MEI, CC_CRIT_MEPV, CC_CRIT_MPWI, CC_CRIT_MLWI};
        static const double catr[] = {5.5, 20, 39, 47};
        size_t c;
        generated_3pl(2000, 2000, &bank);
        make_scenario(&s, &bank, 10);
        for (c = 0; c < 4; c++) {
            char call[64];
            s.sel.criterion = crits[c];
            snprintf(call, sizeof(call), "nextItem_%s", cc_criterion_name(crits[c]));
            report(call, "3PL x 2000", 10, time_call(run_next, &s), catr[c],
                   crits[c] == CC_CRIT_MEI ? NAN : 20e-3);
        }
        free(s.work);
        cc_bank_free(&bank);
    }
    {
        static const cc_criterion crits[] = {CC_CRIT_MFI, CC_CRIT_KL, CC_CRIT_MEPV};
        generated_grm5(500, 500, &bank);
        make_scenario(&s, &bank, 10);
        bench_next(&s, "GRM5 x 500", 500, crits, 3, (const double[]){NAN, NAN, NAN});
        free(s.work);
        cc_bank_free(&bank);
        /* Issue 3: MEPV on a 100-item 5-category GRM bank took 132 s in catR. */
        generated_grm5(100, 100, &bank);
        make_scenario(&s, &bank, 10);
        s.sel.criterion = CC_CRIT_MEPV;
        report("nextItem_MEPV", "GRM5 x 100", 10, time_call(run_next, &s), 132, NAN);
        free(s.work);
        cc_bank_free(&bank);
    }
    printf("targets missed: %d\n", targets_missed);
    return 0;
}
