/* Response probabilities and information of single items (catR's Pi, Ii,
 * Ji, OIi), for every model. These are the engine's innermost loops:
 * no allocation, results written into the caller's arrays. */
#ifndef CC_CAT_MODEL_H
#define CC_CAT_MODEL_H

#include "bank.h"

/* Probabilities of each category of item at theta, and their first three
 * theta-derivatives; each non-NULL array receives bank->n_cat[item]
 * values. Dichotomous items give [Q, P] (catR's Pi gives P = category 1).
 * As catR does, a dichotomous P that comes out exactly 0 or 1 is moved to
 * 1e-10 or 1 - 1e-10 (derivatives unchanged). D multiplies theta's slope
 * for every model except NRM. Unlike catR, the PCM/GPCM/RSM derivatives
 * include the factor D (catR omits it: golden records tagged "quirk"). */
void cc_item_probs(const cc_bank *bank, int item, double theta, double D, double *P, double *dP,
                   double *d2P, double *d3P);

/* Probability of the single response x (0-based category) of item at
 * theta, as cc_item_probs gives it (dichotomous P clamped as catR does).
 * 1 for CC_MISSING; NAN for a category the item does not have. */
double cc_item_prob(const cc_bank *bank, int item, double theta, double D, int x);

/* Fisher information of item at theta (catR's Ii), and optionally its
 * first and second theta-derivatives (dI, d2I may be NULL). */
double cc_item_info(const cc_bank *bank, int item, double theta, double D, double *dI, double *d2I);

/* Warm's correction term J of item at theta (catR's Ji) and optionally
 * its derivative. */
double cc_item_ji(const cc_bank *bank, int item, double theta, double D, double *dJ);

/* Observed information of item at theta for response x (catR's OIi):
 * -d2 log P(x) / dtheta2, computed without cancellation. 0 for
 * CC_MISSING, NAN for a category the item does not have. Differs from
 * catR where a dichotomous P(x) is below ~1e-6 (only far out, e.g.
 * |theta - b| ~ 30): catR takes 1 - P of a rounded (and clamped) P there. */
double cc_item_observed_info(const cc_bank *bank, int item, double theta, double D, int x);

/* Sum of cc_item_info over items (all items of the bank when items is
 * NULL). */
double cc_test_info(const cc_bank *bank, const int *items, int n, double theta, double D);

/* Log-likelihood of responses x to items at theta and its first two
 * derivatives (any output may be NULL); missing responses are skipped.
 * Computed in logs without underflow and without catR's clamp (finite for
 * any finite theta); d2 = -sum of cc_item_observed_info. A category an
 * item does not have gives NAN (check with cc_check_responses first). */
double cc_log_likelihood(const cc_bank *bank, const int *items, const int *x, int n, double theta,
                         double D, double *d1, double *d2);

/* What cc_dicho_sums_eval computes (bit flags). */
enum {
    CC_SUM_SCORE = 1,  /* score: sum of d log P(x) / dtheta */
    CC_SUM_DSCORE = 2, /* dscore: its derivative (with CC_SUM_SCORE) */
    CC_SUM_I = 4,      /* I: Fisher information */
    CC_SUM_DI = 8,     /* dI: I' (implies I) */
    CC_SUM_D2I = 16,   /* d2I: I'' (implies I) */
    CC_SUM_J = 32,     /* J: Warm's term (implies I) */
    CC_SUM_DJ = 64     /* dJ: J' (implies I) */
};

typedef struct cc_dicho_sums {
    double score, dscore, I, dI, d2I, J, dJ; /* 0 where not asked for */
} cc_dicho_sums;

/* One pass over the answered items (x[k] != CC_MISSING; x NULL: all of
 * them) of a DICHOTOMOUS bank at theta, with one exp per item: the sums the
 * estimators need (want: CC_SUM_* flags). The score has catR's form
 * P' (x - P) / (P Q) with catR's clamped P (P computed as catR does, so
 * that the cancellation in Q = 1 - P near P = 1 is catR's), P' and Q as
 * cc_item_probs gives them to rounding; I, I', I'', J, J' are the sums of
 * cc_item_info / cc_item_ji to rounding. dscore is -sum g (g - k) with g
 * the score term and k = P'' / P': the derivative to an absolute error of
 * about 1e-16 (D a)^2 per item (g - k cancels far from b), more where
 * catR's 1 - P itself is inexact (wrong answers 15+ logits below theta);
 * for Newton steps, not for reporting (use cc_log_likelihood's d2). x must
 * hold 0, 1 or CC_MISSING (check with cc_check_responses). */
void cc_dicho_sums_eval(const cc_bank *bank, const int *items, const int *x, int n, double theta,
                        double D, unsigned want, cc_dicho_sums *out);

/* cc_log_likelihood (no derivatives) at each of Q nodes, into ll[0..Q-1]:
 * the same values bit for bit, computed item by item over the grid. */
void cc_log_likelihood_grid(const cc_bank *bank, const int *items, const int *x, int n,
                            const double *nodes, int Q, double D, double *ll);

#endif
