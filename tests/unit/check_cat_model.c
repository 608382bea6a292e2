/* cat/model: against catR's reference values in ../shared/golden/catr. */
#include "check_concerto.h"

#include "cat/model.h"
#include "golden.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Tolerances, from the README's "Recommended tolerances" table:
 * - Pi P: abs 1e-14; where the logistic saturates (|D a (theta - b)| > 35)
 *   abs 2e-10, because catR moves a P of exactly 0 or 1 by 1e-10 and
 *   whether P comes out exactly 1 depends on the order of operations.
 *   (The engine reports P in catR's order of operations, so in practice
 *   the saturated values agree exactly; the test keeps the README's bound.)
 * - Pi dP, d2P, d3P: abs 1e-12.
 * - Ii, test information, Ji: abs 1e-13 + rel 1e-10.
 * - dIi, d2Ii (and dJi, a derivative of the same kind): abs 1e-11 + rel 1e-9.
 * - OIi (and its sum): abs 1e-9 + rel 1e-8.
 *   Deviation (dichotomous items at theta = +-40): catR computes OIi from
 *   1 - P, P having been rounded (and clamped to 1 - 1e-10 when it came
 *   out 1), so when the given response x is improbable its OIi carries an
 *   error of about D^2 a^2 eps / P(x), at most ~2 D^2 a^2 (up to 0.24
 *   here, e.g. dicho_2PL_50 item 4 at theta 40, x = 0, where the true
 *   value is ~6e-17). We give the true observed information, computed
 *   without cancellation, and allow OI_CANCEL * D^2 a^2 min(1, eps / P(x))
 *   (P(x) the true, unclamped probability) on top of the table's
 *   tolerance (negligible unless P(x) < 1e-6); the sum of OIi gets
 *   the sum of these allowances. The records where the allowance exceeds
 *   TOL_OI_ABS are counted (INFO_OI_CANCEL). */
#define TOL_P 1e-14
#define TOL_P_SATURATED 2e-10
#define SATURATION_Z 35.0
#define TOL_DP 1e-12
#define TOL_INFO_ABS 1e-13
#define TOL_INFO_REL 1e-10
#define TOL_DINFO_ABS 1e-11
#define TOL_DINFO_REL 1e-9
#define TOL_OI_ABS 1e-9
#define TOL_OI_REL 1e-8
#define OI_CANCEL 4.0

/* What the golden files hold (counted from the files; a file that is
 * silently skipped or cut short fails these). */
#define PI_SETS 20
#define PI_RESULTS 196
#define PI_VALUES 23696      /* item-category values per quantity (P, dP, d2P, d3P) */
#define PI_QUIRK_VALUES 4734 /* of which in sets tagged "quirk" (derivatives skipped) */
#define PI_ABSENT 2304       /* null = category the item does not have */
#define INFO_SETS 14
#define INFO_RESULTS 138
#define INFO_ITEM_VALUES 6900 /* item values per quantity */
#define INFO_QUIRK_RESULTS 9  /* poly_GPCM_50 at D = 1.702 */
#define INFO_QUIRK_VALUES 450
#define INFO_OI_CANCEL 145   /* dichotomous OIi where the allowance exceeds TOL_OI_ABS */
#define INFO_OI_DEVIATING 62 /* of which outside the table's tolerance */

static int verbose(void)
{
    return getenv("CC_TEST_VERBOSE") != NULL;
}

static double num_at(json_object *array, int i)
{
    return golden_num(json_object_array_get_idx(array, (size_t)i));
}

static int is_quirk(json_object *set)
{
    json_object *q = NULL;

    return json_object_object_get_ex(set, "quirk", &q) && q != NULL;
}

/* Largest observed difference per quantity, for the report. */
typedef struct {
    const char *name;
    double max_abs;
    long n;
} diff_stat;

static void check_value(diff_stat *st, double ours, double ref, double abs_tol, double rel_tol,
                        const char *where, int item, double theta, int cat)
{
    double diff = fabs(ours - ref);

    ck_assert_msg(golden_close(ours, ref, abs_tol, rel_tol),
                  "%s %s: item %d category %d theta %g: ours %.17g, catR %.17g (diff %.3g)", where,
                  st->name, item + 1, cat, theta, ours, ref, diff);
    if (diff > st->max_abs)
        st->max_abs = diff;
    st->n++;
}

static void report(const char *what, diff_stat *st, int n)
{
    int i;

    if (!verbose())
        return;
    for (i = 0; i < n; i++)
        fprintf(stderr, "%s %-18s n=%-6ld max |diff| = %.3g\n", what, st[i].name, st[i].n,
                st[i].max_abs);
}

START_TEST(pi_matches_catr)
{
    json_object *sets = golden_get(golden_load("pi.json"), "sets");
    diff_stat st[5] = {
        {"P", 0, 0}, {"P saturated", 0, 0}, {"dP", 0, 0}, {"d2P", 0, 0}, {"d3P", 0, 0}};
    int s, n_sets = (int)json_object_array_length(sets), results = 0, absent = 0;
    long quirk_skipped = 0;

    ck_assert_int_eq(n_sets, PI_SETS);
    for (s = 0; s < n_sets; s++) {
        json_object *set = json_object_array_get_idx(sets, (size_t)s);
        json_object *res = golden_get(set, "results");
        const char *name = json_object_get_string(golden_get(set, "bank"));
        double D = golden_num(golden_get(set, "D"));
        int quirk = is_quirk(set), r, i, k;
        cc_bank bank;

        golden_bank(name, &bank);
        ck_assert_int_eq(bank.model, golden_model(set));
        /* quirk is set exactly on PCM/GPCM/RSM with D != 1 */
        ck_assert_int_eq(quirk, (bank.model == CC_MODEL_PCM || bank.model == CC_MODEL_GPCM ||
                                 bank.model == CC_MODEL_RSM) &&
                                    D != 1);
        for (r = 0; r < (int)json_object_array_length(res); r++) {
            json_object *rec = json_object_array_get_idx(res, (size_t)r);
            json_object *q[4] = {golden_get(rec, "P"), golden_get(rec, "dP"),
                                 golden_get(rec, "d2P"), golden_get(rec, "d3P")};
            double theta = golden_num(golden_get(rec, "theta"));

            results++;
            ck_assert_int_eq((int)json_object_array_length(q[0]), bank.n_items);
            for (i = 0; i < bank.n_items; i++) {
                double v[4][CC_MAX_CAT];

                cc_item_probs(&bank, i, theta, D, v[0], v[1], v[2], v[3]);
                if (bank.model == CC_MODEL_DICHO) {
                    const double *row = cc_bank_row(&bank, i);
                    int sat = fabs(D * row[0] * (theta - row[1])) > SATURATION_Z;

                    /* catR gives P(X = 1): our category 1 */
                    check_value(&st[sat ? 1 : 0], v[0][1], num_at(q[0], i),
                                sat ? TOL_P_SATURATED : TOL_P, 0, name, i, theta, 1);
                    for (k = 1; k < 4; k++)
                        check_value(&st[k + 1], v[k][1], num_at(q[k], i), TOL_DP, 0, name, i, theta,
                                    1);
                    continue;
                }
                {
                    json_object *rows[4];
                    int len, c;

                    for (k = 0; k < 4; k++)
                        rows[k] = json_object_array_get_idx(q[k], (size_t)i);
                    len = (int)json_object_array_length(rows[0]);
                    for (c = 0; c < len; c++) {
                        double ref = num_at(rows[0], c);

                        if (isnan(ref)) { /* absent category */
                            ck_assert_int_ge(c, bank.n_cat[i]);
                            absent++;
                            continue;
                        }
                        ck_assert_int_lt(c, bank.n_cat[i]);
                        check_value(&st[0], v[0][c], ref, TOL_P, 0, name, i, theta, c);
                        if (quirk) {
                            quirk_skipped++;
                            continue;
                        }
                        for (k = 1; k < 4; k++)
                            check_value(&st[k + 1], v[k][c], num_at(rows[k], c), TOL_DP, 0, name, i,
                                        theta, c);
                    }
                }
            }
        }
        cc_bank_free(&bank);
    }
    report("pi.json", st, 5);
    ck_assert_int_eq(results, PI_RESULTS);
    ck_assert_int_eq(st[0].n + st[1].n, PI_VALUES);
    ck_assert_int_eq(quirk_skipped, PI_QUIRK_VALUES);
    ck_assert_int_eq(absent, PI_ABSENT);
    ck_assert_int_eq(st[2].n, PI_VALUES - PI_QUIRK_VALUES);
    ck_assert_int_eq(st[3].n, PI_VALUES - PI_QUIRK_VALUES);
    ck_assert_int_eq(st[4].n, PI_VALUES - PI_QUIRK_VALUES);
    /* The clamp was exercised: some saturated values were compared. */
    ck_assert_int_gt(st[1].n, 0);
}
END_TEST

START_TEST(info_matches_catr)
{
    json_object *sets = golden_get(golden_load("info.json"), "sets");
    diff_stat st[10] = {{"Ii", 0, 0},        {"dIi", 0, 0},
                        {"d2Ii", 0, 0},      {"Ji", 0, 0},
                        {"dJi", 0, 0},       {"OIi", 0, 0},
                        {"test_info", 0, 0}, {"test_info_first10", 0, 0},
                        {"test_OIi", 0, 0},  {"OIi catR-cancel", 0, 0}};
    int s, n_sets = (int)json_object_array_length(sets), results = 0, quirk_results = 0;
    long quirk_values = 0, oi_deviating = 0;
    const int first10[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

    ck_assert_int_eq(n_sets, INFO_SETS);
    for (s = 0; s < n_sets; s++) {
        json_object *set = json_object_array_get_idx(sets, (size_t)s);
        json_object *res = golden_get(set, "results");
        const char *name = json_object_get_string(golden_get(set, "bank"));
        double D = golden_num(golden_get(set, "D"));
        int quirk = is_quirk(set), r, i, x[1000];
        cc_bank bank;

        golden_bank(name, &bank);
        ck_assert_int_eq(golden_ints(golden_get(set, "x_for_OIi"), x, 1000), bank.n_items);
        ck_assert_int_eq(cc_check_responses(&bank, first10, x, 10, NULL), CC_CAT_OK);
        for (r = 0; r < (int)json_object_array_length(res); r++) {
            json_object *rec = json_object_array_get_idx(res, (size_t)r);
            json_object *Ii = golden_get(rec, "Ii"), *dIi = golden_get(rec, "dIi"),
                        *d2Ii = golden_get(rec, "d2Ii"), *Ji = golden_get(rec, "Ji"),
                        *dJi = golden_get(rec, "dJi"), *OIi = golden_get(rec, "OIi");
            double theta = golden_num(golden_get(rec, "theta")), oi_sum = 0;
            double oi_allow = 0;

            results++;
            ck_assert_int_eq((int)json_object_array_length(Ii), bank.n_items);
            if (quirk) {
                /* catR's information is too small by D^2 here: skipped, and
                 * shown right in quirk_sets_derivatives_are_right. */
                quirk_results++;
                quirk_values += bank.n_items;
                continue;
            }
            for (i = 0; i < bank.n_items; i++) {
                double dI, d2I, dJ;
                double I = cc_item_info(&bank, i, theta, D, &dI, &d2I);
                double J = cc_item_ji(&bank, i, theta, D, &dJ);
                double O = cc_item_observed_info(&bank, i, theta, D, x[i]);

                check_value(&st[0], I, num_at(Ii, i), TOL_INFO_ABS, TOL_INFO_REL, name, i, theta,
                            -1);
                check_value(&st[1], dI, num_at(dIi, i), TOL_DINFO_ABS, TOL_DINFO_REL, name, i,
                            theta, -1);
                check_value(&st[2], d2I, num_at(d2Ii, i), TOL_DINFO_ABS, TOL_DINFO_REL, name, i,
                            theta, -1);
                check_value(&st[3], J, num_at(Ji, i), TOL_INFO_ABS, TOL_INFO_REL, name, i, theta,
                            -1);
                check_value(&st[4], dJ, num_at(dJi, i), TOL_DINFO_ABS, TOL_DINFO_REL, name, i,
                            theta, -1);
                {
                    double allow = 0;

                    if (bank.model == CC_MODEL_DICHO) {
                        double a = cc_bank_row(&bank, i)[0];
                        /* the true, unclamped P(x) */
                        double px =
                            exp(cc_log_likelihood(&bank, &i, &x[i], 1, theta, D, NULL, NULL));

                        allow = OI_CANCEL * D * D * a * a * fmin(1, DBL_EPSILON / px);
                    }
                    check_value(allow > TOL_OI_ABS ? &st[9] : &st[5], O, num_at(OIi, i),
                                TOL_OI_ABS + allow, TOL_OI_REL, name, i, theta, x[i]);
                    oi_allow += allow;
                    if (!golden_close(O, num_at(OIi, i), TOL_OI_ABS, TOL_OI_REL)) {
                        /* only in the logistic's far tails */
                        ck_assert(fabs(theta) == 40);
                        oi_deviating++;
                    }
                }
                oi_sum += O;
            }
            check_value(&st[6], cc_test_info(&bank, NULL, 0, theta, D),
                        golden_num(golden_get(rec, "test_info")), TOL_INFO_ABS, TOL_INFO_REL, name,
                        -1, theta, -1);
            check_value(&st[7], cc_test_info(&bank, first10, 10, theta, D),
                        golden_num(golden_get(rec, "test_info_first10")), TOL_INFO_ABS,
                        TOL_INFO_REL, name, -1, theta, -1);
            check_value(&st[8], oi_sum, golden_num(golden_get(rec, "test_OIi")),
                        TOL_OI_ABS + oi_allow, TOL_OI_REL, name, -1, theta, -1);
        }
        cc_bank_free(&bank);
    }
    report("info.json", st, 10);
    ck_assert_int_eq(results, INFO_RESULTS);
    ck_assert_int_eq(quirk_results, INFO_QUIRK_RESULTS);
    ck_assert_int_eq(quirk_values, INFO_QUIRK_VALUES);
    for (s = 0; s < 5; s++)
        ck_assert_int_eq(st[s].n, INFO_ITEM_VALUES - INFO_QUIRK_VALUES);
    ck_assert_int_eq(st[5].n + st[9].n, INFO_ITEM_VALUES - INFO_QUIRK_VALUES);
    ck_assert_int_eq(st[9].n, INFO_OI_CANCEL);
    ck_assert_int_eq(oi_deviating, INFO_OI_DEVIATING);
    if (verbose())
        fprintf(stderr, "info.json OIi: %ld records outside the table's tolerance (catR's 1 - P)\n",
                oi_deviating);
    for (s = 6; s < 9; s++)
        ck_assert_int_eq(st[s].n, INFO_RESULTS - INFO_QUIRK_RESULTS);
}
END_TEST

/* Central differences of f at theta with step e: (f(t + e) - f(t - e)) / 2e. */
#define FD_STEP 1e-5
/* Their error: O(e^2 f''') plus rounding O(eps / e) ~ 1e-10 for these
 * functions of theta; 1e-7 (abs + rel) cannot be met by a derivative that
 * misses a factor D = 1.702 (off by 41%). */
#define TOL_FD 1e-7

/* In the quirk sets (PCM/GPCM/RSM with D != 1) catR's derivatives are the
 * true ones divided by D, D^2, D^3. Ours are the true ones: they agree
 * with central differences of P (which catR gets right) and are exactly
 * catR's times D^k; catR's do not agree with the differences. */
START_TEST(quirk_sets_derivatives_are_right)
{
    json_object *sets = golden_get(golden_load("pi.json"), "sets");
    json_object *isets = golden_get(golden_load("info.json"), "sets");
    long checked = 0, catr_off = 0, info_checked = 0;
    double max_fd = 0, max_scaled = 0;
    int s, n_quirk_sets = 0;

    for (s = 0; s < (int)json_object_array_length(sets); s++) {
        json_object *set = json_object_array_get_idx(sets, (size_t)s), *res;
        double D = golden_num(golden_get(set, "D"));
        cc_bank bank;
        int r, i, c, k;

        if (!is_quirk(set))
            continue;
        n_quirk_sets++;
        res = golden_get(set, "results");
        golden_bank(json_object_get_string(golden_get(set, "bank")), &bank);
        for (r = 0; r < (int)json_object_array_length(res); r++) {
            json_object *rec = json_object_array_get_idx(res, (size_t)r);
            json_object *q[3] = {golden_get(rec, "dP"), golden_get(rec, "d2P"),
                                 golden_get(rec, "d3P")};
            double theta = golden_num(golden_get(rec, "theta"));

            for (i = 0; i < bank.n_items; i++) {
                double v[4][CC_MAX_CAT], hi[4][CC_MAX_CAT], lo[4][CC_MAX_CAT];

                cc_item_probs(&bank, i, theta, D, v[0], v[1], v[2], v[3]);
                cc_item_probs(&bank, i, theta + FD_STEP, D, hi[0], hi[1], hi[2], hi[3]);
                cc_item_probs(&bank, i, theta - FD_STEP, D, lo[0], lo[1], lo[2], lo[3]);
                for (c = 0; c < bank.n_cat[i]; c++) {
                    for (k = 1; k < 4; k++) {
                        double fd = (hi[k - 1][c] - lo[k - 1][c]) / (2 * FD_STEP);
                        double catr = num_at(json_object_array_get_idx(q[k - 1], (size_t)i), c);
                        double scaled = catr * pow(D, k);

                        ck_assert_msg(golden_close(v[k][c], fd, TOL_FD, TOL_FD),
                                      "d%dP item %d cat %d theta %g: ours %.12g, central "
                                      "difference %.12g",
                                      k, i + 1, c, theta, v[k][c], fd);
                        ck_assert_msg(golden_close(v[k][c], scaled, TOL_DP, 1e-13),
                                      "d%dP item %d cat %d theta %g: ours %.17g, catR * D^%d %.17g",
                                      k, i + 1, c, theta, v[k][c], k, scaled);
                        if (fabs(v[k][c] - fd) > max_fd)
                            max_fd = fabs(v[k][c] - fd);
                        if (fabs(v[k][c] - scaled) > max_scaled)
                            max_scaled = fabs(v[k][c] - scaled);
                        if (!golden_close(catr, fd, TOL_FD, TOL_FD))
                            catr_off++;
                        checked++;
                    }
                }
            }
        }
        cc_bank_free(&bank);
    }
    ck_assert_int_eq(n_quirk_sets, 3);
    ck_assert_int_eq(checked, 3 * PI_QUIRK_VALUES);
    /* catR's own derivatives miss the differences almost everywhere (all
     * but those ~0, e.g. d2P at an inflection or where P saturates). */
    ck_assert_int_gt(catr_off, checked / 2);

    /* The information in the quirk set of info.json: ours is catR's times
     * D^2 (Ii, OIi), D^3 (Ji, dIi), D^4 (d2Ii, dJi). */
    for (s = 0; s < (int)json_object_array_length(isets); s++) {
        json_object *set = json_object_array_get_idx(isets, (size_t)s), *res;
        double D = golden_num(golden_get(set, "D"));
        cc_bank bank;
        int r, i, x[1000];

        if (!is_quirk(set))
            continue;
        res = golden_get(set, "results");
        golden_bank(json_object_get_string(golden_get(set, "bank")), &bank);
        golden_ints(golden_get(set, "x_for_OIi"), x, 1000);
        for (r = 0; r < (int)json_object_array_length(res); r++) {
            json_object *rec = json_object_array_get_idx(res, (size_t)r);
            double theta = golden_num(golden_get(rec, "theta"));
            double D2 = D * D, D3 = D2 * D, D4 = D3 * D;

            for (i = 0; i < bank.n_items; i++) {
                double dI, d2I, dJ, I = cc_item_info(&bank, i, theta, D, &dI, &d2I);
                double J = cc_item_ji(&bank, i, theta, D, &dJ);
                double O = cc_item_observed_info(&bank, i, theta, D, x[i]);

                ck_assert(golden_close(I, D2 * num_at(golden_get(rec, "Ii"), i), TOL_INFO_ABS,
                                       TOL_INFO_REL));
                ck_assert(golden_close(dI, D3 * num_at(golden_get(rec, "dIi"), i), TOL_DINFO_ABS,
                                       TOL_DINFO_REL));
                ck_assert(golden_close(d2I, D4 * num_at(golden_get(rec, "d2Ii"), i), TOL_DINFO_ABS,
                                       TOL_DINFO_REL));
                ck_assert(golden_close(J, D3 * num_at(golden_get(rec, "Ji"), i), TOL_INFO_ABS,
                                       TOL_INFO_REL));
                ck_assert(golden_close(dJ, D4 * num_at(golden_get(rec, "dJi"), i), TOL_DINFO_ABS,
                                       TOL_DINFO_REL));
                ck_assert(golden_close(O, D2 * num_at(golden_get(rec, "OIi"), i), TOL_OI_ABS,
                                       TOL_OI_REL));
                info_checked++;
            }
        }
        cc_bank_free(&bank);
    }
    ck_assert_int_eq(info_checked, INFO_QUIRK_VALUES);
    if (verbose())
        fprintf(stderr,
                "quirk: %ld derivatives, max |ours - central diff| = %.3g, max |ours - catR*D^k| "
                "= %.3g, catR off the differences in %ld\n",
                checked, max_fd, max_scaled, catr_off);
}
END_TEST

/* Every 50-item golden bank, one per model family. */
static const char *const model_banks[] = {
    "dicho_1PL_50", "dicho_2PL_50", "dicho_3PL_50", "dicho_4PL_50", "poly_GRM_50",
    "poly_MGRM_50", "poly_PCM_50",  "poly_GPCM_50", "poly_RSM_50",  "poly_NRM_50"};
#define N_MODEL_BANKS ((int)(sizeof(model_banks) / sizeof(model_banks[0])))

/* Derivatives of the information functions against central differences,
 * for every model and both D. */
START_TEST(information_derivatives_match_differences)
{
    static const double thetas[] = {-3.1, -1, 0, 0.45, 1.7, 3.3};
    static const double Ds[] = {1, 1.702};
    int b, i, t, di;
    long n = 0;

    for (b = 0; b < N_MODEL_BANKS; b++) {
        cc_bank bank;

        golden_bank(model_banks[b], &bank);
        for (di = 0; di < 2; di++)
            for (t = 0; t < (int)(sizeof(thetas) / sizeof(thetas[0])); t++)
                for (i = 0; i < bank.n_items; i++) {
                    double th = thetas[t], D = Ds[di], e = FD_STEP, dI, d2I, dJ, dIp, dIm;
                    double Ip = cc_item_info(&bank, i, th + e, D, &dIp, NULL);
                    double Im = cc_item_info(&bank, i, th - e, D, &dIm, NULL);
                    double Jp = cc_item_ji(&bank, i, th + e, D, NULL);
                    double Jm = cc_item_ji(&bank, i, th - e, D, NULL);
                    double I = cc_item_info(&bank, i, th, D, &dI, &d2I);
                    int x;

                    (void)cc_item_ji(&bank, i, th, D, &dJ);
                    ck_assert_msg(golden_close(dI, (Ip - Im) / (2 * e), TOL_FD, TOL_FD),
                                  "%s item %d: dI", model_banks[b], i + 1);
                    ck_assert_msg(golden_close(d2I, (dIp - dIm) / (2 * e), TOL_FD, TOL_FD),
                                  "%s item %d: d2I", model_banks[b], i + 1);
                    ck_assert_msg(golden_close(dJ, (Jp - Jm) / (2 * e), TOL_FD, TOL_FD),
                                  "%s item %d: dJ", model_banks[b], i + 1);
                    /* Fisher information is the expected observed information. */
                    {
                        double P[CC_MAX_CAT], e_oi = 0;

                        cc_item_probs(&bank, i, th, D, P, NULL, NULL, NULL);
                        for (x = 0; x < bank.n_cat[i]; x++)
                            e_oi += P[x] * cc_item_observed_info(&bank, i, th, D, x);
                        ck_assert_msg(golden_close(e_oi, I, 1e-14, 1e-12), "%s item %d: E[OI]",
                                      model_banks[b], i + 1);
                    }
                    n++;
                }
        cc_bank_free(&bank);
    }
    ck_assert_int_eq(n, 2L * 6 * 50 * N_MODEL_BANKS);
}
END_TEST

START_TEST(probabilities_sum_to_one)
{
    static const double thetas[] = {-30, -6, -2.5, -1, 0, 0.7, 2, 6, 30};
    static const double Ds[] = {1, 1.702};
    int b, i, t, di, c;
    long n = 0;

    for (b = 0; b < N_MODEL_BANKS; b++) {
        cc_bank bank;

        golden_bank(model_banks[b], &bank);
        for (di = 0; di < 2; di++)
            for (t = 0; t < (int)(sizeof(thetas) / sizeof(thetas[0])); t++)
                for (i = 0; i < bank.n_items; i++) {
                    double P[CC_MAX_CAT], dP[CC_MAX_CAT], d2P[CC_MAX_CAT], d3P[CC_MAX_CAT];
                    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;

                    cc_item_probs(&bank, i, thetas[t], Ds[di], P, dP, d2P, d3P);
                    for (c = 0; c < bank.n_cat[i]; c++) {
                        ck_assert(P[c] >= 0 && P[c] <= 1);
                        ck_assert(P[c] == cc_item_prob(&bank, i, thetas[t], Ds[di], c));
                        s0 += P[c], s1 += dP[c], s2 += d2P[c], s3 += d3P[c];
                    }
                    ck_assert_msg(fabs(s0 - 1) <= 1e-14, "%s item %d theta %g: sum P = %.17g",
                                  model_banks[b], i + 1, thetas[t], s0);
                    ck_assert(fabs(s1) <= 1e-13 && fabs(s2) <= 1e-13 && fabs(s3) <= 1e-12);
                    n++;
                }
        cc_bank_free(&bank);
    }
    ck_assert_int_eq(n, 2L * 9 * 50 * N_MODEL_BANKS);
}
END_TEST

/* Every output of every function is finite at (theta, D); P in [0, 1],
 * information >= 0, log-likelihood <= 0. Returns the values checked. */
static int all_finite(const cc_bank *bank, int i, double theta, double D)
{
    double P[CC_MAX_CAT], dP[CC_MAX_CAT], d2P[CC_MAX_CAT], d3P[CC_MAX_CAT];
    double dI, d2I, dJ, I, J, ll, d1, d2, sum = 0;
    int c, n = 0;

    cc_item_probs(bank, i, theta, D, P, dP, d2P, d3P);
    for (c = 0; c < bank->n_cat[i]; c++) {
        ck_assert_msg(isfinite(P[c]) && isfinite(dP[c]) && isfinite(d2P[c]) && isfinite(d3P[c]),
                      "item %d theta %g D %g category %d: P %g dP %g d2P %g d3P %g", i + 1, theta,
                      D, c, P[c], dP[c], d2P[c], d3P[c]);
        ck_assert(P[c] >= 0 && P[c] <= 1);
        sum += P[c];
        n += 4;
    }
    ck_assert_msg(fabs(sum - 1) <= 1e-14, "item %d theta %g: sum P %.17g", i + 1, theta, sum);
    I = cc_item_info(bank, i, theta, D, &dI, &d2I);
    J = cc_item_ji(bank, i, theta, D, &dJ);
    ck_assert_msg(
        isfinite(I) && I >= 0 && isfinite(dI) && isfinite(d2I) && isfinite(J) && isfinite(dJ),
        "item %d theta %g D %g: I %g dI %g d2I %g J %g dJ %g", i + 1, theta, D, I, dI, d2I, J, dJ);
    n += 5;
    for (c = 0; c < bank->n_cat[i]; c++) {
        double oi = cc_item_observed_info(bank, i, theta, D, c);

        ll = cc_log_likelihood(bank, &i, &c, 1, theta, D, &d1, &d2);
        ck_assert_msg(isfinite(oi) && isfinite(ll) && ll <= 0 && isfinite(d1) && isfinite(d2),
                      "item %d theta %g D %g x %d: OI %g log L %g d1 %g d2 %g", i + 1, theta, D, c,
                      oi, ll, d1, d2);
        ck_assert(fabs(d2 + oi) <= 1e-12 * fabs(oi) + 1e-300);
        n += 4;
    }
    return n;
}

START_TEST(finite_everywhere)
{
    static const double thetas[] = {-1e6, -1e4, -800, -40, -1e-9, 0, 3, 40, 800, 1e4, 1e6};
    static const double Ds[] = {1, 1.702};
    /* Extreme items of every model. */
    static const double dicho[] = {50,  0,    0,    1,         0.01, 5,    0.3, 0.7,
                                   20,  -3,   0.25, 1,         1,    0,    0,   0.999999999,
                                   300, 1000, 0.5,  0.5000001, 1e-6, -1e3, 0.1, 0.2};
    static const double grm[] = {30, -0.001, 0, 0.001, 0.01, -50, 0, 50, 5, -20, NAN, NAN};
    static const double mgrm[] = {40, 0, 5, 0, -5, 0.001, 100, 1e-3, 0, -1e-3};
    static const double pcm[] = {-50, 50, 0, 100, NAN, NAN};
    static const double gpcm[] = {30, -5, 0, 5, 0.001, 200, -200, NAN};
    static const double rsm[] = {20, -10, 0, 10, -30, 0.001, 0, 0};
    static const double nrm[] = {50, -100, -50, 100, 0.001, 0, -0.001, 3, NAN, NAN, NAN, NAN};
    struct {
        cc_model model;
        int n, cols;
        const double *par;
    } extreme[] = {{CC_MODEL_DICHO, 6, 4, dicho}, {CC_MODEL_GRM, 3, 4, grm},
                   {CC_MODEL_MGRM, 2, 5, mgrm},   {CC_MODEL_PCM, 2, 3, pcm},
                   {CC_MODEL_GPCM, 2, 4, gpcm},   {CC_MODEL_RSM, 2, 4, rsm},
                   {CC_MODEL_NRM, 2, 6, nrm}};
    int e, b, i, t, di;
    long n = 0;

    for (e = 0; e < (int)(sizeof(extreme) / sizeof(extreme[0])); e++) {
        cc_bank bank;
        cc_cat_error err;

        ck_assert_msg(cc_bank_init(&bank, extreme[e].model, extreme[e].n, extreme[e].cols,
                                   extreme[e].par, &err) == CC_CAT_OK,
                      "%s", err.message);
        for (di = 0; di < 2; di++)
            for (t = 0; t < (int)(sizeof(thetas) / sizeof(thetas[0])); t++)
                for (i = 0; i < bank.n_items; i++)
                    n += all_finite(&bank, i, thetas[t], Ds[di]);
        cc_bank_free(&bank);
    }
    for (b = 0; b < N_MODEL_BANKS; b++) {
        cc_bank bank;

        golden_bank(model_banks[b], &bank);
        for (t = 0; t < (int)(sizeof(thetas) / sizeof(thetas[0])); t++)
            for (i = 0; i < bank.n_items; i++)
                n += all_finite(&bank, i, thetas[t], 1.702);
        cc_bank_free(&bank);
    }
    ck_assert_int_gt(n, 40000);
}
END_TEST

START_TEST(clamp_and_tails)
{
    static const double twopl[] = {1, 0, 0, 1};
    cc_bank bank;
    double P[2], ll, d1, d2;
    int item = 0, one = 1, zero = 0;

    ck_assert_int_eq(cc_bank_init(&bank, CC_MODEL_DICHO, 1, 4, twopl, NULL), CC_CAT_OK);
    /* P exactly 1 or 0 moves 1e-10 inside, as in catR. */
    cc_item_probs(&bank, 0, 40, 1, P, NULL, NULL, NULL);
    ck_assert(P[1] == 1 - 1e-10);
    cc_item_probs(&bank, 0, -800, 1, P, NULL, NULL, NULL);
    ck_assert(P[1] == 1e-10);
    ck_assert(cc_item_prob(&bank, 0, -800, 1, 1) == 1e-10);
    /* ... but the log-likelihood is the true one in the tails, not log(1e-10). */
    ll = cc_log_likelihood(&bank, &item, &one, 1, -1e6, 1, &d1, &d2);
    ck_assert(ll == -1e6);
    ck_assert(d1 == 1 && d2 == 0);
    ll = cc_log_likelihood(&bank, &item, &zero, 1, 800, 1.5, &d1, &d2);
    ck_assert(ll == -1200);
    ck_assert(d1 == -1.5);
    cc_bank_free(&bank);
}
END_TEST

START_TEST(log_likelihood_and_its_derivatives)
{
    static const char *const names[] = {"dicho_3PL_50", "dicho_4PL_50", "poly_GRM_50",
                                        "poly_MGRM_50", "poly_PCM_50",  "poly_GPCM_50",
                                        "poly_RSM_50",  "poly_NRM_50"};
    static const double thetas[] = {-2.2, -0.4, 0, 1.3, 3};
    int b, t, k;

    for (b = 0; b < (int)(sizeof(names) / sizeof(names[0])); b++) {
        cc_bank bank;
        int items[20], x[20];

        golden_bank(names[b], &bank);
        for (k = 0; k < 20; k++) {
            items[k] = 2 * k + 1;
            x[k] = (k * 7 + b) % bank.n_cat[items[k]];
        }
        x[4] = CC_MISSING;
        for (t = 0; t < 5; t++) {
            double th = thetas[t], D = 1.702, e = FD_STEP, d1, d2, d1p, d1m, ref = 0, oi = 0;
            double ll = cc_log_likelihood(&bank, items, x, 20, th, D, &d1, &d2);
            double llp = cc_log_likelihood(&bank, items, x, 20, th + e, D, &d1p, NULL);
            double llm = cc_log_likelihood(&bank, items, x, 20, th - e, D, &d1m, NULL);

            for (k = 0; k < 20; k++) {
                ref += log(cc_item_prob(&bank, items[k], th, D, x[k])); /* missing: P = 1 */
                oi += cc_item_observed_info(&bank, items[k], th, D, x[k]);
            }
            ck_assert(isfinite(ll) && ll < 0);
            ck_assert_msg(golden_close(ll, ref, 1e-12, 1e-13), "%s: log L %.17g, sum log P %.17g",
                          names[b], ll, ref);
            ck_assert(golden_close(d1, (llp - llm) / (2 * e), TOL_FD, TOL_FD));
            ck_assert(golden_close(d2, (d1p - d1m) / (2 * e), TOL_FD, TOL_FD));
            ck_assert(golden_close(-d2, oi, 1e-13, 1e-12));
            ck_assert(cc_log_likelihood(&bank, items, x, 20, th, D, NULL, NULL) == ll);
        }
        /* A category the item does not have: a deliberate NaN, not a crash. */
        x[0] = bank.n_cat[items[0]];
        ck_assert(isnan(cc_log_likelihood(&bank, items, x, 20, 0, 1, NULL, NULL)));
        ck_assert(isnan(cc_item_observed_info(&bank, items[0], 0, 1, x[0])));
        ck_assert(isnan(cc_item_prob(&bank, items[0], 0, 1, x[0])));
        ck_assert(cc_item_observed_info(&bank, items[0], 0, 1, CC_MISSING) == 0);
        ck_assert(cc_log_likelihood(&bank, items, x, 0, 0, 1, NULL, NULL) == 0);
        cc_bank_free(&bank);
    }
}
END_TEST

START_TEST(test_info_sums_items)
{
    cc_bank bank;
    const int items[] = {4, 0, 17, 4};
    double sum = 0;
    int k;

    golden_bank("poly_GPCM_50", &bank);
    for (k = 0; k < 4; k++)
        sum += cc_item_info(&bank, items[k], 0.3, 1.702, NULL, NULL);
    ck_assert(fabs(cc_test_info(&bank, items, 4, 0.3, 1.702) - sum) <= 1e-14 * sum);
    ck_assert(cc_test_info(&bank, items, 0, 0.3, 1) == 0);
    cc_bank_free(&bank);
}
END_TEST

static double seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Generous bounds (they hold under ASan on a busy 2-core machine); the
 * plain build takes a few percent of them. */
#define PERF_CALLS 1000000
#define PERF_BOUND_S 2.0

START_TEST(fast_enough)
{
    static const char *const names[] = {"dicho_3PL_50", "poly_GRM_50", "poly_GPCM_50"};
    int b, k;

    for (b = 0; b < 3; b++) {
        cc_bank bank;
        volatile double sink = 0;
        double t0, elapsed;
        int calls = b == 0 ? PERF_CALLS : PERF_CALLS / 4;

        golden_bank(names[b], &bank);
        t0 = seconds();
        for (k = 0; k < calls; k++)
            sink += cc_item_info(&bank, k % 50, -4 + 8e-6 * (k % 1000000), 1, NULL, NULL);
        elapsed = seconds() - t0;
        ck_assert(sink > 0);
        ck_assert_msg(elapsed < PERF_BOUND_S, "%d cc_item_info calls on %s took %.3f s", calls,
                      names[b], elapsed);
        if (verbose())
            fprintf(stderr, "%d cc_item_info on %s: %.1f ns/call\n", calls, names[b],
                    elapsed / calls * 1e9);
        cc_bank_free(&bank);
    }
}
END_TEST

TCase *tcase_cat_model(void)
{
    TCase *tc = cc_test_tcase("cat/model");

    tcase_add_test(tc, pi_matches_catr);
    tcase_add_test(tc, info_matches_catr);
    tcase_add_test(tc, quirk_sets_derivatives_are_right);
    tcase_add_test(tc, information_derivatives_match_differences);
    tcase_add_test(tc, probabilities_sum_to_one);
    tcase_add_test(tc, finite_everywhere);
    tcase_add_test(tc, clamp_and_tails);
    tcase_add_test(tc, log_likelihood_and_its_derivatives);
    tcase_add_test(tc, test_info_sums_items);
    tcase_add_test(tc, fast_enough);
    return tc;
}
