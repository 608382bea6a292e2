/* Ability estimation and standard errors (catR's thetaEst, semTheta). */
#ifndef CC_CAT_ESTIMATE_H
#define CC_CAT_ESTIMATE_H

#include "bank.h"

typedef enum { CC_EST_ML, CC_EST_BM, CC_EST_EAP, CC_EST_WL, CC_EST_ROB } cc_est_method;
typedef enum { CC_PRIOR_NORM, CC_PRIOR_UNIF, CC_PRIOR_JEFFREYS } cc_prior_dist;
typedef enum { CC_WEIGHT_HUBER, CC_WEIGHT_TUKEY } cc_rob_weight;
/* catR's constantPatt: what to do when every response is the lowest or
 * every one the highest category. */
typedef enum {
    CC_CONST_NONE, /* NULL: the method as it is */
    CC_CONST_FIXED4,
    CC_CONST_FIXED7,
    CC_CONST_VAR,
    CC_CONST_BM,
    CC_CONST_EAP,
    CC_CONST_WL
} cc_constant_patt;

typedef struct cc_est_options {
    cc_est_method method;           /* BM */
    cc_prior_dist prior;            /* norm */
    double prior_par[2];            /* 0, 1 (mean, sd; or the uniform's bounds) */
    double D;                       /* 1 */
    double range[2];                /* -4, 4: where ML/BM/WL/ROB search */
    double quad[2];                 /* -4, 4: parInt's ends (EAP grid) */
    int quad_points;                /* 33 */
    cc_rob_weight weight;           /* Huber */
    double tuning;                  /* tuCo, 1 */
    cc_constant_patt constant_patt; /* none */
    double current_theta;           /* current.th, for constant patterns, 0 */
    double b_range[2];              /* bRange, for fixed4/fixed7/var: range of the bank's b */
} cc_est_options;

/* catR's defaults, as listed above. */
void cc_est_options_default(cc_est_options *opt);
/* Checks the options (finite ranges, range[0] < range[1], positive sd,
 * 2 <= quad_points <= CC_MAX_QUAD, ...). */
cc_cat_status cc_est_options_check(const cc_est_options *opt, cc_cat_error *err);

#define CC_MAX_QUAD 1001

typedef enum { CC_SEM_CLASSIC, CC_SEM_NEW } cc_sem_type;

/* theta for responses x (CC_MISSING allowed) to items (0-based). catR's
 * refusals (ROB for polytomous items) give CC_CAT_EREFUSED with catR's
 * reason. Diverging ML (all correct or all wrong) gives the end of range,
 * as catR does. Never NaN: a degenerate case is an error with a reason. */
cc_cat_status cc_theta_est(const cc_bank *bank, const int *items, const int *x, int n,
                           const cc_est_options *opt, double *theta, cc_cat_error *err);

/* Standard error at theta (catR's semTheta); exact = sem.exact (dichotomous
 * only: over all 2^n patterns, n <= 20). Inf where catR gives Inf (constant
 * patterns under fixed4/fixed7/var). */
cc_cat_status cc_sem_theta(const cc_bank *bank, const int *items, const int *x, int n, double theta,
                           const cc_est_options *opt, cc_sem_type type, int exact, double *se,
                           cc_cat_error *err);

/* The EAP posterior on the quadrature grid (for MEPV and others): nodes
 * and normalised weights (prior times likelihood), quad_points values
 * each. */
cc_cat_status cc_posterior_grid(const cc_bank *bank, const int *items, const int *x, int n,
                                const cc_est_options *opt, double *nodes, double *weights,
                                cc_cat_error *err);
/* (Added by estimate.c's owner.) The nodes are quad[0] + q (quad[1] -
 * quad[0]) / (quad_points - 1), the last exactly quad[1]; the weights are
 * prior x likelihood at the nodes (computed in logs: no underflow for
 * long tests), summing to 1, WITHOUT a quadrature factor. catR integrates
 * with the trapezoid rule, so its EAP is sum c_q w_q t_q / sum c_q w_q
 * with c_q = 1/2 at both end nodes and 1 elsewhere (cc_theta_est does
 * that). Refused (CC_CAT_EREFUSED) when the posterior is 0 on the whole
 * grid (e.g. a uniform prior outside it, Jeffreys without responses). */

#endif
