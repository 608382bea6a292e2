/* Response probabilities, their theta-derivatives and the information
 * functions of single items, for every model of the engine.
 *
 * The formulas are the textbook ones (Birnbaum 1968 and Barton & Lord 1981
 * for 1PL-4PL; Samejima 1969 for GRM and Muraki's modified GRM; Masters
 * 1982, Muraki 1992, Andrich 1978 for PCM/GPCM/RSM; Bock 1972 for NRM;
 * Warm 1989 for J), written in a numerically stable form:
 *
 * - Everything is built from the log-derivatives of each category's
 *   probability, g = d log P / dtheta, h = d2 log P, h3 = d3 log P, which
 *   stay finite where P itself underflows. Then dP = P g,
 *   d2P = P (g^2 + h), d3P = P (g^3 + 3 g h + h3), Fisher information
 *   I = sum P g^2, I' = sum P (g^3 + 2 g h),
 *   I'' = sum P (g^4 + 5 g^2 h + 2 h^2 + 2 g h3), Warm's
 *   J = sum dP d2P / P = sum P g (g^2 + h), J' = sum P (g^4 + 4 g^2 h + h^2 + g h3)
 *   and the observed information of response x is -h_x.
 * - Divide-by-total models (PCM, GPCM, RSM, NRM): P_k = exp(z_k) / sum exp(z_j)
 *   with z_k linear in theta with slope s_k, so g_k = s_k - E[s], h = -Var[s],
 *   h3 = -(third central moment of s), all under P.
 * - Graded models (GRM, MGRM): P_x = L_x - L_{x+1}, boundaries sharing one
 *   slope Da, so g_x = Da (1 - L_x - L_{x+1}), h_x = -Da^2 (L_x Q_x + L_{x+1} Q_{x+1}).
 * - Dichotomous 4PL: closed forms with r1 = (P - c) / P and r2 = (d - P) / Q,
 *   which are in [0, 1] and exactly 1 for c = 0 / d = 1.
 *
 * No allocation: stack arrays of CC_MAX_CAT. */
#include "model.h"

#include <math.h>

/* catR moves a dichotomous P of exactly 0 or 1 this far inside. */
#define CLAMP 1e-10

/* ---- dichotomous ------------------------------------------------------ */

typedef struct {
    double Da; /* D a */
    double L;  /* logistic of z = D a (theta - b) */
    double Lq; /* 1 - L, computed without cancellation */
    double LQ; /* L (1 - L) */
    double P;  /* c + (d - c) L, not clamped */
    double Q;  /* 1 - P, computed without cancellation */
    double r1; /* (d - c) L / P */
    double r2; /* (d - c) (1 - L) / Q */
    double k;  /* D a (1 - 2 L): d2P = k dP */
    double p1; /* dP */
    double e;  /* exp(z) */
    double z;  /* D a (theta - b) */
    double s;  /* exp(-|z|) */
} dicho_t;

static inline void dicho_eval(const double *row, double theta, double D, dicho_t *o)
{
    double c = row[2], d = row[3], dc = d - c;
    double z, e, s, inv;

    o->Da = D * row[0];
    z = o->Da * (theta - row[1]);
    e = exp(z);
    s = z > 0 ? 1.0 / e : e; /* exp(-|z|); 0 when e overflows */
    inv = 1.0 / (1.0 + s);
    o->e = e;
    o->z = z;
    o->s = s;
    if (z > 0) {
        o->L = inv;
        o->Lq = s * inv;
    } else {
        o->L = s * inv;
        o->Lq = inv;
    }
    o->LQ = s * inv * inv;
    o->P = c + dc * o->L;
    o->Q = (1.0 - d) + dc * o->Lq;
    o->r1 = c == 0 ? 1.0 : dc * o->L / o->P;
    o->r2 = d == 1 ? 1.0 : dc * o->Lq / o->Q;
    o->k = o->Da * (o->Lq - o->L);
    o->p1 = o->Da * dc * o->LQ;
}

/* P(X = 1) as catR reports it: c + (d - c) e / (1 + e) evaluated in that
 * order (so that the rounding, and with it the clamp, is catR's), and
 * moved to 1e-10 or 1 - 1e-10 when it comes out exactly 0 or 1 (or
 * beyond 1 by rounding). For e = Inf (catR: NaN) it is d. */
static inline double dicho_reported_p(const dicho_t *o, const double *row)
{
    double c = row[2], d = row[3];
    double p = isinf(o->e) ? d : c + (d - c) * o->e / (1 + o->e);

    if (p <= 0)
        p = CLAMP;
    else if (p >= 1)
        p = 1 - CLAMP;
    return p;
}

/* Fisher information p1^2 / (P Q) = Da^2 r1 r2 L (1 - L). */
static inline double dicho_info(const dicho_t *o)
{
    return o->Da * o->Da * o->r1 * o->r2 * o->LQ;
}

/* dP / (P Q) = Da r1 r2 / (d - c). */
static inline double dicho_w(const dicho_t *o, const double *row)
{
    return o->Da * o->r1 * o->r2 / (row[3] - row[2]);
}

/* d log P(x) / dtheta */
static inline double dicho_g(const dicho_t *o, int x)
{
    return x ? o->Da * o->r1 * o->Lq : -o->Da * o->r2 * o->L;
}

/* -d2 log P(x) = g (g - k), with g - k in a form without cancellation:
 * x = 1: Da (L - c (1 - L) / P); x = 0: Da ((1 - d) L / Q - (1 - L)). */
static inline double dicho_oi(const dicho_t *o, const double *row, int x)
{
    if (x)
        return o->Da * o->Da * o->r1 * o->Lq * (o->L - (row[2] == 0 ? 0 : row[2] * o->Lq / o->P));
    return o->Da * o->Da * o->r2 * o->L * (o->Lq - (row[3] == 1 ? 0 : (1 - row[3]) * o->L / o->Q));
}

/* log P(x), without underflow. */
static double dicho_logp(const double *row, const dicho_t *o, int x)
{
    double c = row[2], d = row[3], z = o->z;

    if (x) {
        if (c == 0) /* log d + log L */
            return log(d) + (z > 0 ? -log1p(o->s) : z - log1p(o->s));
        return log(o->P);
    }
    if (d == 1) /* log (1 - c) + log (1 - L) */
        return log1p(-c) + (z > 0 ? -z - log1p(o->s) : -log1p(o->s));
    return log(o->Q);
}

/* ---- polytomous --------------------------------------------------------- */

typedef struct {
    int n;                 /* categories */
    int graded;            /* GRM/MGRM (else divide-by-total) */
    double p[CC_MAX_CAT];  /* probabilities */
    double g[CC_MAX_CAT];  /* d log P */
    double h[CC_MAX_CAT];  /* d2 log P */
    double h3[CC_MAX_CAT]; /* d3 log P (want >= 3) */
    /* divide-by-total: exponents, their maximum and log sum exp(z - zmax) */
    double z[CC_MAX_CAT];
    double zmax, log_sum;
    /* graded: boundary k = 0..n (0: L = 1, n: L = 0) */
    double L[CC_MAX_CAT + 1], Lq[CC_MAX_CAT + 1], LQ[CC_MAX_CAT + 1];
    double bz[CC_MAX_CAT + 1]; /* Da (theta - beta_k), k = 1..n-1 */
    double Da;
} poly_t;

/* The boundary (threshold) k = 1..K of a graded item. */
static inline double graded_beta(const cc_bank *bank, const double *row, int k)
{
    return bank->model == CC_MODEL_GRM ? row[k] : row[1] - row[1 + k];
}

/* Fills p (and g, h when want >= 1, h3 when want >= 3). */
static void poly_eval(const cc_bank *bank, int item, double theta, double D, int want, poly_t *o)
{
    const double *row = cc_bank_row(bank, item);
    int n = bank->n_cat[item], k;

    o->n = n;
    if (bank->model == CC_MODEL_GRM || bank->model == CC_MODEL_MGRM) {
        double Da = D * row[0], Da2 = Da * Da;

        o->graded = 1;
        o->Da = Da;
        o->L[0] = 1, o->Lq[0] = 0, o->LQ[0] = 0;
        o->L[n] = 0, o->Lq[n] = 1, o->LQ[n] = 0;
        for (k = 1; k < n; k++) {
            double z = Da * (theta - graded_beta(bank, row, k));
            double s = exp(-fabs(z)), inv = 1.0 / (1.0 + s);

            o->bz[k] = z;
            if (z >= 0) {
                o->L[k] = inv;
                o->Lq[k] = s * inv;
            } else {
                o->L[k] = s * inv;
                o->Lq[k] = inv;
            }
            o->LQ[k] = s * inv * inv;
        }
        for (k = 0; k < n; k++) {
            /* Difference of the two small tails, to keep relative precision. */
            o->p[k] = o->L[k + 1] >= 0.5 ? o->Lq[k + 1] - o->Lq[k] : o->L[k] - o->L[k + 1];
            if (o->p[k] < 0)
                o->p[k] = 0;
            if (want >= 1) {
                o->g[k] = Da * (o->Lq[k] - o->L[k + 1]);
                o->h[k] = -Da2 * (o->LQ[k] + o->LQ[k + 1]);
            }
            if (want >= 3)
                o->h3[k] =
                    -Da2 * Da *
                    (o->LQ[k] * (o->Lq[k] - o->L[k]) + o->LQ[k + 1] * (o->Lq[k + 1] - o->L[k + 1]));
        }
        return;
    }

    /* Divide-by-total: z_k = s_k theta + t_k, z_0 = 0. */
    {
        double s[CC_MAX_CAT], zmax, sum = 0, m = 0, V = 0, m3 = 0;

        o->graded = 0;
        o->z[0] = 0;
        s[0] = 0;
        switch (bank->model) {
        case CC_MODEL_PCM: /* z_k = D sum_{t<=k} (theta - delta_t) */
            for (k = 1; k < n; k++) {
                o->z[k] = o->z[k - 1] + D * (theta - row[k - 1]);
                s[k] = D * k;
            }
            break;
        case CC_MODEL_GPCM: /* z_k = D alpha sum_{t<=k} (theta - delta_t) */
            for (k = 1; k < n; k++) {
                o->z[k] = o->z[k - 1] + D * row[0] * (theta - row[k]);
                s[k] = D * row[0] * k;
            }
            break;
        case CC_MODEL_RSM: /* z_k = D sum_{t<=k} (theta - (lambda + delta_t)) */
            for (k = 1; k < n; k++) {
                o->z[k] = o->z[k - 1] + D * (theta - (row[0] + row[k]));
                s[k] = D * k;
            }
            break;
        default: /* NRM: z_k = alpha_k theta + c_k, no D */
            for (k = 1; k < n; k++) {
                o->z[k] = row[2 * k - 2] * theta + row[2 * k - 1];
                s[k] = row[2 * k - 2];
            }
            break;
        }
        zmax = o->z[0];
        for (k = 1; k < n; k++)
            if (o->z[k] > zmax)
                zmax = o->z[k];
        for (k = 0; k < n; k++) {
            o->p[k] = exp(o->z[k] - zmax);
            sum += o->p[k];
        }
        for (k = 0; k < n; k++)
            o->p[k] /= sum;
        o->zmax = zmax;
        o->log_sum = log(sum);
        if (want < 1)
            return;
        for (k = 0; k < n; k++)
            m += o->p[k] * s[k];
        for (k = 0; k < n; k++) {
            double dev = s[k] - m, dev2 = dev * dev;

            o->g[k] = dev;
            V += o->p[k] * dev2;
            m3 += o->p[k] * dev2 * dev;
        }
        for (k = 0; k < n; k++) {
            o->h[k] = -V;
            o->h3[k] = -m3;
        }
    }
}

/* log(exp(d) - 1) for d > 0. */
static inline double log_expm1(double d)
{
    return d > 1 ? d + log1p(-exp(-d)) : log(expm1(d));
}

/* log P_x of an evaluated polytomous item, without underflow. */
static double poly_logp(const poly_t *o, int x)
{
    double z1, z2, s1, s2, d;

    if (!o->graded)
        return o->z[x] - o->zmax - o->log_sum;
    if (o->p[x] > 1e-280)
        return log(o->p[x]);
    /* P_x underflows: log of a logistic tail or of a difference of two. */
    if (x == 0) { /* log (1 - L_1) */
        /* bz[1..n-1] are set for graded items; the analyzer cannot see it. */
        z2 = o->bz[1]; // NOLINT(clang-analyzer-core.uninitialized.Assign)
        return z2 >= 0 ? -z2 - log1p(exp(-z2)) : -log1p(exp(z2));
    }
    if (x == o->n - 1) { /* log L_K */
        /* bz[1..n-1] are set for graded items; the analyzer cannot see it. */
        z1 = o->bz[x]; // NOLINT(clang-analyzer-core.uninitialized.Assign)
        return z1 >= 0 ? -log1p(exp(-z1)) : z1 - log1p(exp(z1));
    }
    z1 = o->bz[x];
    z2 = o->bz[x + 1];
    d = z1 - z2;
    if (z2 >= 0) { /* (1 - L_{x+1}) - (1 - L_x) = e^-z1 (e^d - 1) / ((1 + e^-z1)(1 + e^-z2)) */
        s1 = exp(-z1), s2 = exp(-z2);
        return -z1 + log_expm1(d) - log1p(s1) - log1p(s2);
    }
    if (z1 <= 0) { /* L_x - L_{x+1} = e^z2 (e^d - 1) / ((1 + e^z1)(1 + e^z2)) */
        s1 = exp(z1), s2 = exp(z2);
        return z2 + log_expm1(d) - log1p(s1) - log1p(s2);
    }
    return log(o->p[x]); /* straddles 0: not small */
}

/* ---- public ------------------------------------------------------------- */

void cc_item_probs(const cc_bank *bank, int item, double theta, double D, double *P, double *dP,
                   double *d2P, double *d3P)
{
    if (bank->model == CC_MODEL_DICHO) {
        const double *row = cc_bank_row(bank, item);
        dicho_t o;
        double p;

        dicho_eval(row, theta, D, &o);
        if (P) {
            p = dicho_reported_p(&o, row);
            P[0] = 1 - p;
            P[1] = p;
        }
        if (dP) {
            dP[0] = -o.p1;
            dP[1] = o.p1;
        }
        if (d2P) {
            d2P[0] = -o.k * o.p1;
            d2P[1] = o.k * o.p1;
        }
        if (d3P) {
            double v = o.Da * o.Da * (1 - 6 * o.LQ) * o.p1;

            d3P[0] = -v;
            d3P[1] = v;
        }
        return;
    }
    {
        poly_t o;
        int k;

        poly_eval(bank, item, theta, D, d3P ? 3 : (dP || d2P) ? 1 : 0, &o);
        for (k = 0; k < o.n; k++) {
            double p = o.p[k], g = o.g[k];

            if (P)
                P[k] = p;
            if (dP)
                dP[k] = p * g;
            if (d2P)
                d2P[k] = p * (g * g + o.h[k]);
            if (d3P)
                d3P[k] = p * (g * g * g + 3 * g * o.h[k] + o.h3[k]);
        }
    }
}

double cc_item_prob(const cc_bank *bank, int item, double theta, double D, int x)
{
    if (x == CC_MISSING)
        return 1;
    if (x < 0 || x >= bank->n_cat[item])
        return NAN;
    if (bank->model == CC_MODEL_DICHO) {
        dicho_t o;
        double p;

        dicho_eval(cc_bank_row(bank, item), theta, D, &o);
        p = dicho_reported_p(&o, cc_bank_row(bank, item));
        return x ? p : 1 - p;
    }
    {
        poly_t o;

        poly_eval(bank, item, theta, D, 0, &o);
        return o.p[x];
    }
}

double cc_item_info(const cc_bank *bank, int item, double theta, double D, double *dI, double *d2I)
{
    if (bank->model == CC_MODEL_DICHO) {
        const double *row = cc_bank_row(bank, item);
        dicho_t o;
        double I;

        dicho_eval(row, theta, D, &o);
        I = dicho_info(&o);
        if (dI || d2I) {
            /* With w = dP / (PQ): I' = I (2k - w (Q - P)),
             * I'' = I (2 Da^2 (2 - 10 LQ) - 5 k w (Q - P) + 2 w^2 (1 - 3 PQ)). */
            double w = dicho_w(&o, row), qp = o.Q - o.P;

            if (dI)
                *dI = I * (2 * o.k - w * qp);
            if (d2I)
                *d2I = I * (2 * o.Da * o.Da * (2 - 10 * o.LQ) - 5 * o.k * w * qp +
                            2 * w * w * (1 - 3 * o.P * o.Q));
        }
        return I;
    }
    {
        poly_t o;
        double I = 0, I1 = 0, I2 = 0;
        int k;

        poly_eval(bank, item, theta, D, d2I ? 3 : 1, &o);
        for (k = 0; k < o.n; k++) {
            double p = o.p[k], g = o.g[k], h = o.h[k], g2 = g * g;

            I += p * g2;
            if (dI)
                I1 += p * g * (g2 + 2 * h);
            if (d2I)
                I2 += p * (g2 * g2 + 5 * g2 * h + 2 * h * h + 2 * g * o.h3[k]);
        }
        if (dI)
            *dI = I1;
        if (d2I)
            *d2I = I2;
        return I;
    }
}

double cc_item_ji(const cc_bank *bank, int item, double theta, double D, double *dJ)
{
    if (bank->model == CC_MODEL_DICHO) {
        const double *row = cc_bank_row(bank, item);
        dicho_t o;
        double I;

        dicho_eval(row, theta, D, &o);
        I = dicho_info(&o);
        /* J = dP d2P / (PQ) = k I; J' = I (Da^2 (2 - 10 LQ) - k w (Q - P)). */
        if (dJ)
            *dJ = I * (o.Da * o.Da * (2 - 10 * o.LQ) - o.k * dicho_w(&o, row) * (o.Q - o.P));
        return o.k * I;
    }
    {
        poly_t o;
        double J = 0, J1 = 0;
        int k;

        poly_eval(bank, item, theta, D, dJ ? 3 : 1, &o);
        for (k = 0; k < o.n; k++) {
            double p = o.p[k], g = o.g[k], h = o.h[k], g2 = g * g;

            J += p * g * (g2 + h);
            if (dJ)
                J1 += p * (g2 * g2 + 4 * g2 * h + h * h + g * o.h3[k]);
        }
        if (dJ)
            *dJ = J1;
        return J;
    }
}

double cc_item_observed_info(const cc_bank *bank, int item, double theta, double D, int x)
{
    if (x == CC_MISSING)
        return 0;
    if (x < 0 || x >= bank->n_cat[item])
        return NAN;
    if (bank->model == CC_MODEL_DICHO) {
        dicho_t o;

        dicho_eval(cc_bank_row(bank, item), theta, D, &o);
        return dicho_oi(&o, cc_bank_row(bank, item), x);
    }
    {
        poly_t o;

        poly_eval(bank, item, theta, D, 1, &o);
        return -o.h[x];
    }
}

double cc_test_info(const cc_bank *bank, const int *items, int n, double theta, double D)
{
    double sum = 0;
    int k;

    if (items == NULL)
        n = bank->n_items;
    for (k = 0; k < n; k++)
        sum += cc_item_info(bank, items ? items[k] : k, theta, D, NULL, NULL);
    return sum;
}

double cc_log_likelihood(const cc_bank *bank, const int *items, const int *x, int n, double theta,
                         double D, double *d1, double *d2)
{
    double ll = 0, s1 = 0, s2 = 0;
    int k;

    for (k = 0; k < n; k++) {
        int item = items[k], xk = x[k];

        if (xk == CC_MISSING)
            continue;
        if (xk < 0 || xk >= bank->n_cat[item]) {
            ll = s1 = s2 = NAN;
            break;
        }
        if (bank->model == CC_MODEL_DICHO) {
            const double *row = cc_bank_row(bank, item);
            dicho_t o;
            double g;

            dicho_eval(row, theta, D, &o);
            g = dicho_g(&o, xk);
            ll += dicho_logp(row, &o, xk);
            s1 += g;
            s2 -= dicho_oi(&o, row, xk);
        } else {
            poly_t o;

            poly_eval(bank, item, theta, D, (d1 || d2) ? 1 : 0, &o);
            ll += poly_logp(&o, xk);
            if (d1 || d2) {
                s1 += o.g[xk];
                s2 += o.h[xk];
            }
        }
    }
    if (d1)
        *d1 = s1;
    if (d2)
        *d2 = s2;
    return ll;
}

void cc_dicho_sums_eval(const cc_bank *bank, const int *items, const int *x, int n, double theta,
                        double D, unsigned want, cc_dicho_sums *out)
{
    double score = 0, dscore = 0, I = 0, dI = 0, d2I = 0, J = 0, dJ = 0;
    int need_i = (want & (CC_SUM_I | CC_SUM_DI | CC_SUM_D2I | CC_SUM_J | CC_SUM_DJ)) != 0;
    int need_w = (want & (CC_SUM_DI | CC_SUM_D2I | CC_SUM_DJ)) != 0;
    int k;

    for (k = 0; k < n; k++) {
        const double *row;
        double Da, c, d, dc, z, e, inv, L, Lq, LQ, p1, kk;
        int xk = x ? x[k] : 1, big;

        if (xk == CC_MISSING)
            continue;
        /* dicho_eval's quantities, leaving out what is not needed. */
        row = cc_bank_row(bank, items[k]);
        c = row[2];
        d = row[3];
        dc = d - c;
        Da = D * row[0];
        z = Da * (theta - row[1]);
        e = exp(z);
        /* L = e / (1 + e) and 1 - L = 1 / (1 + e) with one division, both
         * to full relative precision (dicho_eval's values to rounding);
         * e = Inf (z > 709) gives L = 1, 1 - L = 0 as there. */
        inv = 1.0 / (1.0 + e);
        big = isinf(e);
        L = big ? 1.0 : e * inv;
        Lq = big ? 0.0 : inv;
        LQ = L * Lq;
        p1 = Da * dc * LQ;
        kk = Da * (Lq - L);
        if (want & CC_SUM_SCORE) {
            /* catR's P' (x - P) / (P Q) with its clamped P, as
             * cc_item_probs gives them (dicho_reported_p). */
            double p = isinf(e) ? d : c + dc * e / (1 + e), g;

            if (p <= 0)
                p = CLAMP;
            else if (p >= 1)
                p = 1 - CLAMP;
            g = p1 * (xk - p) / ((1 - p) * p);
            score += g;
            /* -d2 log P(x) = g (g - k): a slope for Newton's method. */
            if (want & CC_SUM_DSCORE)
                dscore -= g * (g - kk);
        }
        if (need_i) {
            double P = c + dc * L, Q = (1.0 - d) + dc * Lq;
            double r1 = c == 0 ? 1.0 : dc * L / P, r2 = d == 1 ? 1.0 : dc * Lq / Q;
            double Ii = Da * Da * r1 * r2 * LQ;

            I += Ii;
            if (need_w) {
                double w = Da * r1 * r2 / dc, qp = Q - P;

                if (want & CC_SUM_DI)
                    dI += Ii * (2 * kk - w * qp);
                if (want & CC_SUM_D2I)
                    d2I += Ii * (2 * Da * Da * (2 - 10 * LQ) - 5 * kk * w * qp +
                                 2 * w * w * (1 - 3 * P * Q));
                if (want & CC_SUM_DJ)
                    dJ += Ii * (Da * Da * (2 - 10 * LQ) - kk * w * qp);
            }
            if (want & CC_SUM_J)
                J += kk * Ii;
        }
    }
    out->score = score;
    out->dscore = dscore;
    out->I = I;
    out->dI = dI;
    out->d2I = d2I;
    out->J = J;
    out->dJ = dJ;
}

void cc_log_likelihood_grid(const cc_bank *bank, const int *items, const int *x, int n,
                            const double *nodes, int Q, double D, double *ll)
{
    int k, q;

    if (bank->model != CC_MODEL_DICHO) {
        for (q = 0; q < Q; q++)
            ll[q] = cc_log_likelihood(bank, items, x, n, nodes[q], D, NULL, NULL);
        return;
    }
    for (q = 0; q < Q; q++)
        ll[q] = 0;
    /* Item by item over the grid: the same terms as cc_log_likelihood,
     * added in the same order at every node (so the same sums bit for
     * bit), without the derivatives it also computes. */
    for (k = 0; k < n; k++) {
        const double *row;
        int xk = x[k];

        if (xk == CC_MISSING)
            continue;
        if (xk < 0 || xk >= bank->n_cat[items[k]]) {
            for (q = 0; q < Q; q++)
                ll[q] = NAN;
            return;
        }
        row = cc_bank_row(bank, items[k]);
        if (xk ? row[2] == 0 : row[3] == 1) {
            /* dicho_logp's underflow-free forms, with their constant term
             * (log d, or log (1 - c)) taken once for the grid. */
            double lc = xk ? log(row[3]) : log1p(-row[2]);

            for (q = 0; q < Q; q++) {
                dicho_t o;
                double z, l1;

                dicho_eval(row, nodes[q], D, &o);
                z = o.z;
                l1 = log1p(o.s);
                if (xk)
                    ll[q] += lc + (z > 0 ? -l1 : z - l1);
                else
                    ll[q] += lc + (z > 0 ? -z - l1 : -l1);
            }
        } else {
            for (q = 0; q < Q; q++) {
                dicho_t o;

                dicho_eval(row, nodes[q], D, &o);
                ll[q] += dicho_logp(row, &o, xk);
            }
        }
    }
}
