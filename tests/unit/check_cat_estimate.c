/* cat/estimate: thetaEst and semTheta against catR's reference values in
 * ../shared/golden/catr/theta_est.json, and the engine's defined behaviour
 * where catR has none.
 *
 * Tolerances (from the golden README's table):
 *   ML/BM/WL/ROB theta vs theta_refined (the equation solved to 1e-14): abs 1e-9
 *   ML/BM/WL/ROB theta vs catR's theta (uniroot tol 1.22e-4):          abs 1e-4
 *   bounds (theta at an end of the search interval):                    exact
 *   EAP theta and EAP SE (same grid, trapezoid rule):                   abs 1e-12
 *   semTheta at catR's theta (classic, "new", exact):                   rel 1e-10
 *   semTheta at our own theta:                                          rel 1e-4
 *   sem.exact: rel 1e-10 for EAP; rel 1e-4 for ML/BM/WL/ROB, because catR's
 *   exact SE is built from its own uniroot estimates of every pattern (tol
 *   1.22e-4), not from the given theta, while ours are solved to 1e-13. */
#include "check_concerto.h"

#include "cat/estimate.h"
#include "cat/model.h"
#include "golden.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOL_REFINED 1e-9        /* abs, vs theta_refined */
#define TOL_CATR 1e-4           /* abs, vs catR's uniroot theta */
#define TOL_EAP 1e-12           /* abs, EAP theta and SE */
#define TOL_SE_REL 1e-10        /* rel, semTheta at catR's theta */
#define TOL_SE_OWN_REL 1e-4     /* rel, semTheta at our theta */
#define TOL_EXACT_ROOT_REL 1e-4 /* rel, sem.exact with uniroot-based methods */

/* What theta_est.json holds (asserted so that a skipped record fails). */
#define N_CASES 93
#define N_RESULTS 1092
#define N_OK 984
#define N_REFUSED 108 /* ROB with polytomous items */
#define N_EAP 273
#define N_ROOT 550
#define N_BOUND 155
#define N_DEGENERATE 6 /* Tukey ROB with one item; catR's SE is NaN */
#define N_SE_NEW 182
#define N_SE_EXACT 36
#define N_CONSTANT 12
#define N_EXACT_GRID 4 /* EAP_norm01_q61 short3 records: see sem.exact below */
/* Records tagged quirk (GPCM, D = 1.702) whose value the quirk changes:
 * the BM estimate and the classic SE of ML, BM and WL (the EAP estimate,
 * its SE and the ML/WL roots are unaffected and are compared). */
#define N_QUIRK_SKIPPED 4
/* Known deviation (not a README quirk): catR's sem.type="new" for WL with
 * D != 1 (dicho_3PL_50/sim_mid_D1.702) is 0.4% below the sandwich formula
 * sqrt(I) / |I - B'|, B = J / (2I), that matches catR to 1e-12 in all 35
 * D = 1 records. We keep the formula; the record is counted here. */
#define N_WL_NEW_D_SKIPPED 1

static int verbose(void)
{
    return getenv("CC_TEST_VERBOSE") != NULL;
}

static const char *str_of(json_object *rec, const char *key)
{
    return json_object_get_string(golden_get(rec, key));
}

static int is_num(json_object *rec, const char *key)
{
    json_object *v = NULL;

    return json_object_object_get_ex(rec, key, &v) && v != NULL &&
           !json_object_is_type(v, json_type_string);
}

static cc_est_method method_of(const char *s)
{
    if (!strcmp(s, "ML"))
        return CC_EST_ML;
    if (!strcmp(s, "BM"))
        return CC_EST_BM;
    if (!strcmp(s, "EAP"))
        return CC_EST_EAP;
    if (!strcmp(s, "WL"))
        return CC_EST_WL;
    ck_assert_str_eq(s, "ROB");
    return CC_EST_ROB;
}

/* The options of one result record of theta_est.json. */
static void options_of(json_object *r, cc_est_options *opt)
{
    const char *prior = str_of(r, "priorDist");
    double v[3];

    cc_est_options_default(opt);
    opt->method = method_of(str_of(r, "method"));
    opt->prior = !strcmp(prior, "norm")   ? CC_PRIOR_NORM
                 : !strcmp(prior, "unif") ? CC_PRIOR_UNIF
                                          : CC_PRIOR_JEFFREYS;
    ck_assert_int_eq(golden_nums(golden_get(r, "priorPar"), opt->prior_par, 2), 2);
    ck_assert_int_eq(golden_nums(golden_get(r, "range"), opt->range, 2), 2);
    ck_assert_int_eq(golden_nums(golden_get(r, "parInt"), v, 3), 3);
    opt->quad[0] = v[0];
    opt->quad[1] = v[1];
    opt->quad_points = (int)v[2];
    opt->weight = !strcmp(str_of(r, "weight"), "Huber") ? CC_WEIGHT_HUBER : CC_WEIGHT_TUKEY;
    opt->tuning = golden_num(golden_get(r, "tuCo"));
    opt->D = golden_num(golden_get(r, "D"));
}

static int all_items(int n, int *items)
{
    int k;

    for (k = 0; k < n; k++)
        items[k] = k;
    return n;
}

static double rel_diff(double a, double b)
{
    return fabs(a - b) / fabs(b);
}

START_TEST(theta_est_matches_catr)
{
    json_object *cases = golden_get(golden_load("theta_est.json"), "cases");
    int n_cases = (int)json_object_array_length(cases), ci;
    int n_results = 0, n_ok = 0, n_refused = 0, n_eap = 0, n_root = 0, n_bound = 0, n_degen = 0;
    int n_se = 0, n_se_new = 0, n_se_exact = 0, n_exact_grid = 0, n_se_own = 0, n_quirk = 0,
        n_wl_new_d = 0;
    double max_ref = 0, max_catr = 0, max_eap = 0, max_se = 0, max_se_new = 0, max_se_exact = 0;
    double max_se_own = 0, max_se_exact_root = 0;

    ck_assert_int_eq(n_cases, N_CASES);
    for (ci = 0; ci < n_cases; ci++) {
        json_object *cs = json_object_array_get_idx(cases, (size_t)ci);
        json_object *results = golden_get(cs, "results");
        const char *id = str_of(cs, "id");
        json_object *qv = NULL;
        int quirk = json_object_object_get_ex(cs, "quirk", &qv) && qv != NULL;
        cc_model model = golden_model(cs);
        cc_bank bank;
        int x[64], items[64], n, ri;

        golden_bank_from_rows(golden_get(cs, "par"), model, &bank);
        n = golden_ints(golden_get(cs, "x"), x, 64);
        ck_assert_int_eq(n, bank.n_items);
        all_items(n, items);
        for (ri = 0; ri < (int)json_object_array_length(results); ri++) {
            json_object *r = json_object_array_get_idx(results, (size_t)ri);
            const char *label = str_of(r, "label");
            cc_est_options opt;
            cc_cat_error err;
            cc_cat_status st;
            double th = NAN, se = NAN, cth, d;

            n_results++;
            options_of(r, &opt);
            st = cc_theta_est(&bank, items, x, n, &opt, &th, &err);
            if (!json_object_get_boolean(golden_get(r, "ok"))) {
                /* catR fails (ROB with polytomous items): a clear refusal. */
                ck_assert_msg(st == CC_CAT_EREFUSED, "%s %s: expected a refusal", id, label);
                ck_assert_ptr_nonnull(strstr(err.message, "dichotomous"));
                ck_assert_int_eq(
                    cc_sem_theta(&bank, items, x, n, 0, &opt, CC_SEM_CLASSIC, 0, &se, &err),
                    CC_CAT_EREFUSED);
                n_refused++;
                continue;
            }
            n_ok++;
            ck_assert_msg(st == CC_CAT_OK, "%s %s: %s", id, label, err.message);
            ck_assert_msg(isfinite(th), "%s %s: theta %g", id, label, th);
            cth = golden_num(golden_get(r, "theta"));

            /* theta */
            if (opt.method == CC_EST_EAP) {
                d = fabs(th - cth);
                max_eap = fmax(max_eap, d);
                ck_assert_msg(d <= TOL_EAP, "%s %s: EAP %.17g, catR %.17g", id, label, th, cth);
                ck_assert_msg(fabs(th - golden_num(golden_get(r, "theta_refined"))) <= TOL_EAP,
                              "%s %s", id, label);
                n_eap++;
            } else if (json_object_get_boolean(golden_get(r, "degenerate"))) {
                /* Tukey ROB with one item: the weighted score is 0 on a
                 * whole interval (any theta there is a root); catR returns
                 * an arbitrary point of it. We return the end the score
                 * pushes towards: the top of the range for a correct
                 * answer, the bottom for a wrong one. */
                double si[2];

                golden_nums(golden_get(r, "search_interval"), si, 2);
                ck_assert_int_eq(n, 1);
                ck_assert_msg(th == (x[0] ? si[1] : si[0]), "%s %s: %g", id, label, th);
                n_degen++;
            } else if (quirk && opt.method == CC_EST_BM) {
                /* catR's BM root moves with the missing factor D: ours
                 * must differ (else the skip would hide nothing). */
                ck_assert(fabs(th - golden_num(golden_get(r, "theta_refined"))) > TOL_CATR);
                n_quirk++;
            } else {
                const char *status = str_of(r, "refine_status");
                double ref = golden_num(golden_get(r, "theta_refined"));

                if (!strcmp(status, "bound")) {
                    ck_assert_msg(th == ref && th == cth, "%s %s: %.17g, catR's bound %.17g", id,
                                  label, th, cth);
                    n_bound++;
                } else {
                    ck_assert_str_eq(status, "root");
                    n_root++;
                }
                d = fabs(th - ref);
                max_ref = fmax(max_ref, d);
                ck_assert_msg(d <= TOL_REFINED, "%s %s: %.17g, refined %.17g", id, label, th, ref);
                d = fabs(th - cth);
                max_catr = fmax(max_catr, d);
                ck_assert_msg(d <= TOL_CATR, "%s %s: %.17g, catR %.17g", id, label, th, cth);
            }

            /* semTheta at catR's theta */
            if (quirk && opt.method != CC_EST_EAP) {
                /* catR's information is too small by D^2 here. */
                ck_assert_int_eq(
                    cc_sem_theta(&bank, items, x, n, cth, &opt, CC_SEM_CLASSIC, 0, &se, &err),
                    CC_CAT_OK);
                ck_assert(rel_diff(se, golden_num(golden_get(r, "se"))) > 0.1);
                if (opt.method != CC_EST_BM) /* 1/sqrt(I): exactly D times ours */
                    ck_assert(rel_diff(se * opt.D, golden_num(golden_get(r, "se"))) <= TOL_SE_REL);
                n_quirk++;
            } else {
                double want = golden_num(golden_get(r, "se"));

                st = cc_sem_theta(&bank, items, x, n, cth, &opt, CC_SEM_CLASSIC, 0, &se, &err);
                ck_assert_msg(st == CC_CAT_OK, "%s %s: %s", id, label, err.message);
                if (isnan(want)) {
                    /* Degenerate ROB: no item carries weight at theta.
                     * catR gives NaN (0/0); we give Inf (no information). */
                    ck_assert(json_object_get_boolean(golden_get(r, "degenerate")));
                    ck_assert_msg(isinf(se) && se > 0, "%s %s: se %g", id, label, se);
                } else if (opt.method == CC_EST_EAP) {
                    d = fabs(se - want);
                    max_eap = fmax(max_eap, d);
                    ck_assert_msg(d <= TOL_EAP, "%s %s: se %.17g, catR %.17g", id, label, se, want);
                } else {
                    d = rel_diff(se, want);
                    max_se = fmax(max_se, d);
                    ck_assert_msg(d <= TOL_SE_REL, "%s %s: se %.17g, catR %.17g", id, label, se,
                                  want);
                }
                n_se++;
                /* ... and at our own theta */
                if (!isnan(want) && !(quirk && opt.method == CC_EST_BM)) {
                    ck_assert_int_eq(
                        cc_sem_theta(&bank, items, x, n, th, &opt, CC_SEM_CLASSIC, 0, &se, &err),
                        CC_CAT_OK);
                    d = rel_diff(se, want);
                    max_se_own = fmax(max_se_own, d);
                    ck_assert_msg(d <= TOL_SE_OWN_REL, "%s %s: se %.17g at %.17g, catR %.17g", id,
                                  label, se, th, want);
                    n_se_own++;
                }
            }
            if (is_num(r, "se_new")) {
                double want = golden_num(golden_get(r, "se_new"));

                st = cc_sem_theta(&bank, items, x, n, cth, &opt, CC_SEM_NEW, 0, &se, &err);
                ck_assert_msg(st == CC_CAT_OK, "%s %s: %s", id, label, err.message);
                d = rel_diff(se, want);
                if (opt.method == CC_EST_WL && opt.D != 1) {
                    ck_assert_msg(d > TOL_SE_REL && d < 1e-2, "%s %s: %g", id, label, d);
                    n_wl_new_d++;
                } else {
                    max_se_new = fmax(max_se_new, d);
                    ck_assert_msg(d <= TOL_SE_REL, "%s %s: se_new %.17g, catR %.17g", id, label, se,
                                  want);
                    n_se_new++;
                }
            }
            if (is_num(r, "se_exact")) {
                double want = golden_num(golden_get(r, "se_exact"));

                cc_est_options eopt = opt;

                if (opt.method == CC_EST_EAP &&
                    (opt.quad[0] != -4 || opt.quad[1] != 4 || opt.quad_points != 33)) {
                    /* catR's sem.exact estimates every pattern's EAP on its
                     * default grid (-4, 4, 33) whatever parInt is (not in
                     * the README: found here, the value matches to 1e-16
                     * that way). We use the grid given; the record is
                     * checked against the default grid. */
                    eopt.quad[0] = -4;
                    eopt.quad[1] = 4;
                    eopt.quad_points = 33;
                    n_exact_grid++;
                }
                st = cc_sem_theta(&bank, items, x, n, cth, &eopt, CC_SEM_CLASSIC, 1, &se, &err);
                ck_assert_msg(st == CC_CAT_OK, "%s %s: %s", id, label, err.message);
                d = rel_diff(se, want);
                if (opt.method == CC_EST_EAP)
                    max_se_exact = fmax(max_se_exact, d);
                else
                    max_se_exact_root = fmax(max_se_exact_root, d);
                ck_assert_msg(d <= (opt.method == CC_EST_EAP ? TOL_SE_REL : TOL_EXACT_ROOT_REL),
                              "%s %s: se_exact %.17g, catR %.17g", id, label, se, want);
                n_se_exact++;
            }
        }
        cc_bank_free(&bank);
    }
    if (verbose())
        printf("theta_est: %d results (%d ok, %d refused): %d EAP, %d roots, %d bounds, %d "
               "degenerate, %d quirk skips, %d WL-new-D skips; %d se (+%d at own theta), %d "
               "se_new, %d se_exact\n"
               "max |theta - refined| %.3g, |theta - catR| %.3g, EAP %.3g; se rel %.3g, own "
               "%.3g, new %.3g, exact EAP %.3g, exact others %.3g\n",
               n_results, n_ok, n_refused, n_eap, n_root, n_bound, n_degen, n_quirk, n_wl_new_d,
               n_se, n_se_own, n_se_new, n_se_exact, max_ref, max_catr, max_eap, max_se, max_se_own,
               max_se_new, max_se_exact, max_se_exact_root);
    ck_assert_int_eq(n_results, N_RESULTS);
    ck_assert_int_eq(n_ok, N_OK);
    ck_assert_int_eq(n_refused, N_REFUSED);
    ck_assert_int_eq(n_eap, N_EAP);
    ck_assert_int_eq(n_degen, N_DEGENERATE);
    ck_assert_int_eq(n_quirk, N_QUIRK_SKIPPED);
    /* Every non-EAP, non-degenerate record is a root or a bound, except the
     * one quirk-skipped BM estimate. */
    ck_assert_int_eq(n_root + n_bound + 1, N_ROOT + N_BOUND);
    ck_assert_int_eq(n_bound, N_BOUND);
    ck_assert_int_eq(n_se, N_OK - 3);
    ck_assert_int_eq(n_se_new + n_wl_new_d, N_SE_NEW);
    ck_assert_int_eq(n_wl_new_d, N_WL_NEW_D_SKIPPED);
    ck_assert_int_eq(n_se_exact, N_SE_EXACT);
    ck_assert_int_eq(n_exact_grid, N_EXACT_GRID);
}
END_TEST

START_TEST(constant_patterns_match_catr)
{
    json_object *recs = golden_get(golden_load("theta_est.json"), "constant_patterns");
    int n_rec = (int)json_object_array_length(recs), i, n_inf = 0, n_eap_se = 0, n_est = 0;

    ck_assert_int_eq(n_rec, N_CONSTANT);
    for (i = 0; i < n_rec; i++) {
        json_object *r = json_object_array_get_idx(recs, (size_t)i);
        const char *cp = str_of(r, "constantPatt");
        cc_bank bank;
        cc_est_options opt;
        cc_cat_error err;
        int items[32], x[32], n, k;
        double th, se, want = golden_num(golden_get(r, "theta"));

        golden_bank(str_of(r, "bank"), &bank);
        n = golden_ints(golden_get(r, "items"), items, 32);
        for (k = 0; k < n; k++)
            items[k]--;
        ck_assert_int_eq(golden_ints(golden_get(r, "x"), x, 32), n);
        cc_est_options_default(&opt);
        opt.method = method_of(str_of(r, "method"));
        opt.current_theta = golden_num(golden_get(r, "current_th"));
        golden_nums(golden_get(r, "bRange"), opt.b_range, 2);
        opt.constant_patt = !strcmp(cp, "fixed4")   ? CC_CONST_FIXED4
                            : !strcmp(cp, "fixed7") ? CC_CONST_FIXED7
                            : !strcmp(cp, "var")    ? CC_CONST_VAR
                            : !strcmp(cp, "BM")     ? CC_CONST_BM
                            : !strcmp(cp, "EAP")    ? CC_CONST_EAP
                                                    : CC_CONST_WL;
        ck_assert(json_object_get_boolean(golden_get(r, "theta_ok")));
        ck_assert_int_eq(cc_theta_est(&bank, items, x, n, &opt, &th, &err), CC_CAT_OK);
        if (opt.constant_patt <= CC_CONST_VAR) {
            /* current.th +- 0.4 / 0.7, or halfway to the end of bRange:
             * the same double arithmetic as catR's, so exact. */
            ck_assert_msg(th == want, "%s: %.17g, catR %.17g", cp, th, want);
        } else {
            cc_est_options plain = opt;
            double direct;

            /* The same as the method itself, and as catR within the
             * uniroot / EAP tolerance. */
            plain.constant_patt = CC_CONST_NONE;
            plain.method = opt.constant_patt == CC_CONST_BM    ? CC_EST_BM
                           : opt.constant_patt == CC_CONST_EAP ? CC_EST_EAP
                                                               : CC_EST_WL;
            ck_assert_int_eq(cc_theta_est(&bank, items, x, n, &plain, &direct, &err), CC_CAT_OK);
            ck_assert(th == direct);
            ck_assert_msg(fabs(th - want) <= (plain.method == CC_EST_EAP ? TOL_EAP : TOL_CATR),
                          "%s: %.17g, catR %.17g", cp, th, want);
        }
        n_est++;

        /* semTheta at catR's theta */
        ck_assert_int_eq(cc_sem_theta(&bank, items, x, n, want, &opt, CC_SEM_CLASSIC, 0, &se, &err),
                         CC_CAT_OK);
        if (!json_object_get_boolean(golden_get(r, "se_ok"))) {
            /* catR fails (object 'NUM' not found) for constantPatt="EAP".
             * Defined here: the EAP posterior sd around theta, as
             * semTheta(method="EAP") gives it. */
            cc_est_options e = opt;
            double se_eap;

            ck_assert_str_eq(cp, "EAP");
            ck_assert_ptr_nonnull(strstr(str_of(r, "se_error"), "NUM"));
            e.constant_patt = CC_CONST_NONE;
            e.method = CC_EST_EAP;
            ck_assert_int_eq(
                cc_sem_theta(&bank, items, x, n, want, &e, CC_SEM_CLASSIC, 0, &se_eap, &err),
                CC_CAT_OK);
            ck_assert(se == se_eap && isfinite(se) && se > 0 && se < 1);
            n_eap_se++;
        } else {
            double want_se = golden_num(golden_get(r, "se"));

            if (isinf(want_se)) {
                ck_assert(isinf(se) && se > 0);
                n_inf++;
            } else {
                ck_assert_msg(rel_diff(se, want_se) <= TOL_SE_REL, "%s: se %.17g, catR %.17g", cp,
                              se, want_se);
            }
        }
        cc_bank_free(&bank);
    }
    ck_assert_int_eq(n_est, N_CONSTANT);
    ck_assert_int_eq(n_inf, 6);
    ck_assert_int_eq(n_eap_se, 2);
}
END_TEST

START_TEST(constant_patterns_only_dichotomous_and_constant)
{
    cc_bank bank;
    cc_est_options opt, plain;
    cc_cat_error err;
    int items[] = {0, 1, 2, 3}, x_mixed[] = {1, 0, 1, 1}, x_na[] = {1, CC_MISSING, 1, 1};
    int x_top[] = {1, 1, 1, 1};
    double th, th2, se;

    golden_bank("dicho_2PL_50", &bank);
    cc_est_options_default(&opt);
    opt.method = CC_EST_ML;
    opt.constant_patt = CC_CONST_FIXED4;
    opt.current_theta = 1;
    /* Not constant: ML as usual, finite SE. */
    plain = opt;
    plain.constant_patt = CC_CONST_NONE;
    ck_assert_int_eq(cc_theta_est(&bank, items, x_mixed, 4, &opt, &th, &err), CC_CAT_OK);
    ck_assert_int_eq(cc_theta_est(&bank, items, x_mixed, 4, &plain, &th2, &err), CC_CAT_OK);
    ck_assert(th == th2);
    /* Missing responses are left out: 1, NA, 1, 1 is constant. */
    ck_assert_int_eq(cc_theta_est(&bank, items, x_na, 4, &opt, &th, &err), CC_CAT_OK);
    ck_assert(th == 1 + 0.4);
    ck_assert_int_eq(cc_sem_theta(&bank, items, x_na, 4, th, &opt, CC_SEM_CLASSIC, 0, &se, &err),
                     CC_CAT_OK);
    ck_assert(isinf(se));
    /* Without constantPatt, all correct under ML is the top of the range. */
    ck_assert_int_eq(cc_theta_est(&bank, items, x_top, 4, &plain, &th, &err), CC_CAT_OK);
    ck_assert(th == 4);
    cc_bank_free(&bank);

    /* Polytomous items: constantPatt does not apply (as in catR). */
    {
        int gx[] = {0, 0, 0};

        golden_bank("poly_GRM_50", &bank);
        ck_assert_int_eq(cc_theta_est(&bank, items, gx, 3, &opt, &th, &err), CC_CAT_OK);
        ck_assert(th == -4);
        cc_bank_free(&bank);
    }
}
END_TEST

START_TEST(defaults_and_option_checks)
{
    cc_est_options opt, bad;
    cc_cat_error err;

    cc_est_options_default(&opt);
    ck_assert_int_eq(opt.method, CC_EST_BM);
    ck_assert_int_eq(opt.prior, CC_PRIOR_NORM);
    ck_assert(opt.prior_par[0] == 0 && opt.prior_par[1] == 1 && opt.D == 1);
    ck_assert(opt.range[0] == -4 && opt.range[1] == 4);
    ck_assert(opt.quad[0] == -4 && opt.quad[1] == 4 && opt.quad_points == 33);
    ck_assert_int_eq(opt.weight, CC_WEIGHT_HUBER);
    ck_assert(opt.tuning == 1 && opt.current_theta == 0);
    ck_assert(opt.b_range[0] == -2 && opt.b_range[1] == 2);
    ck_assert_int_eq(opt.constant_patt, CC_CONST_NONE);
    ck_assert_int_eq(cc_est_options_check(&opt, &err), CC_CAT_OK);

#define BAD(field, value, word)                                                                    \
    do {                                                                                           \
        bad = opt;                                                                                 \
        bad.field = value;                                                                         \
        ck_assert_int_eq(cc_est_options_check(&bad, &err), CC_CAT_EINVAL);                         \
        ck_assert_msg(strstr(err.message, word) != NULL, "%s", err.message);                       \
    } while (0)
    BAD(range[0], 4, "range");
    BAD(range[1], NAN, "range");
    BAD(quad[1], INFINITY, "parInt");
    BAD(quad_points, 1, "parInt");
    BAD(quad_points, CC_MAX_QUAD + 1, "parInt");
    BAD(prior_par[1], 0, "standard deviation");
    BAD(prior_par[0], NAN, "priorPar");
    BAD(D, 0, "D");
    BAD(D, NAN, "D");
    BAD(tuning, -1, "tuCo");
    BAD(current_theta, INFINITY, "current.th");
    BAD(b_range[0], 3, "bRange");
    BAD(method, (cc_est_method)9, "method");
    BAD(constant_patt, (cc_constant_patt)-1, "constantPatt");
#undef BAD
    bad = opt;
    bad.prior = CC_PRIOR_UNIF;
    bad.prior_par[0] = 1;
    bad.prior_par[1] = -1;
    ck_assert_int_eq(cc_est_options_check(&bad, &err), CC_CAT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "uniform"));
    ck_assert_int_eq(cc_est_options_check(NULL, &err), CC_CAT_EINVAL);
}
END_TEST

START_TEST(no_responses_have_a_defined_result)
{
    static const cc_est_method methods[] = {CC_EST_ML, CC_EST_BM, CC_EST_EAP, CC_EST_WL,
                                            CC_EST_ROB};
    cc_bank bank;
    cc_est_options opt;
    cc_cat_error err;
    int items[] = {0, 1, 2}, missing[] = {CC_MISSING, CC_MISSING, CC_MISSING}, pass, m;
    double th, se;

    golden_bank("dicho_3PL_50", &bank);
    for (pass = 0; pass < 2; pass++) {
        /* pass 0: no item at all; pass 1: every response missing */
        const int *it = pass ? items : NULL, *xx = pass ? missing : NULL;
        int n = pass ? 3 : 0;

        for (m = 0; m < 5; m++) {
            cc_est_options_default(&opt);
            opt.method = methods[m];
            th = NAN;
            if (methods[m] == CC_EST_BM || methods[m] == CC_EST_EAP) {
                /* the prior's mean */
                ck_assert_int_eq(cc_theta_est(&bank, it, xx, n, &opt, &th, &err), CC_CAT_OK);
                ck_assert_msg(fabs(th) < 1e-15, "%g", th);
                ck_assert_int_eq(
                    cc_sem_theta(&bank, it, xx, n, th, &opt, CC_SEM_CLASSIC, 0, &se, &err),
                    CC_CAT_OK);
                if (methods[m] == CC_EST_BM)
                    ck_assert(se == 1); /* the prior's sd */
                else
                    ck_assert(fabs(se - 1) < 0.01); /* N(0,1) on the grid -4..4 */
                ck_assert_int_eq(cc_sem_theta(&bank, it, xx, n, th, &opt, CC_SEM_NEW, 0, &se, &err),
                                 CC_CAT_OK);
                ck_assert(isfinite(se) && se > 0.99);
            } else {
                ck_assert_int_eq(cc_theta_est(&bank, it, xx, n, &opt, &th, &err), CC_CAT_EREFUSED);
                ck_assert_msg(strstr(err.message, "at least one answered item") != NULL, "%s",
                              err.message);
                ck_assert(isnan(th)); /* untouched */
                ck_assert_int_eq(
                    cc_sem_theta(&bank, it, xx, n, 0.3, &opt, CC_SEM_CLASSIC, 0, &se, &err),
                    CC_CAT_OK);
                ck_assert(isinf(se) && se > 0); /* no information */
            }
        }
        /* BM with N(0.5, 1.5): its mean; uniform(-3, 1): the middle. */
        cc_est_options_default(&opt);
        opt.prior_par[0] = 0.5;
        opt.prior_par[1] = 1.5;
        ck_assert_int_eq(cc_theta_est(&bank, it, xx, n, &opt, &th, &err), CC_CAT_OK);
        ck_assert(fabs(th - 0.5) < 1e-12);
        opt.prior_par[0] = 7; /* mean outside the range: its end */
        ck_assert_int_eq(cc_theta_est(&bank, it, xx, n, &opt, &th, &err), CC_CAT_OK);
        ck_assert(th == 4);
        opt.prior = CC_PRIOR_UNIF;
        opt.prior_par[0] = -3;
        opt.prior_par[1] = 1;
        ck_assert_int_eq(cc_theta_est(&bank, it, xx, n, &opt, &th, &err), CC_CAT_OK);
        ck_assert(th == -1);
        opt.method = CC_EST_EAP; /* uniform(-3, 1) on the grid -4..4 */
        ck_assert_int_eq(cc_theta_est(&bank, it, xx, n, &opt, &th, &err), CC_CAT_OK);
        ck_assert(fabs(th + 1) < 1e-12);
        /* Jeffreys: refused, for BM and EAP (no information, no prior) */
        opt.prior = CC_PRIOR_JEFFREYS;
        ck_assert_int_eq(cc_theta_est(&bank, it, xx, n, &opt, &th, &err), CC_CAT_EREFUSED);
        ck_assert_ptr_nonnull(strstr(err.message, "Jeffreys"));
        opt.method = CC_EST_BM;
        ck_assert_int_eq(cc_theta_est(&bank, it, xx, n, &opt, &th, &err), CC_CAT_EREFUSED);
        ck_assert_ptr_nonnull(strstr(err.message, "Jeffreys"));
        ck_assert_int_eq(cc_sem_theta(&bank, it, xx, n, 0, &opt, CC_SEM_CLASSIC, 0, &se, &err),
                         CC_CAT_EREFUSED);
        /* exact SE: nothing to enumerate */
        cc_est_options_default(&opt);
        ck_assert_int_eq(cc_sem_theta(&bank, it, xx, n, 0, &opt, CC_SEM_CLASSIC, 1, &se, &err),
                         CC_CAT_EREFUSED);
    }
    cc_bank_free(&bank);
}
END_TEST

START_TEST(bad_responses_refused)
{
    cc_bank bank;
    cc_est_options opt;
    cc_cat_error err;
    int items[] = {0, 1, 3}, x_high[] = {0, 3, 1}, x_neg[] = {0, -2, 1}, far[] = {0, 50, 1};
    int ok[] = {0, 1, 1};
    double th = NAN, se = NAN, nodes[33], w[33];

    cc_est_options_default(&opt);
    golden_bank("poly_GRM_50", &bank);
    /* Item 2 of poly_GRM_50 has 2 categories: response 3 is refused with
     * the item named, not a crash as in catR (Concerto #212/#333/#354). */
    ck_assert_int_eq(cc_theta_est(&bank, items, x_high, 3, &opt, &th, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(err.item, 2);
    ck_assert_ptr_nonnull(strstr(err.message, "item 2"));
    ck_assert(isnan(th));
    ck_assert_int_eq(cc_sem_theta(&bank, items, x_high, 3, 0, &opt, CC_SEM_CLASSIC, 0, &se, &err),
                     CC_CAT_EINVAL);
    ck_assert_int_eq(cc_posterior_grid(&bank, items, x_high, 3, &opt, nodes, w, &err),
                     CC_CAT_EINVAL);
    ck_assert_int_eq(cc_theta_est(&bank, items, x_neg, 3, &opt, &th, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(cc_theta_est(&bank, far, ok, 3, &opt, &th, &err), CC_CAT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "not in the bank"));
    ck_assert_int_eq(cc_sem_theta(&bank, far, NULL, 3, 0, &opt, CC_SEM_CLASSIC, 0, &se, &err),
                     CC_CAT_EINVAL);
    ck_assert_int_eq(cc_theta_est(&bank, items, ok, -1, &opt, &th, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(cc_theta_est(&bank, NULL, ok, 3, &opt, &th, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(cc_theta_est(&bank, items, NULL, 3, &opt, &th, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(cc_theta_est(&bank, items, ok, 3, NULL, &th, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(cc_theta_est(&bank, items, ok, 3, &opt, NULL, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(cc_sem_theta(&bank, items, ok, 3, NAN, &opt, CC_SEM_CLASSIC, 0, &se, &err),
                     CC_CAT_EINVAL);
    ck_assert(isnan(th) && isnan(se));
    /* The SE without x (catR's x = NULL): every item answered. */
    ck_assert_int_eq(cc_sem_theta(&bank, items, NULL, 3, 0, &opt, CC_SEM_CLASSIC, 0, &se, &err),
                     CC_CAT_OK);
    ck_assert(isfinite(se));
    opt.method = CC_EST_EAP; /* ... but EAP needs the responses */
    ck_assert_int_eq(cc_sem_theta(&bank, items, NULL, 3, 0, &opt, CC_SEM_CLASSIC, 0, &se, &err),
                     CC_CAT_EINVAL);
    cc_bank_free(&bank);
}
END_TEST

START_TEST(posterior_grid_is_the_eap_posterior)
{
    cc_bank bank;
    cc_est_options opt;
    cc_cat_error err;
    int items[20], x[20] = {1, 0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0};
    double nodes[CC_MAX_QUAD], w[CC_MAX_QUAD], sum = 0, s0 = 0, s1 = 0, th;
    int q;

    golden_bank("dicho_3PL_50", &bank);
    all_items(20, items);
    cc_est_options_default(&opt);
    opt.method = CC_EST_EAP;
    opt.quad[0] = -5;
    opt.quad[1] = 3;
    opt.quad_points = 41;
    ck_assert_int_eq(cc_posterior_grid(&bank, items, x, 20, &opt, nodes, w, &err), CC_CAT_OK);
    for (q = 0; q < 41; q++) {
        ck_assert(fabs(nodes[q] - (-5 + 0.2 * q)) < 1e-14);
        ck_assert(w[q] >= 0);
        sum += w[q];
        /* weights are prior x likelihood, normalised: the trapezoid rule's
         * half weight at both ends is the caller's */
        s0 += (q == 0 || q == 40) ? 0.5 * w[q] : w[q];
        s1 += ((q == 0 || q == 40) ? 0.5 * w[q] : w[q]) * nodes[q];
    }
    ck_assert(fabs(sum - 1) < 1e-14);
    ck_assert(nodes[40] == 3);
    {
        /* the ratio of neighbouring weights is the likelihood ratio times
         * the prior ratio */
        double l1 = cc_log_likelihood(&bank, items, x, 20, nodes[10], 1, NULL, NULL);
        double l2 = cc_log_likelihood(&bank, items, x, 20, nodes[11], 1, NULL, NULL);
        double lr = l2 - l1 - 0.5 * (nodes[11] * nodes[11] - nodes[10] * nodes[10]);

        ck_assert(fabs(log(w[11] / w[10]) - lr) < 1e-12);
    }
    ck_assert_int_eq(cc_theta_est(&bank, items, x, 20, &opt, &th, &err), CC_CAT_OK);
    ck_assert(fabs(th - s1 / s0) < 1e-14);
    ck_assert_int_eq(cc_posterior_grid(&bank, items, x, 20, &opt, NULL, w, &err), CC_CAT_EINVAL);
    /* A uniform prior outside the grid: zero posterior, refused. */
    opt.prior = CC_PRIOR_UNIF;
    opt.prior_par[0] = 5;
    opt.prior_par[1] = 6;
    ck_assert_int_eq(cc_posterior_grid(&bank, items, x, 20, &opt, nodes, w, &err), CC_CAT_EREFUSED);
    ck_assert_ptr_nonnull(strstr(err.message, "grid"));
    cc_bank_free(&bank);
}
END_TEST

/* Every method, prior and weight on every model with awkward patterns and
 * ranges: a finite value or a refusal, never NaN. */
START_TEST(never_nan)
{
    static const char *const banks[] = {"dicho_1PL_50", "dicho_3PL_50", "dicho_4PL_50",
                                        "poly_GRM_50",  "poly_MGRM_50", "poly_PCM_50",
                                        "poly_GPCM_50", "poly_RSM_50",  "poly_NRM_50"};
    static const double ranges[][2] = {{-4, 4}, {-40, 40}, {-0.01, 0.01}, {3, 9}};
    size_t b;
    int n_ok = 0, n_refused = 0;

    for (b = 0; b < sizeof(banks) / sizeof(banks[0]); b++) {
        cc_bank bank;
        int items[8], x[8], k, pat, m, p, w, r, cp;

        golden_bank(banks[b], &bank);
        all_items(8, items);
        for (pat = 0; pat < 5; pat++) {
            for (k = 0; k < 8; k++) {
                int top = bank.n_cat[k] - 1;

                x[k] = pat == 0   ? 0
                       : pat == 1 ? top
                       : pat == 2 ? (k % 2 ? top : 0)
                       : pat == 3 ? (k == 5 ? top : CC_MISSING)
                                  : (k * 7 + 3) % (top + 1);
            }
            for (m = 0; m < 5; m++)
                for (p = 0; p < 3; p++)
                    for (w = 0; w < 2; w++)
                        for (r = 0; r < 4; r++)
                            for (cp = 0; cp <= CC_CONST_WL; cp += 3) {
                                cc_est_options opt;
                                cc_cat_error err;
                                cc_cat_status st;
                                double th = NAN, se = NAN;
                                int type;

                                cc_est_options_default(&opt);
                                opt.method = (cc_est_method)m;
                                opt.prior = (cc_prior_dist)p;
                                if (p == CC_PRIOR_UNIF) {
                                    opt.prior_par[0] = -2;
                                    opt.prior_par[1] = 2;
                                }
                                opt.weight = (cc_rob_weight)w;
                                opt.tuning = w ? 4 : 1;
                                opt.range[0] = ranges[r][0];
                                opt.range[1] = ranges[r][1];
                                opt.quad[0] = ranges[r][0];
                                opt.quad[1] = ranges[r][1];
                                opt.D = r == 1 ? 1.702 : 1;
                                opt.constant_patt = (cc_constant_patt)cp;
                                st = cc_theta_est(&bank, items, x, 8, &opt, &th, &err);
                                if (st != CC_CAT_OK) {
                                    ck_assert_int_eq(st, CC_CAT_EREFUSED);
                                    ck_assert(err.message[0] != '\0');
                                    n_refused++;
                                    continue;
                                }
                                ck_assert_msg(isfinite(th), "%s %d %d", banks[b], m, p);
                                for (type = 0; type < 2; type++) {
                                    st = cc_sem_theta(&bank, items, x, 8, th, &opt,
                                                      (cc_sem_type)type, 0, &se, &err);
                                    if (st == CC_CAT_OK)
                                        ck_assert_msg(!isnan(se) && se >= 0, "%s m%d p%d r%d: %g",
                                                      banks[b], m, p, r, se);
                                    else
                                        ck_assert_int_eq(st, CC_CAT_EREFUSED);
                                }
                                n_ok++;
                            }
        }
        cc_bank_free(&bank);
    }
    ck_assert_int_gt(n_ok, 3000);
    ck_assert_int_gt(n_refused, 0);
}
END_TEST

START_TEST(exact_se_is_the_sd_over_all_patterns)
{
    cc_bank bank;
    cc_est_options opt;
    cc_cat_error err;
    int items[21], x[21] = {0}, k;
    double se, se2, th;

    golden_bank("dicho_2PL_50", &bank);
    all_items(21, items);
    cc_est_options_default(&opt);
    /* One item under BM: two patterns, the SD of two estimates. */
    {
        double t0, t1, p, mean;
        int x0 = 0, x1 = 1;

        ck_assert_int_eq(cc_theta_est(&bank, items, &x0, 1, &opt, &t0, &err), CC_CAT_OK);
        ck_assert_int_eq(cc_theta_est(&bank, items, &x1, 1, &opt, &t1, &err), CC_CAT_OK);
        p = cc_item_prob(&bank, 0, 0.2, 1, 1);
        mean = p * t1 + (1 - p) * t0;
        ck_assert_int_eq(
            cc_sem_theta(&bank, items, &x1, 1, 0.2, &opt, CC_SEM_CLASSIC, 1, &se, &err), CC_CAT_OK);
        th = sqrt(p * (t1 - mean) * (t1 - mean) + (1 - p) * (t0 - mean) * (t0 - mean));
        ck_assert(fabs(se - th) < 1e-14);
    }
    /* Missing responses are left out of the enumeration. */
    x[1] = CC_MISSING;
    ck_assert_int_eq(cc_sem_theta(&bank, items, x, 3, 0.2, &opt, CC_SEM_CLASSIC, 1, &se, &err),
                     CC_CAT_OK);
    {
        int it2[] = {0, 2}, x2[] = {0, 0};

        ck_assert_int_eq(cc_sem_theta(&bank, it2, x2, 2, 0.2, &opt, CC_SEM_CLASSIC, 1, &se2, &err),
                         CC_CAT_OK);
        ck_assert(se == se2);
    }
    for (k = 0; k < 21; k++)
        x[k] = k % 2;
    /* More than 20 items: refused. */
    ck_assert_int_eq(cc_sem_theta(&bank, items, x, 21, 0, &opt, CC_SEM_CLASSIC, 1, &se, &err),
                     CC_CAT_EREFUSED);
    ck_assert_ptr_nonnull(strstr(err.message, "20"));
    cc_bank_free(&bank);
    /* Polytomous: catR ignores sem.exact; so do we (the classic SE). */
    golden_bank("poly_GPCM_50", &bank);
    ck_assert_int_eq(cc_sem_theta(&bank, items, x, 3, 0.1, &opt, CC_SEM_CLASSIC, 1, &se, &err),
                     CC_CAT_OK);
    ck_assert_int_eq(cc_sem_theta(&bank, items, x, 3, 0.1, &opt, CC_SEM_CLASSIC, 0, &se2, &err),
                     CC_CAT_OK);
    ck_assert(se == se2);
    cc_bank_free(&bank);
}
END_TEST

START_TEST(bm_is_fast)
{
    cc_bank bank;
    cc_est_options opt;
    cc_cat_error err;
    int items[30], x[30], k, i;
    double th = 0, sum = 0, secs;
    struct timespec t0, t1;

    golden_bank("dicho_3PL_1000", &bank);
    for (k = 0; k < 30; k++) {
        items[k] = 31 * k + 5;
        x[k] = (k * 5 + 1) % 3 != 0;
    }
    cc_est_options_default(&opt);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < 10000; i++) {
        x[i % 30] ^= 1; /* vary the pattern a little */
        ck_assert_int_eq(cc_theta_est(&bank, items, x, 30, &opt, &th, &err), CC_CAT_OK);
        sum += th;
        x[i % 30] ^= 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    if (verbose())
        printf("BM on 30 3PL items: %.2f us per call\n", secs / 10000 * 1e6);
    ck_assert(isfinite(sum));
    /* 1e4 calls well under a second (sanitizer builds are ~5x slower). */
#if defined(__SANITIZE_ADDRESS__)
    ck_assert_msg(secs < 3.0, "%.3f s", secs);
#else
    ck_assert_msg(secs < 0.5, "%.3f s", secs);
#endif
    cc_bank_free(&bank);
}
END_TEST

/* Where the ML equation has several roots in the range, the estimate is
 * the root Brent's method finds from the range's ends (catR's uniroot is
 * the same algorithm from the same bracket), not the one nearest 0 that a
 * Newton iteration from 0 would reach. Expected values: the engine's
 * Brent-only solver before the Newton polish was added (3PL, D = 1,
 * range -4..4). Tolerance: abs 1e-9 (as theta_refined). */
START_TEST(several_roots_keep_brents_choice)
{
    static const struct {
        int n;
        double par[6][4];
        int x[6];
        double theta;
    } cases[] = {
        {4,
         {{1.02, 0.32, 0.29, 1},
          {2.32, 0.62, 0.11, 1},
          {0.78, -1.36, 0.25, 1},
          {1.43, -2.47, 0.15, 1}},
         {0, 1, 0, 1},
         -1.906113733341722},
        {4,
         {{2.13, -2.39, 0.09, 1},
          {0.77, -1.57, 0.16, 1},
          {2.11, 0.93, 0.08, 1},
          {1.28, -1.21, 0.04, 1}},
         {1, 1, 1, 0},
         -1.2524399366429175},
        {5,
         {{1.96, 1.55, 0.04, 1},
          {1.58, 1.16, 0.24, 1},
          {2.14, 0.07, 0.24, 1},
          {1.17, 1.64, 0.15, 1},
          {2.18, -1.43, 0.21, 1}},
         {1, 1, 1, 1, 0},
         1.2711353941882269},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cc_bank bank;
        cc_est_options opt;
        cc_cat_error err;
        int items[6], k, g, changes = 0;
        double th, prev = NAN;

        for (k = 0; k < cases[i].n; k++)
            items[k] = k;
        ck_assert_int_eq(
            cc_bank_init(&bank, CC_MODEL_DICHO, cases[i].n, 4, &cases[i].par[0][0], &err),
            CC_CAT_OK);
        /* The score really has three roots in the range. */
        for (g = 0; g <= 800; g++) {
            double d1;

            cc_log_likelihood(&bank, items, cases[i].x, cases[i].n, -4 + g / 100.0, 1, &d1, NULL);
            if (g > 0 && (d1 > 0) != (prev > 0))
                changes++;
            prev = d1;
        }
        ck_assert_int_eq(changes, 3);
        cc_est_options_default(&opt);
        opt.method = CC_EST_ML;
        ck_assert_int_eq(cc_theta_est(&bank, items, cases[i].x, cases[i].n, &opt, &th, &err),
                         CC_CAT_OK);
        ck_assert_msg(fabs(th - cases[i].theta) <= TOL_REFINED, "case %zu: %.17g vs %.17g", i, th,
                      cases[i].theta);
        cc_bank_free(&bank);
    }
}
END_TEST

/* cc_dicho_sums_eval (model.c's one-pass sums behind the estimators)
 * against the single-item functions: the score in catR's form against
 * cc_item_probs' P' (x - P) / (P Q), I, I', I'', J, J' against
 * cc_item_info / cc_item_ji (rel 1e-12: the same formulas to rounding),
 * and dscore against cc_log_likelihood's d2 (abs 1e-9 x sum (Da)^2: it
 * is -sum g (g - k) with catR's g, exact only to rounding there). On
 * every 50-item dichotomous bank, D = 1 and 1.702, theta -4..4. */
START_TEST(dicho_sums_match_item_functions)
{
    static const char *const banks[] = {"dicho_1PL_50", "dicho_2PL_50", "dicho_3PL_50",
                                        "dicho_4PL_50"};
    static const double Ds[] = {1, 1.702}, thetas[] = {-4, -2.5, -1, -0.3, 0, 0.45, 1.2, 2.8, 4};
    size_t b, di, ti;
    int comparisons = 0;

    for (b = 0; b < 4; b++) {
        cc_bank bank;
        int items[50], x[50], k;

        golden_bank(banks[b], &bank);
        for (k = 0; k < 50; k++) {
            items[k] = (k * 7) % 50;
            x[k] = k % 7 == 3 ? CC_MISSING : (k % 3 != 0);
        }
        for (di = 0; di < 2; di++) {
            for (ti = 0; ti < sizeof(thetas) / sizeof(thetas[0]); ti++) {
                double th = thetas[ti], D = Ds[di], S = 0, I = 0, dI = 0, d2I = 0, J = 0, dJ = 0;
                double da2 = 0, d2, all_I = 0;
                cc_dicho_sums sm, sa;

                for (k = 0; k < 50; k++) {
                    double P[2], dP[2], a, bb, jj;
                    const double *row = cc_bank_row(&bank, items[k]);

                    all_I += cc_item_info(&bank, items[k], th, D, NULL, NULL);
                    if (x[k] == CC_MISSING)
                        continue;
                    cc_item_probs(&bank, items[k], th, D, P, dP, NULL, NULL);
                    S += dP[1] * (x[k] - P[1]) / (P[0] * P[1]);
                    I += cc_item_info(&bank, items[k], th, D, &a, &bb);
                    dI += a;
                    d2I += bb;
                    J += cc_item_ji(&bank, items[k], th, D, &jj);
                    dJ += jj;
                    da2 += D * row[0] * D * row[0];
                }
                cc_log_likelihood(&bank, items, x, 50, th, D, NULL, &d2);
                cc_dicho_sums_eval(&bank, items, x, 50, th, D,
                                   CC_SUM_SCORE | CC_SUM_DSCORE | CC_SUM_I | CC_SUM_DI |
                                       CC_SUM_D2I | CC_SUM_J | CC_SUM_DJ,
                                   &sm);
                ck_assert_msg(fabs(sm.score - S) <= 1e-12 * fmax(1, fabs(S)), "%s score %g vs %g",
                              banks[b], sm.score, S);
                ck_assert(fabs(sm.I - I) <= 1e-12 * fabs(I));
                ck_assert(fabs(sm.dI - dI) <= 1e-12 * fmax(fabs(dI), I));
                ck_assert(fabs(sm.d2I - d2I) <= 1e-12 * fmax(fabs(d2I), I));
                ck_assert(fabs(sm.J - J) <= 1e-12 * fmax(fabs(J), I));
                ck_assert(fabs(sm.dJ - dJ) <= 1e-12 * fmax(fabs(dJ), I));
                ck_assert_msg(fabs(sm.dscore - d2) <= 1e-9 * da2, "%s dscore %g vs %g", banks[b],
                              sm.dscore, d2);
                /* Only what is asked for; x NULL: every item. */
                cc_dicho_sums_eval(&bank, items, NULL, 50, th, D, CC_SUM_I, &sa);
                ck_assert(fabs(sa.I - all_I) <= 1e-12 * all_I);
                ck_assert(sa.score == 0 && sa.dscore == 0 && sa.dI == 0 && sa.J == 0);
                comparisons += 8;
            }
        }
        cc_bank_free(&bank);
    }
    ck_assert_int_eq(comparisons, 4 * 2 * 9 * 8);
}
END_TEST

/* The Newton polish of ML and BM (normal/uniform prior) relies on f' being
 * Lipschitz with constant 0.0963 sum_j (1 + [c_j > 0 for x = 1, d_j < 1
 * for x = 0]) (D a_j)^3 (estimate.c, with_certificate). Checked here on
 * the 3PL and 4PL banks with the exact f' = cc_log_likelihood's d2, over
 * theta pairs 0.05 apart on -6..6, for single items (where the bound is
 * tightest) and whole patterns. */
START_TEST(score_slope_lipschitz_bound_holds)
{
    static const char *const banks[] = {"dicho_3PL_50", "dicho_4PL_50"};
    size_t b;
    int checks = 0;
    double worst = 0;

    for (b = 0; b < 2; b++) {
        cc_bank bank;
        int items[50], x[50], k, n, g, first;

        golden_bank(banks[b], &bank);
        for (k = 0; k < 50; k++) {
            items[k] = k;
            x[k] = (k * 5 + 1) % 3 != 0;
        }
        for (first = 0; first < 50; first++) {
            for (n = 1; n <= 50 - first; n += 49 - first > 0 ? 49 - first : 1) {
                double lip = 0, prev = NAN;

                for (k = first; k < first + n; k++) {
                    const double *row = cc_bank_row(&bank, items[k]);
                    double Da = 1.702 * row[0];
                    int two = x[k] ? row[2] > 0 : row[3] < 1;

                    lip += 0.0963 * (1 + two) * Da * Da * Da;
                }
                for (g = 0; g <= 240; g++) {
                    double d2;

                    cc_log_likelihood(&bank, items + first, x + first, n, -6 + g * 0.05, 1.702,
                                      NULL, &d2);
                    if (g > 0) {
                        double r = fabs(d2 - prev) / 0.05 / lip;

                        ck_assert_msg(r <= 1, "%s items %d..%d: slope ratio %g", banks[b],
                                      first + 1, first + n, r);
                        worst = fmax(worst, r);
                        checks++;
                    }
                    prev = d2;
                }
            }
        }
        cc_bank_free(&bank);
    }
    ck_assert_int_eq(checks, 2 * (49 * 2 + 1) * 240);
    /* Not vacuous: single items come close to the bound. */
    ck_assert_msg(worst > 0.3, "worst ratio %g", worst);
}
END_TEST

/* cc_log_likelihood_grid (model.c; the EAP posterior's likelihood) is
 * cc_log_likelihood at every node, bit for bit (exact equality), on every
 * 50-item bank (dichotomous and polytomous), with missing responses, at
 * D = 1 and 1.702, on a grid reaching far out (-40..40, where the
 * underflow-free forms matter); a category an item lacks gives NaN. */
START_TEST(likelihood_grid_is_the_likelihood)
{
    static const char *const banks[] = {
        "dicho_1PL_50", "dicho_2PL_50", "dicho_3PL_50", "dicho_4PL_50", "poly_GRM_50",
        "poly_MGRM_50", "poly_PCM_50",  "poly_GPCM_50", "poly_RSM_50",  "poly_NRM_50"};
    double nodes[41], ll[41];
    size_t b;
    int comparisons = 0, q, di;

    for (q = 0; q < 41; q++)
        nodes[q] = -40 + 2.0 * q;
    for (b = 0; b < sizeof(banks) / sizeof(banks[0]); b++) {
        cc_bank bank;
        int items[20], x[20], k;

        golden_bank(banks[b], &bank);
        for (k = 0; k < 20; k++) {
            items[k] = (k * 3) % 50;
            x[k] = k % 6 == 2 ? CC_MISSING : (k * 7) % bank.n_cat[items[k]];
        }
        for (di = 0; di < 2; di++) {
            double D = di ? 1.702 : 1;

            cc_log_likelihood_grid(&bank, items, x, 20, nodes, 41, D, ll);
            for (q = 0; q < 41; q++) {
                double one = cc_log_likelihood(&bank, items, x, 20, nodes[q], D, NULL, NULL);

                ck_assert_msg(ll[q] == one, "%s theta %g: %.17g vs %.17g", banks[b], nodes[q],
                              ll[q], one);
                comparisons++;
            }
        }
        x[4] = bank.n_cat[items[4]]; /* a category the item does not have */
        cc_log_likelihood_grid(&bank, items, x, 20, nodes, 41, 1, ll);
        for (q = 0; q < 41; q++)
            ck_assert(isnan(ll[q]));
        cc_bank_free(&bank);
    }
    ck_assert_int_eq(comparisons, 10 * 2 * 41);
}
END_TEST

TCase *tcase_cat_estimate(void)
{
    TCase *tc = cc_test_tcase("cat/estimate");

    tcase_add_test(tc, theta_est_matches_catr);
    tcase_add_test(tc, constant_patterns_match_catr);
    tcase_add_test(tc, constant_patterns_only_dichotomous_and_constant);
    tcase_add_test(tc, defaults_and_option_checks);
    tcase_add_test(tc, no_responses_have_a_defined_result);
    tcase_add_test(tc, bad_responses_refused);
    tcase_add_test(tc, posterior_grid_is_the_eap_posterior);
    tcase_add_test(tc, never_nan);
    tcase_add_test(tc, exact_se_is_the_sd_over_all_patterns);
    tcase_add_test(tc, bm_is_fast);
    tcase_add_test(tc, several_roots_keep_brents_choice);
    tcase_add_test(tc, dicho_sums_match_item_functions);
    tcase_add_test(tc, score_slope_lipschitz_bound_holds);
    tcase_add_test(tc, likelihood_grid_is_the_likelihood);
    return tc;
}
