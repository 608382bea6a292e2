/* Ability estimation and standard errors (catR's thetaEst and semTheta).
 *
 * Estimators (Magis & Raiche 2012; Magis & Barrada 2017), all on the items
 * that have a response (missing ones are left out, as catR drops NA):
 *
 * - ML, BM, WL and ROB solve an estimating equation f(theta) = 0 with
 *     ML   f = S(theta) = sum_j d log P_j(x_j) / dtheta
 *     BM   f = S + d log g / dtheta: normal prior (mu - theta) / sd^2;
 *          uniform prior 0 (the search interval is then the prior's
 *          support, as catR does); Jeffreys prior g = sqrt(I):
 *          I'(theta) / (2 I(theta))
 *     WL   f = S + J / (2 I) (Warm 1989; J = sum_j sum_k P' P'' / P)
 *     ROB  f = sum_j w(r_j) S_j, r_j = D a_j (theta - b_j), Huber
 *          w = min(1, k / |r|) or Tukey's biweight w = (1 - (r/k)^2)^2
 *          for |r| <= k, else 0 (Schuster & Yuan 2011; dichotomous only)
 *   Where f has opposite signs at the ends of the search interval [lo, hi]
 *   the root is found by Brent's method (bracketed: inverse quadratic /
 *   secant steps safeguarded by bisection, Brent 1973) to about 1e-13, as
 *   catR's uniroot does (to 1.22e-4). For ML and BM (normal or uniform
 *   prior) on dichotomous items, f and f' come from one pass over the
 *   items (one exp each); once Brent's bracket provably holds a single
 *   root (f' Lipschitz, see with_certificate and one_root) Newton steps
 *   finish it, and where f is decreasing everywhere (2PL-like responses)
 *   Newton runs from 0 directly: the same root, in about 7 passes instead
 *   of 10-12, and Brent's (catR's) choice where there are several.
 *   Otherwise the interval is scanned (128 steps) for a point where f goes
 *   from positive to negative (a maximum of the criterion: catR finds such
 *   interior roots, e.g. Tukey ROB with f < 0 at both ends) and the first
 *   one is solved. Where there is none, the estimate is the end f pushes
 *   towards, exactly as catR returns the end of range: the sign of the
 *   last nonzero f (from the top) decides, positive giving hi (e.g. all
 *   correct under ML), negative lo. When f is identically 0 (only the
 *   Tukey weight can do that: no item carries any weight; every theta
 *   solves the equation) the result is the middle of the interval. With
 *   one item under Tukey weights f is 0 on a whole interval; catR returns
 *   an arbitrary point of it, we the end the item's response pushes
 *   towards.
 * - EAP: the posterior mean on the grid parInt (quad_points nodes from
 *   quad[0] to quad[1]), integrated with the trapezoid rule as catR does
 *   (so the two end nodes count half). Prior normal, uniform, or Jeffreys
 *   (sqrt of the test information of the answered items).
 *
 * Standard errors (semTheta), at the theta given:
 *   ML, WL     1 / sqrt(I)
 *   BM         1 / sqrt(I + 1/sd^2) (normal), 1 / sqrt(I) (uniform),
 *              1 / sqrt(I + (I'^2 / I^2 - I'' / I) / 2) (Jeffreys)
 *   ROB        sqrt(sum w^2 I_j) / sum w I_j (sandwich form)
 *   EAP        the posterior standard deviation around theta, trapezoid
 *   sem.type "new" (Magis 2016), for ML, BM and WL: sqrt(I) / |I - B'|
 *   where B is the estimator's correction term of f above (0 for ML).
 *   exact: over all 2^n response patterns of the (dichotomous) items,
 *   the standard deviation of the estimate weighted by the pattern's
 *   probability at theta (catR's fullDist).
 *
 * Defined behaviours where catR has none (documented in the report and
 * tested):
 * - No answered item: BM with a normal prior gives its mean (clamped to
 *   the range), BM uniform the middle of the prior's support, EAP the
 *   prior mean on the grid; ML, WL, ROB and BM/EAP with the Jeffreys prior
 *   are refused (CC_CAT_EREFUSED). Their SEs: 1/sqrt(0) = Inf for ML, WL
 *   and ROB, the prior sd for BM normal, the prior's grid sd for EAP.
 * - ROB with no item carrying weight at theta: SE Inf (catR: NaN).
 * - A non-positive information in the SE formulas gives Inf.
 * - semTheta with constantPatt "EAP" (catR fails: object 'NUM' not
 *   found): the EAP posterior sd around theta.
 * - constantPatt applies to dichotomous items only, as in catR; a
 *   pattern is constant when it has at least one response and every
 *   response is 0, or every one is 1.
 * Nothing returns NaN: a non-finite intermediate value is an error with a
 * reason. */
#include "estimate.h"

#include "model.h"

#include <float.h>
#include <math.h>
#include <string.h>
#include <stddef.h>

/* The longest test whose 2^n response patterns sem.exact enumerates. */
#define EXACT_MAX_ITEMS 20
/* Brent's absolute tolerance (plus 2 eps |theta|). */
#define ROOT_TOL 1e-13
#define ROOT_MAX_ITER 200
/* Interior intervals scanned when f has no sign change between the ends. */
#define SCAN_POINTS 128

void cc_est_options_default(cc_est_options *opt)
{
    opt->method = CC_EST_BM;
    opt->prior = CC_PRIOR_NORM;
    opt->prior_par[0] = 0;
    opt->prior_par[1] = 1;
    opt->D = 1;
    opt->range[0] = -4;
    opt->range[1] = 4;
    opt->quad[0] = -4;
    opt->quad[1] = 4;
    opt->quad_points = 33;
    opt->weight = CC_WEIGHT_HUBER;
    opt->tuning = 1;
    opt->constant_patt = CC_CONST_NONE;
    opt->current_theta = 0;
    opt->b_range[0] = -2;
    opt->b_range[1] = 2;
}

cc_cat_status cc_est_options_check(const cc_est_options *opt, cc_cat_error *err)
{
    if (opt == NULL)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "no estimation options given");
    if ((int)opt->method < CC_EST_ML || (int)opt->method > CC_EST_ROB)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "unknown estimation method %d",
                           (int)opt->method);
    if ((int)opt->prior < CC_PRIOR_NORM || (int)opt->prior > CC_PRIOR_JEFFREYS)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "unknown prior distribution %d",
                           (int)opt->prior);
    if ((int)opt->weight < CC_WEIGHT_HUBER || (int)opt->weight > CC_WEIGHT_TUKEY)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "unknown robust weight %d", (int)opt->weight);
    if ((int)opt->constant_patt < CC_CONST_NONE || (int)opt->constant_patt > CC_CONST_WL)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "unknown constantPatt %d",
                           (int)opt->constant_patt);
    if (!isfinite(opt->D) || opt->D <= 0)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "D must be a positive number (got %g)", opt->D);
    if (!isfinite(opt->range[0]) || !isfinite(opt->range[1]) || !(opt->range[0] < opt->range[1]))
        return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                           "range must be two finite numbers, the first below the second "
                           "(got %g, %g)",
                           opt->range[0], opt->range[1]);
    if (!isfinite(opt->quad[0]) || !isfinite(opt->quad[1]) || !(opt->quad[0] < opt->quad[1]))
        return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                           "parInt's bounds must be finite, the first below the second "
                           "(got %g, %g)",
                           opt->quad[0], opt->quad[1]);
    if (opt->quad_points < 2 || opt->quad_points > CC_MAX_QUAD)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                           "parInt's number of points must be 2 to %d (got %d)", CC_MAX_QUAD,
                           opt->quad_points);
    if (!isfinite(opt->prior_par[0]) || !isfinite(opt->prior_par[1]))
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "priorPar must be finite (got %g, %g)",
                           opt->prior_par[0], opt->prior_par[1]);
    if (opt->prior == CC_PRIOR_NORM && !(opt->prior_par[1] > 0))
        return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                           "the normal prior's standard deviation must be positive (got %g)",
                           opt->prior_par[1]);
    if (opt->prior == CC_PRIOR_UNIF && !(opt->prior_par[0] < opt->prior_par[1]))
        return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                           "the uniform prior's bounds must be increasing (got %g, %g)",
                           opt->prior_par[0], opt->prior_par[1]);
    if (!isfinite(opt->tuning) || !(opt->tuning > 0))
        return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                           "the robust tuning constant tuCo must be positive (got %g)",
                           opt->tuning);
    if (!isfinite(opt->current_theta))
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "current.th must be finite (got %g)",
                           opt->current_theta);
    if (!isfinite(opt->b_range[0]) || !isfinite(opt->b_range[1]) ||
        opt->b_range[0] > opt->b_range[1])
        return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                           "bRange must be two finite numbers in increasing order (got %g, %g)",
                           opt->b_range[0], opt->b_range[1]);
    return CC_CAT_OK;
}

static const char *method_name(cc_est_method m)
{
    static const char *const names[] = {"ML", "BM", "EAP", "WL", "ROB"};

    return names[m];
}

/* ---- the estimating equation ------------------------------------------- */

typedef struct {
    const cc_bank *bank;
    const int *items;
    const int *x; /* NULL: every item answered (SEs only) */
    int n;
    const cc_est_options *opt;
    cc_est_method method;
    /* Set by estimate() for the root finders (see bracketed_root). */
    int cert;      /* ML or BM (normal, uniform) on dichotomous items */
    int concave;   /* cert, and f strictly decreasing everywhere */
    double lip;    /* Lipschitz constant of f' (cert) */
    double fp_tol; /* allowance for rounding in f' (cert) */
} est_ctx;

static void est_ctx_init(est_ctx *c, const cc_bank *bank, const int *items, const int *x, int n,
                         const cc_est_options *opt, cc_est_method method)
{
    memset(c, 0, sizeof(*c));
    c->bank = bank;
    c->items = items;
    c->x = x;
    c->n = n;
    c->opt = opt;
    c->method = method;
}

static inline int answered(const est_ctx *c, int k)
{
    return c->x == NULL || c->x[k] != CC_MISSING;
}

static int count_answered(const est_ctx *c)
{
    int k, m = 0;

    for (k = 0; k < c->n; k++)
        m += answered(c, k);
    return m;
}

/* Robust weight of residual r. */
static inline double rob_weight(const cc_est_options *opt, double r)
{
    double k = opt->tuning, ar = fabs(r);

    if (opt->weight == CC_WEIGHT_HUBER)
        return ar <= k ? 1.0 : k / ar;
    if (ar > k)
        return 0.0;
    r /= k;
    return (1 - r * r) * (1 - r * r);
}

/* d log P(x) / dtheta of one item. */
static inline double item_score(const cc_bank *bank, int item, int x, double th, double D)
{
    double P[CC_MAX_CAT], dP[CC_MAX_CAT], s;

    if (bank->model == CC_MODEL_DICHO) {
        /* catR's form P' (x - P) / (P Q), with its clamped P. */
        cc_item_probs(bank, item, th, D, P, dP, NULL, NULL);
        return dP[1] * (x - P[1]) / (P[0] * P[1]);
    }
    cc_log_likelihood(bank, &item, &x, 1, th, D, &s, NULL);
    return s;
}

/* Sums over the answered items of I, I', I'' (d2I may be NULL) and J, J'. */
static void sum_info(const est_ctx *c, double th, double *I, double *dI, double *d2I, double *J,
                     double *dJ)
{
    double D = c->opt->D, sI = 0, sdI = 0, sd2I = 0, sJ = 0, sdJ = 0;
    int k;

    for (k = 0; k < c->n; k++) {
        double a = 0, b = 0;

        if (!answered(c, k))
            continue;
        sI += cc_item_info(c->bank, c->items[k], th, D, dI ? &a : NULL, d2I ? &b : NULL);
        sdI += a;
        sd2I += b;
        if (J) {
            a = 0;
            sJ += cc_item_ji(c->bank, c->items[k], th, D, dJ ? &a : NULL);
            sdJ += a;
        }
    }
    *I = sI;
    if (dI)
        *dI = sdI;
    if (d2I)
        *d2I = sd2I;
    if (J)
        *J = sJ;
    if (dJ)
        *dJ = sdJ;
}

static double score(const est_ctx *c, double th)
{
    double D = c->opt->D, s = 0;
    int k;

    if (c->bank->model != CC_MODEL_DICHO) {
        cc_log_likelihood(c->bank, c->items, c->x, c->n, th, D, &s, NULL);
        return s;
    }
    for (k = 0; k < c->n; k++)
        if (c->x[k] != CC_MISSING)
            s += item_score(c->bank, c->items[k], c->x[k], th, D);
    return s;
}

/* Whether est_fn_d applies: ML, BM and WL on dichotomous items. */
static int has_derivative(const est_ctx *c)
{
    return c->bank->model == CC_MODEL_DICHO &&
           (c->method == CC_EST_ML || c->method == CC_EST_BM || c->method == CC_EST_WL);
}

/* f (catR's form, as the rest of this file computes it, to rounding) from
 * ONE pass over the items (one exp each) with cc_dicho_sums_eval, and
 * when df is not NULL (ML and BM with a normal or uniform prior only) its
 * derivative S' = -OI (the observed information), minus 1/sd^2 for the
 * normal prior. Only where has_derivative(c). */
static double est_fn_d(const est_ctx *c, double th, double *df)
{
    const cc_est_options *o = c->opt;
    unsigned want = CC_SUM_SCORE | (df ? CC_SUM_DSCORE : 0);
    cc_dicho_sums sm;
    double f, d;

    if (c->method == CC_EST_BM && o->prior == CC_PRIOR_JEFFREYS)
        want |= CC_SUM_DI;
    else if (c->method == CC_EST_WL)
        want |= CC_SUM_J;
    cc_dicho_sums_eval(c->bank, c->items, c->x, c->n, th, o->D, want, &sm);
    f = sm.score;
    d = sm.dscore;
    if (c->method == CC_EST_BM) {
        if (o->prior == CC_PRIOR_NORM) {
            f += (o->prior_par[0] - th) / (o->prior_par[1] * o->prior_par[1]);
            d -= 1 / (o->prior_par[1] * o->prior_par[1]);
        } else if (o->prior == CC_PRIOR_JEFFREYS) {
            f += sm.dI / (2 * sm.I);
            d = NAN;
        }
    } else if (c->method == CC_EST_WL) {
        f += sm.J / (2 * sm.I);
        d = NAN;
    }
    if (df)
        *df = d;
    return f;
}

/* The estimating function f of the method at th. */
static double est_fn(const est_ctx *c, double th)
{
    const cc_est_options *o = c->opt;
    double s, I, dI, J;
    int k;

    if (has_derivative(c))
        return est_fn_d(c, th, NULL);

    if (c->method == CC_EST_ROB) {
        s = 0;
        for (k = 0; k < c->n; k++) {
            const double *row;
            double w;

            if (c->x[k] == CC_MISSING)
                continue;
            row = cc_bank_row(c->bank, c->items[k]);
            w = rob_weight(o, o->D * row[0] * (th - row[1]));
            if (w != 0)
                s += w * item_score(c->bank, c->items[k], c->x[k], th, o->D);
        }
        return s;
    }
    s = score(c, th);
    if (c->method == CC_EST_BM) {
        if (o->prior == CC_PRIOR_NORM) {
            s += (o->prior_par[0] - th) / (o->prior_par[1] * o->prior_par[1]);
        } else if (o->prior == CC_PRIOR_JEFFREYS) {
            sum_info(c, th, &I, &dI, NULL, NULL, NULL);
            s += dI / (2 * I);
        }
    } else if (c->method == CC_EST_WL) {
        sum_info(c, th, &I, NULL, NULL, &J, NULL);
        s += J / (2 * I);
    }
    return s;
}

static cc_cat_status not_finite(const est_ctx *c, double th, cc_cat_error *err)
{
    return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                       "the %s estimating equation is not finite at theta = %g (the test "
                       "information vanishes there); narrow the range",
                       method_name(c->method), th);
}

/* Safeguarded Newton-Raphson on [a, b] (either order) with fa, fb of
 * opposite signs, for ML and BM with a normal or uniform prior (c->cert,
 * where f' is at hand and Lipschitz with constant c->lip), on a bracket
 * with a single root: f and f' come from one pass over the items. The
 * bracket shrinks with the sign of every iterate; a Newton step that
 * leaves it, or whose slope does not have the sign of a crossing from fa's
 * sign to fb's, is replaced by bisection. Starts from start when it is
 * inside, else from the middle. After a Newton step s from t the error is
 * at most about lip s^2 / (2 |f'(t)|) (Taylor, |f''| <= lip); it stops
 * when that is below NEWTON_ERR, the accuracy Brent's method is run to. */
#define NEWTON_ERR 1e-13
static cc_cat_status newton(const est_ctx *c, double a, double b, double fa, double fb,
                            double start, double *root, cc_cat_error *err)
{
    double l = fmin(a, b), h = fmax(a, b), fl = a < b ? fa : fb;
    int sl = fl > 0 ? 1 : -1; /* sign of f at l; f has the other sign at h */
    double t = start > l && start < h ? start : 0.5 * (l + h);
    int iter;

    for (iter = 0; iter < ROOT_MAX_ITER; iter++) {
        double df, f = est_fn_d(c, t, &df), tn = t, step;
        int is_newton = 0;

        if (!isfinite(f))
            return not_finite(c, t, err);
        if (f == 0) {
            *root = t;
            return CC_CAT_OK;
        }
        if ((f > 0) == (sl > 0))
            l = t;
        else
            h = t;
        /* A crossing from sl to -sl needs a slope of sign -sl. */
        if (isfinite(df) && (sl > 0 ? df < 0 : df > 0)) {
            tn = t - f / df;
            is_newton = tn > l && tn < h;
        }
        if (!is_newton) {
            tn = 0.5 * (l + h);
            if (h - l <= 2 * DBL_EPSILON * fabs(tn) + ROOT_TOL) {
                *root = tn;
                return CC_CAT_OK;
            }
        }
        step = fabs(tn - t);
        if (is_newton && c->lip * step * step <= 2 * NEWTON_ERR * fabs(df)) {
            *root = tn;
            return CC_CAT_OK;
        }
        t = tn;
    }
    *root = t; /* not reached in practice: bisection halves the bracket */
    return CC_CAT_OK;
}

/* Whether f is strictly monotone on the bracket between u and v (f of
 * opposite signs there, slopes du, dv): with f' Lipschitz (constant lip),
 * f' on [u, v] is at most (du + dv) / 2 + lip |v - u| / 2 (at least
 * (du + dv) / 2 - lip |v - u| / 2), so when that bound has the sign of
 * the crossing, the bracket holds exactly one root. */
static int one_root(const est_ctx *c, double u, double v, double fu, double du, double dv)
{
    double mid = 0.5 * (du + dv), slack = 0.5 * c->lip * fabs(v - u) + c->fp_tol;
    int down = (u < v) == (fu > 0); /* f goes from + to - with theta */

    if (!c->cert || !isfinite(mid))
        return 0;
    return down ? mid + slack < 0 : mid - slack > 0;
}

/* f, and its slope (NAN when not at hand), at th. */
static double eval_fd(const est_ctx *c, double th, double *df)
{
    if (c->cert)
        return est_fn_d(c, th, df);
    *df = NAN;
    return est_fn(c, th);
}

/* Brent's method on [a, b] with fa, fb of opposite signs (or one zero);
 * da, db are the slopes there (NAN when not at hand). Where the
 * certificate applies (ML, BM normal or uniform, dichotomous), once
 * Brent's bracket [b, c] is shown to hold a single root (one_root), that
 * root (which Brent would converge to) is polished by Newton steps from b
 * instead: the same root, in fewer passes. Until then the iterates are
 * exactly Brent's, so that where the equation has several roots the one
 * chosen is Brent's (and catR's uniroot's, the same algorithm from the
 * same bracket). */
static cc_cat_status brent(const est_ctx *c, double a, double b, double fa, double fb, double da,
                           double db, double *root, cc_cat_error *err)
{
    double cc = a, fc = fa, dc = da, d = b - a, e = d;
    int iter;

    for (iter = 0; iter < ROOT_MAX_ITER; iter++) {
        double tol, m, p, q, r, s;

        if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
            /* Keep the root between b and c. */
            cc = a;
            fc = fa;
            dc = da;
            d = e = b - a;
        }
        if (fabs(fc) < fabs(fb)) {
            /* b is the best estimate so far. */
            a = b;
            b = cc;
            cc = a;
            fa = fb;
            fb = fc;
            fc = fa;
            da = db;
            db = dc;
            dc = da;
        }
        tol = 2 * DBL_EPSILON * fabs(b) + 0.5 * ROOT_TOL;
        m = 0.5 * (cc - b);
        if (fb == 0 || fabs(m) <= tol) {
            *root = b;
            return CC_CAT_OK;
        }
        if (one_root(c, b, cc, fb, db, dc))
            return newton(c, b, cc, fb, fc, b - fb / db, root, err);
        if (fabs(e) >= tol && fabs(fa) > fabs(fb)) {
            /* Interpolate: secant when only two points, else inverse
             * quadratic. */
            s = fb / fa;
            if (a == cc) {
                p = 2 * m * s;
                q = 1 - s;
            } else {
                q = fa / fc;
                r = fb / fc;
                p = s * (2 * m * q * (q - r) - (b - a) * (r - 1));
                q = (q - 1) * (r - 1) * (s - 1);
            }
            if (p > 0)
                q = -q;
            else
                p = -p;
            if (2 * p < fmin(3 * m * q - fabs(tol * q), fabs(e * q))) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        da = db;
        b += fabs(d) > tol ? d : (m > 0 ? tol : -tol);
        fb = eval_fd(c, b, &db);
        if (!isfinite(fb))
            return not_finite(c, b, err);
    }
    *root = b; /* not reached in practice: bisection halves the bracket */
    return CC_CAT_OK;
}

/* The root in a bracket [a, b]. Where f is strictly decreasing everywhere
 * (concave), Newton from 0 (or the middle); else Brent, polished by Newton
 * once a single root is certain (see brent). */
static cc_cat_status bracketed_root(const est_ctx *c, double a, double b, double fa, double fb,
                                    double da, double db, double *root, cc_cat_error *err)
{
    if (c->concave)
        return newton(c, a, b, fa, fb, 0.0, root, err);
    return brent(c, a, b, fa, fb, da, db, root, err);
}

/* The estimate on [lo, hi] (see the top of the file). */
static cc_cat_status solve(const est_ctx *c, double lo, double hi, double *theta, cc_cat_error *err)
{
    double dlo, dhi, flo = eval_fd(c, lo, &dlo), fhi = eval_fd(c, hi, &dhi);
    double prev_t = lo, prev_f = flo, prev_d = dlo;
    int i, last_sign = 0;

    if (!isfinite(flo))
        return not_finite(c, lo, err);
    if (!isfinite(fhi))
        return not_finite(c, hi, err);
    if ((flo > 0 && fhi < 0) || (flo < 0 && fhi > 0))
        return bracketed_root(c, lo, hi, flo, fhi, dlo, dhi, theta, err);
    /* No sign change between the ends: look inside for a root where f
     * goes from positive to negative (a maximum of the criterion). */
    for (i = 1; i <= SCAN_POINTS; i++) {
        double t = i == SCAN_POINTS ? hi : lo + (hi - lo) * i / SCAN_POINTS, df = dhi;
        double f = i == SCAN_POINTS ? fhi : eval_fd(c, t, &df);

        if (!isfinite(f))
            return not_finite(c, t, err);
        if (f == 0)
            continue;
        if (f < 0 && prev_f > 0)
            return bracketed_root(c, prev_t, t, prev_f, f, prev_d, df, theta, err);
        last_sign = f > 0 ? 1 : -1;
        prev_t = t;
        prev_f = f;
        prev_d = df;
    }
    /* None: the end f pushes towards, the middle when f is identically 0. */
    *theta = last_sign > 0 ? hi : last_sign < 0 ? lo : 0.5 * (lo + hi);
    return CC_CAT_OK;
}

/* ---- EAP ---------------------------------------------------------------- */

/* Unnormalised log prior density at t (-INFINITY outside a uniform's
 * support or where the Jeffreys prior vanishes). */
static double log_prior(const est_ctx *c, double t)
{
    const cc_est_options *o = c->opt;
    double z, I;

    switch (o->prior) {
    case CC_PRIOR_NORM:
        z = (t - o->prior_par[0]) / o->prior_par[1];
        return -0.5 * z * z;
    case CC_PRIOR_UNIF:
        return (t >= o->prior_par[0] && t <= o->prior_par[1]) ? 0.0 : -INFINITY;
    default:
        sum_info(c, t, &I, NULL, NULL, NULL, NULL);
        return I > 0 ? 0.5 * log(I) : -INFINITY;
    }
}

/* Nodes and normalised posterior weights prior x likelihood (no
 * quadrature factor). */
static cc_cat_status posterior(const est_ctx *c, double *nodes, double *w, cc_cat_error *err)
{
    const cc_est_options *o = c->opt;
    int Q = o->quad_points, q;
    double lo = o->quad[0], hi = o->quad[1], h = (hi - lo) / (Q - 1), mx = -INFINITY, sum = 0;

    if (o->prior == CC_PRIOR_JEFFREYS && count_answered(c) == 0)
        return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                           "the Jeffreys prior needs at least one answered item (it is the "
                           "square root of their information)");
    for (q = 0; q < Q; q++)
        nodes[q] = q == Q - 1 ? hi : lo + q * h;
    /* The likelihood on the whole grid in one call (item by item). */
    cc_log_likelihood_grid(c->bank, c->items, c->x, c->n, nodes, Q, o->D, w);
    for (q = 0; q < Q; q++) {
        double t = nodes[q], lp;

        lp = log_prior(c, t);
        if (lp != -INFINITY)
            lp += w[q];
        if (isnan(lp) || lp == INFINITY)
            return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                               "the posterior is not finite at theta = %g", t);
        w[q] = lp;
        if (lp > mx)
            mx = lp;
    }
    if (mx == -INFINITY)
        return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                           "the posterior is 0 on the whole quadrature grid (%g to %g): the "
                           "prior does not cover it",
                           lo, hi);
    for (q = 0; q < Q; q++) {
        w[q] = exp(w[q] - mx);
        sum += w[q];
    }
    for (q = 0; q < Q; q++)
        w[q] /= sum;
    return CC_CAT_OK;
}

/* Trapezoid-rule moments of the posterior: the mean, and when sd is not
 * NULL the standard deviation around center. */
static cc_cat_status eap(const est_ctx *c, double center, double *mean, double *sd,
                         cc_cat_error *err)
{
    double nodes[CC_MAX_QUAD], w[CC_MAX_QUAD], s0 = 0, s1 = 0, s2 = 0;
    int Q = c->opt->quad_points, q;
    cc_cat_status st = posterior(c, nodes, w, err);

    if (st != CC_CAT_OK)
        return st;
    for (q = 0; q < Q; q++) {
        double wq = (q == 0 || q == Q - 1) ? 0.5 * w[q] : w[q];

        s0 += wq;
        s1 += wq * nodes[q];
    }
    if (mean)
        *mean = s1 / s0;
    if (sd) {
        for (q = 0; q < Q; q++) {
            double wq = (q == 0 || q == Q - 1) ? 0.5 * w[q] : w[q], dv = nodes[q] - center;

            s2 += wq * dv * dv;
        }
        *sd = sqrt(s2 / s0);
    }
    return CC_CAT_OK;
}

/* ---- estimation --------------------------------------------------------- */

static cc_cat_status rob_refused(cc_cat_error *err)
{
    return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                       "the robust estimator (ROB) is defined for dichotomous items only "
                       "(catR fails: argument is of length zero)");
}

/* Fills the root finders' fields of a copy of c (see bracketed_root and
 * one_root). For ML and BM with a normal or uniform prior on dichotomous
 * items, log P of a response is, up to a constant, log L + log(1 + g e^-+z)
 * with L the logistic of -+z, z = D a (theta - b), and g = c / d (x = 1)
 * or (1 - d) / (1 - c) (x = 0): a concave part, and where g > 0 a convex
 * one. Its second derivative is -(Da)^2 L (1 - L) + (Da)^2 w (1 - w) with
 * w a logistic too, so its third is at most (Da)^3 max |u (1 - u) (1 - 2u)|
 * = (Da)^3 / (6 sqrt 3) per part in size (the prior adds nothing): the
 * Lipschitz constant lip of f'. With no convex part (c = 0 for the correct
 * responses, d = 1 for the wrong ones) f is strictly decreasing. */
static const est_ctx *with_certificate(const est_ctx *c, est_ctx *out)
{
    const cc_est_options *o = c->opt;
    double lip = 0, da2 = 0;
    int k, convex = 0;

    *out = *c;
    out->cert = has_derivative(c) && c->method != CC_EST_WL &&
                !(c->method == CC_EST_BM && o->prior == CC_PRIOR_JEFFREYS);
    out->concave = 0;
    out->lip = out->fp_tol = 0;
    if (!out->cert)
        return out;
    for (k = 0; k < c->n; k++) {
        const double *row;
        double Da, parts;

        if (c->x[k] == CC_MISSING)
            continue;
        row = cc_bank_row(c->bank, c->items[k]);
        Da = o->D * row[0];
        parts = (c->x[k] ? row[2] > 0 : row[3] < 1) ? 2 : 1;
        convex |= parts == 2;
        lip += parts * Da * Da * Da;
        da2 += Da * Da;
    }
    /* 1 / (6 sqrt 3) = 0.0962250...; rounded up, with a margin for the
     * rounding of f' (its terms are at most ~ 2 (Da)^2 in size). */
    out->lip = 0.0963 * lip;
    out->fp_tol = 1e-12 * da2;
    out->concave = !convex && (c->method == CC_EST_BM ? da2 > 0 || o->prior == CC_PRIOR_NORM : 1);
    return out;
}

static cc_cat_status estimate(const est_ctx *c, double *theta, cc_cat_error *err)
{
    const cc_est_options *o = c->opt;
    double lo = o->range[0], hi = o->range[1];
    est_ctx cc;
    int m;

    if (c->method == CC_EST_ROB && c->bank->model != CC_MODEL_DICHO)
        return rob_refused(err);
    if (c->method == CC_EST_EAP)
        return eap(c, 0, theta, NULL, err);
    m = count_answered(c);
    if (m == 0 && c->method != CC_EST_BM)
        return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                           "%s needs at least one answered item (use BM or EAP, whose estimate "
                           "without responses is the prior's)",
                           method_name(c->method));
    if (c->method == CC_EST_BM && o->prior == CC_PRIOR_JEFFREYS && m == 0)
        return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                           "the Jeffreys prior needs at least one answered item (it is the "
                           "square root of their information)");
    if (c->method == CC_EST_BM && o->prior == CC_PRIOR_UNIF) {
        /* catR searches the prior's support. */
        lo = o->prior_par[0];
        hi = o->prior_par[1];
    }
    return solve(with_certificate(c, &cc), lo, hi, theta, err);
}

static cc_cat_status check_args(const cc_bank *bank, const int *items, const int *x, int n,
                                const cc_est_options *opt, int need_x, cc_cat_error *err)
{
    cc_cat_status st;
    int k;

    if (bank == NULL)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "no item bank given");
    if (n < 0)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "negative number of items (%d)", n);
    if (n > 0 && items == NULL)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "%d items announced but none given", n);
    if (n > 0 && x == NULL && need_x)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "%d items given without their responses", n);
    st = cc_est_options_check(opt, err);
    if (st != CC_CAT_OK)
        return st;
    if (x)
        return cc_check_responses(bank, items, x, n, err);
    for (k = 0; k < n; k++)
        if (items[k] < 0 || items[k] >= bank->n_items)
            return cc_cat_fail(err, CC_CAT_EINVAL, -1, "item %d is not in the bank (1 to %d)",
                               items[k] + 1, bank->n_items);
    return CC_CAT_OK;
}

/* 0 or 1 when every response of a dichotomous pattern is that value (at
 * least one response), else -1. */
static int constant_pattern(const cc_bank *bank, const int *x, int n)
{
    int k, v = -1;

    if (bank->model != CC_MODEL_DICHO || x == NULL)
        return -1;
    for (k = 0; k < n; k++) {
        if (x[k] == CC_MISSING)
            continue;
        if (v == -1)
            v = x[k];
        else if (x[k] != v)
            return -1;
    }
    return v;
}

static cc_est_method constant_method(cc_constant_patt cp)
{
    return cp == CC_CONST_BM ? CC_EST_BM : cp == CC_CONST_EAP ? CC_EST_EAP : CC_EST_WL;
}

cc_cat_status cc_theta_est(const cc_bank *bank, const int *items, const int *x, int n,
                           const cc_est_options *opt, double *theta, cc_cat_error *err)
{
    est_ctx c;
    cc_cat_status st;
    int cpv;

    if (theta == NULL)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "no place for the estimate");
    st = check_args(bank, items, x, n, opt, 1, err);
    if (st != CC_CAT_OK)
        return st;
    est_ctx_init(&c, bank, items, x, n, opt, opt->method);
    cpv = opt->constant_patt == CC_CONST_NONE ? -1 : constant_pattern(bank, x, n);
    if (cpv >= 0) {
        double sign = cpv ? 1 : -1, cur = opt->current_theta;

        switch (opt->constant_patt) {
        case CC_CONST_FIXED4:
            *theta = cur + sign * 0.4;
            return CC_CAT_OK;
        case CC_CONST_FIXED7:
            *theta = cur + sign * 0.7;
            return CC_CAT_OK;
        case CC_CONST_VAR:
            *theta = 0.5 * (cur + (cpv ? opt->b_range[1] : opt->b_range[0]));
            return CC_CAT_OK;
        default:
            c.method = constant_method(opt->constant_patt);
            break;
        }
    }
    return estimate(&c, theta, err);
}

/* ---- standard errors ---------------------------------------------------- */

/* 1 / sqrt(info), Inf where info is not positive. */
static double inv_sqrt_info(double info)
{
    return info > 0 ? 1 / sqrt(info) : INFINITY;
}

static cc_cat_status sem_exact(const est_ctx *c, double theta, double *se, cc_cat_error *err)
{
    int it[EXACT_MAX_ITEMS], xs[EXACT_MAX_ITEMS], m = 0, k;
    double p1[EXACT_MAX_ITEMS], W = 0, mean = 0, M2 = 0;
    unsigned long pat, npat;
    est_ctx e = *c;

    for (k = 0; k < c->n; k++) {
        if (!answered(c, k))
            continue;
        if (m == EXACT_MAX_ITEMS)
            return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                               "exact standard errors enumerate all 2^n response patterns: at "
                               "most %d items (got more)",
                               EXACT_MAX_ITEMS);
        it[m] = c->items[k];
        p1[m] = cc_item_prob(c->bank, c->items[k], theta, c->opt->D, 1);
        m++;
    }
    if (m == 0)
        return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                           "exact standard errors need at least one answered item");
    e.items = it;
    e.x = xs;
    e.n = m;
    e.method = c->opt->method; /* catR's fullDist: the method, not constantPatt */
    npat = 1UL << m;
    for (pat = 0; pat < npat; pat++) {
        double p = 1, th, dv;
        cc_cat_status st;

        for (k = 0; k < m; k++) {
            xs[k] = (int)((pat >> k) & 1);
            p *= xs[k] ? p1[k] : 1 - p1[k];
        }
        st = estimate(&e, &th, err);
        if (st != CC_CAT_OK)
            return st;
        /* Weighted running mean and sum of squares (West 1979). */
        W += p;
        dv = th - mean;
        mean += p / W * dv;
        M2 += p * dv * (th - mean);
    }
    *se = sqrt(fmax(M2 / W, 0));
    return CC_CAT_OK;
}

cc_cat_status cc_sem_theta(const cc_bank *bank, const int *items, const int *x, int n, double theta,
                           const cc_est_options *opt, cc_sem_type type, int exact, double *se,
                           cc_cat_error *err)
{
    est_ctx c;
    cc_cat_status st;
    double I, dI, d2I, J, dJ, B1 = 0, out = NAN;
    int cpv, k, m;

    if (se == NULL)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "no place for the standard error");
    st = check_args(bank, items, x, n, opt, 0, err);
    if (st != CC_CAT_OK)
        return st;
    if (!isfinite(theta))
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "theta must be finite (got %g)", theta);
    if (type != CC_SEM_CLASSIC && type != CC_SEM_NEW)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "unknown sem.type %d", (int)type);
    est_ctx_init(&c, bank, items, x, n, opt, opt->method);
    cpv = opt->constant_patt == CC_CONST_NONE ? -1 : constant_pattern(bank, x, n);
    if (cpv >= 0) {
        if (opt->constant_patt == CC_CONST_FIXED4 || opt->constant_patt == CC_CONST_FIXED7 ||
            opt->constant_patt == CC_CONST_VAR) {
            *se = INFINITY; /* as catR */
            return CC_CAT_OK;
        }
        c.method = constant_method(opt->constant_patt);
    }
    if (c.method == CC_EST_ROB && bank->model != CC_MODEL_DICHO)
        return rob_refused(err);
    if (exact && bank->model == CC_MODEL_DICHO) /* catR ignores sem.exact otherwise */
        return sem_exact(&c, theta, se, err);
    if (c.method == CC_EST_EAP) {
        if (x == NULL && n > 0)
            return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                               "the EAP standard error needs the responses");
        st = eap(&c, theta, NULL, &out, err);
        if (st != CC_CAT_OK)
            return st;
        *se = out;
        return CC_CAT_OK;
    }
    m = count_answered(&c);
    if (c.method == CC_EST_ROB) {
        double swi = 0, sw2i = 0;

        for (k = 0; k < n; k++) {
            const double *row;
            double w, Ii;

            if (!answered(&c, k))
                continue;
            row = cc_bank_row(bank, items[k]);
            w = rob_weight(opt, opt->D * row[0] * (theta - row[1]));
            Ii = cc_item_info(bank, items[k], theta, opt->D, NULL, NULL);
            swi += w * Ii;
            sw2i += w * w * Ii;
        }
        *se = swi > 0 ? sqrt(sw2i) / swi : INFINITY;
        return CC_CAT_OK;
    }
    if (c.method == CC_EST_BM && opt->prior == CC_PRIOR_JEFFREYS && m == 0)
        return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                           "the Jeffreys prior needs at least one answered item (it is the "
                           "square root of their information)");
    if (bank->model == CC_MODEL_DICHO) {
        /* One pass, one exp per item (the same sums to rounding). */
        cc_dicho_sums sm;

        cc_dicho_sums_eval(bank, items, x, n, theta, opt->D,
                           CC_SUM_I | CC_SUM_DI | CC_SUM_D2I | CC_SUM_J | CC_SUM_DJ, &sm);
        I = sm.I, dI = sm.dI, d2I = sm.d2I, J = sm.J, dJ = sm.dJ;
    } else {
        sum_info(&c, theta, &I, &dI, &d2I, &J, &dJ);
    }
    if (!isfinite(I) || !isfinite(dI) || !isfinite(d2I) || !isfinite(J) || !isfinite(dJ))
        return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                           "the test information is not finite at theta = %g", theta);
    switch (c.method) {
    case CC_EST_BM:
        if (opt->prior == CC_PRIOR_NORM) {
            B1 = -1 / (opt->prior_par[1] * opt->prior_par[1]);
        } else if (opt->prior == CC_PRIOR_JEFFREYS) {
            if (!(I > 0))
                return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                                   "the Jeffreys prior is undefined where the test information "
                                   "is 0 (theta = %g)",
                                   theta);
            B1 = (d2I * I - dI * dI) / (2 * I * I);
        }
        break;
    case CC_EST_WL:
        if (type == CC_SEM_NEW && I > 0)
            B1 = (dJ * I - J * dI) / (2 * I * I);
        break;
    default:
        break;
    }
    if (type == CC_SEM_NEW && I > 0 && m > 0) {
        double den = fabs(I - B1);

        out = den > 0 ? sqrt(I) / den : INFINITY;
    } else if (c.method == CC_EST_BM) {
        out = inv_sqrt_info(I - B1);
    } else {
        out = inv_sqrt_info(I);
    }
    if (isnan(out))
        return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                           "the standard error is undefined at theta = %g", theta);
    *se = out;
    return CC_CAT_OK;
}

cc_cat_status cc_posterior_grid(const cc_bank *bank, const int *items, const int *x, int n,
                                const cc_est_options *opt, double *nodes, double *weights,
                                cc_cat_error *err)
{
    est_ctx c;
    cc_cat_status st;

    if (nodes == NULL || weights == NULL)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "no place for the posterior grid");
    st = check_args(bank, items, x, n, opt, 1, err);
    if (st != CC_CAT_OK)
        return st;
    est_ctx_init(&c, bank, items, x, n, opt, CC_EST_EAP);
    return posterior(&c, nodes, weights, err);
}
