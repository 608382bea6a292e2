/* cat/simulate: start rules, stopping rules and whole simulated CATs
 * (catR's startItems, checkStopRule, randomCAT) against catR's reference
 * values in ../shared/golden/catr/random_cat.json. */
#include "check_concerto.h"

#include "cat/model.h"
#include "cat/simulate.h"
#include "golden.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tolerances (golden README, "Recommended tolerances"):
 * - EAP theta and EAP SE, same grid: abs 1e-12.
 * - ML/BM/WL theta against catR's own theta: abs 1e-4 (catR's uniroot
 *   tolerance is 1.22e-4); range bounds are exact, which 1e-4 covers.
 * - semTheta at our own theta against catR's at its theta: rel 1e-4.
 * - the item sequence: exact, except at steps marked fragile (rel_gap <
 *   1e-6), where catR's choice is a near-tie numerical noise can flip.
 * - ciFinal = thFinal -/+ z se: the theta tolerance plus z times the SE
 *   tolerance. */
#define TOL_EAP_ABS 1e-12
#define TOL_THETA_ABS 1e-4
#define TOL_SE_REL 1e-4
/* What random_cat.json holds: 17 designs (16 deterministic, C17 RNG-based),
 * 280 administered items in all, 265 in the deterministic designs, 246
 * adaptive selections, 3 of them fragile. */
#define GOLDEN_CATS 17
#define GOLDEN_DET_CATS 16
#define GOLDEN_STEPS 280
#define GOLDEN_DET_STEPS 265
#define GOLDEN_SELECTIONS 246
#define GOLDEN_FRAGILE 3

/* ---- reading a design (README parsing notes: R vectors of length 1 are
 * JSON scalars, so rule, thr and theta may be a scalar or an array) ------- */

static int nums(json_object *v, double *out, int max)
{
    if (json_object_is_type(v, json_type_array))
        return golden_nums(v, out, max);
    out[0] = golden_num(v);
    return 1;
}

static cc_est_method method_of(const char *s)
{
    static const char *const names[] = {"ML", "BM", "EAP", "WL", "ROB"};
    int i;
    for (i = 0; i < 5; i++)
        if (!strcmp(s, names[i]))
            return (cc_est_method)i;
    ck_abort_msg("unknown method %s", s);
    return CC_EST_BM;
}

static cc_prior_dist prior_of(const char *s)
{
    if (!strcmp(s, "norm"))
        return CC_PRIOR_NORM;
    if (!strcmp(s, "unif"))
        return CC_PRIOR_UNIF;
    ck_assert_str_eq(s, "Jeffreys");
    return CC_PRIOR_JEFFREYS;
}

static cc_constant_patt const_of(const char *s)
{
    static const char *const names[] = {"fixed4", "fixed7", "var", "BM", "EAP", "WL"};
    int i;
    for (i = 0; i < 6; i++)
        if (!strcmp(s, names[i]))
            return (cc_constant_patt)(CC_CONST_FIXED4 + i);
    ck_abort_msg("unknown constantPatt %s", s);
    return CC_CONST_NONE;
}

static cc_start_select start_select_of(const char *s)
{
    static const char *const names[] = {"MFI",         "bOpt",         "thOpt",
                                        "progressive", "proportional", "random"};
    int i;
    for (i = 0; i < 6; i++)
        if (!strcmp(s, names[i]))
            return (cc_start_select)i;
    ck_abort_msg("unknown startSelect %s", s);
    return CC_START_MFI;
}

/* Options shared by the test and final lists; returns 1 when key is one. */
static int est_key(const char *key, json_object *v, cc_est_options *est, cc_sem_type *sem_type,
                   int *sem_exact)
{
    double p[3];

    if (!strcmp(key, "method"))
        est->method = method_of(json_object_get_string(v));
    else if (!strcmp(key, "priorDist"))
        est->prior = prior_of(json_object_get_string(v));
    else if (!strcmp(key, "priorPar")) {
        ck_assert_int_eq(nums(v, p, 2), 2);
        est->prior_par[0] = p[0];
        est->prior_par[1] = p[1];
    } else if (!strcmp(key, "range")) {
        ck_assert_int_eq(nums(v, p, 2), 2);
        est->range[0] = p[0];
        est->range[1] = p[1];
    } else if (!strcmp(key, "parInt")) {
        ck_assert_int_eq(nums(v, p, 3), 3);
        est->quad[0] = p[0];
        est->quad[1] = p[1];
        est->quad_points = (int)p[2];
    } else if (!strcmp(key, "D"))
        est->D = golden_num(v);
    else if (!strcmp(key, "weight"))
        est->weight =
            strcmp(json_object_get_string(v), "Tukey") ? CC_WEIGHT_HUBER : CC_WEIGHT_TUKEY;
    else if (!strcmp(key, "tuCo"))
        est->tuning = golden_num(v);
    else if (!strcmp(key, "sem.type"))
        *sem_type = strcmp(json_object_get_string(v), "new") ? CC_SEM_CLASSIC : CC_SEM_NEW;
    else if (!strcmp(key, "sem.exact"))
        *sem_exact = 1; /* catR quirk 6: any non-NULL value, even FALSE */
    else
        return 0;
    return 1;
}

static void design_from_golden(json_object *cat, cc_cat_design *d)
{
    json_object *start = golden_get(cat, "start"), *test = golden_get(cat, "test");
    json_object *stop = golden_get(cat, "stop"), *final = golden_get(cat, "final");
    double v[CC_MAX_START];
    int i, n;

    cc_cat_design_default(d);
    {json_object_object_foreach(start, key,
                                val){if (!strcmp(key, "fixItems")){n = nums(val, v, CC_MAX_START);
    d->start.n_fix = n;
    for (i = 0; i < n; i++)
        d->start.fix_items[i] = (int)v[i] - 1;
}
else if (!strcmp(key, "seed"))
{
    d->start.random = 1;
    d->start.seed = (uint64_t)json_object_get_int64(val);
}
else if (!strcmp(key, "nrItems")) d->start.nr_items = json_object_get_int(val);
else if (!strcmp(key, "theta")) d->start.n_theta = nums(val, d->start.theta, CC_MAX_START);
else if (!strcmp(key, "startSelect")) d->start.select =
    start_select_of(json_object_get_string(val));
else if (!strcmp(key, "D")) d->start.D = golden_num(val);
else if (!strcmp(key, "randomesque")) d->start.randomesque = json_object_get_int(val);
else if (!strcmp(key, "random.seed"))
{
    d->start.has_random_seed = 1;
    d->start.random_seed = (uint64_t)json_object_get_int64(val);
}
else ck_abort_msg("unhandled start option %s", key);
}
}
{json_object_object_foreach(test, key, val){
    if (est_key(key, val, &d->test.est, &d->test.sem_type, &d->test.sem_exact)) continue;
if (!strcmp(key, "itemSelect"))
    ck_assert_int_eq(cc_criterion_from_name(json_object_get_string(val), &d->test.sel.criterion,
                                            NULL),
                     CC_CAT_OK);
else if (!strcmp(key, "constantPatt"))
    d->test.est.constant_patt = const_of(json_object_get_string(val));
else if (!strcmp(key, "randomesque"))
    d->test.sel.randomesque = json_object_get_int(val);
else if (!strcmp(key, "random.seed")) {
    d->test.has_random_seed = 1;
    d->test.random_seed = (uint64_t)json_object_get_int64(val);
} else if (!strcmp(key, "infoType"))
    d->test.sel.info_type =
        strcmp(json_object_get_string(val), "Fisher") ? CC_INFO_OBSERVED : CC_INFO_FISHER;
else if (!strcmp(key, "AP"))
    d->test.sel.ap = golden_num(val);
else if (!strcmp(key, "se.ase"))
    d->test.se_ase = json_object_get_int(val);
else
    ck_abort_msg("unhandled test option %s", key);
}
}
{json_object_object_foreach(stop, key, val){if (!strcmp(key, "rule")){
    if (json_object_is_type(val, json_type_array)){n = (int)json_object_array_length(val);
for (i = 0; i < n; i++)
    ck_assert_int_eq(
        cc_stop_rule_from_name(json_object_get_string(json_object_array_get_idx(val, (size_t)i)),
                               &d->stop.rule[i], NULL),
        CC_CAT_OK);
}
else
{
    n = 1;
    ck_assert_int_eq(cc_stop_rule_from_name(json_object_get_string(val), &d->stop.rule[0], NULL),
                     CC_CAT_OK);
}
d->stop.n_rules = n;
}
else if (!strcmp(key, "thr"))
{
    n = nums(val, d->stop.thr, CC_MAX_STOP_RULES);
    (void)n;
}
else if (!strcmp(key, "alpha")) d->stop.alpha = golden_num(val);
else ck_abort_msg("unhandled stop option %s", key);
}
}
{
    json_object_object_foreach(final, key, val)
    {
        if (est_key(key, val, &d->final.est, &d->final.sem_type, &d->final.sem_exact))
            continue;
        if (!strcmp(key, "alpha"))
            d->final.alpha = golden_num(val);
        else
            ck_abort_msg("unhandled final option %s", key);
    }
}
}

/* ---- comparisons -------------------------------------------------------- */

static int theta_ok(cc_est_method m, double ours, double catr)
{
    return m == CC_EST_EAP ? golden_close(ours, catr, TOL_EAP_ABS, 0)
                           : golden_close(ours, catr, TOL_THETA_ABS, 0);
}

static int se_ok(cc_est_method m, double ours, double catr)
{
    return m == CC_EST_EAP ? golden_close(ours, catr, TOL_EAP_ABS, 0)
                           : golden_close(ours, catr, 0, TOL_SE_REL);
}

static int ci_ok(cc_est_method m, double ours, double catr, double se)
{
    double z = 1.959963984540054; /* alpha 0.05 in every golden design */
    double tol = m == CC_EST_EAP ? TOL_EAP_ABS * (1 + z) : TOL_THETA_ABS + z * TOL_SE_REL * se;
    return golden_close(ours, catr, tol, 0);
}

static int golden_rules(json_object *rf, cc_stop_rule *out)
{
    int n = 0, i;

    if (rf == NULL)
        return 0;
    if (!json_object_is_type(rf, json_type_array)) {
        ck_assert_int_eq(cc_stop_rule_from_name(json_object_get_string(rf), &out[0], NULL),
                         CC_CAT_OK);
        return 1;
    }
    n = (int)json_object_array_length(rf);
    for (i = 0; i < n; i++)
        ck_assert_int_eq(
            cc_stop_rule_from_name(json_object_get_string(json_object_array_get_idx(rf, (size_t)i)),
                                   &out[i], NULL),
            CC_CAT_OK);
    return n;
}

static unsigned rules_mask(const cc_cat_design *d, const cc_stop_rule *rules, int n)
{
    unsigned m = 0;
    int i, j;

    for (i = 0; i < n; i++)
        for (j = 0; j < d->stop.n_rules; j++)
            if (d->stop.rule[j] == rules[i])
                m |= 1u << j;
    return m;
}

static struct {
    int cats, det_cats, steps, det_steps, selections, fragile_seen, fragile_differ;
    int items_equal, theta_cmp, se_cmp, finals, whole_runs;
} count;

/* Replays one golden design step by step: at each step the engine must
 * propose catR's item (or the step is fragile), then gets catR's response
 * (the design's fixed responses, or C17's recorded pattern), and its
 * provisional theta and SE must match. Returns the number of fragile steps
 * where the engine chose differently (catR's item is then used). */
static int replay(json_object *cat, const cc_bank *bank, const cc_cat_design *d, int rng_dep)
{
    const char *id = json_object_get_string(golden_get(cat, "id"));
    json_object *res = golden_get(cat, "result"), *steps = golden_get(cat, "steps");
    int n = (int)json_object_array_length(golden_get(res, "testItems"));
    int n_start = json_object_get_int(golden_get(cat, "n_start_items"));
    int items[512], pattern[512], k, differ = 0;
    double th[512], se[512];
    cc_est_method tm = d->test.est.method, fm = d->final.est.method;
    cc_stop_rule rules[CC_MAX_STOP_RULES];
    int n_rules;
    cc_cat_state s;
    cc_cat_next nx;
    cc_cat_final_result fin;
    cc_cat_error err;

    ck_assert_int_eq(golden_ints(golden_get(res, "testItems"), items, 512), n);
    golden_ints(golden_get(res, "pattern"), pattern, 512);
    golden_nums(golden_get(res, "thetaProv"), th, 512);
    golden_nums(golden_get(res, "seProv"), se, 512);
    ck_assert_msg(cc_cat_begin(&s, bank, d, &err) == CC_CAT_OK, "%s: %s", id, err.message);
    if (!rng_dep)
        ck_assert_int_eq(s.n_start, n_start);
    for (k = 0; k < n; k++) {
        json_object *step = json_object_array_get_idx(steps, (size_t)k), *sel = NULL;
        int item = items[k] - 1;

        ck_assert_msg(cc_cat_next_item(&s, &nx, &err) == CC_CAT_OK, "%s step %d: %s", id, k + 1,
                      err.message);
        ck_assert_msg(!nx.stop, "%s: the engine stopped after %d items, catR gave %d", id, k, n);
        if (!rng_dep) {
            ck_assert_int_eq(nx.phase, k < n_start ? CC_PHASE_START : CC_PHASE_ADAPTIVE);
            if (json_object_object_get_ex(step, "selection", &sel)) {
                int fragile = json_object_get_boolean(golden_get(sel, "fragile"));
                count.selections++;
                count.fragile_seen += fragile;
                if (nx.item != item) {
                    ck_assert_msg(fragile, "%s step %d: engine chose item %d, catR item %d", id,
                                  k + 1, nx.item + 1, item + 1);
                    differ++;
                }
            }
            if (nx.item == item)
                count.items_equal++;
            ck_assert_msg(nx.item == item || sel != NULL, "%s start item %d: %d vs catR %d", id,
                          k + 1, nx.item + 1, item + 1);
        }
        ck_assert_msg(cc_cat_answer(&s, item, pattern[k], &err) == CC_CAT_OK, "%s step %d: %s", id,
                      k + 1, err.message);
        ck_assert_msg(theta_ok(tm, s.theta[k], th[k]), "%s step %d: theta %.17g, catR %.17g", id,
                      k + 1, s.theta[k], th[k]);
        ck_assert_msg(se_ok(tm, s.se[k], se[k]), "%s step %d: se %.17g, catR %.17g", id, k + 1,
                      s.se[k], se[k]);
        count.theta_cmp++;
        count.se_cmp++;
        count.steps++;
        if (!rng_dep)
            count.det_steps++;
    }
    /* the stop decision and catR's ruleFinal / endWarning */
    ck_assert_int_eq(cc_cat_next_item(&s, &nx, &err), CC_CAT_OK);
    ck_assert_msg(nx.stop, "%s: the engine goes on after catR's %d items", id, n);
    n_rules = golden_rules(json_object_object_get(res, "ruleFinal"), rules);
    ck_assert_msg(nx.rules_met == rules_mask(d, rules, n_rules), "%s: rules met %#x", id,
                  nx.rules_met);
    ck_assert_int_eq(nx.end_warning,
                     json_object_get_boolean(golden_get(res, "endWarning")) ? 1 : 0);
    /* final estimate */
    ck_assert_int_eq(cc_cat_final(&s, &fin, &err), CC_CAT_OK);
    {
        double ci[2];
        double thf = golden_num(golden_get(res, "thFinal"));
        double sef = golden_num(golden_get(res, "seFinal"));
        golden_nums(golden_get(res, "ciFinal"), ci, 2);
        ck_assert_msg(theta_ok(fm, fin.theta, thf), "%s thFinal %.17g vs %.17g", id, fin.theta,
                      thf);
        ck_assert_msg(se_ok(fm, fin.se, sef), "%s seFinal %.17g vs %.17g", id, fin.se, sef);
        ck_assert_msg(ci_ok(fm, fin.ci[0], ci[0], sef) && ci_ok(fm, fin.ci[1], ci[1], sef),
                      "%s ciFinal [%.17g, %.17g] vs [%.17g, %.17g]", id, fin.ci[0], fin.ci[1],
                      ci[0], ci[1]);
        count.finals++;
    }
    cc_cat_end(&s);
    return differ;
}

/* The whole run (cc_random_cat) with the design's fixed responses must be
 * catR's test, item for item, when no fragile step went the other way. */
static void whole_run(json_object *cat, const cc_bank *bank, const cc_cat_design *d)
{
    const char *id = json_object_get_string(golden_get(cat, "id"));
    json_object *res = golden_get(cat, "result");
    int responses[1000], items[512], n, k, n_rules;
    double th[512], se[512];
    cc_stop_rule rules[CC_MAX_STOP_RULES];
    cc_cat_result r;
    cc_cat_error err;

    ck_assert_int_eq(golden_ints(golden_get(cat, "responses"), responses, 1000), bank->n_items);
    n = golden_ints(golden_get(res, "testItems"), items, 512);
    golden_nums(golden_get(res, "thetaProv"), th, 512);
    golden_nums(golden_get(res, "seProv"), se, 512);
    ck_assert_msg(cc_random_cat(bank, d, golden_num(golden_get(cat, "trueTheta")), responses, 7, &r,
                                &err) == CC_CAT_OK,
                  "%s: %s", id, err.message);
    ck_assert_msg(r.n == n, "%s: %d items, catR %d", id, r.n, n);
    ck_assert_int_eq(r.n_start, json_object_get_int(golden_get(cat, "n_start_items")));
    for (k = 0; k < n; k++) {
        ck_assert_msg(r.test_items[k] == items[k] - 1, "%s item %d", id, k + 1);
        ck_assert_int_eq(r.pattern[k], responses[items[k] - 1]);
        ck_assert(theta_ok(d->test.est.method, r.theta_prov[k], th[k]));
        ck_assert(se_ok(d->test.est.method, r.se_prov[k], se[k]));
    }
    ck_assert(theta_ok(d->final.est.method, r.th_final, golden_num(golden_get(res, "thFinal"))));
    n_rules = golden_rules(json_object_object_get(res, "ruleFinal"), rules);
    ck_assert_int_eq(r.n_rules_final, n_rules);
    for (k = 0; k < n_rules; k++)
        ck_assert_int_eq(r.rule_final[k], rules[k]);
    ck_assert_int_eq(r.end_warning, json_object_get_boolean(golden_get(res, "endWarning")));
    count.whole_runs++;
    cc_cat_result_free(&r);
}

START_TEST(golden_random_cat)
{
    json_object *cats = golden_get(golden_load("random_cat.json"), "cats");
    int n = (int)json_object_array_length(cats), c;

    memset(&count, 0, sizeof(count));
    for (c = 0; c < n; c++) {
        json_object *cat = json_object_array_get_idx(cats, (size_t)c);
        int rng_dep = json_object_get_boolean(golden_get(cat, "rng_dependent"));
        cc_bank bank;
        cc_cat_design d;
        int differ;

        ck_assert(json_object_get_boolean(golden_get(cat, "ok")));
        golden_bank(json_object_get_string(golden_get(cat, "bank")), &bank);
        design_from_golden(cat, &d);
        differ = replay(cat, &bank, &d, rng_dep);
        count.fragile_differ += differ;
        if (!rng_dep && differ == 0)
            whole_run(cat, &bank, &d);
        count.cats++;
        count.det_cats += !rng_dep;
        cc_bank_free(&bank);
    }
    ck_assert_int_eq(count.cats, GOLDEN_CATS);
    ck_assert_int_eq(count.det_cats, GOLDEN_DET_CATS);
    ck_assert_int_eq(count.steps, GOLDEN_STEPS);
    ck_assert_int_eq(count.det_steps, GOLDEN_DET_STEPS);
    ck_assert_int_eq(count.selections, GOLDEN_SELECTIONS);
    ck_assert_int_eq(count.fragile_seen, GOLDEN_FRAGILE);
    /* every non-fragile selection reproduced; fragile ones may differ */
    ck_assert_int_eq(count.items_equal + count.fragile_differ, GOLDEN_DET_STEPS);
    ck_assert_int_le(count.fragile_differ, GOLDEN_FRAGILE);
    ck_assert_int_eq(count.theta_cmp, GOLDEN_STEPS);
    ck_assert_int_eq(count.finals, GOLDEN_CATS);
    ck_assert_int_ge(count.whole_runs, GOLDEN_DET_CATS - count.fragile_differ);
    fprintf(stderr,
            "cat/simulate: %d designs, %d steps (%d thetas, %d SEs), %d/%d selections equal, "
            "%d fragile differ, %d whole runs identical\n",
            count.cats, count.steps, count.theta_cmp, count.se_cmp,
            count.selections - count.fragile_differ, count.selections, count.fragile_differ,
            count.whole_runs);
}
END_TEST

/* ---- stopping rules in isolation ---------------------------------------- */

static void stop1(cc_stop_options *s, cc_stop_rule rule, double thr)
{
    memset(s, 0, sizeof(*s));
    s->n_rules = 1;
    s->rule[0] = rule;
    s->thr[0] = thr;
    s->alpha = 0.05;
}

static int stops(const cc_bank *bank, const cc_stop_options *s, double theta, double se, int n,
                 const unsigned char *used)
{
    int stop = -1;
    unsigned met = 99;
    cc_cat_error err;

    ck_assert_int_eq(cc_stop_check(bank, s, 1, theta, se, n, used, &stop, &met, &err), CC_CAT_OK);
    ck_assert_int_eq(stop, met != 0);
    return stop;
}

START_TEST(stop_length)
{
    cc_stop_options s;

    stop1(&s, CC_STOP_LENGTH, 20);
    ck_assert(!stops(NULL, &s, 0, 0.1, 19, NULL));
    ck_assert(stops(NULL, &s, 0, 0.1, 20, NULL));
    ck_assert(stops(NULL, &s, 0, INFINITY, 21, NULL));
}
END_TEST

START_TEST(stop_precision)
{
    cc_stop_options s;

    stop1(&s, CC_STOP_PRECISION, 0.3);
    ck_assert(!stops(NULL, &s, 0, 0.30000001, 5, NULL));
    ck_assert(stops(NULL, &s, 0, 0.3, 5, NULL)); /* SE <= thr */
    ck_assert(stops(NULL, &s, 2, 0.1, 1, NULL));
    ck_assert(!stops(NULL, &s, 0, INFINITY, 5, NULL)); /* constant pattern, fixed/var */
}
END_TEST

START_TEST(stop_classification)
{
    const double z = 1.959963984540054;
    cc_stop_options s;

    stop1(&s, CC_STOP_CLASSIFICATION, 0);
    /* theta - z se >= thr: the interval lies above thr */
    ck_assert(stops(NULL, &s, 0.5, 0.5 / z - 1e-9, 3, NULL));
    ck_assert(!stops(NULL, &s, 0.5, 0.5 / z + 1e-9, 3, NULL));
    /* theta + z se <= thr: below */
    ck_assert(stops(NULL, &s, -0.5, 0.25, 3, NULL));
    ck_assert(!stops(NULL, &s, -0.5, 0.26, 3, NULL));
    ck_assert(!stops(NULL, &s, 0.1, INFINITY, 3, NULL));
    /* alpha 0.32: z about 0.994 */
    s.alpha = 0.32;
    ck_assert(stops(NULL, &s, 0.5, 0.5, 3, NULL));
    s.thr[0] = 1;
    ck_assert(!stops(NULL, &s, 0.5, 0.6, 3, NULL));
    ck_assert(stops(NULL, &s, 0.5, 0.45, 3, NULL));
}
END_TEST

START_TEST(stop_min_info)
{
    /* three 2PL items: at theta = b the information is a^2 / 4 */
    const double par[] = {2, 0, 0, 1, 1, 0, 0, 1, 0.5, 0, 0, 1};
    unsigned char used[3] = {0, 0, 0};
    cc_stop_options s;
    cc_bank bank;
    cc_cat_error err;

    ck_assert_int_eq(cc_bank_init(&bank, CC_MODEL_DICHO, 3, 4, par, &err), CC_CAT_OK);
    stop1(&s, CC_STOP_MININFO, 0.3);
    ck_assert(!stops(&bank, &s, 0, 0.5, 1, used)); /* item 1: 1.0 > 0.3 */
    used[0] = 1;
    ck_assert(stops(&bank, &s, 0, 0.5, 1, used)); /* items 2, 3 left: max 0.25 <= 0.3 */
    s.thr[0] = 0.25;
    ck_assert(stops(&bank, &s, 0, 0.5, 1, used)); /* max 0.25 <= 0.25 */
    s.thr[0] = 0.2;
    ck_assert(!stops(&bank, &s, 0, 0.5, 1, used));
    used[1] = 1;
    ck_assert(stops(&bank, &s, 0, 0.5, 1, used)); /* only item 3 left: 0.0625 */
    /* far from b every item is poor */
    used[0] = used[1] = 0;
    s.thr[0] = 0.02; /* item 3 at theta 6: 0.25 P Q = 0.0113 */
    ck_assert(stops(&bank, &s, 6, 0.5, 1, used));
    s.thr[0] = 0.01;
    ck_assert(!stops(&bank, &s, 6, 0.5, 1, used));
    ck_assert_int_eq(cc_stop_check(NULL, &s, 1, 0, 0.5, 1, NULL, &(int){0}, NULL, &err),
                     CC_CAT_EINVAL);
    cc_bank_free(&bank);
}
END_TEST

START_TEST(stop_combined_and_refused)
{
    cc_stop_options s;
    int stop;
    unsigned met;
    cc_cat_error err;

    memset(&s, 0, sizeof(s));
    s.n_rules = 3;
    s.rule[0] = CC_STOP_PRECISION;
    s.thr[0] = 0.3;
    s.rule[1] = CC_STOP_LENGTH;
    s.thr[1] = 10;
    s.rule[2] = CC_STOP_CLASSIFICATION;
    s.thr[2] = 0;
    s.alpha = 0.05;
    ck_assert_int_eq(cc_stop_check(NULL, &s, 1, 0.1, 0.5, 4, NULL, &stop, &met, &err), CC_CAT_OK);
    ck_assert(!stop);
    ck_assert_uint_eq(met, 0);
    ck_assert_int_eq(cc_stop_check(NULL, &s, 1, 0.1, 0.29, 4, NULL, &stop, &met, &err), CC_CAT_OK);
    ck_assert_uint_eq(met, 1u);
    ck_assert_int_eq(cc_stop_check(NULL, &s, 1, 1.0, 0.29, 12, NULL, &stop, &met, &err), CC_CAT_OK);
    ck_assert_uint_eq(met, 7u); /* all three, in stop-list order */
    ck_assert(stop);
    ck_assert_int_eq(cc_stop_check(NULL, &s, 1, 1.0, 0.6, 10, NULL, &stop, &met, &err), CC_CAT_OK);
    ck_assert_uint_eq(met, 2u);
    /* refusals */
    s.n_rules = 0;
    ck_assert_int_eq(cc_stop_check(NULL, &s, 1, 0, 1, 1, NULL, &stop, &met, &err), CC_CAT_EINVAL);
    s.n_rules = 1;
    s.thr[0] = NAN;
    ck_assert_int_eq(cc_stop_check(NULL, &s, 1, 0, 1, 1, NULL, &stop, &met, &err), CC_CAT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "precision"));
    s.thr[0] = 0.3;
    ck_assert_int_eq(cc_stop_check(NULL, &s, 1, NAN, 1, 1, NULL, &stop, &met, &err), CC_CAT_EINVAL);
    s.rule[0] = CC_STOP_CLASSIFICATION;
    s.alpha = 1.5;
    ck_assert_int_eq(cc_stop_check(NULL, &s, 1, 0, 1, 1, NULL, &stop, &met, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(cc_stop_rule_from_name("minInfo", &s.rule[0], &err), CC_CAT_OK);
    ck_assert_int_eq(s.rule[0], CC_STOP_MININFO);
    ck_assert_int_eq(cc_stop_rule_from_name("SE", &s.rule[0], &err), CC_CAT_EINVAL);
    ck_assert_str_eq(cc_stop_rule_name(CC_STOP_CLASSIFICATION), "classification");
}
END_TEST

START_TEST(normal_quantile)
{
    /* reference values: qnorm() / Python's statistics.NormalDist */
    ck_assert(golden_close(cc_normal_quantile(0.975), 1.959963984540054, 1e-15, 0));
    ck_assert(golden_close(cc_normal_quantile(0.025), -1.959963984540054, 1e-15, 0));
    ck_assert(golden_close(cc_normal_quantile(0.95), 1.6448536269514722, 1e-15, 0));
    ck_assert(golden_close(cc_normal_quantile(0.5), 0, 0, 0));
    ck_assert(golden_close(cc_normal_quantile(1e-10), -6.361340902404056, 1e-13, 0));
    ck_assert(golden_close(cc_normal_quantile(1e-300), -37.0471, 1e-3, 0));
    ck_assert(isinf(cc_normal_quantile(1)) && cc_normal_quantile(1) > 0);
    ck_assert(isnan(cc_normal_quantile(1.5)));
}
END_TEST

/* ---- start rules -------------------------------------------------------- */

START_TEST(start_rules)
{
    cc_bank bank, poly;
    cc_start_options st;
    cc_cat_design d;
    int items[CC_MAX_START], items2[CC_MAX_START], n, n2, k, j;
    double th[CC_MAX_START];
    unsigned char avail[500];
    cc_cat_error err;

    golden_bank("dicho_2PL_500", &bank);
    cc_cat_design_default(&d);
    st = d.start;
    /* MFI at -1, 0, 1: catR's C02 start items 35, 41, 335 */
    st.n_theta = 3;
    st.theta[0] = -1;
    st.theta[1] = 0;
    st.theta[2] = 1;
    ck_assert_int_eq(cc_start_items(&bank, &st, NULL, 1, items, th, &n, &err), CC_CAT_OK);
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(items[0], 34);
    ck_assert_int_eq(items[1], 40);
    ck_assert_int_eq(items[2], 334);
    ck_assert(th[2] == 1);
    /* the same theta twice gives two different items */
    st.theta[1] = -1;
    ck_assert_int_eq(cc_start_items(&bank, &st, NULL, 1, items, th, &n, &err), CC_CAT_OK);
    ck_assert_int_ne(items[0], items[1]);
    /* bOpt: b closest to theta */
    st.n_theta = 1;
    st.theta[0] = 0.7;
    st.select = CC_START_BOPT;
    ck_assert_int_eq(cc_start_items(&bank, &st, NULL, 1, items, th, &n, &err), CC_CAT_OK);
    for (k = 0; k < bank.n_items; k++)
        ck_assert(fabs(cc_bank_row(&bank, k)[1] - 0.7) >=
                  fabs(cc_bank_row(&bank, items[0])[1] - 0.7));
    /* MFI with only some items available */
    memset(avail, 0, sizeof(avail));
    avail[3] = avail[77] = avail[401] = 1;
    st.select = CC_START_MFI;
    ck_assert_int_eq(cc_start_items(&bank, &st, avail, 1, items, th, &n, &err), CC_CAT_OK);
    ck_assert(avail[items[0]]);
    /* fixed items win over everything */
    st.n_fix = 2;
    st.fix_items[0] = 9;
    st.fix_items[1] = 199;
    st.random = 1;
    ck_assert_int_eq(cc_start_items(&bank, &st, NULL, 1, items, th, &n, &err), CC_CAT_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_int_eq(items[1], 199);
    ck_assert(isnan(th[0]));
    /* random: nrItems distinct available items, the same for the same seed */
    st.n_fix = 0;
    st.nr_items = 5;
    st.seed = 3;
    ck_assert_int_eq(cc_start_items(&bank, &st, NULL, 1, items, th, &n, &err), CC_CAT_OK);
    ck_assert_int_eq(cc_start_items(&bank, &st, NULL, 99, items2, NULL, &n2, &err), CC_CAT_OK);
    ck_assert_int_eq(n, 5);
    ck_assert_int_eq(n2, 5);
    for (k = 0; k < 5; k++) {
        ck_assert_int_eq(items[k], items2[k]);
        for (j = 0; j < k; j++)
            ck_assert_int_ne(items[j], items[k]);
    }
    st.seed = 4;
    ck_assert_int_eq(cc_start_items(&bank, &st, NULL, 1, items2, NULL, &n2, &err), CC_CAT_OK);
    ck_assert(memcmp(items, items2, sizeof(int) * 5) != 0);
    st.nr_items = 3;
    ck_assert_int_eq(cc_start_items(&bank, &st, avail, 1, items, NULL, &n, &err), CC_CAT_OK);
    for (k = 0; k < 3; k++)
        ck_assert(avail[items[k]]);
    st.nr_items = 4;
    ck_assert_int_eq(cc_start_items(&bank, &st, avail, 1, items, NULL, &n, &err), CC_CAT_EINVAL);
    /* nrItems = 0: no start item */
    st.random = 0;
    st.nr_items = 0;
    ck_assert_int_eq(cc_start_items(&bank, &st, NULL, 1, items, NULL, &n, &err), CC_CAT_OK);
    ck_assert_int_eq(n, 0);
    /* randomesque: one of the k best, reproducible from random.seed */
    st.nr_items = 1;
    st.theta[0] = 0;
    st.randomesque = 5;
    st.has_random_seed = 1;
    st.random_seed = 11;
    ck_assert_int_eq(cc_start_items(&bank, &st, NULL, 1, items, NULL, &n, &err), CC_CAT_OK);
    ck_assert_int_eq(cc_start_items(&bank, &st, NULL, 2, items2, NULL, &n2, &err), CC_CAT_OK);
    ck_assert_int_eq(items[0], items2[0]);
    {
        double best = cc_item_info(&bank, items[0], 0, 1, NULL, NULL);
        int better = 0;
        for (k = 0; k < bank.n_items; k++)
            better += cc_item_info(&bank, k, 0, 1, NULL, NULL) > best;
        ck_assert_int_lt(better, 5);
    }
    /* bOpt / thOpt are refused for polytomous banks */
    golden_bank("poly_GRM_50", &poly);
    d.start.select = CC_START_THOPT;
    ck_assert_int_eq(cc_cat_design_check(&poly, &d, &err), CC_CAT_EREFUSED);
    ck_assert_ptr_nonnull(strstr(err.message, "thOpt"));
    d.start.select = CC_START_MFI;
    d.test.sel.criterion = CC_CRIT_GDI;
    ck_assert_int_eq(cc_cat_design_check(&poly, &d, &err), CC_CAT_EREFUSED);
    d.test.sel.criterion = CC_CRIT_MFI;
    ck_assert_int_eq(cc_cat_design_check(&poly, &d, &err), CC_CAT_OK);
    d.start.n_fix = 1;
    d.start.fix_items[0] = 50;
    ck_assert_int_eq(cc_cat_design_check(&poly, &d, &err), CC_CAT_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "51"));
    cc_bank_free(&poly);
    cc_bank_free(&bank);
}
END_TEST

/* ---- whole simulations with generated responses ------------------------- */

START_TEST(seeded_simulation_reproducible)
{
    cc_bank bank;
    cc_cat_design d;
    cc_cat_result a, b, c;
    cc_cat_error err;
    int k, same = 1;

    golden_bank("dicho_3PL_500", &bank);
    cc_cat_design_default(&d);
    d.test.sel.randomesque = 3; /* uses the engine's RNG too */
    ck_assert_int_eq(cc_random_cat(&bank, &d, 0.7, NULL, 42, &a, &err), CC_CAT_OK);
    ck_assert_int_eq(cc_random_cat(&bank, &d, 0.7, NULL, 42, &b, &err), CC_CAT_OK);
    ck_assert_int_eq(a.n, 20); /* default stop: length 20 */
    ck_assert_int_eq(b.n, 20);
    ck_assert_int_eq(a.n_rules_final, 1);
    ck_assert_int_eq(a.rule_final[0], CC_STOP_LENGTH);
    ck_assert(!a.end_warning);
    for (k = 0; k < a.n; k++) {
        ck_assert_int_eq(a.test_items[k], b.test_items[k]);
        ck_assert_int_eq(a.pattern[k], b.pattern[k]);
        ck_assert(a.pattern[k] == 0 || a.pattern[k] == 1);
        ck_assert(a.theta_prov[k] == b.theta_prov[k]);
        ck_assert(a.se_prov[k] == b.se_prov[k]);
        ck_assert(isfinite(a.theta_prov[k]) && a.se_prov[k] > 0);
    }
    ck_assert(a.th_final == b.th_final && a.se_final == b.se_final);
    ck_assert(a.ci_final[0] < a.th_final && a.th_final < a.ci_final[1]);
    ck_assert(golden_close(a.ci_final[1] - a.th_final, 1.959963984540054 * a.se_final, 1e-12, 0));
    /* another response seed gives another test */
    ck_assert_int_eq(cc_random_cat(&bank, &d, 0.7, NULL, 43, &c, &err), CC_CAT_OK);
    for (k = 0; k < a.n; k++)
        same &= a.test_items[k] == c.test_items[k] && a.pattern[k] == c.pattern[k];
    ck_assert(!same);
    cc_cat_result_free(&c);
    /* a true theta far up gives mostly correct answers and a high estimate */
    ck_assert_int_eq(cc_random_cat(&bank, &d, 3, NULL, 5, &c, &err), CC_CAT_OK);
    ck_assert(c.th_final > 1.5);
    cc_cat_result_free(&c);
    cc_cat_result_free(&a);
    cc_cat_result_free(&b);
    cc_bank_free(&bank);
}
END_TEST

START_TEST(seeded_polytomous_and_steps)
{
    /* the step-by-step API driven by hand gives the whole run's test */
    cc_bank bank;
    cc_cat_design d;
    cc_cat_result a;
    cc_cat_state s;
    cc_cat_next nx;
    cc_cat_final_result fin;
    cc_rng gen;
    cc_cat_error err;
    int k = 0;

    golden_bank("poly_GPCM_500", &bank);
    cc_cat_design_default(&d);
    d.test.est.method = CC_EST_EAP;
    d.stop.n_rules = 2;
    d.stop.rule[0] = CC_STOP_PRECISION;
    d.stop.thr[0] = 0.3;
    d.stop.rule[1] = CC_STOP_LENGTH;
    d.stop.thr[1] = 30;
    ck_assert_int_eq(cc_random_cat(&bank, &d, -0.4, NULL, 2024, &a, &err), CC_CAT_OK);
    ck_assert_int_gt(a.n, 1);
    ck_assert_int_eq(cc_cat_begin(&s, &bank, &d, &err), CC_CAT_OK);
    cc_rng_seed(&gen, 2024);
    for (;;) {
        int x;
        ck_assert_int_eq(cc_cat_next_item(&s, &nx, &err), CC_CAT_OK);
        if (nx.stop)
            break;
        ck_assert_int_lt(k, a.n);
        ck_assert_int_eq(nx.item, a.test_items[k]);
        x = cc_cat_draw_response(&bank, nx.item, -0.4, 1, &gen);
        ck_assert_int_eq(x, a.pattern[k]);
        ck_assert(x >= 0 && x < bank.n_cat[nx.item]);
        ck_assert_int_eq(cc_cat_answer(&s, nx.item, x, &err), CC_CAT_OK);
        ck_assert(s.theta[k] == a.theta_prov[k]);
        k++;
    }
    ck_assert_int_eq(k, a.n);
    ck_assert_int_eq(cc_cat_final(&s, &fin, &err), CC_CAT_OK);
    ck_assert(fin.theta == a.th_final);
    /* precision reached, or length 30 */
    ck_assert(a.se_prov[a.n - 1] <= 0.3 || a.n == 30);
    ck_assert_int_eq(nx.rules_met & 1u, a.se_prov[a.n - 1] <= 0.3 ? 1u : 0u);
    /* a stopped test keeps saying stop */
    ck_assert_int_eq(cc_cat_next_item(&s, &nx, &err), CC_CAT_OK);
    ck_assert(nx.stop);
    /* refusals: an item given twice, a category the item lacks */
    ck_assert_int_eq(cc_cat_answer(&s, a.test_items[0], 0, &err), CC_CAT_EINVAL);
    ck_assert_int_eq(err.item, a.test_items[0] + 1);
    for (k = 0; k < bank.n_items && bank.n_cat[k] == bank.max_cat; k++)
        ;
    if (k < bank.n_items && !s.used[k])
        ck_assert_int_eq(cc_cat_answer(&s, k, bank.n_cat[k], &err), CC_CAT_EINVAL);
    ck_assert_int_eq(cc_cat_answer(&s, bank.n_items, 0, &err), CC_CAT_EINVAL);
    cc_cat_end(&s);
    cc_cat_result_free(&a);
    cc_bank_free(&bank);
}
END_TEST

START_TEST(bank_exhausted_and_limits)
{
    const double par[] = {1, -1, 0, 1, 1.2, 0, 0, 1, 0.8, 1, 0, 1, 1.5, 0.5, 0, 1};
    const int resp[] = {1, 0, 1, 0};
    cc_bank bank;
    cc_cat_design d;
    cc_cat_result r;
    cc_cat_state s;
    cc_cat_next nx;
    cc_cat_final_result fin;
    cc_cat_error err;

    ck_assert_int_eq(cc_bank_init(&bank, CC_MODEL_DICHO, 4, 4, par, &err), CC_CAT_OK);
    cc_cat_design_default(&d);
    d.stop.rule[0] = CC_STOP_PRECISION;
    d.stop.thr[0] = 0.01; /* never reached with 4 items */
    ck_assert_int_eq(cc_random_cat(&bank, &d, 0, resp, 1, &r, &err), CC_CAT_OK);
    ck_assert_int_eq(r.n, 4);
    ck_assert(r.end_warning);
    ck_assert_int_eq(r.n_rules_final, 0);
    cc_cat_result_free(&r);
    /* min.length holds the stop back; maxItems (beyond catR) ends early */
    d.stop.rule[0] = CC_STOP_LENGTH;
    d.stop.thr[0] = 1;
    d.stop.min_length = 3;
    ck_assert_int_eq(cc_random_cat(&bank, &d, 0, resp, 1, &r, &err), CC_CAT_OK);
    ck_assert_int_eq(r.n, 3);
    ck_assert(!r.end_warning);
    cc_cat_result_free(&r);
    d.stop.min_length = 0;
    d.stop.rule[0] = CC_STOP_PRECISION;
    d.stop.thr[0] = 0.01;
    d.stop.max_items = 2;
    ck_assert_int_eq(cc_random_cat(&bank, &d, 0, resp, 1, &r, &err), CC_CAT_OK);
    ck_assert_int_eq(r.n, 2);
    ck_assert(r.end_warning);
    cc_cat_result_free(&r);
    /* nrItems = 0: the first item is chosen adaptively at start theta */
    d.stop.max_items = 0;
    d.start.nr_items = 0;
    d.start.theta[0] = 0.9;
    ck_assert_int_eq(cc_cat_begin(&s, &bank, &d, &err), CC_CAT_OK);
    ck_assert_int_eq(s.n_start, 0);
    ck_assert_int_eq(cc_cat_final(&s, &fin, &err), CC_CAT_OK);
    ck_assert(fin.theta == 0.9 && isinf(fin.se));
    ck_assert_int_eq(cc_cat_next_item(&s, &nx, &err), CC_CAT_OK);
    ck_assert_int_eq(nx.phase, CC_PHASE_ADAPTIVE);
    ck_assert(nx.theta_used == 0.9);
    ck_assert_int_eq(nx.item, 3); /* a = 1.5, b = 0.5: most informative at 0.9 */
    cc_cat_end(&s);
    /* bad designs */
    d.start.nr_items = 1;
    d.final.alpha = 0;
    ck_assert_int_eq(cc_random_cat(&bank, &d, 0, resp, 1, &r, &err), CC_CAT_EINVAL);
    d.final.alpha = 0.05;
    ck_assert_int_eq(cc_random_cat(&bank, &d, NAN, NULL, 1, &r, &err), CC_CAT_EINVAL);
    d.stop.n_rules = 0;
    ck_assert_int_eq(cc_random_cat(&bank, &d, 0, resp, 1, &r, &err), CC_CAT_EINVAL);
    d.stop.n_rules = 1;
    d.stop.rule[0] = CC_STOP_CLASSIFICATION;
    d.test.sel.criterion = CC_CRIT_PROGRESSIVE;
    ck_assert_int_eq(cc_random_cat(&bank, &d, 0, resp, 1, &r, &err), CC_CAT_EINVAL);
    cc_bank_free(&bank);
}
END_TEST

TCase *tcase_cat_simulate(void)
{
    TCase *tc = cc_test_tcase("cat/simulate");

    tcase_add_test(tc, golden_random_cat);
    tcase_add_test(tc, stop_length);
    tcase_add_test(tc, stop_precision);
    tcase_add_test(tc, stop_classification);
    tcase_add_test(tc, stop_min_info);
    tcase_add_test(tc, stop_combined_and_refused);
    tcase_add_test(tc, normal_quantile);
    tcase_add_test(tc, start_rules);
    tcase_add_test(tc, seeded_simulation_reproducible);
    tcase_add_test(tc, seeded_polytomous_and_steps);
    tcase_add_test(tc, bank_exhausted_and_limits);
    return tc;
}
