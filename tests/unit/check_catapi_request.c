/* catapi/request: the JSON requests of `concertoctl cat`.
 *
 * Every request goes through cc_catapi_handle as text, and every answer is
 * parsed back from its text, so that the serialisation (shortest
 * round-trip doubles, "Inf" strings) is part of what is checked. */
#include "check_concerto.h"

#include "cat/model.h"
#include "catapi/request.h"
#include "golden.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tolerances, from the README table of ../shared/golden/catr. */
#define TOL_P 1e-14           /* Pi P: abs 1e-14 */
#define TOL_P_SATURATED 2e-10 /* Pi P where D*a*|theta-b| > 35: abs 2e-10 (catR's clamp) */
#define TOL_DP 1e-12          /* Pi dP, d2P, d3P: abs 1e-12 */
#define TOL_I_ABS 1e-13       /* Ii, Ji: abs 1e-13 + rel 1e-10 */
#define TOL_I_REL 1e-10
#define TOL_DI_ABS 1e-11 /* dIi, d2Ii (and dJi): abs 1e-11 + rel 1e-9 */
#define TOL_DI_REL 1e-9
#define TOL_OI_ABS 1e-9 /* OIi: abs 1e-9 + rel 1e-8 */
#define TOL_OI_REL 1e-8
/* OIi deviation (dichotomous items at theta = +-40), as cat/model states
 * it: catR computes OIi from a rounded and clamped P, so an improbable
 * response carries an error of about D^2 a^2 eps / P(x); the engine gives
 * the true observed information. Allowed on top of the table:
 * OI_CANCEL * D^2 a^2 min(1, eps / P(x)), P(x) the true probability. */
#define OI_CANCEL 4.0
#define TOL_EAP 1e-12    /* EAP theta and EAP SE: abs 1e-12 */
#define TOL_REFINED 1e-9 /* ML/BM/WL/ROB theta against theta_refined: abs 1e-9 */
#define TOL_CATR_TH 1e-4 /* ML/BM/WL/ROB theta against catR's theta: abs 1e-4 */
#define TOL_SE_REL 1e-10 /* semTheta at catR's theta: rel 1e-10 */
/* sem.exact: every pattern's estimate comes from catR's uniroot (tol
 * 1.22e-4), so this is "semTheta at your own theta": rel 1e-4; with EAP
 * (no uniroot) the SE at catR's theta: rel 1e-10. */
#define TOL_SE_EXACT_REL 1e-4

/* What the golden files hold (counted once from the files; a silently
 * skipped record makes the counts differ). */
#define PI_COMPARED 75848  /* values of P, dP, d2P, d3P outside the quirk sets */
#define PI_NULLS 6552      /* absent categories (null) in those sets */
#define TE_QUIRK_RESULTS 4 /* theta_est.json results of the quirk case, skipped */
#define TE_REFUSED 108     /* ok:false (ROB with polytomous items) */
#define TE_DEGENERATE 6    /* Tukey ROB with one item: any theta is a root */
#define TE_THETAS 980      /* estimates compared */
#define TE_SES 1197        /* classic + new + exact SEs compared (one WL new, D != 1, apart) */

static char errbuf[512];
static int last_rc;

/* Sends {"fn": fn, "args": args} as text (args is consumed; NULL leaves it
 * out) and returns the parsed answer, or NULL with last_rc and errbuf set.
 * A failure must come with one non-empty line and no result. */
static json_object *send_req(const char *fn, json_object *args)
{
    json_object *req = json_object_new_object(), *res;
    const char *text;
    char *out = (char *)"unset";

    json_object_object_add(req, "fn", json_object_new_string(fn));
    if (args)
        json_object_object_add(req, "args", args);
    text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
    last_rc = cc_catapi_handle(text, strlen(text), &out, errbuf, sizeof(errbuf));
    json_object_put(req);
    if (last_rc != CC_CATAPI_OK) {
        ck_assert_ptr_null(out);
        ck_assert_msg(errbuf[0] != '\0', "an error without a message");
        ck_assert_ptr_null(strchr(errbuf, '\n'));
        return NULL;
    }
    ck_assert_ptr_nonnull(out);
    res = json_tokener_parse(out);
    ck_assert_msg(res != NULL || !strcmp(out, "null"), "unparsable answer %.200s", out);
    free(out);
    return res;
}

/* A raw request text: its status, and the message in errbuf. */
static int send_text(const char *text)
{
    char *out = (char *)"unset";
    int rc = cc_catapi_handle(text, strlen(text), &out, errbuf, sizeof(errbuf));

    if (rc == CC_CATAPI_OK) {
        ck_assert_ptr_nonnull(out);
        free(out);
    } else {
        ck_assert_ptr_null(out);
        ck_assert_msg(errbuf[0] != '\0', "an error without a message for %.100s", text);
        ck_assert_ptr_null(strchr(errbuf, '\n'));
    }
    return rc;
}

static void add(json_object *obj, const char *key, json_object *value)
{
    json_object_object_add(obj, key, value);
}

/* A shared golden value, added without copying. */
static void add_ref(json_object *obj, const char *key, json_object *value)
{
    json_object_object_add(obj, key, json_object_get(value));
}

static json_object *golden_bank_record(const char *name)
{
    json_object *record = NULL;

    if (!json_object_object_get_ex(golden_get(golden_load("banks.json"), "banks"), name, &record))
        record = golden_get(golden_get(golden_load("speed_banks.json"), "banks"), name);
    return record;
}

static json_object *member_or_null(json_object *obj, const char *key)
{
    json_object *v = NULL;

    json_object_object_get_ex(obj, key, &v);
    return v;
}

static int is_quirk(json_object *record)
{
    return member_or_null(record, "quirk") != NULL;
}

static double num_at(json_object *arr, size_t k)
{
    return golden_num(json_object_array_get_idx(arr, k));
}

/* ------------------------------------------------------------------ */
/* Pi */

START_TEST(pi_matches_catr)
{
    static const char *const got_names[] = {"Pi", "dPi", "d2Pi", "d3Pi"};
    static const char *const want_names[] = {"P", "dP", "d2P", "d3P"};
    json_object *sets = golden_get(golden_load("pi.json"), "sets");
    size_t s, r, i, c, q;
    long compared = 0, quirks = 0, nulls = 0;

    for (s = 0; s < json_object_array_length(sets); s++) {
        json_object *set = json_object_array_get_idx(sets, s);
        json_object *record = golden_bank_record(json_object_get_string(golden_get(set, "bank")));
        json_object *results = golden_get(set, "results"), *model = golden_get(set, "catR_model");
        json_object *par = golden_get(record, "par");
        double D = golden_num(golden_get(set, "D"));

        if (is_quirk(set)) {
            quirks++;
            continue;
        }
        for (r = 0; r < json_object_array_length(results); r++) {
            json_object *res = json_object_array_get_idx(results, r), *args, *got;
            double theta = golden_num(golden_get(res, "theta"));
            args = json_object_new_object();
            add(args, "th", json_object_new_double(theta));
            add_ref(args, "it", par);
            add_ref(args, "model", model);
            add(args, "D", json_object_new_double(D));
            got = send_req("Pi", args);
            ck_assert_msg(got != NULL, "Pi refused: %s", errbuf);
            for (q = 0; q < 4; q++) {
                json_object *g = golden_get(got, got_names[q]), *w = golden_get(res, want_names[q]);
                ck_assert_int_eq(json_object_array_length(g), json_object_array_length(w));
                for (i = 0; i < json_object_array_length(w); i++) {
                    json_object *gi = json_object_array_get_idx(g, i);
                    json_object *wi = json_object_array_get_idx(w, i);
                    if (model == NULL) {
                        json_object *row = json_object_array_get_idx(par, i);
                        double a = num_at(row, 0), b = num_at(row, 1);
                        double tol = q                              ? TOL_DP
                                     : D * a * fabs(theta - b) > 35 ? TOL_P_SATURATED
                                                                    : TOL_P;
                        ck_assert_msg(golden_close(golden_num(gi), golden_num(wi), tol, 0),
                                      "%s Pi %s item %zu theta %g: %.17g vs %.17g",
                                      json_object_get_string(golden_get(set, "bank")), got_names[q],
                                      i + 1, theta, golden_num(gi), golden_num(wi));
                        compared++;
                        continue;
                    }
                    ck_assert_int_eq(json_object_array_length(gi), json_object_array_length(wi));
                    for (c = 0; c < json_object_array_length(wi); c++) {
                        json_object *gc = json_object_array_get_idx(gi, c);
                        json_object *wc = json_object_array_get_idx(wi, c);
                        if (wc == NULL) {
                            ck_assert_ptr_null(gc); /* an absent category stays null */
                            nulls++;
                            continue;
                        }
                        ck_assert_msg(
                            golden_close(golden_num(gc), golden_num(wc), q ? TOL_DP : TOL_P, 0),
                            "%s %s item %zu cat %zu theta %g: %.17g vs %.17g",
                            json_object_get_string(golden_get(set, "bank")), got_names[q], i + 1, c,
                            theta, golden_num(gc), golden_num(wc));
                        compared++;
                    }
                }
            }
            json_object_put(got);
        }
    }
    /* 8 dichotomous sets x 11 thetas x 50 items x 4; 9 polytomous sets x 9
     * thetas x the categories present x 4 (3 quirk sets skipped). */
    ck_assert_int_eq(quirks, 3);
    ck_assert_int_eq(compared, PI_COMPARED);
    ck_assert_int_eq(nulls, PI_NULLS);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Ii, Ji, OIi */

START_TEST(info_matches_catr)
{
    json_object *sets = golden_get(golden_load("info.json"), "sets");
    size_t s, r, i;
    long compared = 0, quirks = 0;

    for (s = 0; s < json_object_array_length(sets); s++) {
        json_object *set = json_object_array_get_idx(sets, s);
        json_object *record = golden_bank_record(json_object_get_string(golden_get(set, "bank")));
        json_object *results = golden_get(set, "results"), *model = golden_get(set, "catR_model");
        json_object *par = golden_get(record, "par"), *x = golden_get(set, "x_for_OIi");
        double D = golden_num(golden_get(set, "D"));
        cc_bank bank;

        if (is_quirk(set)) {
            quirks++;
            continue;
        }
        golden_bank_from_rows(par, golden_model(record), &bank);
        for (r = 0; r < json_object_array_length(results); r++) {
            json_object *res = json_object_array_get_idx(results, r), *args, *ii, *ji, *oi;
            double theta = golden_num(golden_get(res, "theta"));
            const char *fns[3] = {"Ii", "Ji", "OIi"};
            json_object **outs[3] = {&ii, &ji, &oi};
            int f;
            for (f = 0; f < 3; f++) {
                args = json_object_new_object();
                add(args, "th", json_object_new_double(theta));
                add_ref(args, "it", par);
                add_ref(args, "model", model);
                add(args, "D", json_object_new_double(D));
                if (f == 2)
                    add_ref(args, "x", x);
                *outs[f] = send_req(fns[f], args);
                ck_assert_msg(*outs[f] != NULL, "%s refused: %s", fns[f], errbuf);
            }
            for (i = 0; i < json_object_array_length(golden_get(res, "Ii")); i++) {
                struct {
                    json_object *got;
                    const char *want;
                    double abs_tol, rel_tol;
                } q[6] = {{golden_get(ii, "Ii"), "Ii", TOL_I_ABS, TOL_I_REL},
                          {golden_get(ii, "dIi"), "dIi", TOL_DI_ABS, TOL_DI_REL},
                          {golden_get(ii, "d2Ii"), "d2Ii", TOL_DI_ABS, TOL_DI_REL},
                          {golden_get(ji, "Ji"), "Ji", TOL_I_ABS, TOL_I_REL},
                          {golden_get(ji, "dJi"), "dJi", TOL_DI_ABS, TOL_DI_REL},
                          {oi, "OIi", TOL_OI_ABS, TOL_OI_REL}};
                int k, item = (int)i, xi = json_object_get_int(json_object_array_get_idx(x, i));
                if (bank.model == CC_MODEL_DICHO) {
                    double a = cc_bank_row(&bank, item)[0];
                    double px = exp(cc_log_likelihood(&bank, &item, &xi, 1, theta, D, NULL, NULL));
                    q[5].abs_tol += OI_CANCEL * D * D * a * a * fmin(1, DBL_EPSILON / px);
                }
                for (k = 0; k < 6; k++) {
                    double g = num_at(q[k].got, i), w = num_at(golden_get(res, q[k].want), i);
                    ck_assert_msg(golden_close(g, w, q[k].abs_tol, q[k].rel_tol),
                                  "%s D=%g %s item %zu theta %g: %.17g vs %.17g",
                                  json_object_get_string(golden_get(set, "bank")), D, q[k].want,
                                  i + 1, theta, g, w);
                    compared++;
                }
            }
            json_object_put(ii);
            json_object_put(ji);
            json_object_put(oi);
        }
        cc_bank_free(&bank);
    }
    /* 13 sets (one quirk set skipped): 6 dichotomous x 11 thetas and 7
     * polytomous x 9 thetas, 50 items, 6 quantities. */
    ck_assert_int_eq(quirks, 1);
    ck_assert_int_eq(compared, (6 * 11 + 7 * 9) * 50 * 6);
}
END_TEST

/* ------------------------------------------------------------------ */
/* thetaEst, semTheta */

/* The estimation options of a theta_est.json result, as request args. */
static json_object *est_args(json_object *c, json_object *res)
{
    json_object *args = json_object_new_object();

    add_ref(args, "it", golden_get(c, "par"));
    add_ref(args, "x", golden_get(c, "x"));
    add_ref(args, "model", golden_get(c, "catR_model"));
    add_ref(args, "D", golden_get(res, "D"));
    add_ref(args, "method", golden_get(res, "method"));
    add_ref(args, "priorDist", golden_get(res, "priorDist"));
    add_ref(args, "priorPar", golden_get(res, "priorPar"));
    add_ref(args, "weight", golden_get(res, "weight"));
    add_ref(args, "tuCo", golden_get(res, "tuCo"));
    add_ref(args, "range", golden_get(res, "range"));
    add_ref(args, "parInt", golden_get(res, "parInt"));
    return args;
}

static double sem_request(json_object *c, json_object *res, double theta, const char *type,
                          int exact)
{
    json_object *args = est_args(c, res), *got;
    double se;

    add(args, "thEst", cc_catapi_number(theta));
    if (type)
        add(args, "sem.type", json_object_new_string(type));
    if (exact) {
        add(args, "sem.exact", json_object_new_boolean(1));
        /* catR's sem.exact estimates every pattern's EAP on its default
         * grid whatever parInt is (found by cat/estimate); the engine uses
         * the grid given, so the request gives catR's. */
        if (!strcmp(json_object_get_string(golden_get(res, "method")), "EAP"))
            add(args, "parInt", json_tokener_parse("[-4, 4, 33]"));
    }
    got = send_req("semTheta", args);
    if (got == NULL)
        return NAN;
    se = golden_num(got);
    json_object_put(got);
    return se;
}

START_TEST(theta_est_and_sem_match_catr)
{
    json_object *cases = golden_get(golden_load("theta_est.json"), "cases");
    size_t i, r;
    long thetas = 0, ses = 0, refused = 0, degenerate = 0, quirks = 0, wl_new_d = 0;

    for (i = 0; i < json_object_array_length(cases); i++) {
        json_object *c = json_object_array_get_idx(cases, i);
        json_object *results = golden_get(c, "results");
        const char *id = json_object_get_string(golden_get(c, "id"));
        for (r = 0; r < json_object_array_length(results); r++) {
            json_object *res = json_object_array_get_idx(results, r), *got, *v;
            const char *label = json_object_get_string(golden_get(res, "label"));
            const char *status;
            double theta, want, se;
            if (is_quirk(c)) {
                quirks++;
                continue;
            }
            got = send_req("thetaEst", est_args(c, res));
            if (!json_object_get_boolean(golden_get(res, "ok"))) {
                /* catR fails (ROB with polytomous items): a clear refusal. */
                ck_assert_msg(got == NULL, "%s %s: catR refuses, we answered", id, label);
                ck_assert_int_eq(last_rc, CC_CATAPI_EREFUSED);
                ck_assert_ptr_nonnull(strstr(errbuf, "thetaEst"));
                refused++;
                continue;
            }
            ck_assert_msg(got != NULL, "%s %s refused: %s", id, label, errbuf);
            theta = golden_num(got);
            json_object_put(got);
            want = golden_num(golden_get(res, "theta"));
            status = json_object_get_string(golden_get(res, "refine_status"));
            if (json_object_get_boolean(member_or_null(res, "degenerate"))) {
                /* A flat score: any theta is a root; a finite one is asked. */
                ck_assert(isfinite(theta));
                degenerate++;
            } else if (!strcmp(json_object_get_string(golden_get(res, "method")), "EAP")) {
                ck_assert_msg(golden_close(theta, want, TOL_EAP, 0), "%s %s: %.17g vs %.17g", id,
                              label, theta, want);
            } else if (!strcmp(status, "bound")) {
                ck_assert_msg(theta == want, "%s %s: %.17g vs bound %.17g", id, label, theta, want);
            } else if (!strcmp(status, "root")) {
                want = golden_num(golden_get(res, "theta_refined"));
                ck_assert_msg(golden_close(theta, want, TOL_REFINED, 0), "%s %s: %.17g vs %.17g",
                              id, label, theta, want);
            } else {
                ck_assert_msg(golden_close(theta, want, TOL_CATR_TH, 0), "%s %s: %.17g vs %.17g",
                              id, label, theta, want);
            }
            thetas++;

            /* semTheta at catR's theta. */
            want = golden_num(golden_get(res, "se"));
            se = sem_request(c, res, golden_num(golden_get(res, "theta")), NULL, 0);
            if (isnan(want)) {
                /* catR's NaN (degenerate Tukey): a number or a refusal, never NaN. */
                ck_assert(!isnan(se) || last_rc == CC_CATAPI_EREFUSED);
            } else {
                ck_assert_msg(!isnan(se), "%s %s semTheta refused: %s", id, label, errbuf);
                ck_assert_msg(
                    golden_close(se, want,
                                 !strcmp(json_object_get_string(golden_get(res, "method")), "EAP")
                                     ? TOL_EAP
                                     : 0,
                                 TOL_SE_REL),
                    "%s %s se: %.17g vs %.17g", id, label, se, want);
            }
            ses++;
            if ((v = member_or_null(res, "se_new")) != NULL &&
                !strcmp(json_object_get_string(golden_get(res, "method")), "WL") &&
                golden_num(golden_get(res, "D")) != 1) {
                /* Known deviation (cat/estimate): catR's "new" SE for WL with
                 * D != 1 is 0.4% below the sandwich formula the engine keeps. */
                se = sem_request(c, res, golden_num(golden_get(res, "theta")), "new", 0);
                ck_assert(golden_close(se, golden_num(v), 0, 1e-2));
                wl_new_d++;
            } else if (v != NULL) {
                se = sem_request(c, res, golden_num(golden_get(res, "theta")), "new", 0);
                ck_assert_msg(golden_close(se, golden_num(v), 0, TOL_SE_REL),
                              "%s %s se new: %.17g vs %.17g (%s)", id, label, se, golden_num(v),
                              errbuf);
                ses++;
            }
            if ((v = member_or_null(res, "se_exact")) != NULL) {
                se = sem_request(c, res, golden_num(golden_get(res, "theta")), NULL, 1);
                ck_assert_msg(
                    golden_close(se, golden_num(v), 0,
                                 strcmp(json_object_get_string(golden_get(res, "method")), "EAP")
                                     ? TOL_SE_EXACT_REL
                                     : TOL_SE_REL),
                    "%s %s se exact: %.17g vs %.17g (%s)", id, label, se, golden_num(v), errbuf);
                ses++;
            }
        }
    }
    ck_assert_int_eq(quirks, TE_QUIRK_RESULTS);
    ck_assert_int_eq(refused, TE_REFUSED);
    ck_assert_int_eq(degenerate, TE_DEGENERATE);
    ck_assert_int_eq(thetas, TE_THETAS);
    ck_assert_int_eq(ses, TE_SES);
    ck_assert_int_eq(wl_new_d, 1);
}
END_TEST

START_TEST(constant_patterns_match_catr)
{
    json_object *cps = golden_get(golden_load("theta_est.json"), "constant_patterns");
    size_t i;
    long compared = 0;

    for (i = 0; i < json_object_array_length(cps); i++) {
        json_object *cp = json_object_array_get_idx(cps, i), *args, *got, *par;
        const char *patt = json_object_get_string(golden_get(cp, "constantPatt"));
        json_object *items = golden_get(cp, "items"), *rows = json_object_new_array();
        cc_bank bank;
        double theta, want, se;
        size_t k;

        par = golden_get(golden_bank_record(json_object_get_string(golden_get(cp, "bank"))), "par");
        for (k = 0; k < json_object_array_length(items); k++)
            json_object_array_add(
                rows,
                json_object_get(json_object_array_get_idx(
                    par, (size_t)json_object_get_int(json_object_array_get_idx(items, k)) - 1)));
        (void)bank;
        args = json_object_new_object();
        add(args, "it", json_object_get(rows));
        add_ref(args, "x", golden_get(cp, "x"));
        add_ref(args, "method", golden_get(cp, "method"));
        add_ref(args, "constantPatt", golden_get(cp, "constantPatt"));
        add_ref(args, "current.th", golden_get(cp, "current_th"));
        add_ref(args, "bRange", golden_get(cp, "bRange"));
        got = send_req("thetaEst", args);
        ck_assert_msg(got != NULL, "thetaEst %s refused: %s", patt, errbuf);
        theta = golden_num(got);
        json_object_put(got);
        want = golden_num(golden_get(cp, "theta"));
        /* fixed4/fixed7/var are arithmetic (exact up to rounding); EAP on
         * the same grid abs 1e-12; BM/WL against catR's uniroot abs 1e-4. */
        ck_assert_msg(
            golden_close(theta, want,
                         !strcmp(patt, "BM") || !strcmp(patt, "WL") ? TOL_CATR_TH : TOL_EAP, 0),
            "constantPatt %s: %.17g vs %.17g", patt, theta, want);
        compared++;

        args = json_object_new_object();
        add(args, "thEst", cc_catapi_number(want));
        add(args, "it", rows);
        add_ref(args, "x", golden_get(cp, "x"));
        add_ref(args, "method", golden_get(cp, "method"));
        add_ref(args, "constantPatt", golden_get(cp, "constantPatt"));
        got = send_req("semTheta", args);
        if (!json_object_get_boolean(golden_get(cp, "se_ok"))) {
            /* catR fails (constantPatt EAP, 'NUM' not found): a defined
             * SE or a clear refusal. */
            if (got != NULL)
                ck_assert(isfinite(golden_num(got)) && golden_num(got) > 0);
            json_object_put(got);
            compared++;
            continue;
        }
        ck_assert_msg(got != NULL, "semTheta %s refused: %s", patt, errbuf);
        se = golden_num(got);
        if (isinf(golden_num(golden_get(cp, "se"))))
            /* Inf is written as the string "Inf", as the golden data does. */
            ck_assert_str_eq(json_object_get_string(got), "Inf");
        else
            ck_assert_msg(golden_close(se, golden_num(golden_get(cp, "se")), TOL_CATR_TH, 1e-3),
                          "constantPatt %s se: %.17g vs %.17g", patt, se,
                          golden_num(golden_get(cp, "se")));
        json_object_put(got);
        compared++;
    }
    ck_assert_int_eq(compared, 24);
}
END_TEST

/* ------------------------------------------------------------------ */
/* nextItem */

#define TOL_TABLE_REL 1e-9  /* nextItem values (MFI, KL, MEPV, ...): rel 1e-9 */
#define TOL_TABLE_ABS 1e-15 /* (abs 1e-15 for values near 0) */
#define TOL_MEI_REL 1e-4    /* MEI: rel 1e-4 (its theta comes from uniroot) */
#define NI_RESULTS 246      /* next_item.json results */
#define NI_REFUSED 28       /* bOpt, thOpt, GDI, GDIP with polytomous items */
#define NI_DETERMINISTIC 128
#define NI_RANDOMESQUE 25
#define NI_RANDOM 65   /* random, progressive, proportional: R's draws */
#define NI_NEAR_TIES 2 /* MEI with rel_gap under its tolerance: item not compared */

START_TEST(next_item_matches_catr)
{
    static const char *const opts[] = {"method", "priorDist", "priorPar", "D",
                                       "range",  "parInt",    "infoType", "rule",
                                       "thr",    "SETH",      "AP",       "maxItems"};
    json_object *scen = golden_get(golden_load("next_item.json"), "scenarios");
    size_t s, r, k;
    long n = 0, refused = 0, det = 0, rq = 0, rnd = 0, ties = 0;

    for (s = 0; s < json_object_array_length(scen); s++) {
        json_object *sc = json_object_array_get_idx(scen, s), *results = golden_get(sc, "results");
        json_object *out = golden_get(sc, "out");
        json_object *par =
            golden_get(golden_bank_record(json_object_get_string(golden_get(sc, "bank"))), "par");
        const char *id = json_object_get_string(golden_get(sc, "id"));
        for (r = 0; r < json_object_array_length(results); r++) {
            json_object *res = json_object_array_get_idx(results, r), *args, *got, *o, *v;
            const char *label = json_object_get_string(golden_get(res, "label"));
            const char *crit = json_object_get_string(golden_get(res, "criterion"));
            int item, randomesque;
            n++;
            args = json_object_new_object();
            add_ref(args, "itemBank", par);
            add_ref(args, "model", golden_get(sc, "catR_model"));
            add_ref(args, "theta", golden_get(sc, "theta"));
            if (json_object_array_length(out) > 0) {
                add_ref(args, "out", out);
                add_ref(args, "x", golden_get(sc, "x"));
            }
            add_ref(args, "criterion", golden_get(res, "criterion"));
            add_ref(args, "randomesque", golden_get(res, "randomesque"));
            if ((v = member_or_null(res, "random.seed")) != NULL)
                add_ref(args, "random.seed", v);
            o = golden_get(res, "options");
            for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
                if ((v = member_or_null(o, opts[k])) != NULL)
                    add_ref(args, opts[k], v);
            got = send_req("nextItem", args);
            if (!json_object_get_boolean(golden_get(res, "ok"))) {
                ck_assert_msg(got == NULL, "%s %s: catR refuses, we answered", id, label);
                ck_assert_int_eq(last_rc, CC_CATAPI_EREFUSED);
                ck_assert_ptr_nonnull(strstr(errbuf, "nextItem: "));
                refused++;
                continue;
            }
            ck_assert_msg(got != NULL, "%s %s refused: %s", id, label, errbuf);
            item = json_object_get_int(golden_get(got, "item"));
            ck_assert_str_eq(json_object_get_string(golden_get(got, "criterion")), crit);
            /* par is the chosen item's row of the bank */
            ck_assert_str_eq(
                json_object_to_json_string(golden_get(got, "par")),
                json_object_to_json_string(json_object_array_get_idx(par, (size_t)item - 1)));
            for (k = 0; k < json_object_array_length(out); k++)
                ck_assert_int_ne(item, json_object_get_int(json_object_array_get_idx(out, k)));
            ck_assert(item >= 1 && item <= (int)json_object_array_length(par));
            randomesque = json_object_get_int(golden_get(res, "randomesque"));
            if (!strcmp(crit, "random") || !strcmp(crit, "progressive") ||
                !strcmp(crit, "proportional")) {
                rnd++; /* R's own draws: an available item is all that can be asked */
            } else if (randomesque > 1) {
                json_object *cand = golden_get(res, "candidates");
                int found = 0;
                for (k = 0; k < json_object_array_length(cand); k++)
                    found |= json_object_get_int(json_object_array_get_idx(cand, k)) == item;
                ck_assert_msg(found, "%s %s: item %d not among catR's top %d", id, label, item,
                              randomesque);
                rq++;
            } else {
                double info = golden_num(golden_get(got, "info"));
                double want = golden_num(golden_get(res, "info"));
                int mei = !strcmp(crit, "MEI");
                double gap = golden_num(golden_get(golden_get(res, "best"), "rel_gap"));
                if (gap > (mei ? TOL_MEI_REL : TOL_TABLE_REL)) {
                    ck_assert_msg(item == json_object_get_int(golden_get(res, "item")),
                                  "%s %s: item %d, catR %d", id, label, item,
                                  json_object_get_int(golden_get(res, "item")));
                    ck_assert_msg(golden_close(info, want, mei ? 0 : TOL_TABLE_ABS,
                                               mei ? TOL_MEI_REL : TOL_TABLE_REL),
                                  "%s %s info %.17g vs %.17g", id, label, info, want);
                } else {
                    ties++;
                }
                det++;
            }
            json_object_put(got);
        }
    }
    ck_assert_int_eq(n, NI_RESULTS);
    ck_assert_int_eq(refused, NI_REFUSED);
    ck_assert_int_eq(det, NI_DETERMINISTIC);
    ck_assert_int_eq(rq, NI_RANDOMESQUE);
    ck_assert_int_eq(rnd, NI_RANDOM);
    ck_assert_int_eq(ties, NI_NEAR_TIES);
}
END_TEST

/* ------------------------------------------------------------------ */
/* randomCAT */

#define RC_CATS 17
#define RC_DETERMINISTIC 16
#define RC_STEPS_COMPARED 253 /* items of the deterministic designs up to a fragile step */

static int is_eap(json_object *list)
{
    json_object *m = member_or_null(list, "method");
    return m && !strcmp(json_object_get_string(m), "EAP");
}

START_TEST(random_cat_matches_catr)
{
    json_object *cats = golden_get(golden_load("random_cat.json"), "cats");
    size_t c, k;
    long det = 0, steps = 0, rng_dep = 0;

    for (c = 0; c < json_object_array_length(cats); c++) {
        json_object *cat = json_object_array_get_idx(cats, c), *args, *got, *want, *st;
        const char *id = json_object_get_string(golden_get(cat, "id"));
        json_object *par =
            golden_get(golden_bank_record(json_object_get_string(golden_get(cat, "bank"))), "par");
        int fragile = 0;
        size_t n;

        args = json_object_new_object();
        add_ref(args, "trueTheta", golden_get(cat, "trueTheta"));
        add_ref(args, "itemBank", par);
        add_ref(args, "model", golden_get(cat, "catR_model"));
        if (!json_object_get_boolean(golden_get(cat, "rng_dependent")))
            add_ref(args, "responses", golden_get(cat, "responses"));
        else
            add_ref(args, "genSeed", golden_get(cat, "genSeed"));
        add_ref(args, "start", golden_get(cat, "start"));
        add_ref(args, "test", golden_get(cat, "test"));
        add_ref(args, "stop", golden_get(cat, "stop"));
        add_ref(args, "final", golden_get(cat, "final"));
        add(args, "allTheta", json_object_new_boolean(1));
        got = send_req("randomCAT", args);
        ck_assert_msg(got != NULL, "%s refused: %s", id, errbuf);
        want = golden_get(cat, "result");
        n = json_object_array_length(golden_get(got, "testItems"));
        ck_assert_int_eq(n, json_object_array_length(golden_get(got, "pattern")));
        ck_assert_int_eq(n, json_object_array_length(golden_get(got, "thetaProv")));
        ck_assert_int_eq(n, json_object_array_length(golden_get(got, "seProv")));
        ck_assert_int_eq(json_object_array_length(golden_get(got, "ciFinal")), 2);
        if (json_object_get_boolean(golden_get(cat, "rng_dependent"))) {
            /* R's draws cannot be replayed: the test's length and shape. */
            ck_assert_int_eq(n, json_object_array_length(golden_get(want, "testItems")));
            rng_dep++;
            json_object_put(got);
            continue;
        }
        st = golden_get(cat, "steps");
        ck_assert_msg(n == json_object_array_length(golden_get(want, "testItems")),
                      "%s: %zu items, catR %zu", id, n,
                      json_object_array_length(golden_get(want, "testItems")));
        for (k = 0; k < n && !fragile; k++) {
            json_object *step = json_object_array_get_idx(st, k), *sel;
            int item =
                json_object_get_int(json_object_array_get_idx(golden_get(got, "testItems"), k));
            double th = num_at(golden_get(got, "thetaProv"), k), se;
            sel = member_or_null(step, "selection");
            if (sel && json_object_get_boolean(member_or_null(sel, "fragile"))) {
                fragile = 1; /* a near-tie numerical noise can flip: stop here */
                break;
            }
            ck_assert_msg(item == json_object_get_int(golden_get(step, "item")),
                          "%s step %zu: item %d, catR %d", id, k + 1, item,
                          json_object_get_int(golden_get(step, "item")));
            ck_assert_int_eq(
                json_object_get_int(json_object_array_get_idx(golden_get(got, "pattern"), k)),
                json_object_get_int(golden_get(step, "response")));
            /* theta per step as thetaEst: EAP abs 1e-12, else catR's uniroot abs 1e-4;
             * SE at our own theta rel 1e-4 (Inf for constant patterns). */
            ck_assert_msg(golden_close(th, golden_num(golden_get(step, "theta")),
                                       is_eap(golden_get(cat, "test")) ? TOL_EAP : TOL_CATR_TH, 0),
                          "%s step %zu theta %.17g vs %.17g", id, k + 1, th,
                          golden_num(golden_get(step, "theta")));
            se = num_at(golden_get(got, "seProv"), k);
            ck_assert_msg(golden_close(se, golden_num(golden_get(step, "se")), 0, 1e-4),
                          "%s step %zu se %.17g vs %.17g", id, k + 1, se,
                          golden_num(golden_get(step, "se")));
            steps++;
        }
        if (!fragile) {
            ck_assert_msg(golden_close(golden_num(golden_get(got, "thFinal")),
                                       golden_num(golden_get(want, "thFinal")),
                                       is_eap(golden_get(cat, "final")) ? TOL_EAP : TOL_CATR_TH, 0),
                          "%s thFinal %.17g vs %.17g", id, golden_num(golden_get(got, "thFinal")),
                          golden_num(golden_get(want, "thFinal")));
            ck_assert(golden_close(golden_num(golden_get(got, "seFinal")),
                                   golden_num(golden_get(want, "seFinal")), 0, 1e-4));
            ck_assert_str_eq(json_object_to_json_string(golden_get(got, "ruleFinal")),
                             json_object_to_json_string(golden_get(want, "ruleFinal")));
            ck_assert_int_eq(json_object_get_boolean(golden_get(got, "endWarning")),
                             json_object_get_boolean(golden_get(want, "endWarning")));
        }
        det++;
        json_object_put(got);
    }
    ck_assert_int_eq(det + rng_dep, RC_CATS);
    ck_assert_int_eq(det, RC_DETERMINISTIC);
    ck_assert_int_eq(steps, RC_STEPS_COMPARED);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Bad requests: one clear line, never a crash */

static void expect_error(const char *text, int rc, const char *needle)
{
    int got = send_text(text);

    ck_assert_msg(got == rc, "%.120s: status %d, expected %d (%s)", text, got, rc, errbuf);
    ck_assert_msg(strstr(errbuf, needle) != NULL, "%.120s: message \"%s\" lacks \"%s\"", text,
                  errbuf, needle);
}

START_TEST(malformed_requests)
{
    static const char big_row[] = "[1,0,0,1]";
    char *huge, *p;
    size_t k, n = CC_CATAPI_MAX_ITEMS + 1;
    char *out = NULL;

    expect_error("", CC_CATAPI_EBADREQ, "empty");
    expect_error("   \n", CC_CATAPI_EBADREQ, "empty");
    expect_error("{", CC_CATAPI_EBADREQ, "not complete");
    expect_error("{\"fn\": \"Pi\",}", CC_CATAPI_EBADREQ, "not valid JSON");
    expect_error("{\"fn\": 'Pi'}", CC_CATAPI_EBADREQ, "not valid JSON");
    expect_error("{\"fn\": \"Pi\"} x", CC_CATAPI_EBADREQ, "after the JSON");
    expect_error("{\"fn\": \"Pi\"}{}", CC_CATAPI_EBADREQ, "after the JSON");
    expect_error("[1, 2]", CC_CATAPI_EBADREQ, "must be a JSON object");
    expect_error("null", CC_CATAPI_EBADREQ, "must be a JSON object");
    expect_error("12", CC_CATAPI_EBADREQ, "must be a JSON object");
    expect_error("nul", CC_CATAPI_EBADREQ, "JSON");
    expect_error("\"fn\"", CC_CATAPI_EBADREQ, "must be a JSON object");
    expect_error("{\"args\": {}}", CC_CATAPI_EBADREQ, "needs \"fn\"");
    expect_error("{\"fn\": 3}", CC_CATAPI_EBADREQ, "needs \"fn\"");
    expect_error("{\"fn\": \"Pi\", \"arg\": {}}", CC_CATAPI_EBADREQ, "request.arg");
    expect_error("{\"fn\": \"fooBar\"}", CC_CATAPI_EBADREQ, "unknown fn \"fooBar\"");
    expect_error("{\"fn\": \"foo\\nbar\"}", CC_CATAPI_EBADREQ, "unknown fn \"foo?bar\"");
    expect_error("{\"fn\": \"Pi\", \"args\": [1]}", CC_CATAPI_EBADREQ, "args must be an object");
    /* json-c reads NaN and Infinity even when strict: refused as values. */
    expect_error("{\"fn\": \"Pi\", \"args\": {\"th\": NaN, \"it\": [[1,0,0,1]]}}",
                 CC_CATAPI_EBADREQ, "args.th must be a finite number");
    expect_error("{\"fn\": \"Pi\", \"args\": {\"th\": Infinity, \"it\": [[1,0,0,1]]}}",
                 CC_CATAPI_EBADREQ, "args.th must be a finite number");
    expect_error("{\"fn\": \"Pi\", \"args\": {\"th\": 1e999, \"it\": [[1,0,0,1]]}}",
                 CC_CATAPI_EBADREQ, "th");
    expect_error("{\"fn\": \"Pi\", \"args\": {\"th\": \"\xff\"}}", CC_CATAPI_EBADREQ,
                 "not valid JSON");
    /* Nesting beyond the limit. */
    expect_error("{\"fn\": \"Pi\", \"args\": {\"it\": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}}",
                 CC_CATAPI_EBADREQ, "nested");
    /* A NUL byte inside the request. */
    ck_assert_int_eq(cc_catapi_handle("{\"fn\": \"Pi\"}\0{}", 15, &out, errbuf, sizeof(errbuf)),
                     CC_CATAPI_EBADREQ);
    ck_assert_ptr_null(out);
    /* More than 64 MiB: refused before it is read. */
    ck_assert_int_eq(
        cc_catapi_handle("{}", CC_CATAPI_MAX_REQUEST + 1, &out, errbuf, sizeof(errbuf)),
        CC_CATAPI_EBADREQ);
    ck_assert_ptr_nonnull(strstr(errbuf, "64 MiB"));
    /* A bank of 100,001 items. */
    huge = malloc(n * (sizeof(big_row)) + 100);
    ck_assert_ptr_nonnull(huge);
    p = huge + sprintf(huge, "{\"fn\": \"Ii\", \"args\": {\"th\": 0, \"it\": [");
    for (k = 0; k < n; k++)
        p += sprintf(p, "%s%s", k ? "," : "", big_row);
    strcpy(p, "]}}");
    expect_error(huge, CC_CATAPI_EBADREQ, "at most 100000");
    free(huge);
}
END_TEST

START_TEST(bad_arguments)
{
    const char *pre = "{\"fn\": ";
    struct {
        const char *request;
        int rc;
        const char *needle;
    } cases[] = {
        /* missing and wrong-typed arguments */
        {"\"Pi\", \"args\": {\"it\": [[1,0,0,1]]}}", CC_CATAPI_EBADREQ, "args.th is required"},
        {"\"Pi\", \"args\": {\"th\": 0}}", CC_CATAPI_EBADREQ, "args.it is required"},
        {"\"Pi\"}", CC_CATAPI_EBADREQ, "args.th is required"},
        {"\"Pi\", \"args\": {\"th\": \"0\", \"it\": [[1,0,0,1]]}}", CC_CATAPI_EBADREQ,
         "args.th must be a number, not a string"},
        {"\"Pi\", \"args\": {\"th\": 0, \"theta\": 1, \"it\": [[1,0,0,1]]}}", CC_CATAPI_EBADREQ,
         "both th and theta"},
        {"\"Pi\", \"args\": {\"th\": 0, \"it\": [[1,0,0,1]], \"Model\": \"GRM\"}}",
         CC_CATAPI_EBADREQ, "args.Model is not an argument of Pi"},
        {"\"Pi\", \"args\": {\"th\": 0, \"it\": \"bank\"}}", CC_CATAPI_EBADREQ,
         "args.it must be an array of rows"},
        {"\"Pi\", \"args\": {\"th\": 0, \"it\": [[1,0,0,1]], \"D\": 0}}", CC_CATAPI_EBADREQ,
         "args.D must be positive"},
        {"\"Pi\", \"args\": {\"th\": 0, \"it\": [[1,0,0,1]], \"model\": \"XYZ\"}}",
         CC_CATAPI_EBADREQ, "args.model must be null"},
        {"\"Pi\", \"args\": {\"th\": 0, \"it\": [[1,0,0,1]], \"model\": 3}}", CC_CATAPI_EBADREQ,
         "args.model must be null"},
        /* banks: empty, ragged, non-finite, invalid */
        {"\"Pi\", \"args\": {\"th\": 0, \"it\": []}}", CC_CATAPI_EBADREQ, "args.it is empty"},
        {"\"Pi\", \"args\": {\"th\": 0, \"it\": [[]]}}", CC_CATAPI_EBADREQ, "row 1 is empty"},
        {"\"Ii\", \"args\": {\"th\": 0, \"it\": [[1,0,0,1],[1,0,0,1],[1,0,0]]}}", CC_CATAPI_EBADREQ,
         "args.it row 3 has 3 values, a dichotomous bank needs 4"},
        {"\"Ii\", \"args\": {\"th\": 0, \"it\": [[1,0,0]]}}", CC_CATAPI_EBADREQ,
         "row 1 has 3 values, a dichotomous bank needs 4"},
        {"\"Ii\", \"args\": {\"th\": 0, \"it\": [[1,-1,1],[1,0]], \"model\": \"GRM\"}}",
         CC_CATAPI_EBADREQ, "row 2 has 2 values, but row 1 has 3"},
        {"\"Ii\", \"args\": {\"th\": 0, \"it\": [[1,0,0,1],[1,\"b\",0,1]]}}", CC_CATAPI_EBADREQ,
         "row 2 value 2 must be a number or null, not a string"},
        {"\"Ii\", \"args\": {\"th\": 0, \"it\": [[1,0,0,1],[1,1e400,0,1]]}}", CC_CATAPI_EBADREQ,
         "row 2 value 2"},
        {"\"Ii\", \"args\": {\"th\": 0, \"it\": [[1,0,0,1],[1,null,0,1]]}}", CC_CATAPI_EBADREQ,
         "item 2"},
        {"\"Ii\", \"args\": {\"th\": 0, \"it\": [[1,0,0,1],[1,0,0.5,0.4]]}}", CC_CATAPI_EBADREQ,
         "item 2"},
        {"\"Ii\", \"args\": {\"th\": 0, \"it\": [[1,0.5,-0.5]], \"model\": \"GRM\"}}",
         CC_CATAPI_EBADREQ, "increase"},
        {"\"Ii\", \"args\": {\"th\": 0, \"it\": [[1,0,0,1], 5]}}", CC_CATAPI_EBADREQ,
         "row 2 must be an array"},
        /* responses */
        {"\"OIi\", \"args\": {\"th\": 0, \"it\": [[1,0,0,1],[1,0,0,1]], \"x\": [1]}}",
         CC_CATAPI_EBADREQ, "args.x has 1 values but args.it has 2 rows"},
        {"\"OIi\", \"args\": {\"th\": 0, \"it\": [[1,0,0,1],[1,0,0,1]]}}", CC_CATAPI_EBADREQ,
         "args.x is required"},
        {"\"OIi\", \"args\": {\"th\": 0, \"it\": [[1,0,0,1],[1,0,0,1]], \"x\": [1, null]}}",
         CC_CATAPI_EBADREQ, "args.x value 2 is null"},
        {"\"OIi\", \"args\": {\"th\": 0, \"it\": [[1,0,0,1],[1,0,0,1]], \"x\": [1, 2]}}",
         CC_CATAPI_EBADREQ, "item 2 has only categories 0 to 1"},
        {"\"thetaEst\", \"args\": {\"it\": [[1,0,0,1],[1,0,0,1]], \"x\": [1, -1]}}",
         CC_CATAPI_EBADREQ, "args.x value 2 is -1, not a category"},
        {"\"thetaEst\", \"args\": {\"it\": [[1,0,0,1],[1,0,0,1]], \"x\": [1, 0.5]}}",
         CC_CATAPI_EBADREQ, "args.x value 2 is 0.5"},
        {"\"thetaEst\", \"args\": {\"it\": [[1,0,0,1],[1,0,0,1]], \"x\": [1, \"1\"]}}",
         CC_CATAPI_EBADREQ, "args.x value 2 must be a response"},
        {"\"thetaEst\", \"args\": {\"it\": [[1,-1,1],[1,0,null]], \"model\": \"GRM\", "
         "\"x\": [2, 2]}}",
         CC_CATAPI_EBADREQ, "item 2 has only categories 0 to 1"},
        {"\"thetaEst\", \"args\": {\"it\": [[1,0,0,1]], \"x\": [1, 0]}}", CC_CATAPI_EBADREQ,
         "args.x has 2 values but args.it has 1 rows"},
        /* options */
        {"\"thetaEst\", \"args\": {\"it\": [[1,0,0,1]], \"x\": [1], \"method\": \"MAP\"}}",
         CC_CATAPI_EBADREQ, "args.method must be one of ML, BM, EAP, WL, ROB (not \"MAP\")"},
        {"\"thetaEst\", \"args\": {\"it\": [[1,0,0,1]], \"x\": [1], \"priorPar\": [0]}}",
         CC_CATAPI_EBADREQ, "args.priorPar must be an array of 2 numbers"},
        {"\"thetaEst\", \"args\": {\"it\": [[1,0,0,1]], \"x\": [1], \"parInt\": [-4, 4, 1e12]}}",
         CC_CATAPI_EBADREQ, "quadrature points"},
        {"\"thetaEst\", \"args\": {\"it\": [[1,0,0,1]], \"x\": [1], \"parInt\": [-4, 4, 2.5]}}",
         CC_CATAPI_EBADREQ, "quadrature points"},
        {"\"thetaEst\", \"args\": {\"it\": [[1,0,0,1]], \"x\": [1], \"range\": [4, -4]}}",
         CC_CATAPI_EBADREQ, "args"},
        {"\"thetaEst\", \"args\": {\"it\": [[1,0,0,1]], \"x\": [1], \"priorPar\": [0, -1]}}",
         CC_CATAPI_EBADREQ, "args"},
        {"\"thetaEst\", \"args\": {\"it\": [[1,0,0,1]], \"x\": [1], \"constantPatt\": \"x\"}}",
         CC_CATAPI_EBADREQ, "args.constantPatt must be one of fixed4"},
        {"\"thetaEst\", \"args\": {\"it\": [[1,0,0,1]], \"x\": [1], \"sem.type\": \"new\"}}",
         CC_CATAPI_EBADREQ, "args.sem.type is not an argument of thetaEst"},
        /* engine refusal: ROB is for dichotomous items only */
        {"\"thetaEst\", \"args\": {\"it\": [[1,-1,1]], \"model\": \"GRM\", \"x\": [1], "
         "\"method\": \"ROB\"}}",
         CC_CATAPI_EREFUSED, "thetaEst: "},
        {"\"semTheta\", \"args\": {\"it\": [[1,0,0,1]], \"x\": [1]}}", CC_CATAPI_EBADREQ,
         "args.thEst is required"},
        {"\"semTheta\", \"args\": {\"thEst\": 0, \"it\": [[1,0,0,1]], \"method\": \"EAP\"}}",
         CC_CATAPI_EBADREQ, "args.x is required"},
        {"\"semTheta\", \"args\": {\"thEst\": 0, \"theta\": 0, \"it\": [[1,0,0,1]]}}",
         CC_CATAPI_EBADREQ, "more than once"},
        /* nextItem */
        {"\"nextItem\", \"args\": {\"theta\": 0}}", CC_CATAPI_EBADREQ, "args.itemBank is required"},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"out\": [4]}}",
         CC_CATAPI_EBADREQ, "args.out value 1 is 4, not an item of the bank (1 to 3)"},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"out\": [0]}}",
         CC_CATAPI_EBADREQ, "args.out value 1 is 0"},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"out\": [1, 1], \"x\": [0, 0]}}",
         CC_CATAPI_EBADREQ, "lists item 1 twice"},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"out\": [1, 2], \"x\": [0]}}",
         CC_CATAPI_EBADREQ, "args.x has 1 values but args.out has 2 items"},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"x\": [0]}}",
         CC_CATAPI_EBADREQ, "without args.out"},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"out\": [1], \"criterion\": \"MLWI\"}}",
         CC_CATAPI_EBADREQ, "args.x is required with criterion MLWI"},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"out\": [1], \"x\": [3]}}",
         CC_CATAPI_EBADREQ, "item 1 has only categories 0 to 1"},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"criterion\": \"MAXINFO\"}}",
         CC_CATAPI_EBADREQ, "args.criterion must be one of MFI, bOpt"},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"randomesque\": 0}}",
         CC_CATAPI_EBADREQ, "args.randomesque must be a whole number from 1"},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"nAvailable\": [1, 0]}}",
         CC_CATAPI_EBADREQ, "args.nAvailable must be an array of 3 values"},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"nAvailable\": [0, 0, 0]}}",
         CC_CATAPI_EREFUSED, "nextItem: "},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"out\": [1, 2, 3], \"x\": [0, 1, 0]}}",
         CC_CATAPI_EREFUSED, "nextItem: "},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"cbControl\": {\"names\": [\"a\"], "
         "\"props\": [1]}}}",
         CC_CATAPI_EBADREQ, "go together"},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"cbControl\": {\"names\": [\"a\", \"b\"], "
         "\"props\": [1]}, \"cbGroup\": [\"a\", \"a\", \"b\"]}}",
         CC_CATAPI_EBADREQ, "same, non-zero length"},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"cbControl\": {\"names\": [\"a\", \"b\"], "
         "\"props\": [1, 1]}, \"cbGroup\": [\"a\", \"c\", \"b\"]}}",
         CC_CATAPI_EBADREQ, "args.cbGroup value 2 is \"c\", which is not in cbControl.names"},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"cbControl\": {\"names\": [\"a\", \"b\"], "
         "\"props\": [1, -1]}, \"cbGroup\": [\"a\", \"a\", \"b\"]}}",
         CC_CATAPI_EBADREQ, "props value 2 must be a positive number"},
        {"\"nextItem\", \"args\": {\"itemBank\": [[1,-1,1]], "
         "\"model\": \"GRM\", "
         "\"criterion\": \"bOpt\"}}",
         CC_CATAPI_EREFUSED, "nextItem: "},
        {"\"nextItem\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"criterion\": \"random\", \"random.seed\": "
         "0.5}}",
         CC_CATAPI_EBADREQ, "args.random.seed must be a whole number"},
        /* randomCAT */
        {"\"randomCAT\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]]}}",
         CC_CATAPI_EBADREQ, "args.trueTheta is required"},
        {"\"randomCAT\", \"args\": {\"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"responses\": [1, 0]}}",
         CC_CATAPI_EBADREQ,
         "args.responses has 2 values but args.itemBank has 3 "
         "items"},
        {"\"randomCAT\", \"args\": {\"trueTheta\": 0, \"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"stop\": {\"rule\": "
         "[\"length\", \"precision\"], \"thr\": [2]}}}",
         CC_CATAPI_EBADREQ, "one threshold per rule"},
        {"\"randomCAT\", \"args\": {\"trueTheta\": 0, \"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"stop\": {\"rule\": "
         "\"forever\", \"thr\": 2}}}",
         CC_CATAPI_EBADREQ, "args.stop.rule must be one of length, precision, classification"},
        {"\"randomCAT\", \"args\": {\"trueTheta\": 0, \"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"stop\": [1]}}",
         CC_CATAPI_EBADREQ, "args.stop must be an object"},
        {"\"randomCAT\", \"args\": {\"trueTheta\": 0, \"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"test\": {\"itemselect\": "
         "\"MFI\"}}}",
         CC_CATAPI_EBADREQ, "args.test.itemselect is not an argument of test"},
        {"\"randomCAT\", \"args\": {\"trueTheta\": 0, \"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"start\": {\"fixItems\": "
         "[7]}}}",
         CC_CATAPI_EBADREQ, "args.start.fixItems value 1 is 7"},
        {"\"randomCAT\", \"args\": {\"trueTheta\": 0, \"itemBank\": "
         "[[1,0,0,1],[1,1,0,1],[1,-1,0,1]], \"final\": {\"alpha\": 2}}}",
         CC_CATAPI_EBADREQ, "args.final.alpha must be between 0 and 1"},
        {"\"randomCAT\", \"args\": {\"trueTheta\": 0, \"itemBank\": "
         "[[1,-1,1]], \"model\": "
         "\"GRM\", \"test\": {\"itemSelect\": \"GDI\"}}}",
         CC_CATAPI_EREFUSED, "randomCAT: "},
        /* finite but absurd parameters: a refusal, never a NaN in the answer */
        {"\"Ji\", \"args\": {\"model\": \"NRM\", \"th\": 0, \"it\": [[1e300,0,0,0],[1,0,1,0]]}}",
         CC_CATAPI_EREFUSED, "Ji: the result is not a number (NaN) at Ji[1]"},
        {"\"OIi\", \"args\": {\"model\": \"NRM\", \"th\": 0, \"it\": "
         "[[1,0,1,0],[1e300,1e300,-1,0]], "
         "\"x\": [0, 0]}}",
         CC_CATAPI_EREFUSED, "OIi: the result is not a number (NaN) at OIi[2]"},
        {"\"semTheta\", \"args\": {\"thEst\": 0, \"it\": [[1,0,0,1]], \"sem.exact\": \"yes\"}}",
         CC_CATAPI_EBADREQ, "args.sem.exact must be true or false"},
    };
    size_t k;
    char text[2048];

    for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        snprintf(text, sizeof(text), "%s%s", pre, cases[k].request);
        expect_error(text, cases[k].rc, cases[k].needle);
    }
}
END_TEST

START_TEST(conventions)
{
    char *out = NULL;
    const char *req;

    /* A flat row is one item; scalars and 1-element arrays are alike;
     * null means "not given". */
    req = "{\"fn\": \"Ii\", \"args\": {\"th\": [0], \"it\": [1, 0, 0, 1], \"model\": null, "
          "\"D\": null}}";
    ck_assert_int_eq(cc_catapi_handle(req, strlen(req), &out, errbuf, sizeof(errbuf)), 0);
    ck_assert_str_eq(out, "{\"Ii\":[0.25],\"dIi\":[0],\"d2Ii\":[-0.125]}");
    free(out);
    /* thetaEst answers a bare number, OIi a bare array. */
    req = "{\"fn\": \"thetaEst\", \"args\": {\"it\": [[1,0,0,1],[1,0,0,1]], \"x\": [1, 0], "
          "\"method\": \"ML\"}}";
    ck_assert_int_eq(cc_catapi_handle(req, strlen(req), &out, errbuf, sizeof(errbuf)), 0);
    ck_assert_msg(fabs(strtod(out, NULL)) < 1e-9, "theta %s", out);
    free(out);
    req = "{\"fn\": \"OIi\", \"args\": {\"th\": 0, \"it\": [[1,0,0,1],[1,0,0,1]], \"x\": [1, 0]}}";
    ck_assert_int_eq(cc_catapi_handle(req, strlen(req), &out, errbuf, sizeof(errbuf)), 0);
    ck_assert_str_eq(out, "[0.25,0.25]");
    free(out);
    /* Shortest round-trip numbers; non-finite as strings. */
    {
        json_object *v = cc_catapi_number(0.1);
        ck_assert_str_eq(json_object_to_json_string(v), "0.1");
        json_object_put(v);
        v = cc_catapi_number(1.0 / 3.0);
        ck_assert_double_eq(strtod(json_object_to_json_string(v), NULL), 1.0 / 3.0);
        json_object_put(v);
        v = cc_catapi_number(INFINITY);
        ck_assert_str_eq(json_object_to_json_string(v), "\"Inf\"");
        json_object_put(v);
        v = cc_catapi_number(-INFINITY);
        ck_assert_str_eq(json_object_to_json_string(v), "\"-Inf\"");
        json_object_put(v);
        v = cc_catapi_number(NAN);
        ck_assert_str_eq(json_object_to_json_string(v), "\"NaN\"");
        json_object_put(v);
    }
}
END_TEST

TCase *tcase_catapi_request(void)
{
    TCase *tc = cc_test_tcase("catapi/request");

    tcase_add_test(tc, pi_matches_catr);
    tcase_add_test(tc, info_matches_catr);
    tcase_add_test(tc, theta_est_and_sem_match_catr);
    tcase_add_test(tc, constant_patterns_match_catr);
    tcase_add_test(tc, next_item_matches_catr);
    tcase_add_test(tc, random_cat_matches_catr);
    tcase_add_test(tc, malformed_requests);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, conventions);
    return tc;
}
