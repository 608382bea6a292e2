/* Next-item selection (catR's nextItem). See select.h for the criteria and
 * their formulas, taken from the papers catR's manual cites (Veerkamp &
 * Berger 1997, van der Linden 1998, Chang & Ying 1996, Kaplan et al. 2015,
 * Barrada et al. 2008/2010, Magis 2013, Kingsbury & Zara 1989, Sympson &
 * Hetter 1985).
 *
 * Cost per call: the likelihood of the administered items (and the prior)
 * on the quadrature grid is computed once; each candidate is then
 * O(Q x categories) for MLWI, MPWI, MEPV, KL, KLP, GDI, GDIP. MEI solves one
 * estimating equation per candidate and category by safeguarded Newton
 * started at the current theta, with the administered items' part at the
 * range ends and at the start cached. No allocation besides the workspace
 * (see cc_next_item).
 *
 * MFI on a dichotomous bank without a table to fill is a branch and bound
 * over the items ranked by their peak information (cached by the bank, see
 * bank.h and mfi_topk): it evaluates only the items that could still win,
 * typically a few dozen, and returns exactly what the full scan returns
 * (same item, same value, ties to the lowest item number, the same
 * uniforms drawn). With a table, and for progressive and proportional,
 * every eligible item is evaluated by a loop without per-model dispatch;
 * randomesque and proportional rank lazily with a heap instead of sorting. */
#include "select.h"

#include "model.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const crit_names[] = {"MFI",  "bOpt",   "thOpt",       "MLWI",        "MPWI",
                                         "MEI",  "MEPV",   "KL",          "KLP",         "GDI",
                                         "GDIP", "random", "progressive", "proportional"};
#define N_CRIT ((int)(sizeof(crit_names) / sizeof(crit_names[0])))

const char *cc_criterion_name(cc_criterion crit)
{
    if ((int)crit < 0 || (int)crit >= N_CRIT)
        return "?";
    return crit_names[crit];
}

cc_cat_status cc_criterion_from_name(const char *name, cc_criterion *out, cc_cat_error *err)
{
    int i;

    for (i = 0; name && i < N_CRIT; i++)
        if (strcmp(name, crit_names[i]) == 0) {
            *out = (cc_criterion)i;
            return CC_CAT_OK;
        }
    return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                       "unknown criterion \"%s\": expected MFI, bOpt, thOpt, MLWI, MPWI, MEI, "
                       "MEPV, KL, KLP, GDI, GDIP, random, progressive or proportional",
                       name ? name : "(null)");
}

int cc_criterion_maximises(cc_criterion crit)
{
    return !(crit == CC_CRIT_BOPT || crit == CC_CRIT_THOPT || crit == CC_CRIT_MEPV);
}

void cc_select_options_default(cc_select_options *opt)
{
    memset(opt, 0, sizeof(*opt));
    opt->criterion = CC_CRIT_MFI;
    opt->info_type = CC_INFO_OBSERVED;
    opt->randomesque = 1;
    opt->rule = CC_RULE_LENGTH;
    opt->thr = 20;
    opt->seth = NAN;
    opt->ap = 1;
    opt->max_items = 50;
    opt->max_exposure = NAN;
}

/* ---- the call's context ------------------------------------------------ */

typedef struct ctx_s {
    const cc_bank *bank;
    const int *items;
    const int *x;
    int n;
    double theta;
    const cc_est_options *est;
    const cc_select_options *sel;
    double D;
    /* grid */
    int Q;
    double X[CC_MAX_QUAD];  /* nodes */
    double tw[CC_MAX_QUAD]; /* trapezoid weights (h, ends h/2) */
    double L[CC_MAX_QUAD];  /* likelihood of the administered items (catR's product) */
    double Ls[CC_MAX_QUAD]; /* the same scaled to max 1 (for ratios) */
    double pr[CC_MAX_QUAD]; /* prior density */
    double center;          /* shift for moments (the current theta, clamped to the grid) */
    /* MEI: administered items' estimating-function parts cached */
    double lo, hi, start;
} ctx_t;

/* ---- workspace --------------------------------------------------------- */

typedef struct {
    double v;
    int i;
} ranked;

typedef struct {
    struct ctx_s *ctx;   /* the grid and the call's state */
    double *crit;        /* n criterion values (when the caller gives no table) */
    double *score;       /* n: progressive's combined score / proportional's probability */
    ranked *rank;        /* n: sorting */
    unsigned char *elig; /* n: may be selected in this call */
} workspace;

static size_t align8(size_t s)
{
    return (s + 15) & ~(size_t)15;
}

size_t cc_select_work_size(const cc_bank *bank)
{
    size_t n = bank && bank->n_items > 0 ? (size_t)bank->n_items : 1;

    return align8(sizeof(struct ctx_s)) + 2 * align8(n * sizeof(double)) +
           align8(n * sizeof(ranked)) + align8(n);
}

static void work_layout(workspace *w, void *mem, size_t n)
{
    char *p = mem;

    w->ctx = (struct ctx_s *)(void *)p;
    p += align8(sizeof(struct ctx_s));
    w->crit = (double *)(void *)p;
    p += align8(n * sizeof(double));
    w->score = (double *)(void *)p;
    p += align8(n * sizeof(double));
    w->rank = (ranked *)(void *)p;
    p += align8(n * sizeof(ranked));
    w->elig = (unsigned char *)p;
}

static double dnorm(double t, double mu, double sd)
{
    double z = (t - mu) / sd;

    return exp(-0.5 * z * z) / (sd * 2.5066282746310002);
}

static double prior_density(const cc_est_options *est, double t)
{
    if (est->prior == CC_PRIOR_UNIF)
        return (t >= est->prior_par[0] && t <= est->prior_par[1])
                   ? 1.0 / (est->prior_par[1] - est->prior_par[0])
                   : 0.0;
    return dnorm(t, est->prior_par[0], est->prior_par[1]);
}

/* Probability of response x (0-based category) to item at t. */
static double prob_of(const cc_bank *bank, int item, double t, double D, int x)
{
    double P[CC_MAX_CAT];

    cc_item_probs(bank, item, t, D, P, NULL, NULL, NULL);
    return P[x];
}

static void build_grid(ctx_t *c)
{
    const cc_est_options *est = c->est;
    int Q = est->quad_points, q, k;
    double a = est->quad[0], b = est->quad[1], h = (b - a) / (Q - 1), mx = 0;

    c->Q = Q;
    for (q = 0; q < Q; q++) {
        c->X[q] = a + q * h;
        c->tw[q] = (q == 0 || q == Q - 1) ? h / 2 : h;
        c->L[q] = 1.0;
    }
    for (k = 0; k < c->n; k++) {
        if (c->x[k] == CC_MISSING)
            continue;
        for (q = 0; q < Q; q++)
            c->L[q] *= prob_of(c->bank, c->items[k], c->X[q], c->D, c->x[k]);
    }
    for (q = 0; q < Q; q++)
        if (c->L[q] > mx)
            mx = c->L[q];
    if (mx >= 1e-250) {
        for (q = 0; q < Q; q++)
            c->Ls[q] = c->L[q] / mx;
    } else {
        /* The product underflowed (a long test): work with logs, scaled to
         * a maximum of 1. catR's values would be 0 here; ours keep the
         * ranking. */
        double ll[CC_MAX_QUAD], lmax = -INFINITY;
        for (q = 0; q < Q; q++) {
            ll[q] = cc_log_likelihood(c->bank, c->items, c->x, c->n, c->X[q], c->D, NULL, NULL);
            if (ll[q] > lmax)
                lmax = ll[q];
        }
        for (q = 0; q < Q; q++) {
            c->Ls[q] = isfinite(lmax) ? exp(ll[q] - lmax) : 1.0;
            c->L[q] = c->Ls[q];
        }
    }
    for (q = 0; q < Q; q++)
        c->pr[q] = prior_density(est, c->X[q]);
    c->center = c->theta < a ? a : (c->theta > b ? b : c->theta);
}

/* ---- per-item criteria -------------------------------------------------- */

static double crit_mfi(const ctx_t *c, int j)
{
    return cc_item_info(c->bank, j, c->theta, c->D, NULL, NULL);
}

/* cc_item_info of a dichotomous item (row a, b, c, d) at theta, without
 * the per-model dispatch: the same operations in the same order as
 * model.c's dicho_eval and dicho_info, hence the same value bit for bit
 * (the unit tests check it against cc_item_info). One exp per item. */
static inline double dicho_info_row(const double *row, double theta, double D)
{
    double c = row[2], d = row[3], dc = d - c, Da = D * row[0];
    double z = Da * (theta - row[1]), e = exp(z), s = z > 0 ? 1.0 / e : e;
    double inv = 1.0 / (1.0 + s), L = z > 0 ? inv : s * inv, Lq = z > 0 ? s * inv : inv;
    double LQ = s * inv * inv, P = c + dc * L, Q = (1.0 - d) + dc * Lq;
    double r1 = c == 0 ? 1.0 : dc * L / P, r2 = d == 1 ? 1.0 : dc * Lq / Q;

    return Da * Da * r1 * r2 * LQ;
}

/* Where a 4PL item's information peaks: theta* = b + z* / (D a), z* from
 * cc_dicho_peak_z (cached per item by the bank). */
static double theta_star(const cc_bank *bank, int j, double D)
{
    const double *row = cc_bank_row(bank, j);
    double z = bank->info_zstar ? bank->info_zstar[j] : cc_dicho_peak_z(row[2], row[3]);

    return row[1] + z / (D * row[0]);
}

static double crit_thopt(const ctx_t *c, int j)
{
    return fabs(theta_star(c->bank, j, c->D) - c->theta);
}

static double crit_bopt(const ctx_t *c, int j)
{
    return fabs(cc_bank_row(c->bank, j)[1] - c->theta);
}

/* MLWI (prior = 0) and MPWI (prior = 1). */
static double crit_mwi(const ctx_t *c, int j, int prior)
{
    double s = 0;
    int q;

    for (q = 0; q < c->Q; q++) {
        double w = c->tw[q] * c->L[q] * (prior ? c->pr[q] : 1.0);
        if (w != 0)
            s += w * cc_item_info(c->bank, j, c->X[q], c->D, NULL, NULL);
    }
    return s;
}

static double crit_kl(const ctx_t *c, int j, int prior)
{
    double P0[CC_MAX_CAT], P[CC_MAX_CAT], s = 0;
    int K = c->bank->n_cat[j], q, t;

    cc_item_probs(c->bank, j, c->theta, c->D, P0, NULL, NULL, NULL);
    for (q = 0; q < c->Q; q++) {
        double w = c->tw[q] * c->L[q] * (prior ? c->pr[q] : 1.0), kl = 0;
        if (w == 0)
            continue;
        cc_item_probs(c->bank, j, c->X[q], c->D, P, NULL, NULL, NULL);
        for (t = 0; t < K; t++)
            if (P0[t] > 0)
                kl += P0[t] * log(P0[t] / (P[t] > DBL_MIN ? P[t] : DBL_MIN));
        s += w * kl;
    }
    return s;
}

/* GDI / GDIP: weights are the likelihood (times the prior) at the nodes,
 * normalised over the nodes (no trapezoid weights: catR's values). */
static double crit_gdi(const ctx_t *c, int j, int prior)
{
    double P[CC_MAX_QUAD], w[CC_MAX_QUAD], sw = 0, pbar = 0, g = 0;
    int q;

    for (q = 0; q < c->Q; q++) {
        double pq[CC_MAX_CAT];
        w[q] = c->Ls[q] * (prior ? c->pr[q] : 1.0);
        sw += w[q];
        cc_item_probs(c->bank, j, c->X[q], c->D, pq, NULL, NULL, NULL);
        P[q] = pq[1];
    }
    if (!(sw > 0))
        return 0;
    for (q = 0; q < c->Q; q++)
        pbar += w[q] / sw * P[q];
    for (q = 0; q < c->Q; q++)
        g += w[q] / sw * (P[q] - pbar) * (P[q] - pbar);
    return g;
}

/* Posterior moments on the grid of prior x L x P_t(X) for every category t
 * of item j: s0[t], s1[t] (centred at c->center), s2[t]. */
static void post_moments(const ctx_t *c, int j, double *s0, double *s1, double *s2)
{
    double P[CC_MAX_CAT];
    int K = c->bank->n_cat[j], q, t;

    for (t = 0; t < K; t++)
        s0[t] = s1[t] = s2[t] = 0;
    for (q = 0; q < c->Q; q++) {
        double w = c->tw[q] * c->Ls[q] * c->pr[q], d = c->X[q] - c->center;
        if (w == 0)
            continue;
        cc_item_probs(c->bank, j, c->X[q], c->D, P, NULL, NULL, NULL);
        for (t = 0; t < K; t++) {
            double v = w * P[t];
            s0[t] += v;
            s1[t] += v * d;
            s2[t] += v * d * d;
        }
    }
}

static double crit_mepv(const ctx_t *c, int j)
{
    double P0[CC_MAX_CAT], s0[CC_MAX_CAT], s1[CC_MAX_CAT], s2[CC_MAX_CAT], epv = 0;
    double b0 = 0, b1 = 0, b2 = 0, vprior;
    int K = c->bank->n_cat[j], t, q;

    /* The variance before item j: stands in for a response whose
     * posterior has no mass on the grid (not reachable with finite
     * parameters, but never NaN). */
    for (q = 0; q < c->Q; q++) {
        double w = c->tw[q] * c->Ls[q] * c->pr[q], d = c->X[q] - c->center;
        b0 += w;
        b1 += w * d;
        b2 += w * d * d;
    }
    vprior = b0 > 0 ? b2 / b0 - (b1 / b0) * (b1 / b0) : 0;
    cc_item_probs(c->bank, j, c->theta, c->D, P0, NULL, NULL, NULL);
    post_moments(c, j, s0, s1, s2);
    for (t = 0; t < K; t++) {
        double m, v;
        if (P0[t] == 0)
            continue;
        if (s0[t] > 0) {
            m = s1[t] / s0[t];
            v = s2[t] / s0[t] - m * m;
            if (v < 0)
                v = 0;
        } else {
            v = vprior;
        }
        epv += P0[t] * v;
    }
    return epv;
}

/* ---- MEI ----------------------------------------------------------------- */

typedef struct {
    double s, ds;      /* log-likelihood derivatives */
    double I, dI, d2I; /* test information (Jeffreys, WL) */
    double J, dJ;      /* Warm's J (WL) */
} efparts;

static int needs_info(const cc_est_options *est)
{
    return est->method == CC_EST_WL ||
           (est->method == CC_EST_BM && est->prior == CC_PRIOR_JEFFREYS);
}

static void parts_items(const ctx_t *c, const int *items, const int *x, int n, double t, efparts *p)
{
    int k;

    memset(p, 0, sizeof(*p));
    cc_log_likelihood(c->bank, items, x, n, t, c->D, &p->s, &p->ds);
    if (!needs_info(c->est))
        return;
    for (k = 0; k < n; k++) {
        double dI = 0, d2I = 0, dJ = 0;
        if (x[k] == CC_MISSING)
            continue;
        p->I += cc_item_info(c->bank, items[k], t, c->D, &dI, &d2I);
        p->dI += dI;
        p->d2I += d2I;
        if (c->est->method == CC_EST_WL) {
            p->J += cc_item_ji(c->bank, items[k], t, c->D, &dJ);
            p->dJ += dJ;
        }
    }
}

/* The estimating function of the chosen method (and its derivative) from
 * the summed parts. */
static double ef_value(const cc_est_options *est, const efparts *p, double t, double *deriv)
{
    double f = p->s, df = p->ds;

    if (est->method == CC_EST_BM && est->prior == CC_PRIOR_NORM) {
        double v = est->prior_par[1] * est->prior_par[1];
        f -= (t - est->prior_par[0]) / v;
        df -= 1 / v;
    } else if (needs_info(est) && p->I > 0) {
        if (est->method == CC_EST_WL) {
            f += p->J / (2 * p->I);
            df += (p->dJ * p->I - p->J * p->dI) / (2 * p->I * p->I);
        } else {
            f += 0.5 * p->dI / p->I;
            df += 0.5 * (p->d2I * p->I - p->dI * p->dI) / (p->I * p->I);
        }
    }
    *deriv = df;
    return f;
}

typedef struct {
    efparts lo, hi, start; /* administered items' parts at the range ends and the start */
} mei_cache;

static double ef_at(const ctx_t *c, const efparts *adm, int j, int xj, double t, double *deriv)
{
    efparts p, q;

    parts_items(c, &j, &xj, 1, t, &q);
    p = *adm;
    p.s += q.s;
    p.ds += q.ds;
    p.I += q.I;
    p.dI += q.dI;
    p.d2I += q.d2I;
    p.J += q.J;
    p.dJ += q.dJ;
    return ef_value(c->est, &p, t, deriv);
}

/* The estimate after answering xj to item j, for ML, BM (normal or
 * uniform prior) and WL: the root of the estimating function in the
 * search interval, or the end of it the function points to when it has no
 * sign change there (catR returns the bound). */
static double mei_root(const ctx_t *c, const mei_cache *mc, int j, int xj)
{
    double lo = c->lo, hi = c->hi, d, flo, fhi, t, f, a, b;
    efparts adm;
    int it;

    flo = ef_at(c, &mc->lo, j, xj, lo, &d);
    if (!(flo > 0))
        return lo;
    fhi = ef_at(c, &mc->hi, j, xj, hi, &d);
    if (!(fhi < 0))
        return hi;
    a = lo;
    b = hi;
    t = c->start;
    f = ef_at(c, &mc->start, j, xj, t, &d);
    for (it = 0; it < 100; it++) {
        double tn;
        if (f > 0)
            a = t;
        else if (f < 0)
            b = t;
        else
            return t;
        tn = (d < 0) ? t - f / d : NAN;
        if (!(tn > a && tn < b))
            tn = 0.5 * (a + b);
        if (fabs(tn - t) <= 1e-12 * (1 + fabs(t)) || b - a <= 1e-12 * (1 + fabs(t)))
            return tn;
        t = tn;
        parts_items(c, c->items, c->x, c->n, t, &adm);
        f = ef_at(c, &adm, j, xj, t, &d);
    }
    return t;
}

/* EAP after answering xj to item j: posterior mean on the grid. */
static double mei_eap(const ctx_t *c, int j, int xj)
{
    double s0[CC_MAX_CAT], s1[CC_MAX_CAT], s2[CC_MAX_CAT];

    post_moments(c, j, s0, s1, s2);
    if (!(s0[xj] > 0))
        return c->center;
    return c->center + s1[xj] / s0[xj];
}

static int mei_fast(const cc_est_options *est)
{
    switch (est->method) {
    case CC_EST_ML:
    case CC_EST_WL:
        return 1;
    case CC_EST_BM:
    case CC_EST_EAP:
        return est->prior == CC_PRIOR_NORM || est->prior == CC_PRIOR_UNIF;
    default:
        return 0;
    }
}

typedef struct {
    mei_cache mc;
    int *items; /* slow path: administered items + the candidate */
    int *x;
} mei_state;

static cc_cat_status crit_mei(const ctx_t *c, mei_state *ms, int j, double *out, cc_cat_error *err)
{
    double P0[CC_MAX_CAT], ei = 0;
    int K = c->bank->n_cat[j], t;

    cc_item_probs(c->bank, j, c->theta, c->D, P0, NULL, NULL, NULL);
    for (t = 0; t < K; t++) {
        double th, info;
        if (P0[t] == 0)
            continue;
        if (mei_fast(c->est)) {
            th = c->est->method == CC_EST_EAP ? mei_eap(c, j, t) : mei_root(c, &ms->mc, j, t);
        } else {
            cc_cat_status st;
            ms->items[c->n] = j;
            ms->x[c->n] = t;
            st = cc_theta_est(c->bank, ms->items, ms->x, c->n + 1, c->est, &th, err);
            if (st != CC_CAT_OK)
                return st;
        }
        if (c->sel->info_type == CC_INFO_FISHER)
            info = cc_item_info(c->bank, j, th, c->D, NULL, NULL);
        else
            info = cc_item_observed_info(c->bank, j, th, c->D, t);
        ei += P0[t] * info;
    }
    *out = ei;
    return CC_CAT_OK;
}

/* ---- weights of progressive and proportional ----------------------------- */

static double pro_weight(const cc_select_options *sel, int n)
{
    double w;

    if (sel->rule == CC_RULE_LENGTH) {
        double num = 0, den = 0;
        int f, T = (int)floor(sel->thr);
        for (f = 1; f <= n; f++)
            num += pow(f, sel->ap);
        for (f = 1; f < T; f++)
            den += pow(f, sel->ap);
        w = num / den;
        return sel->criterion == CC_CRIT_PROPORTIONAL ? sel->thr * w : w;
    }
    if (n == 0)
        return 0;
    w = pow(sel->thr / sel->seth, 2 * sel->ap);
    if (sel->max_items > 1) {
        double wl = pow((double)n / (sel->max_items - 1), sel->ap);
        if (wl > w)
            w = wl;
    }
    return sel->criterion == CC_CRIT_PROPORTIONAL ? w / (sel->thr * sel->thr) : w;
}

/* ---- checks ---------------------------------------------------------------- */

static cc_cat_status check_input(const cc_bank *bank, const int *items, const int *x, int n,
                                 double theta, const cc_est_options *est,
                                 const cc_select_options *sel, cc_uniform_fn *uniform,
                                 cc_cat_error *err)
{
    int i, N;
    cc_cat_status st;

    if (!bank || bank->n_items <= 0)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "the item bank is empty");
    N = bank->n_items;
    if (n < 0 || (n > 0 && (!items || !x)))
        return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                           "administered items and responses are missing (n = %d)", n);
    for (i = 0; i < n; i++)
        if (items[i] < 0 || items[i] >= N)
            return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                               "administered item %d (position %d) is not in the bank of %d items",
                               items[i] + 1, i + 1, N);
    if (n > 0 && (st = cc_check_responses(bank, items, x, n, err)) != CC_CAT_OK)
        return st;
    if (!isfinite(theta))
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "theta must be a finite number");
    if ((st = cc_est_options_check(est, err)) != CC_CAT_OK)
        return st;
    if ((int)sel->criterion < 0 || (int)sel->criterion >= N_CRIT)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "unknown criterion %d", (int)sel->criterion);
    if (bank->model != CC_MODEL_DICHO &&
        (sel->criterion == CC_CRIT_BOPT || sel->criterion == CC_CRIT_THOPT))
        return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                           "%s is defined for dichotomous items only (catR refuses it with "
                           "polytomous items)",
                           cc_criterion_name(sel->criterion));
    if (bank->model != CC_MODEL_DICHO &&
        (sel->criterion == CC_CRIT_GDI || sel->criterion == CC_CRIT_GDIP))
        return cc_cat_fail(err, CC_CAT_EREFUSED, -1,
                           "%s is implemented for dichotomous items only (catR fails with "
                           "polytomous items: \"object 'crit.value' not found\")",
                           cc_criterion_name(sel->criterion));
    if ((sel->criterion == CC_CRIT_MPWI || sel->criterion == CC_CRIT_KLP ||
         sel->criterion == CC_CRIT_GDIP || sel->criterion == CC_CRIT_MEPV) &&
        est->prior == CC_PRIOR_JEFFREYS)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                           "%s needs a normal or uniform prior (the Jeffreys prior depends on "
                           "the items; catR accepts norm or unif here)",
                           cc_criterion_name(sel->criterion));
    if (sel->randomesque < 1)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "randomesque must be at least 1 (got %d)",
                           sel->randomesque);
    if (sel->criterion == CC_CRIT_PROGRESSIVE || sel->criterion == CC_CRIT_PROPORTIONAL) {
        if (!(isfinite(sel->ap) && sel->ap > 0))
            return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                               "the acceleration parameter AP must be positive");
        if (sel->rule == CC_RULE_LENGTH && !(isfinite(sel->thr) && sel->thr >= 2))
            return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                               "with rule \"length\", thr is the test length and must be at "
                               "least 2");
        if (sel->rule == CC_RULE_PRECISION) {
            if (!(isfinite(sel->thr) && sel->thr > 0))
                return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                                   "with rule \"precision\", thr is the target standard error "
                                   "and must be positive");
            if (n > 0 && !(isfinite(sel->seth) && sel->seth > 0))
                return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                                   "rule \"precision\" needs SETH, the current standard error "
                                   "(positive and finite)");
        }
        if (sel->rule != CC_RULE_LENGTH && sel->rule != CC_RULE_PRECISION)
            return cc_cat_fail(err, CC_CAT_EINVAL, -1, "rule must be length or precision");
    }
    if (sel->n_groups < 0 || (sel->n_groups > 0 && (!sel->group_props || !sel->item_group)))
        return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                           "content balancing needs the target proportions and the group of "
                           "every item");
    if (sel->n_groups > CC_MAX_GROUPS)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "at most %d content groups (got %d)",
                           CC_MAX_GROUPS, sel->n_groups);
    for (i = 0; i < sel->n_groups; i++)
        if (!(isfinite(sel->group_props[i]) && sel->group_props[i] > 0))
            return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                               "the target proportion of group %d must be positive", i + 1);
    for (i = 0; sel->n_groups > 0 && i < N; i++)
        if (sel->item_group[i] < 0 || sel->item_group[i] >= sel->n_groups)
            return cc_cat_fail(err, CC_CAT_EINVAL, i,
                               "item %d belongs to group %d, but there are %d groups", i + 1,
                               sel->item_group[i] + 1, sel->n_groups);
    for (i = 0; sel->sh_prob && i < N; i++)
        if (!(sel->sh_prob[i] >= 0 && sel->sh_prob[i] <= 1))
            return cc_cat_fail(err, CC_CAT_EINVAL, i,
                               "the Sympson-Hetter probability of item %d must be in [0, 1]",
                               i + 1);
    if (!isnan(sel->max_exposure)) {
        if (!(sel->max_exposure > 0 && sel->max_exposure <= 1))
            return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                               "the maximum exposure rate must be in (0, 1]");
        if (sel->exposure_sessions < 0 || (sel->exposure_sessions > 0 && !sel->exposure_counts))
            return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                               "the maximum exposure rate needs the exposure counts and the "
                               "number of sessions");
        for (i = 0; sel->exposure_sessions > 0 && i < N; i++)
            if (sel->exposure_counts[i] < 0)
                return cc_cat_fail(err, CC_CAT_EINVAL, i,
                                   "the exposure count of item %d is negative", i + 1);
    }
    if (!uniform) {
        const char *what = NULL;
        if (sel->criterion == CC_CRIT_RANDOM || sel->criterion == CC_CRIT_PROGRESSIVE ||
            sel->criterion == CC_CRIT_PROPORTIONAL)
            what = cc_criterion_name(sel->criterion);
        else if (sel->randomesque > 1)
            what = "randomesque";
        else if (sel->n_groups > 0)
            what = "content balancing";
        else if (sel->sh_prob)
            what = "Sympson-Hetter";
        if (what)
            return cc_cat_fail(err, CC_CAT_EINVAL, -1,
                               "%s needs a source of uniform random numbers", what);
    }
    return CC_CAT_OK;
}

/* A uniform in [0, 1) from the source, forced into range. */
static double draw(cc_uniform_fn *uniform, void *baton)
{
    double u = uniform(baton);

    if (!(u >= 0))
        u = 0;
    if (u >= 1)
        u = nextafter(1.0, 0.0);
    return u;
}

/* ---- choosing ------------------------------------------------------------- */

/* The ranking order: larger value first, then lower item number (a
 * strict total order: item numbers differ, values are never NaN). */
static inline int ranks_before(const ranked *a, const ranked *b)
{
    return a->v > b->v || (a->v == b->v && a->i < b->i);
}

static void heap_down(ranked *h, int n, int k)
{
    ranked x = h[k];

    for (;;) {
        int c = 2 * k + 1;
        if (c >= n)
            break;
        if (c + 1 < n && ranks_before(&h[c + 1], &h[c]))
            c++;
        if (!ranks_before(&h[c], &x))
            break;
        h[k] = h[c];
        k = c;
    }
    h[k] = x;
}

/* Ranks h[0..n) lazily: heap_build, then each heap_pop returns the next
 * entry in ranking order (the order a full sort would give) in
 * O(log n), so a walk that stops early costs O(n + k log n). */
static void heap_build(ranked *h, int n)
{
    int k;

    for (k = n / 2 - 1; k >= 0; k--)
        heap_down(h, n, k);
}

static ranked heap_pop(ranked *h, int *n)
{
    ranked top = h[0];

    h[0] = h[--*n];
    heap_down(h, *n, 0);
    return top;
}

/* The number of ones in a[0..n) (bytes 0 or 1), eight at a time. */
static int count_ones(const unsigned char *a, int n)
{
    int i = 0, c = 0;

    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, a + i, sizeof(v));
        c += (int)((v * 0x0101010101010101ULL) >> 56);
    }
    for (; i < n; i++)
        c += a[i];
    return c;
}

/* Best eligible item by crit (maximising or not); -1 when none. */
static int argbest(const double *crit, const unsigned char *elig, int N, int maximise)
{
    int i, best = -1;

    for (i = 0; i < N; i++) {
        if (!elig[i])
            continue;
        if (best < 0 || (maximise ? crit[i] > crit[best] : crit[i] < crit[best]))
            best = i;
    }
    return best;
}

/* The k best eligible items of a dichotomous bank by Fisher information at
 * theta (NAN counted as 0, as in the full scan), into top[0..k) ordered as
 * the full scan ranks them (value down, then item number up); returns how
 * many there are (< k when fewer are eligible). Branch and bound over the
 * bank's items ranked by peak information (bank.h): once k items are held,
 * the walk stops at the first item whose peak D^2 info_peak is below the
 * k-th value (every later item is below it too, so none can enter or tie),
 * and an item is skipped without evaluating it when its bound
 * (D a)^2 exp(-|D a (theta - b)|) (I = (D a)^2 r1 r2 L (1 - L), r1, r2 <= 1,
 * L (1 - L) <= exp(-|z|)) is below the k-th value by a relative 1e-6. */
static int mfi_topk(const cc_bank *bank, double theta, double D, const unsigned char *elig, int k,
                    ranked *top)
{
    const int *order = bank->info_order;
    const double *peak = bank->info_peak, *loga = bank->info_loga;
    double D2 = D * D, logD = log(D), lim = -INFINITY;
    int N = bank->n_items, r, nt = 0, m;

    for (r = 0; r < N; r++) {
        int i = order[r];
        const double *row;
        double v;

        if (nt == k && D2 * peak[r] < top[k - 1].v)
            break;
        if (!elig[i])
            continue;
        row = cc_bank_row(bank, i);
        if (nt == k && 2 * (logD + loga[r]) - fabs(D * row[0] * (theta - row[1])) < lim)
            continue;
        v = dicho_info_row(row, theta, D);
        if (isnan(v))
            v = 0;
        if (nt == k) {
            if (v < top[k - 1].v || (v == top[k - 1].v && i > top[k - 1].i))
                continue;
            m = k - 1;
        } else {
            m = nt++;
        }
        /* Insert at its rank. */
        while (m > 0 && (top[m - 1].v < v || (top[m - 1].v == v && top[m - 1].i > i))) {
            top[m] = top[m - 1];
            m--;
        }
        top[m].v = v;
        top[m].i = i;
        if (nt == k)
            lim = log(top[k - 1].v) - 1e-6;
    }
    return nt;
}

/* Content balancing: the group to draw from, or -1 when no group has an
 * eligible item. */
static int choose_group(const cc_select_options *sel, const int *items, int n,
                        const unsigned char *elig, int N, cc_uniform_fn *uniform, void *baton)
{
    int G = sel->n_groups, g, i, k, cnt[CC_MAX_GROUPS], nc = 0, pick;
    unsigned char has[CC_MAX_GROUPS], tied[CC_MAX_GROUPS];
    double tot = 0, best = -INFINITY, gap[CC_MAX_GROUPS];

    for (g = 0; g < G; g++) {
        cnt[g] = 0;
        has[g] = 0;
        tied[g] = 0;
        gap[g] = 0;
        tot += sel->group_props[g];
    }
    for (k = 0; k < n; k++)
        cnt[sel->item_group[items[k]]]++;
    for (i = 0; i < N; i++)
        if (elig[i])
            has[sel->item_group[i]] = 1;
    /* Groups not targeted yet come first. */
    for (g = 0; g < G; g++)
        if (has[g] && cnt[g] == 0) {
            tied[g] = 1;
            nc++;
        }
    if (nc == 0) {
        /* The largest shortfall, target - observed proportion; equal
         * shortfalls (up to rounding) tie. */
        for (g = 0; g < G; g++)
            if (has[g]) {
                gap[g] = sel->group_props[g] / tot - (double)cnt[g] / n;
                if (gap[g] > best)
                    best = gap[g];
            }
        for (g = 0; g < G; g++)
            if (has[g] && gap[g] >= best - 1e-12) {
                tied[g] = 1;
                nc++;
            }
    }
    if (nc == 0)
        return -1;
    pick = nc > 1 ? (int)floor(draw(uniform, baton) * nc) : 0;
    for (g = 0; g < G; g++)
        if (tied[g] && pick-- == 0)
            return g;
    return -1;
}

/* ---- the call --------------------------------------------------------------- */

/* The largest randomesque k the branch and bound keeps (insertion into k
 * ranked values); above it the full scan sorts. */
#define MAX_PRUNED_K 64

cc_cat_status cc_next_item(const cc_bank *bank, const int *items, const int *x, int n, double theta,
                           const cc_est_options *est_in, const cc_select_options *sel_in,
                           cc_uniform_fn *uniform, void *baton, double *table, void *work,
                           cc_select_result *res, cc_cat_error *err)
{
    cc_est_options est_def;
    cc_select_options sel_def;
    const cc_est_options *est = est_in;
    const cc_select_options *sel = sel_in;
    ctx_t *c = NULL;
    workspace w;
    void *own = NULL;
    mei_state ms;
    cc_cat_status st;
    double *crit, weight = NAN;
    int N, i, k, n_elig = 0, group = -1, maximise, first = -1, pick = -1, rejected = 0, ncand = 0;
    int pruned;
    cc_criterion cr;

    if (!est) {
        cc_est_options_default(&est_def);
        est = &est_def;
    }
    if (!sel) {
        cc_select_options_default(&sel_def);
        sel = &sel_def;
    }
    if (!res)
        return cc_cat_fail(err, CC_CAT_EINVAL, -1, "no place for the result");
    if ((st = check_input(bank, items, x, n, theta, est, sel, uniform, err)) != CC_CAT_OK)
        return st;
    N = bank->n_items;
    cr = sel->criterion;
    maximise = cc_criterion_maximises(cr);
    memset(&ms, 0, sizeof(ms));

    if (!work) {
        own = malloc(cc_select_work_size(bank));
        if (!own)
            return cc_cat_fail(err, CC_CAT_ENOMEM, -1, "out of memory (selection workspace)");
        work = own;
    }
    work_layout(&w, work, (size_t)N);
    crit = table ? table : w.crit;

    /* Eligibility (n_elig counts it). */
    if (sel->available) {
        for (i = 0; i < N; i++)
            w.elig[i] = sel->available[i] != 0;
        n_elig = count_ones(w.elig, N);
    } else {
        memset(w.elig, 1, (size_t)N);
        n_elig = N;
    }
    if (!isnan(sel->max_exposure) && sel->exposure_sessions > 0)
        for (i = 0; i < N; i++)
            if (w.elig[i] && (double)sel->exposure_counts[i] / (double)sel->exposure_sessions >=
                                 sel->max_exposure) {
                w.elig[i] = 0;
                n_elig--;
            }
    for (k = 0; k < n; k++)
        if (w.elig[items[k]]) {
            w.elig[items[k]] = 0;
            n_elig--;
        }
    if (n_elig == 0) {
        st = cc_cat_fail(err, CC_CAT_ENOITEM, -1,
                         "no item is left to select: all %d items are administered or "
                         "unavailable",
                         N);
        goto done;
    }
    if (sel->n_groups > 0) {
        group = choose_group(sel, items, n, w.elig, N, uniform, baton);
        for (i = 0; i < N; i++)
            if (w.elig[i] && sel->item_group[i] != group) {
                w.elig[i] = 0;
                n_elig--;
            }
    }

    /* MFI by branch and bound when the caller wants no table (bank.h). */
    pruned = cr == CC_CRIT_MFI && !table && bank->model == CC_MODEL_DICHO && bank->info_order &&
             sel->randomesque <= MAX_PRUNED_K;

    /* The criterion table (only the eligible items' values are read
     * unless the caller wants it). */
    if (table)
        for (i = 0; i < N; i++)
            crit[i] = NAN;
    if (pruned) {
        /* evaluated in the choice below */
    } else if (bank->model == CC_MODEL_DICHO &&
               (cr == CC_CRIT_MFI || cr == CC_CRIT_PROGRESSIVE || cr == CC_CRIT_PROPORTIONAL)) {
        for (i = 0; i < N; i++)
            if (w.elig[i]) {
                double v = dicho_info_row(cc_bank_row(bank, i), theta, est->D);
                crit[i] = isnan(v) ? 0 : v;
            }
    } else if (cr != CC_CRIT_RANDOM) {
        int grid = cr == CC_CRIT_MLWI || cr == CC_CRIT_MPWI || cr == CC_CRIT_MEPV ||
                   cr == CC_CRIT_KL || cr == CC_CRIT_KLP || cr == CC_CRIT_GDI ||
                   cr == CC_CRIT_GDIP || (cr == CC_CRIT_MEI && est->method == CC_EST_EAP);
        c = w.ctx;
        c->bank = bank;
        c->items = items;
        c->x = x;
        c->n = n;
        c->theta = theta;
        c->est = est;
        c->sel = sel;
        c->D = est->D;
        if (grid)
            build_grid(c);
        if (cr == CC_CRIT_MEI) {
            if (mei_fast(est)) {
                if (est->method == CC_EST_BM && est->prior == CC_PRIOR_UNIF) {
                    c->lo = est->prior_par[0];
                    c->hi = est->prior_par[1];
                } else {
                    c->lo = est->range[0];
                    c->hi = est->range[1];
                }
                c->start = theta < c->lo ? c->lo : (theta > c->hi ? c->hi : theta);
                if (est->method != CC_EST_EAP) {
                    parts_items(c, items, x, n, c->lo, &ms.mc.lo);
                    parts_items(c, items, x, n, c->hi, &ms.mc.hi);
                    parts_items(c, items, x, n, c->start, &ms.mc.start);
                }
            } else {
                ms.items = malloc(sizeof(int) * (size_t)(n + 1) * 2);
                if (!ms.items) {
                    st = cc_cat_fail(err, CC_CAT_ENOMEM, -1, "out of memory (MEI)");
                    goto done;
                }
                ms.x = ms.items + n + 1;
                for (k = 0; k < n; k++) {
                    ms.items[k] = items[k];
                    ms.x[k] = x[k];
                }
            }
        }
        for (i = 0; i < N; i++) {
            double v = 0;
            if (!w.elig[i])
                continue;
            switch (cr) {
            case CC_CRIT_BOPT:
                v = crit_bopt(c, i);
                break;
            case CC_CRIT_THOPT:
                v = crit_thopt(c, i);
                break;
            case CC_CRIT_MLWI:
                v = crit_mwi(c, i, 0);
                break;
            case CC_CRIT_MPWI:
                v = crit_mwi(c, i, 1);
                break;
            case CC_CRIT_MEI:
                if ((st = crit_mei(c, &ms, i, &v, err)) != CC_CAT_OK)
                    goto done;
                break;
            case CC_CRIT_MEPV:
                v = crit_mepv(c, i);
                break;
            case CC_CRIT_KL:
                v = crit_kl(c, i, 0);
                break;
            case CC_CRIT_KLP:
                v = crit_kl(c, i, 1);
                break;
            case CC_CRIT_GDI:
                v = crit_gdi(c, i, 0);
                break;
            case CC_CRIT_GDIP:
                v = crit_gdi(c, i, 1);
                break;
            default: /* MFI, progressive, proportional */
                v = crit_mfi(c, i);
                break;
            }
            /* A value that is not a number (never seen with valid items)
             * counts as the worst possible one. */
            if (isnan(v))
                v = maximise ? 0 : DBL_MAX;
            crit[i] = v;
        }
    }

    if (cr == CC_CRIT_PROGRESSIVE) {
        double mx = 0;
        weight = pro_weight(sel, n);
        for (i = 0; i < N; i++)
            if (w.elig[i] && crit[i] > mx)
                mx = crit[i];
        /* One uniform per bank item, in item order (as catR draws them). */
        for (i = 0; i < N; i++) {
            double r = draw(uniform, baton) * mx;
            w.score[i] = w.elig[i] ? crit[i] * weight + r * (1 - weight) : NAN;
        }
    } else if (cr == CC_CRIT_PROPORTIONAL) {
        weight = pro_weight(sel, n);
    }

    /* Choose; Sympson-Hetter sets rejected items aside and chooses again. */
    for (;;) {
        int m = n_elig; /* eligible items left */
        if (m == 0) {
            pick = -1;
            break;
        }
        switch (cr) {
        case CC_CRIT_RANDOM: {
            int r = (int)floor(draw(uniform, baton) * m);
            for (i = 0; i < N; i++)
                if (w.elig[i] && r-- == 0)
                    break;
            pick = i;
            ncand = m;
            break;
        }
        case CC_CRIT_PROGRESSIVE:
            pick = argbest(w.score, w.elig, N, 1);
            ncand = 1;
            break;
        case CC_CRIT_PROPORTIONAL: {
            double tot = 0, u, mass = 0;
            int nr = 0;
            for (i = 0; i < N; i++)
                if (w.elig[i]) {
                    double p = pow(crit[i], weight);
                    if (!isfinite(p))
                        p = DBL_MAX / (4.0 * N);
                    w.rank[nr].v = p;
                    w.rank[nr].i = i;
                    tot += p;
                    nr++;
                }
            if (!(tot > 0)) { /* every probability zero: uniform */
                for (k = 0; k < nr; k++)
                    w.rank[k].v = 1;
                tot = nr;
            }
            /* Walk the items by decreasing probability until the mass
             * reaches u (the last one when rounding leaves it short). */
            u = draw(uniform, baton);
            ncand = nr;
            heap_build(w.rank, nr);
            while (nr > 0) {
                ranked t = heap_pop(w.rank, &nr);
                mass += t.v / tot;
                pick = t.i;
                if (u <= mass)
                    break;
            }
            break;
        }
        default:
            if (pruned) {
                int kk = sel->randomesque < m ? sel->randomesque : m, r = 0;
                kk = mfi_topk(bank, theta, est->D, w.elig, kk, w.rank);
                if (sel->randomesque > 1) /* a draw even from one, as the full scan */
                    r = (int)floor(draw(uniform, baton) * kk);
                pick = w.rank[r].i;
                crit[pick] = w.rank[r].v;
                ncand = kk;
            } else if (sel->randomesque > 1) {
                int kk = sel->randomesque < m ? sel->randomesque : m, nr = 0, r;
                for (i = 0; i < N; i++)
                    if (w.elig[i]) {
                        w.rank[nr].v = maximise ? crit[i] : -crit[i];
                        w.rank[nr].i = i;
                        nr++;
                    }
                r = (int)floor(draw(uniform, baton) * kk);
                heap_build(w.rank, nr);
                do
                    pick = heap_pop(w.rank, &nr).i;
                while (r-- > 0);
                ncand = kk;
            } else {
                pick = argbest(crit, w.elig, N, maximise);
                ncand = 1;
            }
            break;
        }
        if (first < 0)
            first = pick;
        if (!sel->sh_prob || draw(uniform, baton) < sel->sh_prob[pick])
            break;
        w.elig[pick] = 0;
        n_elig--;
        rejected++;
    }
    if (pick < 0)
        pick = first;
    if (pick < 0) {
        st = cc_cat_fail(err, CC_CAT_ENOITEM, -1, "no item is left to select");
        goto done;
    }
    res->item = pick;
    res->par = cc_bank_row(bank, pick);
    res->info = cr == CC_CRIT_RANDOM ? NAN : crit[pick];
    res->criterion = cc_criterion_name(cr);
    res->weight = weight;
    res->group = group;
    res->n_candidates = ncand;
    res->n_rejected = rejected;
    st = CC_CAT_OK;
done:
    free(ms.items);
    free(own);
    return st;
}
