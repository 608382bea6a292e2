/* cat/select: next-item selection against catR's reference values in
 * ../shared/golden/catr/next_item.json, plus content balancing,
 * availability and exposure control (which catR does not record). */
#include "check_concerto.h"

#include "cat/model.h"
#include "cat/select.h"
#include "golden.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tolerances (golden README, "Recommended tolerances"):
 * - criterion tables MFI, bOpt, thOpt, KL, KLP, MLWI, MPWI, GDI, GDIP, MEPV
 *   (and the information table of progressive/proportional): rel 1e-9,
 *   abs 1e-15 for values near 0;
 * - MEI: rel 1e-4 (catR's provisional estimates come from uniroot, tol
 *   1.22e-4);
 * - selected item: exact whenever best.rel_gap exceeds the table tolerance;
 * - progressive/proportional weights (closed forms): rel 1e-12;
 * - proportional selection probabilities (derived from the table): rel 1e-9,
 *   abs 1e-15. */
#define TOL_REL 1e-9
#define TOL_ABS 1e-15
#define TOL_MEI_REL 1e-4
#define TOL_WEIGHT_REL 1e-12

/* What next_item.json holds (counted from the file; a skipped scenario
 * changes these). */
#define N_RESULTS 246
#define N_REFUSED 28
#define N_TABLE_VALUES 31538
#define N_ITEM_EXACT 126 /* deterministic, randomesque 1, rel_gap above tolerance */
#define N_ITEM_NEAR_TIE 2

/* Uniforms replayed from a recorded list; counts how many were taken. */
typedef struct {
    const double *u;
    int n, used;
} replay;

static double replay_next(void *baton)
{
    replay *r = baton;

    ck_assert_msg(r->used < r->n, "the selection drew more uniforms (%d) than recorded",
                  r->used + 1);
    return r->u[r->used++];
}

static double opt_num(json_object *o, const char *key)
{
    return golden_num(golden_get(o, key));
}

static void est_from(json_object *opt, cc_est_options *est)
{
    const char *m = json_object_get_string(golden_get(opt, "method"));
    const char *p = json_object_get_string(golden_get(opt, "priorDist"));
    double v[3];

    cc_est_options_default(est);
    est->method = !strcmp(m, "ML")    ? CC_EST_ML
                  : !strcmp(m, "WL")  ? CC_EST_WL
                  : !strcmp(m, "EAP") ? CC_EST_EAP
                                      : CC_EST_BM;
    est->prior = !strcmp(p, "unif")       ? CC_PRIOR_UNIF
                 : !strcmp(p, "Jeffreys") ? CC_PRIOR_JEFFREYS
                                          : CC_PRIOR_NORM;
    ck_assert_int_eq(golden_nums(golden_get(opt, "priorPar"), est->prior_par, 2), 2);
    est->D = opt_num(opt, "D");
    ck_assert_int_eq(golden_nums(golden_get(opt, "range"), est->range, 2), 2);
    ck_assert_int_eq(golden_nums(golden_get(opt, "parInt"), v, 3), 3);
    est->quad[0] = v[0];
    est->quad[1] = v[1];
    est->quad_points = (int)v[2];
}

static void sel_from(json_object *r, cc_select_options *sel)
{
    json_object *opt = golden_get(r, "options");
    cc_criterion crit;

    cc_select_options_default(sel);
    ck_assert_int_eq(
        cc_criterion_from_name(json_object_get_string(golden_get(r, "criterion")), &crit, NULL),
        CC_CAT_OK);
    sel->criterion = crit;
    sel->info_type = strcmp(json_object_get_string(golden_get(opt, "infoType")), "Fisher") == 0
                         ? CC_INFO_FISHER
                         : CC_INFO_OBSERVED;
    sel->randomesque = json_object_get_int(golden_get(r, "randomesque"));
    sel->rule = strcmp(json_object_get_string(golden_get(opt, "rule")), "precision") == 0
                    ? CC_RULE_PRECISION
                    : CC_RULE_LENGTH;
    sel->thr = opt_num(opt, "thr");
    sel->seth = opt_num(opt, "SETH");
    sel->ap = opt_num(opt, "AP");
    sel->max_items = (int)opt_num(opt, "maxItems");
}

static int in_list(json_object *arr, int item1)
{
    size_t k;

    for (k = 0; k < json_object_array_length(arr); k++)
        if (json_object_get_int(json_object_array_get_idx(arr, k)) == item1)
            return 1;
    return 0;
}

START_TEST(golden_next_item_every_scenario)
{
    json_object *scen = golden_get(golden_load("next_item.json"), "scenarios");
    int n_results = 0, n_refused = 0, n_table = 0, n_exact = 0, n_tie = 0, n_rng = 0, n_resq = 0;
    double max_rel = 0, max_rel_mei = 0;
    size_t si, ri;

    for (si = 0; si < json_object_array_length(scen); si++) {
        json_object *s = json_object_array_get_idx(scen, si), *results;
        const char *sid = json_object_get_string(golden_get(s, "id"));
        cc_bank bank;
        int items[64], x[64], n, k;
        double theta = opt_num(s, "theta");

        golden_bank(json_object_get_string(golden_get(s, "bank")), &bank);
        n = golden_ints(golden_get(s, "out"), items, 64);
        ck_assert_int_eq(golden_ints(golden_get(s, "x"), x, 64), n);
        for (k = 0; k < n; k++)
            items[k]--;
        results = golden_get(s, "results");
        for (ri = 0; ri < json_object_array_length(results); ri++) {
            json_object *r = json_object_array_get_idx(results, ri), *ct = NULL, *rng = NULL;
            const char *label = json_object_get_string(golden_get(r, "label"));
            cc_est_options est;
            cc_select_options sel;
            cc_select_result res;
            cc_cat_error err;
            cc_cat_status st;
            double *table = malloc(sizeof(double) * (size_t)bank.n_items);
            double rv[600], u_one[1] = {0.5};
            replay rp = {u_one, 0, 0};
            int j, ok = json_object_get_boolean(golden_get(r, "ok"));
            int is_mei, ri_item;

            n_results++;
            est_from(golden_get(r, "options"), &est);
            sel_from(r, &sel);
            is_mei = sel.criterion == CC_CRIT_MEI;
            json_object_object_get_ex(r, "rng", &rng);
            json_object_object_get_ex(r, "criterion_table", &ct);
            if (sel.criterion == CC_CRIT_RANDOM || sel.criterion == CC_CRIT_PROPORTIONAL) {
                rv[0] = opt_num(rng, "u");
                rp.u = rv;
                rp.n = 1;
            } else if (sel.criterion == CC_CRIT_PROGRESSIVE) {
                /* catR's random part is runif(n_bank, 0, max information of
                 * the available items): feed back value / max. */
                double mx = 0, vals[600];
                int nv = golden_nums(golden_get(rng, "random_values"), vals, 600);
                ck_assert_int_eq(nv, bank.n_items);
                for (j = 0; j < bank.n_items; j++) {
                    double v = golden_num(json_object_array_get_idx(ct, (size_t)j));
                    if (!isnan(v) && v > mx)
                        mx = v;
                }
                for (j = 0; j < nv; j++)
                    rv[j] = vals[j] / mx;
                rp.u = rv;
                rp.n = nv;
            } else if (sel.randomesque > 1) {
                rp.n = 1;
            }
            st = cc_next_item(&bank, items, x, n, theta, &est, &sel, replay_next, &rp, table, NULL,
                              &res, &err);
            if (!ok) {
                ck_assert_msg(st == CC_CAT_EREFUSED, "%s/%s: catR refuses, we gave %d (%s)", sid,
                              label, st, err.message);
                ck_assert_ptr_nonnull(strstr(err.message, "dichotomous"));
                n_refused++;
                free(table);
                continue;
            }
            ck_assert_msg(st == CC_CAT_OK, "%s/%s: %s", sid, label, err.message);
            ck_assert_int_eq(rp.used, rp.n); /* every recorded uniform, no more */
            ck_assert_str_eq(res.criterion, json_object_get_string(golden_get(r, "criterion")));
            ri_item = json_object_get_int(golden_get(r, "item")) - 1;

            /* The full criterion table. */
            if (sel.criterion == CC_CRIT_RANDOM) {
                for (j = 0; j < bank.n_items; j++)
                    ck_assert(isnan(table[j]));
                ck_assert(isnan(res.info));
            } else {
                ck_assert_int_eq((int)json_object_array_length(ct), bank.n_items);
                for (j = 0; j < bank.n_items; j++) {
                    double g = golden_num(json_object_array_get_idx(ct, (size_t)j)), rel;
                    if (isnan(g)) {
                        ck_assert_msg(isnan(table[j]), "%s/%s item %d: administered, got %g", sid,
                                      label, j + 1, table[j]);
                        continue;
                    }
                    rel = fabs(table[j] - g) / fmax(fabs(g), 1e-300);
                    if (is_mei) {
                        ck_assert_msg(golden_close(table[j], g, TOL_ABS, TOL_MEI_REL),
                                      "%s/%s item %d: %.17g vs catR %.17g", sid, label, j + 1,
                                      table[j], g);
                        if (rel > max_rel_mei)
                            max_rel_mei = rel;
                    } else {
                        ck_assert_msg(golden_close(table[j], g, TOL_ABS, TOL_REL),
                                      "%s/%s item %d: %.17g vs catR %.17g", sid, label, j + 1,
                                      table[j], g);
                        if (fabs(table[j] - g) > TOL_ABS && rel > max_rel)
                            max_rel = rel;
                    }
                    n_table++;
                }
                /* $info: the criterion value of our chosen item. */
                ck_assert(golden_close(res.info, table[res.item], 0, 0));
            }

            /* The chosen item. */
            if (sel.criterion == CC_CRIT_RANDOM || sel.criterion == CC_CRIT_PROGRESSIVE) {
                ck_assert_msg(res.item == ri_item, "%s/%s: item %d, catR %d", sid, label,
                              res.item + 1, ri_item + 1);
                if (sel.criterion == CC_CRIT_PROGRESSIVE) {
                    ck_assert(golden_close(res.weight, opt_num(rng, "wq"), 0, TOL_WEIGHT_REL));
                    ck_assert(golden_close(res.info, golden_num(golden_get(r, "info")), TOL_ABS,
                                           TOL_REL));
                }
                n_rng++;
            } else if (sel.criterion == CC_CRIT_PROPORTIONAL) {
                double pr[600], tot = 0;
                int np = golden_nums(golden_get(rng, "prob_select"), pr, 600), ties = 0, a, b;
                ck_assert_int_eq(np, bank.n_items);
                ck_assert(golden_close(res.weight, opt_num(rng, "wq"), 0, TOL_WEIGHT_REL));
                for (j = 0; j < np; j++)
                    if (!isnan(table[j]))
                        tot += pow(table[j], res.weight);
                for (j = 0; j < np; j++) {
                    double p = isnan(table[j]) ? 0 : pow(table[j], res.weight) / tot;
                    ck_assert_msg(golden_close(p, pr[j], TOL_ABS, TOL_REL),
                                  "%s/%s item %d: P(select) %.17g vs catR %.17g", sid, label, j + 1,
                                  p, pr[j]);
                }
                for (a = 0; a < np && !ties; a++)
                    for (b = a + 1; b < np; b++)
                        if (pr[a] > 0 && pr[a] == pr[b]) {
                            ties = 1;
                            break;
                        }
                /* R walks equal probabilities in its heapsort order: the
                 * item is compared only without ties (README). */
                if (!ties) {
                    ck_assert_msg(res.item == ri_item, "%s/%s: item %d, catR %d", sid, label,
                                  res.item + 1, ri_item + 1);
                    ck_assert(golden_close(res.info, golden_num(golden_get(r, "info")), TOL_ABS,
                                           TOL_REL));
                    n_rng++;
                }
            } else if (sel.randomesque > 1) {
                json_object *cand = golden_get(r, "candidates");
                double us[] = {0.0, 0.3, 0.6, 0.999999};
                size_t q;
                ck_assert(in_list(cand, res.item + 1));
                ck_assert_int_eq(res.n_candidates, (int)json_object_array_length(cand));
                /* Every draw lands in catR's top-k set, and the k draws
                 * cover it (the set is the same). */
                for (q = 0; q < sizeof(us) / sizeof(us[0]); q++) {
                    replay rq = {&us[q], 1, 0};
                    ck_assert_int_eq(cc_next_item(&bank, items, x, n, theta, &est, &sel,
                                                  replay_next, &rq, NULL, NULL, &res, &err),
                                     CC_CAT_OK);
                    ck_assert_msg(in_list(cand, res.item + 1),
                                  "%s/%s: item %d not in catR's top %d", sid, label, res.item + 1,
                                  sel.randomesque);
                }
                n_resq++;
            } else {
                json_object *best = golden_get(r, "best");
                double gap = opt_num(best, "rel_gap");
                if (gap > (is_mei ? TOL_MEI_REL : TOL_REL)) {
                    ck_assert_msg(res.item == ri_item, "%s/%s: item %d, catR %d", sid, label,
                                  res.item + 1, ri_item + 1);
                    ck_assert_msg(golden_close(res.info, golden_num(golden_get(r, "info")), TOL_ABS,
                                               is_mei ? TOL_MEI_REL : TOL_REL),
                                  "%s/%s: info %.17g vs catR %.17g", sid, label, res.info,
                                  golden_num(golden_get(r, "info")));
                    ck_assert(res.par == cc_bank_row(&bank, ri_item));
                    n_exact++;
                } else {
                    /* A near-tie: our item must be one of the tied pair. */
                    int b1 = json_object_get_int(golden_get(best, "best_item")) - 1;
                    int b2 = json_object_get_int(golden_get(best, "second_item")) - 1;
                    ck_assert(res.item == b1 || res.item == b2);
                    n_tie++;
                }
            }
            free(table);
        }
        cc_bank_free(&bank);
    }
    fprintf(stderr,
            "cat/select golden: %d results, %d refusals, %d table values (max rel diff %.3g, "
            "MEI %.3g), %d exact items, %d near-ties, %d rng replays, %d randomesque\n",
            n_results, n_refused, n_table, max_rel, max_rel_mei, n_exact, n_tie, n_rng, n_resq);
    ck_assert_int_eq(n_results, N_RESULTS);
    ck_assert_int_eq(n_refused, N_REFUSED);
    ck_assert_int_eq(n_table, N_TABLE_VALUES);
    ck_assert_int_eq(n_exact, N_ITEM_EXACT);
    ck_assert_int_eq(n_tie, N_ITEM_NEAR_TIE);
    ck_assert_int_eq(n_rng, 13 * 2 + 12 * 2 + 13); /* random, progressive x2, proportional */
    ck_assert_int_eq(n_resq, 6 * 3 + 7 * 1);
}
END_TEST

/* ---- the engine's own extensions --------------------------------------- */

/* A 2PL bank of n items: a = 1 + (i % 3) / 4, b spread over [-2, 2]. */
static void small_bank(cc_bank *bank, int n)
{
    double *par = malloc(sizeof(double) * 4 * (size_t)n);
    int i;

    for (i = 0; i < n; i++) {
        par[4 * i] = 1 + (i % 3) / 4.0;
        par[4 * i + 1] = -2 + 4.0 * i / (n - 1);
        par[4 * i + 2] = 0;
        par[4 * i + 3] = 1;
    }
    ck_assert_int_eq(cc_bank_init(bank, CC_MODEL_DICHO, n, 4, par, NULL), CC_CAT_OK);
    free(par);
}

static int mfi_best(const cc_bank *bank, double theta, const unsigned char *ok)
{
    int i, best = -1;
    double bv = -1;

    for (i = 0; i < bank->n_items; i++) {
        double v = cc_item_info(bank, i, theta, 1, NULL, NULL);
        if ((!ok || ok[i]) && v > bv) {
            bv = v;
            best = i;
        }
    }
    return best;
}

START_TEST(unavailable_items_and_no_item_left)
{
    cc_bank bank;
    cc_select_options sel;
    cc_select_result res;
    cc_cat_error err;
    unsigned char avail[20];
    int items[20], x[20], i, best;
    double table[20];

    small_bank(&bank, 20);
    cc_select_options_default(&sel);
    memset(avail, 1, sizeof(avail));
    best = mfi_best(&bank, 0.3, NULL);
    avail[best] = 0;
    sel.available = avail;
    ck_assert_int_eq(
        cc_next_item(&bank, NULL, NULL, 0, 0.3, NULL, &sel, NULL, NULL, table, NULL, &res, &err),
        CC_CAT_OK);
    ck_assert_int_eq(res.item, mfi_best(&bank, 0.3, avail));
    ck_assert(isnan(table[best]));
    ck_assert(isnan(res.weight));
    ck_assert_int_eq(res.group, -1);
    /* Everything given or unavailable: ENOITEM. */
    for (i = 0; i < 19; i++) {
        items[i] = i;
        x[i] = i % 2;
    }
    memset(avail, 1, sizeof(avail));
    avail[19] = 0;
    ck_assert_int_eq(
        cc_next_item(&bank, items, x, 19, 0.3, NULL, &sel, NULL, NULL, NULL, NULL, &res, &err),
        CC_CAT_ENOITEM);
    ck_assert_ptr_nonnull(strstr(err.message, "no item"));
    /* Only item 20 left. */
    avail[19] = 1;
    ck_assert_int_eq(
        cc_next_item(&bank, items, x, 19, 0.3, NULL, &sel, NULL, NULL, NULL, NULL, &res, &err),
        CC_CAT_OK);
    ck_assert_int_eq(res.item, 19);
    cc_bank_free(&bank);
}
END_TEST

START_TEST(content_balancing_follows_the_targets)
{
    cc_bank bank;
    cc_select_options sel;
    cc_select_result res;
    cc_cat_error err;
    cc_rng rng;
    int groups[30], items[30], x[30], n = 0, g, i, cnt[3] = {0, 0, 0};
    const double props[3] = {0.5, 0.3, 0.2};
    double table[30];

    small_bank(&bank, 30);
    for (i = 0; i < 30; i++)
        groups[i] = i % 3;
    cc_select_options_default(&sel);
    sel.n_groups = 3;
    sel.group_props = props;
    sel.item_group = groups;
    cc_rng_seed(&rng, 7);
    /* A 10-item test: the first three items cover the three groups (drawn
     * among the groups not targeted yet), then the largest shortfall
     * leads; the counts end at the targets 5/3/2. */
    for (n = 0; n < 10; n++) {
        ck_assert_int_eq(cc_next_item(&bank, items, x, n, 0.0, NULL, &sel, cc_rng_uniform_fn, &rng,
                                      table, NULL, &res, &err),
                         CC_CAT_OK);
        g = res.group;
        ck_assert_int_eq(groups[res.item], g);
        if (n < 3)
            ck_assert_int_eq(cnt[g], 0);
        else {
            /* g has the largest shortfall. */
            int h;
            for (h = 0; h < 3; h++)
                ck_assert(props[g] - (double)cnt[g] / n >= props[h] - (double)cnt[h] / n - 1e-12);
        }
        /* The best MFI item within the group; others are NAN. */
        for (i = 0; i < 30; i++) {
            if (groups[i] != g)
                ck_assert(isnan(table[i]));
            else if (!isnan(table[i]))
                ck_assert(table[i] <= res.info);
        }
        cnt[g]++;
        items[n] = res.item;
        x[n] = n % 2;
    }
    ck_assert_int_eq(cnt[0], 5);
    ck_assert_int_eq(cnt[1], 3);
    ck_assert_int_eq(cnt[2], 2);
    /* Bad groups are refused. */
    groups[4] = 3;
    ck_assert_int_eq(cc_next_item(&bank, NULL, NULL, 0, 0.0, NULL, &sel, cc_rng_uniform_fn, &rng,
                                  NULL, NULL, &res, &err),
                     CC_CAT_EINVAL);
    ck_assert_int_eq(err.item, 5);
    cc_bank_free(&bank);
}
END_TEST

START_TEST(sympson_hetter_rejects_in_proportion)
{
    cc_bank bank;
    cc_select_options sel;
    cc_select_result res;
    cc_cat_error err;
    cc_rng rng;
    double sh[20];
    int i, best, second, nb = 0, ns = 0, reps = 20000;
    unsigned char ok[20];

    small_bank(&bank, 20);
    best = mfi_best(&bank, 0.0, NULL);
    ck_assert(best >= 0 && best < 20);
    memset(ok, 1, sizeof(ok));
    ok[best] = 0;
    second = mfi_best(&bank, 0.0, ok);
    for (i = 0; i < 20; i++)
        sh[i] = 1;
    sh[best] = 0.25;
    cc_select_options_default(&sel);
    sel.sh_prob = sh;
    cc_rng_seed(&rng, 11);
    for (i = 0; i < reps; i++) {
        ck_assert_int_eq(cc_next_item(&bank, NULL, NULL, 0, 0.0, NULL, &sel, cc_rng_uniform_fn,
                                      &rng, NULL, NULL, &res, &err),
                         CC_CAT_OK);
        if (res.item == best) {
            nb++;
            ck_assert_int_eq(res.n_rejected, 0);
        } else {
            ck_assert_int_eq(res.item, second);
            ck_assert_int_eq(res.n_rejected, 1);
            ns++;
        }
    }
    /* P(best) = 0.25: binomial SD over 20000 draws is 0.003; allow 5 SD. */
    ck_assert_msg(fabs((double)nb / reps - 0.25) < 0.016, "best chosen %d of %d", nb, reps);
    ck_assert_int_eq(nb + ns, reps);
    /* Every item rejected: the first pick comes back. */
    for (i = 0; i < 20; i++)
        sh[i] = 0;
    ck_assert_int_eq(cc_next_item(&bank, NULL, NULL, 0, 0.0, NULL, &sel, cc_rng_uniform_fn, &rng,
                                  NULL, NULL, &res, &err),
                     CC_CAT_OK);
    ck_assert_int_eq(res.item, best);
    ck_assert_int_eq(res.n_rejected, 20);
    /* A probability outside [0, 1] is refused, naming the item. */
    sh[3] = 1.5;
    ck_assert_int_eq(cc_next_item(&bank, NULL, NULL, 0, 0.0, NULL, &sel, cc_rng_uniform_fn, &rng,
                                  NULL, NULL, &res, &err),
                     CC_CAT_EINVAL);
    ck_assert_int_eq(err.item, 4);
    cc_bank_free(&bank);
}
END_TEST

START_TEST(maximum_exposure_rate)
{
    cc_bank bank;
    cc_select_options sel;
    cc_select_result res;
    cc_cat_error err;
    long counts[20] = {0};
    int best, second;
    unsigned char ok[20];

    small_bank(&bank, 20);
    best = mfi_best(&bank, 0.5, NULL);
    ck_assert(best >= 0 && best < 20);
    memset(ok, 1, sizeof(ok));
    ok[best] = 0;
    second = mfi_best(&bank, 0.5, ok);
    cc_select_options_default(&sel);
    sel.max_exposure = 0.3;
    sel.exposure_counts = counts;
    sel.exposure_sessions = 10;
    counts[best] = 2; /* rate 0.2 < 0.3: still available */
    ck_assert_int_eq(
        cc_next_item(&bank, NULL, NULL, 0, 0.5, NULL, &sel, NULL, NULL, NULL, NULL, &res, &err),
        CC_CAT_OK);
    ck_assert_int_eq(res.item, best);
    counts[best] = 3; /* rate 0.3 reaches the maximum */
    ck_assert_int_eq(
        cc_next_item(&bank, NULL, NULL, 0, 0.5, NULL, &sel, NULL, NULL, NULL, NULL, &res, &err),
        CC_CAT_OK);
    ck_assert_int_eq(res.item, second);
    /* No sessions yet: no limit. */
    sel.exposure_sessions = 0;
    ck_assert_int_eq(
        cc_next_item(&bank, NULL, NULL, 0, 0.5, NULL, &sel, NULL, NULL, NULL, NULL, &res, &err),
        CC_CAT_OK);
    ck_assert_int_eq(res.item, best);
    sel.max_exposure = 1.5;
    ck_assert_int_eq(
        cc_next_item(&bank, NULL, NULL, 0, 0.5, NULL, &sel, NULL, NULL, NULL, NULL, &res, &err),
        CC_CAT_EINVAL);
    cc_bank_free(&bank);
}
END_TEST

START_TEST(no_nan_at_extreme_thetas_or_without_items)
{
    static const char *const banks[] = {"dicho_4PL_50", "poly_GRM_50", "poly_GPCM_50",
                                        "poly_NRM_50"};
    const double thetas[] = {-1e6, -40, 0, 40, 1e6};
    cc_criterion crit;
    size_t b, t;
    int n_calls = 0;

    for (b = 0; b < sizeof(banks) / sizeof(banks[0]); b++) {
        cc_bank bank;
        int items[] = {0, 1, 2, 3, 4}, x[] = {1, 0, 1, 1, 0}, j;
        golden_bank(banks[b], &bank);
        for (crit = CC_CRIT_MFI; crit <= CC_CRIT_PROPORTIONAL; crit++) {
            for (t = 0; t < sizeof(thetas) / sizeof(thetas[0]); t++) {
                int n;
                for (n = 0; n <= 5; n += 5) {
                    cc_select_options sel;
                    cc_select_result res;
                    cc_cat_error err;
                    cc_rng rng;
                    double table[50];
                    cc_cat_status st;
                    cc_select_options_default(&sel);
                    sel.criterion = crit;
                    sel.rule = t % 2 ? CC_RULE_PRECISION : CC_RULE_LENGTH;
                    sel.thr = t % 2 ? 0.3 : 20;
                    sel.seth = 0.5;
                    cc_rng_seed(&rng, 5 + t);
                    st = cc_next_item(&bank, items, x, n, thetas[t], NULL, &sel, cc_rng_uniform_fn,
                                      &rng, table, NULL, &res, &err);
                    n_calls++;
                    if (bank.model != CC_MODEL_DICHO &&
                        (crit == CC_CRIT_BOPT || crit == CC_CRIT_THOPT || crit == CC_CRIT_GDI ||
                         crit == CC_CRIT_GDIP)) {
                        ck_assert_int_eq(st, CC_CAT_EREFUSED);
                        continue;
                    }
                    ck_assert_msg(st == CC_CAT_OK, "%s %s theta %g: %s", banks[b],
                                  cc_criterion_name(crit), thetas[t], err.message);
                    ck_assert(res.item >= n && res.item < bank.n_items);
                    if (crit != CC_CRIT_RANDOM)
                        ck_assert_msg(isfinite(res.info), "%s %s theta %g n %d: info %g", banks[b],
                                      cc_criterion_name(crit), thetas[t], n, res.info);
                    for (j = 0; j < bank.n_items; j++)
                        if (j < n || crit == CC_CRIT_RANDOM)
                            ck_assert(isnan(table[j]));
                        else
                            ck_assert_msg(isfinite(table[j]), "%s %s theta %g item %d: %g",
                                          banks[b], cc_criterion_name(crit), thetas[t], j + 1,
                                          table[j]);
                }
            }
        }
        cc_bank_free(&bank);
    }
    ck_assert_int_eq(n_calls, 4 * 14 * 5 * 2);
}
END_TEST

START_TEST(bad_requests_are_refused)
{
    cc_bank bank;
    cc_select_options sel;
    cc_select_result res;
    cc_cat_error err;
    cc_criterion crit;
    cc_rng rng;
    int items[] = {3, 25}, x[] = {1, 2};

    cc_rng_seed(&rng, 1);
    small_bank(&bank, 20);
    cc_select_options_default(&sel);
    ck_assert_int_eq(
        cc_next_item(&bank, items, x, 2, 0, NULL, &sel, NULL, NULL, NULL, NULL, &res, &err),
        CC_CAT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "26"));
    items[1] = 5;
    ck_assert_int_eq(
        cc_next_item(&bank, items, x, 2, 0, NULL, &sel, NULL, NULL, NULL, NULL, &res, &err),
        CC_CAT_EINVAL); /* response 2 to a dichotomous item */
    x[1] = 0;
    ck_assert_int_eq(
        cc_next_item(&bank, items, x, 2, NAN, NULL, &sel, NULL, NULL, NULL, NULL, &res, &err),
        CC_CAT_EINVAL);
    sel.criterion = CC_CRIT_RANDOM; /* needs uniforms */
    ck_assert_int_eq(
        cc_next_item(&bank, items, x, 2, 0, NULL, &sel, NULL, NULL, NULL, NULL, &res, &err),
        CC_CAT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "uniform"));
    sel.criterion = CC_CRIT_PROGRESSIVE;
    sel.rule = CC_RULE_PRECISION;
    sel.thr = 0.3;
    sel.seth = NAN; /* precision without SETH */
    ck_assert_int_eq(cc_next_item(&bank, items, x, 2, 0, NULL, &sel, cc_rng_uniform_fn, &rng, NULL,
                                  NULL, &res, &err),
                     CC_CAT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "SETH"));
    ck_assert_int_eq(cc_criterion_from_name("MFIX", &crit, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(cc_criterion_from_name("thOpt", &crit, &err), CC_CAT_OK);
    ck_assert_int_eq(crit, CC_CRIT_THOPT);
    ck_assert_str_eq(cc_criterion_name(CC_CRIT_PROPORTIONAL), "proportional");
    cc_bank_free(&bank);
}
END_TEST

START_TEST(caller_workspace_gives_the_same_answer)
{
    cc_bank bank;
    cc_est_options est;
    cc_select_options sel;
    cc_select_result a, b;
    cc_cat_error err;
    double *work;
    int items[] = {10, 200, 300}, x[] = {1, 0, 1};

    golden_bank("dicho_3PL_500", &bank);
    cc_est_options_default(&est);
    cc_select_options_default(&sel);
    sel.criterion = CC_CRIT_MEPV;
    work = malloc(cc_select_work_size(&bank));
    ck_assert_int_eq(
        cc_next_item(&bank, items, x, 3, 0.2, &est, &sel, NULL, NULL, NULL, work, &a, &err),
        CC_CAT_OK);
    ck_assert_int_eq(
        cc_next_item(&bank, items, x, 3, 0.2, &est, &sel, NULL, NULL, NULL, NULL, &b, &err),
        CC_CAT_OK);
    ck_assert_int_eq(a.item, b.item);
    ck_assert(a.info == b.info);
    free(work);
    cc_bank_free(&bank);
}
END_TEST

/* The best item by brute force over cc_item_info (ties: lowest item), among
 * items with ok[i] that are not in items[0..n). */
static int brute_mfi(const cc_bank *bank, const int *items, int n, double theta, double D,
                     const unsigned char *ok, double *info)
{
    int i, k, best = -1;
    double bv = 0;

    for (i = 0; i < bank->n_items; i++) {
        double v;
        int given = 0;
        for (k = 0; k < n; k++)
            given |= items[k] == i;
        if (given || (ok && !ok[i]))
            continue;
        v = cc_item_info(bank, i, theta, D, NULL, NULL);
        if (best < 0 || v > bv) {
            bv = v;
            best = i;
        }
    }
    *info = bv;
    return best;
}

/* A 3PL bank of 300 items with many exact duplicates (exact ties in the
 * information at every theta). */
static void tied_bank(cc_bank *bank, cc_rng *rng)
{
    double par[300 * 4];
    int i;

    for (i = 0; i < 300; i++) {
        if (i >= 10 && cc_rng_uniform(rng) < 0.4) {
            memcpy(par + 4 * i, par + 4 * (int)(cc_rng_uniform(rng) * i), sizeof(double) * 4);
            continue;
        }
        par[4 * i] = 0.5 + cc_rng_uniform(rng);
        par[4 * i + 1] = round((cc_rng_uniform(rng) - 0.5) * 8) / 2; /* few distinct b */
        par[4 * i + 2] = cc_rng_uniform(rng) < 0.5 ? 0 : 0.2;
        par[4 * i + 3] = 1;
    }
    ck_assert_int_eq(cc_bank_init(bank, CC_MODEL_DICHO, 300, 4, par, NULL), CC_CAT_OK);
}

/* MFI without a table walks the items by peak information and stops early
 * (branch and bound); with a table it scans them all. Both must give the
 * same item and the same value, bit for bit, as a brute-force scan over
 * cc_item_info: 2,000 thetas on each small bank (and 200 on the
 * 10,000-item one) x 3 availability masks x D in {1, 1.702}, with
 * administered items; plus randomesque, content balancing and
 * Sympson-Hetter (same items, same uniforms drawn). */
START_TEST(pruned_mfi_equals_full_scan)
{
    static const char *const names[] = {"dicho_1PL_50", "dicho_2PL_500",   "dicho_3PL_1000",
                                        "dicho_4PL_50", "dicho_3PL_10000", NULL};
    cc_rng rng;
    size_t bi;
    long n_cmp = 0, n_extra = 0, n_ties = 0, n_none = 0;

    cc_rng_seed(&rng, 4242);
    for (bi = 0; bi < sizeof(names) / sizeof(names[0]); bi++) {
        cc_bank bank;
        int N, t, n_theta, mask;
        unsigned char *avail;
        double *table;
        void *work;

        if (names[bi])
            golden_bank(names[bi], &bank);
        else
            tied_bank(&bank, &rng);
        N = bank.n_items;
        n_theta = N > 2000 ? 200 : 2000;
        avail = malloc((size_t)N);
        table = malloc(sizeof(double) * (size_t)N);
        work = malloc(cc_select_work_size(&bank));
        for (mask = 0; mask < 3; mask++) {
            for (t = 0; t < n_theta; t++) {
                cc_est_options est;
                cc_select_options sel;
                cc_select_result a, b;
                cc_cat_error err;
                int items[30], x[30], n = (int)(cc_rng_uniform(&rng) * 30), k, j, best;
                double u = cc_rng_uniform(&rng), theta, bv;

                if (n > N - 1)
                    n = N - 1;
                for (k = 0; k < n; k++) {
                    int again;
                    do {
                        items[k] = (int)(cc_rng_uniform(&rng) * N);
                        again = 0;
                        for (j = 0; j < k; j++)
                            again |= items[j] == items[k];
                    } while (again);
                    x[k] = cc_rng_uniform(&rng) < 0.5;
                }
                if (u < 0.7)
                    theta = 4 * (cc_rng_uniform(&rng) - 0.5) * 2;
                else if (u < 0.85) /* exactly at an item's b */
                    theta = cc_bank_row(&bank, (int)(cc_rng_uniform(&rng) * N))[1];
                else
                    theta = (cc_rng_uniform(&rng) - 0.5) * 80;
                for (j = 0; j < N; j++)
                    avail[j] = mask == 0 ? 1 : cc_rng_uniform(&rng) >= (mask == 1 ? 0.5 : 0.98);
                cc_est_options_default(&est);
                est.D = t % 2 ? 1.702 : 1;
                cc_select_options_default(&sel);
                sel.available = mask ? avail : NULL;
                best = brute_mfi(&bank, items, n, theta, est.D, mask ? avail : NULL, &bv);
                cc_cat_status sa = cc_next_item(&bank, items, x, n, theta, &est, &sel, NULL, NULL,
                                                NULL, work, &a, &err);
                cc_cat_status sb = cc_next_item(&bank, items, x, n, theta, &est, &sel, NULL, NULL,
                                                table, work, &b, &err);
                if (best < 0) {
                    ck_assert_int_eq(sa, CC_CAT_ENOITEM);
                    ck_assert_int_eq(sb, CC_CAT_ENOITEM);
                    n_none++;
                    continue;
                }
                ck_assert_int_eq(sa, CC_CAT_OK);
                ck_assert_int_eq(sb, CC_CAT_OK);
                ck_assert_msg(a.item == best && b.item == best,
                              "%s theta %.17g D %g: pruned %d, full %d, brute force %d",
                              names[bi] ? names[bi] : "tied", theta, est.D, a.item + 1, b.item + 1,
                              best + 1);
                ck_assert(memcmp(&a.info, &bv, sizeof(double)) == 0);
                ck_assert(memcmp(&b.info, &bv, sizeof(double)) == 0);
                for (j = 0; j < N; j++) /* ties: another item with the same value */
                    if (j != best && table[j] == bv) {
                        n_ties++;
                        break;
                    }
                n_cmp++;

                /* Randomesque, content balancing, Sympson-Hetter: the same
                 * choice and the same uniforms with and without a table. */
                if (t % 10 == 0) {
                    static const double props[3] = {0.5, 0.3, 0.2};
                    int *groups = malloc(sizeof(int) * (size_t)N);
                    double *sh = malloc(sizeof(double) * (size_t)N);
                    cc_rng r1, r2;
                    uint64_t seed = (uint64_t)t * 7919 + bi;
                    for (j = 0; j < N; j++) {
                        groups[j] = j % 3;
                        sh[j] = cc_rng_uniform(&rng);
                    }
                    sel.randomesque = 1 + t % 5;
                    if (t % 20 == 0) {
                        sel.n_groups = 3;
                        sel.group_props = props;
                        sel.item_group = groups;
                    }
                    if (t % 30 == 0)
                        sel.sh_prob = sh;
                    cc_rng_seed(&r1, seed);
                    cc_rng_seed(&r2, seed);
                    sa = cc_next_item(&bank, items, x, n, theta, &est, &sel, cc_rng_uniform_fn, &r1,
                                      NULL, work, &a, &err);
                    sb = cc_next_item(&bank, items, x, n, theta, &est, &sel, cc_rng_uniform_fn, &r2,
                                      table, work, &b, &err);
                    ck_assert_int_eq(sa, sb);
                    if (sa == CC_CAT_OK) {
                        ck_assert_int_eq(a.item, b.item);
                        ck_assert(memcmp(&a.info, &b.info, sizeof(double)) == 0);
                        ck_assert_int_eq(a.n_candidates, b.n_candidates);
                        ck_assert_int_eq(a.n_rejected, b.n_rejected);
                        ck_assert_int_eq(a.group, b.group);
                    }
                    /* the same number of uniforms was drawn */
                    ck_assert(cc_rng_uniform(&r1) == cc_rng_uniform(&r2));
                    n_extra++;
                    free(groups);
                    free(sh);
                }
            }
        }
        free(avail);
        free(table);
        free(work);
        cc_bank_free(&bank);
    }
    fprintf(stderr,
            "cat/select pruned MFI: %ld comparisons (%ld with exact ties, %ld with no item "
            "left), %ld with randomesque/balancing/Sympson-Hetter\n",
            n_cmp, n_ties, n_none, n_extra);
    /* Every theta of every bank and mask compared: an item chosen by all
     * three, or no item left for all three (the 98% mask on small banks). */
    ck_assert_int_eq(n_cmp + n_none, 3 * (5 * 2000 + 200));
    ck_assert(n_none > 0 && n_none < 3000);
    ck_assert(n_extra > 2500);
    ck_assert(n_ties > 100); /* the tied bank does tie */
}
END_TEST

TCase *tcase_cat_select(void)
{
    TCase *tc = cc_test_tcase("cat/select");

    tcase_add_test(tc, golden_next_item_every_scenario);
    tcase_add_test(tc, unavailable_items_and_no_item_left);
    tcase_add_test(tc, content_balancing_follows_the_targets);
    tcase_add_test(tc, sympson_hetter_rejects_in_proportion);
    tcase_add_test(tc, maximum_exposure_rate);
    tcase_add_test(tc, no_nan_at_extreme_thetas_or_without_items);
    tcase_add_test(tc, bad_requests_are_refused);
    tcase_add_test(tc, caller_workspace_gives_the_same_answer);
    tcase_add_test(tc, pruned_mfi_equals_full_scan);
    return tc;
}
