/* .Call entry points of the R package: catR-compatible functions on the
 * project's C engine (mod_concerto/cat, copied into this directory by
 * `make r-package`). Arguments are checked and put in the engine's order
 * by the R functions (R/cat.R); here they are converted and passed on.
 * Memory is either R's (R_alloc, freed after the call) or the bank's,
 * which is freed before any Rf_error. */
#include "bank.h"
#include "estimate.h"
#include "model.h"
#include "select.h"
#include "simulate.h"

#include <R.h>
#include <R_ext/Rdynload.h>
#include <Rinternals.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* The bank of an R matrix (column-major, NA allowed) and a model name
 * ("" for dichotomous). Errors go back to R with the engine's message. */
static void bank_from_r(SEXP par, SEXP model, cc_bank *bank)
{
    cc_cat_error err;
    cc_model m;
    SEXP dim = Rf_getAttrib(par, R_DimSymbol);
    int rows, cols, i, j;
    double *row_major;
    const double *src;

    if (!Rf_isReal(par) || Rf_length(dim) != 2)
        Rf_error("the item parameters must be a numeric matrix");
    rows = INTEGER(dim)[0];
    cols = INTEGER(dim)[1];
    if (rows < 1)
        Rf_error("the item bank is empty: at least one item is needed");
    memset(&err, 0, sizeof(err));
    if (cc_model_from_name(CHAR(STRING_ELT(model, 0)), &m, &err) != CC_CAT_OK)
        Rf_error("%s", err.message);
    src = REAL(par);
    row_major = (double *)R_alloc((size_t)rows * (size_t)cols, sizeof(double));
    for (i = 0; i < rows; i++)
        for (j = 0; j < cols; j++)
            row_major[(size_t)i * (size_t)cols + (size_t)j] =
                src[(size_t)j * (size_t)rows + (size_t)i];
    if (cc_bank_init(bank, m, rows, cols, row_major, &err) != CC_CAT_OK)
        Rf_error("%s", err.message);
}

/* Responses as the engine's ints: NA becomes CC_MISSING. */
static int *responses_from_r(SEXP x)
{
    int n = Rf_length(x), k;
    int *out = (int *)R_alloc((size_t)(n > 0 ? n : 1), sizeof(int));
    const double *v = REAL(x);

    for (k = 0; k < n; k++)
        out[k] = ISNAN(v[k]) ? CC_MISSING : (int)v[k];
    return out;
}

static int *seq_items(int n)
{
    int *items = (int *)R_alloc((size_t)(n > 0 ? n : 1), sizeof(int));
    int k;

    for (k = 0; k < n; k++)
        items[k] = k;
    return items;
}

/* The estimation options from the numeric vector R/cat.R builds (the
 * order of est_vector() there). */
static void est_from_r(SEXP est, cc_est_options *opt)
{
    const double *v = REAL(est);

    if (Rf_length(est) != 16)
        Rf_error("internal error: estimation options of length %d", Rf_length(est));
    cc_est_options_default(opt);
    opt->method = (cc_est_method)(int)v[0];
    opt->prior = (cc_prior_dist)(int)v[1];
    opt->prior_par[0] = v[2];
    opt->prior_par[1] = v[3];
    opt->D = v[4];
    opt->range[0] = v[5];
    opt->range[1] = v[6];
    opt->quad[0] = v[7];
    opt->quad[1] = v[8];
    opt->quad_points = (int)v[9];
    opt->weight = (cc_rob_weight)(int)v[10];
    opt->tuning = v[11];
    opt->constant_patt = (cc_constant_patt)(int)v[12];
    opt->current_theta = v[13];
    opt->b_range[0] = v[14];
    opt->b_range[1] = v[15];
}

static void fail_with_bank(cc_bank *bank, const char *fn, const cc_cat_error *err)
{
    char msg[300];

    snprintf(msg, sizeof(msg), "%s: %s", fn, err->message[0] ? err->message : "the engine refused");
    cc_bank_free(bank);
    Rf_error("%s", msg);
}

/* Pi: list of four n_items x max_cat matrices (P, dP, d2P, d3P), NA for
 * categories an item does not have. */
static SEXP c_pi(SEXP th, SEXP par, SEXP model, SEXP D)
{
    cc_bank bank;
    SEXP out, m[4];
    double P[CC_MAX_CAT], d1[CC_MAX_CAT], d2[CC_MAX_CAT], d3[CC_MAX_CAT];
    double *vals[4] = {P, d1, d2, d3};
    int i, k, q, n, mc;

    bank_from_r(par, model, &bank);
    n = bank.n_items;
    mc = bank.max_cat;
    out = PROTECT(Rf_allocVector(VECSXP, 4));
    for (q = 0; q < 4; q++) {
        m[q] = Rf_allocMatrix(REALSXP, n, mc);
        SET_VECTOR_ELT(out, q, m[q]);
    }
    for (i = 0; i < n; i++) {
        cc_item_probs(&bank, i, Rf_asReal(th), Rf_asReal(D), P, d1, d2, d3);
        for (q = 0; q < 4; q++)
            for (k = 0; k < mc; k++)
                REAL(m[q])
        [(size_t)k * (size_t)n + (size_t) i] = k < bank.n_cat[i] ? vals[q][k] : NA_REAL;
    }
    cc_bank_free(&bank);
    UNPROTECT(1);
    return out;
}

/* Ii: list(Ii, dIi, d2Ii). */
static SEXP c_ii(SEXP th, SEXP par, SEXP model, SEXP D)
{
    cc_bank bank;
    SEXP out, I, dI, d2I;
    int i;

    bank_from_r(par, model, &bank);
    out = PROTECT(Rf_allocVector(VECSXP, 3));
    I = Rf_allocVector(REALSXP, bank.n_items);
    SET_VECTOR_ELT(out, 0, I);
    dI = Rf_allocVector(REALSXP, bank.n_items);
    SET_VECTOR_ELT(out, 1, dI);
    d2I = Rf_allocVector(REALSXP, bank.n_items);
    SET_VECTOR_ELT(out, 2, d2I);
    for (i = 0; i < bank.n_items; i++)
        REAL(I)
    [i] = cc_item_info(&bank, i, Rf_asReal(th), Rf_asReal(D), REAL(dI) + i, REAL(d2I) + i);
    cc_bank_free(&bank);
    UNPROTECT(1);
    return out;
}

/* Ji: list(Ji, dJi), Warm's correction term and its derivative. */
static SEXP c_ji(SEXP th, SEXP par, SEXP model, SEXP D)
{
    cc_bank bank;
    SEXP out, J, dJ;
    int i;

    bank_from_r(par, model, &bank);
    out = PROTECT(Rf_allocVector(VECSXP, 2));
    J = Rf_allocVector(REALSXP, bank.n_items);
    SET_VECTOR_ELT(out, 0, J);
    dJ = Rf_allocVector(REALSXP, bank.n_items);
    SET_VECTOR_ELT(out, 1, dJ);
    for (i = 0; i < bank.n_items; i++)
        REAL(J)[i] = cc_item_ji(&bank, i, Rf_asReal(th), Rf_asReal(D), REAL(dJ) + i);
    cc_bank_free(&bank);
    UNPROTECT(1);
    return out;
}

/* OIi: observed information of each item for its response. */
static SEXP c_oii(SEXP th, SEXP par, SEXP x, SEXP model, SEXP D)
{
    cc_bank bank;
    cc_cat_error err;
    SEXP out;
    int *resp, *items, i;

    bank_from_r(par, model, &bank);
    resp = responses_from_r(x);
    items = seq_items(bank.n_items);
    if (Rf_length(x) != bank.n_items) {
        int n_items = bank.n_items;

        cc_bank_free(&bank);
        Rf_error("OIi: x has %d values but 'it' has %d items (one response per item)", Rf_length(x),
                 n_items);
    }
    memset(&err, 0, sizeof(err));
    if (cc_check_responses(&bank, items, resp, bank.n_items, &err) != CC_CAT_OK)
        fail_with_bank(&bank, "OIi", &err);
    out = PROTECT(Rf_allocVector(REALSXP, bank.n_items));
    for (i = 0; i < bank.n_items; i++)
        REAL(out)
    [i] = resp[i] == CC_MISSING
              ? NA_REAL
              : cc_item_observed_info(&bank, i, Rf_asReal(th), Rf_asReal(D), resp[i]);
    cc_bank_free(&bank);
    UNPROTECT(1);
    return out;
}

/* Checked responses and options shared by thetaEst and semTheta. */
static int *checked_responses(cc_bank *bank, SEXP x, const char *fn)
{
    cc_cat_error err;
    int *resp = responses_from_r(x);

    if (Rf_length(x) != bank->n_items) {
        int n_items = bank->n_items;

        cc_bank_free(bank);
        Rf_error("%s: x has %d values but 'it' has %d items (one response per item)", fn,
                 Rf_length(x), n_items);
    }
    memset(&err, 0, sizeof(err));
    if (cc_check_responses(bank, seq_items(bank->n_items), resp, bank->n_items, &err) != CC_CAT_OK)
        fail_with_bank(bank, fn, &err);
    return resp;
}

static void checked_options(cc_bank *bank, SEXP est, cc_est_options *opt, const char *fn)
{
    cc_cat_error err;

    est_from_r(est, opt);
    memset(&err, 0, sizeof(err));
    if (cc_est_options_check(opt, &err) != CC_CAT_OK)
        fail_with_bank(bank, fn, &err);
}

static SEXP c_theta_est(SEXP par, SEXP x, SEXP model, SEXP est)
{
    cc_bank bank;
    cc_est_options opt;
    cc_cat_error err;
    double theta = 0;
    int *resp;

    bank_from_r(par, model, &bank);
    resp = checked_responses(&bank, x, "thetaEst");
    checked_options(&bank, est, &opt, "thetaEst");
    memset(&err, 0, sizeof(err));
    if (cc_theta_est(&bank, seq_items(bank.n_items), resp, bank.n_items, &opt, &theta, &err) !=
        CC_CAT_OK)
        fail_with_bank(&bank, "thetaEst", &err);
    cc_bank_free(&bank);
    return Rf_ScalarReal(theta);
}

/* sem: c(sem.type (0 classic, 1 new), sem.exact (0/1)). */
static SEXP c_sem_theta(SEXP th, SEXP par, SEXP x, SEXP model, SEXP est, SEXP sem)
{
    cc_bank bank;
    cc_est_options opt;
    cc_cat_error err;
    double se = 0;
    int *resp;

    bank_from_r(par, model, &bank);
    resp = checked_responses(&bank, x, "semTheta");
    checked_options(&bank, est, &opt, "semTheta");
    memset(&err, 0, sizeof(err));
    if (cc_sem_theta(&bank, seq_items(bank.n_items), resp, bank.n_items, Rf_asReal(th), &opt,
                     (cc_sem_type)(int)REAL(sem)[0], (int)REAL(sem)[1], &se, &err) != CC_CAT_OK)
        fail_with_bank(&bank, "semTheta", &err);
    cc_bank_free(&bank);
    return Rf_ScalarReal(se);
}

/* The random criteria draw from R's generator, so that set.seed() replays
 * them (GetRNGstate/PutRNGstate around the call). */
static double r_uniform(void *baton)
{
    (void)baton;
    return unif_rand();
}

/* sel: c(criterion, infoType, randomesque, rule, thr, SETH, AP, maxItems)
 * with the enums' codes; out: 0-based administered items; avail: NULL or
 * 0/1 per item; groups: NULL or list(props, 0-based group of each item).
 * Returns c(item (1-based), info, weight). */
static SEXP c_next_item(SEXP par, SEXP model, SEXP theta, SEXP out, SEXP x, SEXP est, SEXP sel,
                        SEXP avail, SEXP groups)
{
    cc_bank bank;
    cc_est_options opt;
    cc_select_options so;
    cc_select_result res;
    cc_cat_error err;
    cc_cat_status st;
    const double *s = REAL(sel);
    unsigned char *av = NULL;
    int *items, *resp, *item_group = NULL, n = Rf_length(out), k;
    SEXP ans;

    bank_from_r(par, model, &bank);
    checked_options(&bank, est, &opt, "nextItem");
    items = (int *)R_alloc((size_t)(n > 0 ? n : 1), sizeof(int));
    for (k = 0; k < n; k++)
        items[k] = INTEGER(out)[k];
    resp = responses_from_r(x);
    memset(&err, 0, sizeof(err));
    if (n > 0 && cc_check_responses(&bank, items, resp, n, &err) != CC_CAT_OK)
        fail_with_bank(&bank, "nextItem", &err);
    cc_select_options_default(&so);
    so.criterion = (cc_criterion)(int)s[0];
    so.info_type = (cc_info_type)(int)s[1];
    so.randomesque = (int)s[2];
    so.rule = (cc_pro_rule)(int)s[3];
    so.thr = s[4];
    so.seth = s[5];
    so.ap = s[6];
    so.max_items = (int)s[7];
    if (!Rf_isNull(avail)) {
        av = (unsigned char *)R_alloc((size_t)bank.n_items, 1);
        for (k = 0; k < bank.n_items; k++)
            av[k] = INTEGER(avail)[k] != 0;
        so.available = av;
    }
    if (!Rf_isNull(groups)) {
        SEXP props = VECTOR_ELT(groups, 0), which = VECTOR_ELT(groups, 1);
        item_group = INTEGER(which);
        so.n_groups = Rf_length(props);
        so.group_props = REAL(props);
        so.item_group = item_group;
    }
    GetRNGstate();
    st = cc_next_item(&bank, items, resp, n, Rf_asReal(theta), &opt, &so, r_uniform, NULL, NULL,
                      NULL, &res, &err);
    PutRNGstate();
    if (st != CC_CAT_OK)
        fail_with_bank(&bank, "nextItem", &err);
    ans = PROTECT(Rf_allocVector(REALSXP, 3));
    REAL(ans)[0] = res.item + 1;
    REAL(ans)[1] = isnan(res.info) ? NA_REAL : res.info;
    REAL(ans)[2] = res.weight;
    cc_bank_free(&bank);
    UNPROTECT(1);
    return ans;
}

/* ---- randomCAT ---------------------------------------------------------- */

/* A 64-bit seed from R's generator (inside GetRNGstate/PutRNGstate), so
 * that set.seed() before randomCAT replays every choice no seed was given
 * for. */
static uint64_t r_seed(void)
{
    uint64_t hi = (uint64_t)(unif_rand() * 4294967296.0);
    uint64_t lo = (uint64_t)(unif_rand() * 4294967296.0);

    return (hi << 32) ^ lo;
}

/* A seed given from R (a whole number, possibly negative), or one drawn
 * from R's generator when it is NA. */
static uint64_t seed_or_draw(double v)
{
    return ISNAN(v) ? r_seed() : (uint64_t)(int64_t)v;
}

static const double *opts_of(SEXP list, int index, int len, const char *what)
{
    SEXP v = VECTOR_ELT(list, index);

    if (!Rf_isReal(v) || Rf_length(v) != len)
        Rf_error("internal error: randomCAT %s options of length %d", what, Rf_length(v));
    return REAL(v);
}

/* The design from R/random_cat.R's lists (their order is documented
 * there). Raises an R error before any allocation of the engine. */
static void design_from_r(SEXP start, SEXP test, SEXP stop, SEXP final, cc_cat_design *d)
{
    SEXP fix = VECTOR_ELT(start, 0), theta = VECTOR_ELT(start, 1);
    SEXP rules = VECTOR_ELT(stop, 0), thr = VECTOR_ELT(stop, 1);
    const double *so = opts_of(start, 2, 7, "start");
    const double *to = opts_of(test, 1, 10, "test");
    const double *po = opts_of(stop, 2, 2, "stop");
    const double *fo = opts_of(final, 1, 3, "final");
    int i;

    cc_cat_design_default(d);
    if (Rf_length(fix) > CC_MAX_START || Rf_length(theta) > CC_MAX_START)
        Rf_error("randomCAT: start may give at most %d items or abilities", CC_MAX_START);
    if (Rf_length(rules) > CC_MAX_STOP_RULES || Rf_length(rules) != Rf_length(thr))
        Rf_error("randomCAT: stop needs one thr per rule (at most %d rules)", CC_MAX_STOP_RULES);
    d->start.n_fix = Rf_length(fix);
    for (i = 0; i < d->start.n_fix; i++)
        d->start.fix_items[i] = INTEGER(fix)[i];
    d->start.n_theta = Rf_length(theta);
    for (i = 0; i < d->start.n_theta; i++)
        d->start.theta[i] = REAL(theta)[i];
    d->start.random = so[0] != 0;
    d->start.seed = d->start.random ? seed_or_draw(so[1]) : 0;
    d->start.nr_items = (int)so[2];
    d->start.D = so[3];
    d->start.randomesque = (int)so[4];
    d->start.has_random_seed = !ISNAN(so[5]);
    d->start.random_seed = d->start.has_random_seed ? (uint64_t)(int64_t)so[5] : 0;
    d->start.select = (cc_start_select)(int)so[6];

    est_from_r(VECTOR_ELT(test, 0), &d->test.est);
    d->test.sem_type = (cc_sem_type)(int)to[0];
    d->test.sem_exact = to[1] != 0;
    d->test.se_ase = (int)to[2];
    d->test.sel.criterion = (cc_criterion)(int)to[3];
    d->test.sel.info_type = (cc_info_type)(int)to[4];
    d->test.sel.randomesque = (int)to[5];
    d->test.sel.ap = to[6];
    d->test.sel.rule = (cc_pro_rule)(int)to[7];
    d->test.sel.thr = to[8];
    d->test.has_random_seed = !ISNAN(to[9]);
    d->test.random_seed = d->test.has_random_seed ? (uint64_t)(int64_t)to[9] : 0;

    d->stop.n_rules = Rf_length(rules);
    for (i = 0; i < d->stop.n_rules; i++) {
        d->stop.rule[i] = (cc_stop_rule)INTEGER(rules)[i];
        d->stop.thr[i] = REAL(thr)[i];
    }
    d->stop.alpha = po[0];
    d->stop.min_length = (int)po[1];

    est_from_r(VECTOR_ELT(final, 0), &d->final.est);
    d->final.sem_type = (cc_sem_type)(int)fo[0];
    d->final.sem_exact = fo[1] != 0;
    d->final.alpha = fo[2];
    d->seed = r_seed();
}

/* randomCAT: responses NULL (drawn at true_theta by the engine's generator
 * seeded with gen_seed, NA = from R's generator) or one response per bank
 * item; avail and groups as for nextItem. Returns list(testItems
 * (1-based), pattern, thetaProv, seProv, thFinal, seFinal, ciFinal,
 * ruleFinal (codes of the stop rules that held), endWarning, nStart). */
static SEXP c_random_cat(SEXP par, SEXP model, SEXP true_theta, SEXP responses, SEXP gen_seed,
                         SEXP start, SEXP test, SEXP stop, SEXP final, SEXP avail, SEXP groups)
{
    cc_bank bank;
    cc_cat_design d;
    cc_cat_result r;
    cc_cat_error err;
    cc_cat_status st;
    uint64_t gseed;
    int *resp = NULL, k;
    SEXP ans, v;

    /* Everything R-side first: Rf_error must not leave the bank behind. */
    GetRNGstate();
    design_from_r(start, test, stop, final, &d);
    gseed = seed_or_draw(Rf_asReal(gen_seed));
    PutRNGstate();
    if (!Rf_isNull(avail)) {
        unsigned char *av = (unsigned char *)R_alloc((size_t)Rf_length(avail), 1);
        for (k = 0; k < Rf_length(avail); k++)
            av[k] = INTEGER(avail)[k] != 0;
        d.test.sel.available = av;
    }
    if (!Rf_isNull(groups)) {
        d.test.sel.n_groups = Rf_length(VECTOR_ELT(groups, 0));
        d.test.sel.group_props = REAL(VECTOR_ELT(groups, 0));
        d.test.sel.item_group = INTEGER(VECTOR_ELT(groups, 1));
    }
    if (!Rf_isNull(responses))
        resp = responses_from_r(responses);
    bank_from_r(par, model, &bank);
    if (resp && Rf_length(responses) != bank.n_items) {
        int n_items = bank.n_items;

        cc_bank_free(&bank);
        Rf_error("randomCAT: responses has %d values but the bank has %d items",
                 Rf_length(responses), n_items);
    }
    if (!Rf_isNull(avail) && Rf_length(avail) != bank.n_items) {
        cc_bank_free(&bank);
        Rf_error("randomCAT: nAvailable must have one value per item of the bank");
    }
    memset(&err, 0, sizeof(err));
    st = cc_random_cat(&bank, &d, Rf_asReal(true_theta), resp, gseed, &r, &err);
    if (st != CC_CAT_OK)
        fail_with_bank(&bank, "randomCAT", &err);
    cc_bank_free(&bank);

    ans = PROTECT(Rf_allocVector(VECSXP, 10));
    v = Rf_allocVector(INTSXP, r.n);
    SET_VECTOR_ELT(ans, 0, v);
    for (k = 0; k < r.n; k++)
        INTEGER(v)[k] = r.test_items[k] + 1;
    v = Rf_allocVector(REALSXP, r.n);
    SET_VECTOR_ELT(ans, 1, v);
    for (k = 0; k < r.n; k++)
        REAL(v)[k] = r.pattern[k] == CC_MISSING ? NA_REAL : r.pattern[k];
    v = Rf_allocVector(REALSXP, r.n);
    SET_VECTOR_ELT(ans, 2, v);
    for (k = 0; k < r.n; k++)
        REAL(v)[k] = r.theta_prov[k];
    v = Rf_allocVector(REALSXP, r.n);
    SET_VECTOR_ELT(ans, 3, v);
    for (k = 0; k < r.n; k++)
        REAL(v)[k] = r.se_prov[k];
    SET_VECTOR_ELT(ans, 4, Rf_ScalarReal(r.th_final));
    SET_VECTOR_ELT(ans, 5, Rf_ScalarReal(r.se_final));
    v = Rf_allocVector(REALSXP, 2);
    SET_VECTOR_ELT(ans, 6, v);
    REAL(v)[0] = r.ci_final[0];
    REAL(v)[1] = r.ci_final[1];
    v = Rf_allocVector(INTSXP, r.n_rules_final);
    SET_VECTOR_ELT(ans, 7, v);
    for (k = 0; k < r.n_rules_final; k++)
        INTEGER(v)[k] = (int)r.rule_final[k];
    SET_VECTOR_ELT(ans, 8, Rf_ScalarLogical(r.end_warning != 0));
    SET_VECTOR_ELT(ans, 9, Rf_ScalarInteger(r.n_start));
    cc_cat_result_free(&r);
    UNPROTECT(1);
    return ans;
}

static const R_CallMethodDef call_methods[] = {{"C_pi", (DL_FUNC)&c_pi, 4},
                                               {"C_ii", (DL_FUNC)&c_ii, 4},
                                               {"C_oii", (DL_FUNC)&c_oii, 5},
                                               {"C_theta_est", (DL_FUNC)&c_theta_est, 4},
                                               {"C_sem_theta", (DL_FUNC)&c_sem_theta, 6},
                                               {"C_next_item", (DL_FUNC)&c_next_item, 9},
                                               {"C_ji", (DL_FUNC)&c_ji, 4},
                                               {"C_random_cat", (DL_FUNC)&c_random_cat, 11},
                                               {NULL, NULL, 0}};

void R_init_concerto(DllInfo *dll)
{
    R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
}
