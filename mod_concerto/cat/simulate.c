/* Start rules, stopping rules and whole adaptive tests (catR's startItems,
 * checkStopRule, randomCAT). See simulate.h. The formulas follow catR's
 * documentation and Magis & Raiche (2012), Magis & Barrada (2017); the
 * normal quantile is Wichura's algorithm AS 241 (Applied Statistics 37,
 * 1988, 477-484). */
#include "simulate.h"

#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- normal quantile ---------------------------------------------------- */

static double poly7(const double *c, double r)
{
    /* c[0] + c[1] r + ... + c[7] r^7, Horner from the top */
    double v = c[7];
    int i;

    for (i = 6; i >= 0; i--)
        v = v * r + c[i];
    return v;
}

double cc_normal_quantile(double p)
{
    /* AS 241 (PPND16): rational approximations on |p - 0.5| <= 0.425, and in
     * r = sqrt(-log(min(p, 1 - p))) for r <= 5 and r > 5. */
    static const double a[8] = {3.3871328727963666080e0, 1.3314166789178437745e2,
                                1.9715909503065514427e3, 1.3731693765509461125e4,
                                4.5921953931549871457e4, 6.7265770927008700853e4,
                                3.3430575583588128105e4, 2.5090809287301226727e3};
    static const double b[8] = {1.0,
                                4.2313330701600911252e1,
                                6.8718700749205790830e2,
                                5.3941960214247511077e3,
                                2.1213794301586595867e4,
                                3.9307895800092710610e4,
                                2.8729085735721942674e4,
                                5.2264952788528545610e3};
    static const double c[8] = {1.42343711074968357734e0,  4.63033784615654529590e0,
                                5.76949722146069140550e0,  3.64784832476320460504e0,
                                1.27045825245236838258e0,  2.41780725177450611770e-1,
                                2.27238449892691845833e-2, 7.74545014278341407640e-4};
    static const double d[8] = {1.0,
                                2.05319162663775882187e0,
                                1.67638483018380384940e0,
                                6.89767334985100004550e-1,
                                1.48103976427480074590e-1,
                                1.51986665636164571966e-2,
                                5.47593808499534494600e-4,
                                1.05075007164441684324e-9};
    static const double e[8] = {6.65790464350110377720e0,  5.46378491116411436990e0,
                                1.78482653991729133580e0,  2.96560571828504891230e-1,
                                2.65321895265761230930e-2, 1.24266094738807843860e-3,
                                2.71155556874348757815e-5, 2.01033439929228813265e-7};
    static const double f[8] = {1.0,
                                5.99832206555887937690e-1,
                                1.36929880922735805310e-1,
                                1.48753612908506148525e-2,
                                7.86869131145613259100e-4,
                                1.84631831751005468180e-5,
                                1.42151175831644588870e-7,
                                2.04426310338993978564e-15};
    double q = p - 0.5, r, x;

    if (isnan(p) || p < 0 || p > 1)
        return NAN;
    if (p == 0)
        return -INFINITY;
    if (p == 1)
        return INFINITY;
    if (fabs(q) <= 0.425) {
        r = 0.180625 - q * q;
        return q * poly7(a, r) / poly7(b, r);
    }
    r = q < 0 ? p : 1 - p;
    r = sqrt(-log(r));
    if (r <= 5) {
        r -= 1.6;
        x = poly7(c, r) / poly7(d, r);
    } else {
        r -= 5;
        x = poly7(e, r) / poly7(f, r);
    }
    return q < 0 ? -x : x;
}

/* ---- stopping rules ----------------------------------------------------- */

static const char *const stop_names[] = {"length", "precision", "classification", "minInfo"};

const char *cc_stop_rule_name(cc_stop_rule rule)
{
    if ((unsigned)rule < sizeof(stop_names) / sizeof(stop_names[0]))
        return stop_names[rule];
    return "?";
}

cc_cat_status cc_stop_rule_from_name(const char *name, cc_stop_rule *out, cc_cat_error *err)
{
    size_t i;

    for (i = 0; name && i < sizeof(stop_names) / sizeof(stop_names[0]); i++)
        if (!strcmp(name, stop_names[i])) {
            *out = (cc_stop_rule)i;
            return CC_CAT_OK;
        }
    return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                       "unknown stopping rule \"%s\" (use length, precision, classification "
                       "or minInfo)",
                       name ? name : "(null)");
}

static cc_cat_status stop_options_check(const cc_stop_options *stop, cc_cat_error *err)
{
    int i;

    if (stop->n_rules < 1 || stop->n_rules > CC_MAX_STOP_RULES)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "the stop list needs 1 to %d rules, not %d",
                           CC_MAX_STOP_RULES, stop->n_rules);
    for (i = 0; i < stop->n_rules; i++) {
        if ((unsigned)stop->rule[i] > CC_STOP_MININFO)
            return cc_cat_fail(err, CC_CAT_EINVAL, -1, "stopping rule %d is not a known rule",
                               i + 1);
        if (!isfinite(stop->thr[i]))
            return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                               "the threshold of stopping rule %d (%s) must be finite", i + 1,
                               cc_stop_rule_name(stop->rule[i]));
        if (stop->rule[i] == CC_STOP_CLASSIFICATION && !(stop->alpha > 0 && stop->alpha < 1))
            return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                               "stop alpha must lie strictly between 0 and 1 for the "
                               "classification rule");
    }
    if (stop->min_length < 0 || stop->max_items < 0)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "min.length and maxItems must not be negative");
    return CC_CAT_OK;
}

cc_cat_status cc_stop_check(const cc_bank *bank, const cc_stop_options *stop, double D,
                            double theta, double se, int n_given, const unsigned char *used,
                            int *stop_out, unsigned *rules_met, cc_cat_error *err)
{
    unsigned met = 0;
    int i, j;
    cc_cat_status st;

    *stop_out = 0;
    if (rules_met)
        *rules_met = 0;
    if ((st = stop_options_check(stop, err)) != CC_CAT_OK)
        return st;
    if (isnan(theta) || isnan(se))
        return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                           "the stopping rules need a theta and an SE (got NaN)");
    for (i = 0; i < stop->n_rules; i++) {
        double thr = stop->thr[i];
        int hold = 0;

        switch (stop->rule[i]) {
        case CC_STOP_LENGTH:
            hold = n_given >= thr;
            break;
        case CC_STOP_PRECISION:
            hold = se <= thr;
            break;
        case CC_STOP_CLASSIFICATION: {
            double z = cc_normal_quantile(1 - stop->alpha / 2);
            /* with se = Inf neither end can pass thr */
            if (isfinite(se))
                hold = theta - z * se >= thr || theta + z * se <= thr;
            break;
        }
        case CC_STOP_MININFO: {
            double best = -INFINITY;
            int any = 0;

            if (!bank)
                return cc_cat_fail(err, CC_CAT_EINVAL, -1, "the minInfo rule needs the bank");
            for (j = 0; j < bank->n_items; j++) {
                double info;
                if (used && used[j])
                    continue;
                info = cc_item_info(bank, j, theta, D, NULL, NULL);
                if (info > best)
                    best = info;
                any = 1;
            }
            /* no item left: nothing more informative than thr remains */
            hold = !any || best <= thr;
            break;
        }
        }
        if (hold)
            met |= 1u << i;
    }
    *stop_out = met != 0;
    if (rules_met)
        *rules_met = met;
    return CC_CAT_OK;
}

/* ---- design ------------------------------------------------------------- */

void cc_cat_design_default(cc_cat_design *design)
{
    memset(design, 0, sizeof(*design));
    design->start.nr_items = 1;
    design->start.n_theta = 1;
    design->start.theta[0] = 0;
    design->start.D = 1;
    design->start.randomesque = 1;
    design->start.select = CC_START_MFI;
    cc_est_options_default(&design->test.est);
    design->test.sem_type = CC_SEM_CLASSIC;
    design->test.se_ase = 10;
    cc_select_options_default(&design->test.sel);
    design->stop.n_rules = 1;
    design->stop.rule[0] = CC_STOP_LENGTH;
    design->stop.thr[0] = 20;
    design->stop.alpha = 0.05;
    cc_est_options_default(&design->final.est);
    design->final.sem_type = CC_SEM_CLASSIC;
    design->final.alpha = 0.05;
    design->seed = 1;
}

static int is_polytomous(const cc_bank *bank)
{
    return bank->model != CC_MODEL_DICHO;
}

cc_cat_status cc_cat_design_check(const cc_bank *bank, const cc_cat_design *design,
                                  cc_cat_error *err)
{
    const cc_start_options *start = &design->start;
    const cc_test_options *test = &design->test;
    cc_criterion crit = test->sel.criterion;
    cc_cat_status st;
    int i, j;

    if (!bank || bank->n_items < 1)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "the item bank is empty");
    /* start */
    if (start->n_fix < 0 || start->n_fix > CC_MAX_START)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "start: fixItems may hold at most %d items",
                           CC_MAX_START);
    for (i = 0; i < start->n_fix; i++) {
        if (start->fix_items[i] < 0 || start->fix_items[i] >= bank->n_items)
            return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                               "start: fixItems[%d] = %d is not an item of the bank (1..%d)", i + 1,
                               start->fix_items[i] + 1, bank->n_items);
        if (test->sel.available && !test->sel.available[start->fix_items[i]])
            return cc_cat_fail(err, CC_CAT_EINVAL, start->fix_items[i],
                               "start: fixed item %d is not available", start->fix_items[i] + 1);
        for (j = 0; j < i; j++)
            if (start->fix_items[j] == start->fix_items[i])
                return cc_cat_fail(err, CC_CAT_EINVAL, start->fix_items[i],
                                   "start: item %d is listed twice in fixItems",
                                   start->fix_items[i] + 1);
    }
    if (start->nr_items < 0 || start->nr_items > CC_MAX_START)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "start: nrItems must lie in 0..%d",
                           CC_MAX_START);
    if (start->n_theta < 0 || start->n_theta > CC_MAX_START)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "start: theta may hold at most %d values",
                           CC_MAX_START);
    if (start->n_fix == 0 && !start->random && start->nr_items > 0 && start->n_theta < 1)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                           "start: give at least one starting theta (or nrItems = 0)");
    for (i = 0; i < (start->n_theta > 0 ? start->n_theta : 1); i++)
        if (!isfinite(start->theta[i]))
            return cc_cat_fail(err, CC_CAT_EINVAL, -1, "start: theta[%d] must be finite", i + 1);
    if (!isfinite(start->D) || start->D <= 0)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "start: D must be a positive number");
    if (start->randomesque < 1)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "start: randomesque must be at least 1");
    if ((unsigned)start->select > CC_START_RANDOM)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "start: unknown startSelect");
    if (is_polytomous(bank) && start->n_fix == 0 && !start->random && start->nr_items > 0 &&
        (start->select == CC_START_BOPT || start->select == CC_START_THOPT))
        return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                           "start: startSelect \"%s\" is for dichotomous items only; use MFI",
                           start->select == CC_START_BOPT ? "bOpt" : "thOpt");
    /* test and final */
    if ((st = cc_est_options_check(&test->est, err)) != CC_CAT_OK)
        return st;
    if ((st = cc_est_options_check(&design->final.est, err)) != CC_CAT_OK)
        return st;
    if (is_polytomous(bank) && (crit == CC_CRIT_BOPT || crit == CC_CRIT_THOPT ||
                                crit == CC_CRIT_GDI || crit == CC_CRIT_GDIP))
        return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                           "test: itemSelect \"%s\" is for dichotomous items only",
                           cc_criterion_name(crit));
    if (test->sel.randomesque < 1)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "test: randomesque must be at least 1");
    if (test->se_ase < 0)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "test: se.ase must not be negative");
    if (!(design->final.alpha > 0 && design->final.alpha < 1))
        return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                           "final: alpha must lie strictly between 0 and 1");
    /* stop */
    if ((st = stop_options_check(&design->stop, err)) != CC_CAT_OK)
        return st;
    for (i = 0; i < design->stop.n_rules; i++)
        if (design->stop.rule[i] == CC_STOP_CLASSIFICATION &&
            (crit == CC_CRIT_PROGRESSIVE || crit == CC_CRIT_PROPORTIONAL))
            return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                               "stop: the classification rule cannot be used with %s "
                               "selection (as in catR)",
                               cc_criterion_name(crit));
    return CC_CAT_OK;
}

/* ---- start items -------------------------------------------------------- */

static cc_criterion start_criterion(cc_start_select s)
{
    switch (s) {
    case CC_START_BOPT:
        return CC_CRIT_BOPT;
    case CC_START_THOPT:
        return CC_CRIT_THOPT;
    case CC_START_PROGRESSIVE:
        return CC_CRIT_PROGRESSIVE;
    case CC_START_PROPORTIONAL:
        return CC_CRIT_PROPORTIONAL;
    case CC_START_RANDOM:
        return CC_CRIT_RANDOM;
    case CC_START_MFI:
    default:
        return CC_CRIT_MFI;
    }
}

/* Draws n distinct available items uniformly (one uniform per item). */
static cc_cat_status draw_random_items(const cc_bank *bank, const unsigned char *available, int n,
                                       cc_rng *rng, int *items, cc_cat_error *err)
{
    int k, j, left = 0;

    for (j = 0; j < bank->n_items; j++)
        left += !available || available[j];
    if (n > left)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                           "start: %d random start items asked but only %d items are available", n,
                           left);
    for (k = 0; k < n; k++, left--) {
        int pick = (int)(cc_rng_uniform(rng) * left), seen = -1, m;
        if (pick >= left)
            pick = left - 1;
        for (j = 0; j < bank->n_items; j++) {
            if (available && !available[j])
                continue;
            for (m = 0; m < k && items[m] != j; m++)
                ;
            if (m < k)
                continue;
            if (++seen == pick)
                break;
        }
        items[k] = j;
    }
    return CC_CAT_OK;
}

cc_cat_status cc_start_items(const cc_bank *bank, const cc_start_options *start,
                             const unsigned char *available, uint64_t fallback_seed, int *items,
                             double *thetas, int *n, cc_cat_error *err)
{
    cc_rng rng;
    int k, count;
    int x[CC_MAX_START];
    cc_cat_status st;

    *n = 0;
    if (start->n_fix > 0) {
        for (k = 0; k < start->n_fix; k++) {
            items[k] = start->fix_items[k];
            if (thetas)
                thetas[k] = NAN;
        }
        *n = start->n_fix;
        return CC_CAT_OK;
    }
    if (start->nr_items == 0)
        return CC_CAT_OK;
    if (start->random) {
        cc_rng_seed(&rng, start->seed);
        st = draw_random_items(bank, available, start->nr_items, &rng, items, err);
        if (st != CC_CAT_OK)
            return st;
        for (k = 0; thetas && k < start->nr_items; k++)
            thetas[k] = NAN;
        *n = start->nr_items;
        return CC_CAT_OK;
    }
    cc_rng_seed(&rng, start->has_random_seed ? start->random_seed : fallback_seed);
    count = start->n_theta;
    if (start->select == CC_START_PROGRESSIVE || start->select == CC_START_PROPORTIONAL ||
        start->select == CC_START_RANDOM)
        count = count > 0 ? 1 : 0;
    for (k = 0; k < count; k++) {
        cc_est_options est;
        cc_select_options sel;
        cc_select_result res;

        cc_est_options_default(&est);
        est.D = start->D;
        cc_select_options_default(&sel);
        sel.criterion = start_criterion(start->select);
        sel.randomesque = start->randomesque;
        sel.available = available;
        x[k] = CC_MISSING;
        st = cc_next_item(bank, items, x, k, start->theta[k], &est, &sel, cc_rng_uniform_fn, &rng,
                          NULL, NULL, &res, err);
        if (st == CC_CAT_ENOITEM)
            return cc_cat_fail(err, CC_CAT_ENOITEM, -1,
                               "start: no item left for starting theta %d (of %d)", k + 1, count);
        if (st != CC_CAT_OK)
            return st;
        items[k] = res.item;
        if (thetas)
            thetas[k] = start->theta[k];
    }
    *n = count;
    return CC_CAT_OK;
}

/* ---- one step at a time ------------------------------------------------- */

void cc_cat_end(cc_cat_state *state)
{
    free(state->items);
    free(state->x);
    free(state->theta);
    free(state->se);
    free(state->used);
    free(state->work);
    memset(state, 0, sizeof(*state));
}

cc_cat_status cc_cat_begin(cc_cat_state *state, const cc_bank *bank, const cc_cat_design *design,
                           cc_cat_error *err)
{
    const unsigned char *avail = design->test.sel.available;
    size_t n_items;
    cc_cat_status st;
    int i;

    memset(state, 0, sizeof(*state));
    if ((st = cc_cat_design_check(bank, design, err)) != CC_CAT_OK)
        return st;
    n_items = (size_t)bank->n_items;
    state->bank = bank;
    state->design = design;
    state->items = malloc(n_items * sizeof(int));
    state->x = malloc(n_items * sizeof(int));
    state->theta = malloc(n_items * sizeof(double));
    state->se = malloc(n_items * sizeof(double));
    state->used = calloc(n_items, 1);
    state->work = malloc(cc_select_work_size(bank) + sizeof(double));
    if (!state->items || !state->x || !state->theta || !state->se || !state->used || !state->work) {
        cc_cat_end(state);
        cc_cat_fail(err, CC_CAT_ENOMEM, -1, "out of memory for a test of %d items", bank->n_items);
        return CC_CAT_ENOMEM;
    }
    for (i = 0; avail && i < bank->n_items; i++)
        state->used[i] = !avail[i];
    state->b_range[0] = state->b_range[1] = 0;
    if (bank->model == CC_MODEL_DICHO) {
        state->b_range[0] = INFINITY;
        state->b_range[1] = -INFINITY;
        for (i = 0; i < bank->n_items; i++) {
            double b = cc_bank_row(bank, i)[1];
            if (b < state->b_range[0])
                state->b_range[0] = b;
            if (b > state->b_range[1])
                state->b_range[1] = b;
        }
    }
    state->theta_now = design->start.theta[0];
    state->se_now = INFINITY;
    cc_rng_seed(&state->rng,
                design->test.has_random_seed ? design->test.random_seed : design->seed);
    st = cc_start_items(bank, &design->start, avail, design->seed ^ 0x5374617274ULL,
                        state->start_items, NULL, &state->n_start, err);
    if (st != CC_CAT_OK) {
        cc_cat_end(state);
        return st;
    }
    return CC_CAT_OK;
}

static int items_left(const cc_cat_state *state)
{
    int i, left = 0;

    for (i = 0; i < state->bank->n_items; i++)
        left += !state->used[i];
    return left;
}

cc_cat_status cc_cat_next_item(cc_cat_state *state, cc_cat_next *next, cc_cat_error *err)
{
    const cc_cat_design *d = state->design;
    cc_select_options sel;
    cc_select_result res;
    cc_est_options est;
    cc_cat_status st;

    next->stop = 0;
    next->item = -1;
    next->phase = state->n < state->n_start ? CC_PHASE_START : CC_PHASE_ADAPTIVE;
    next->theta_used = NAN;
    next->criterion = NAN;
    next->rules_met = 0;
    next->end_warning = 0;
    if (state->finished) {
        next->stop = 1;
        next->rules_met = state->rules_met;
        next->end_warning = state->end_warning;
        return CC_CAT_OK;
    }
    if (state->n < state->n_start) {
        int item = state->start_items[state->n];
        if (!state->used[item]) {
            next->item = item;
            if (!d->start.n_fix && !d->start.random && state->n < d->start.n_theta)
                next->theta_used = d->start.theta[state->n];
            return CC_CAT_OK;
        }
        /* a start item given out of turn: go on adaptively */
    }
    /* the stopping rules, once the start items are in */
    if (state->n > 0 && state->n >= d->stop.min_length) {
        int stop = 0;
        unsigned met = 0;
        st = cc_stop_check(state->bank, &d->stop, d->test.est.D, state->theta_now, state->se_now,
                           state->n, state->used, &stop, &met, err);
        if (st != CC_CAT_OK)
            return st;
        if (stop) {
            state->finished = 1;
            state->rules_met = met;
            state->end_warning = 0;
            next->stop = 1;
            next->rules_met = met;
            return CC_CAT_OK;
        }
    }
    if ((d->stop.max_items > 0 && state->n >= d->stop.max_items) || items_left(state) == 0) {
        state->finished = 1;
        state->rules_met = 0;
        state->end_warning = 1;
        next->stop = 1;
        next->end_warning = 1;
        return CC_CAT_OK;
    }
    est = d->test.est;
    est.current_theta = state->theta_now;
    est.b_range[0] = state->b_range[0];
    est.b_range[1] = state->b_range[1];
    if (is_polytomous(state->bank))
        est.constant_patt = CC_CONST_NONE;
    sel = d->test.sel;
    sel.seth = state->se_now;
    st = cc_next_item(state->bank, state->items, state->x, state->n, state->theta_now, &est, &sel,
                      cc_rng_uniform_fn, &state->rng, NULL, state->work, &res, err);
    if (st == CC_CAT_ENOITEM) {
        state->finished = 1;
        state->end_warning = 1;
        next->stop = 1;
        next->end_warning = 1;
        return CC_CAT_OK;
    }
    if (st != CC_CAT_OK)
        return st;
    next->phase = CC_PHASE_ADAPTIVE;
    next->item = res.item;
    next->theta_used = state->theta_now;
    next->criterion = res.info;
    return CC_CAT_OK;
}

/* Estimation options of a step: constantPatt gets the previous theta as
 * current.th and the bank's b range (dichotomous only, as in catR). */
static void step_options(const cc_cat_state *state, const cc_est_options *base, cc_est_options *est)
{
    *est = *base;
    est->current_theta = state->theta_now;
    est->b_range[0] = state->b_range[0];
    est->b_range[1] = state->b_range[1];
    if (is_polytomous(state->bank))
        est->constant_patt = CC_CONST_NONE;
}

static cc_cat_status estimate(const cc_cat_state *state, const cc_est_options *est,
                              cc_sem_type sem_type, int exact, double *theta, double *se,
                              cc_cat_error *err)
{
    cc_cat_status st;

    st = cc_theta_est(state->bank, state->items, state->x, state->n, est, theta, err);
    if (st != CC_CAT_OK)
        return st;
    exact = exact && state->bank->model == CC_MODEL_DICHO && state->n <= state->design->test.se_ase;
    return cc_sem_theta(state->bank, state->items, state->x, state->n, *theta, est, sem_type, exact,
                        se, err);
}

cc_cat_status cc_cat_answer(cc_cat_state *state, int item, int x, cc_cat_error *err)
{
    const cc_cat_design *d = state->design;
    cc_est_options est;
    double theta, se;
    cc_cat_status st;

    if (item < 0 || item >= state->bank->n_items)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "item %d is not in the bank (1..%d)", item + 1,
                           state->bank->n_items);
    if (state->used[item])
        return cc_cat_fail(err, CC_CAT_EINVAL, item,
                           "item %d was already given or is not available", item + 1);
    if ((st = cc_check_responses(state->bank, &item, &x, 1, err)) != CC_CAT_OK)
        return st;
    step_options(state, &d->test.est, &est);
    state->items[state->n] = item;
    state->x[state->n] = x;
    state->n++;
    st = estimate(state, &est, d->test.sem_type, d->test.sem_exact, &theta, &se, err);
    if (st != CC_CAT_OK) {
        state->n--;
        return st;
    }
    state->used[item] = 1;
    state->theta[state->n - 1] = theta;
    state->se[state->n - 1] = se;
    state->theta_now = theta;
    state->se_now = se;
    state->finished = 0;
    return CC_CAT_OK;
}

cc_cat_status cc_cat_final(const cc_cat_state *state, cc_cat_final_result *out, cc_cat_error *err)
{
    const cc_cat_design *d = state->design;
    cc_est_options est;
    cc_cat_status st;
    double z;

    if (state->n == 0) {
        out->theta = state->theta_now;
        out->se = INFINITY;
        out->ci[0] = -INFINITY;
        out->ci[1] = INFINITY;
        return CC_CAT_OK;
    }
    /* the final list has no constantPatt in catR */
    step_options(state, &d->final.est, &est);
    st = estimate(state, &est, d->final.sem_type, d->final.sem_exact, &out->theta, &out->se, err);
    if (st != CC_CAT_OK)
        return st;
    z = cc_normal_quantile(1 - d->final.alpha / 2);
    if (isfinite(out->se)) {
        out->ci[0] = out->theta - z * out->se;
        out->ci[1] = out->theta + z * out->se;
    } else {
        out->ci[0] = -INFINITY;
        out->ci[1] = INFINITY;
    }
    return CC_CAT_OK;
}

/* ---- whole simulated test ----------------------------------------------- */

int cc_cat_draw_response(const cc_bank *bank, int item, double theta, double D, cc_rng *rng)
{
    double P[CC_MAX_CAT], u = cc_rng_uniform(rng), cum = 0;
    int k, n = bank->n_cat[item];

    cc_item_probs(bank, item, theta, D, P, NULL, NULL, NULL);
    if (bank->model == CC_MODEL_DICHO)
        return u < P[1];
    for (k = 0; k < n - 1; k++) {
        cum += P[k];
        if (u < cum)
            return k;
    }
    return n - 1;
}

void cc_cat_result_free(cc_cat_result *result)
{
    free(result->test_items);
    free(result->pattern);
    free(result->theta_prov);
    free(result->se_prov);
    memset(result, 0, sizeof(*result));
}

cc_cat_status cc_random_cat(const cc_bank *bank, const cc_cat_design *design, double true_theta,
                            const int *responses, uint64_t gen_seed, cc_cat_result *result,
                            cc_cat_error *err)
{
    cc_cat_state state;
    cc_cat_next next;
    cc_cat_final_result fin;
    cc_rng gen;
    cc_cat_status st;
    size_t bytes;
    int i;

    memset(result, 0, sizeof(*result));
    if (!responses && !isfinite(true_theta))
        return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                           "trueTheta must be a finite number when responses are generated");
    if ((st = cc_cat_begin(&state, bank, design, err)) != CC_CAT_OK)
        return st;
    cc_rng_seed(&gen, gen_seed);
    for (;;) {
        int x;
        if ((st = cc_cat_next_item(&state, &next, err)) != CC_CAT_OK)
            goto fail;
        if (next.stop)
            break;
        x = responses ? responses[next.item]
                      : cc_cat_draw_response(bank, next.item, true_theta, design->test.est.D, &gen);
        if ((st = cc_cat_answer(&state, next.item, x, err)) != CC_CAT_OK)
            goto fail;
    }
    if ((st = cc_cat_final(&state, &fin, err)) != CC_CAT_OK)
        goto fail;
    bytes = (size_t)(state.n > 0 ? state.n : 1);
    result->test_items = malloc(bytes * sizeof(int));
    result->pattern = malloc(bytes * sizeof(int));
    result->theta_prov = malloc(bytes * sizeof(double));
    result->se_prov = malloc(bytes * sizeof(double));
    if (!result->test_items || !result->pattern || !result->theta_prov || !result->se_prov) {
        cc_cat_result_free(result);
        st = cc_cat_fail(err, CC_CAT_ENOMEM, -1, "out of memory for the test's result");
        goto fail;
    }
    result->n = state.n;
    result->n_start = state.n_start < state.n ? state.n_start : state.n;
    for (i = 0; i < state.n; i++) {
        result->test_items[i] = state.items[i];
        result->pattern[i] = state.x[i];
        result->theta_prov[i] = state.theta[i];
        result->se_prov[i] = state.se[i];
    }
    result->th_final = fin.theta;
    result->se_final = fin.se;
    result->ci_final[0] = fin.ci[0];
    result->ci_final[1] = fin.ci[1];
    for (i = 0; i < design->stop.n_rules; i++)
        if (state.rules_met & (1u << i))
            result->rule_final[result->n_rules_final++] = design->stop.rule[i];
    result->end_warning = state.end_warning;
    cc_cat_end(&state);
    return CC_CAT_OK;
fail:
    cc_cat_end(&state);
    return st;
}
