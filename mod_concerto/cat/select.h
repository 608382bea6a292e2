/* Next-item selection (catR's nextItem), with exposure control beyond
 * catR: Sympson-Hetter and a maximum exposure rate.
 *
 * One call picks the next item of an adaptive test:
 *
 *     cc_select_options sel;
 *     cc_select_result res;
 *     cc_select_options_default(&sel);
 *     sel.criterion = CC_CRIT_MFI;
 *     st = cc_next_item(bank, items, x, n, theta, &est, &sel, cc_rng_uniform_fn, &rng,
 *                       NULL, NULL, &res, &err);
 *
 * Items are 0-based. items[0..n-1] are the administered items (never
 * selected again) and x[] their responses (CC_MISSING allowed: skipped, as
 * catR drops NA). theta is the current ability estimate (catR's `theta`).
 * est gives the estimator that MEI uses for its provisional estimates and
 * the prior and quadrature grid (parInt) that MLWI, MPWI, MEPV, KL, KLP,
 * GDI and GDIP integrate over, and D. A NULL est means catR's defaults.
 *
 * Criteria (catR's names; "better" = which end wins):
 *   MFI    Fisher information at theta (max)
 *   bOpt   |b - theta| (min; dichotomous only)
 *   thOpt  |theta* - theta|, theta* where the item's information peaks (min;
 *          dichotomous only)
 *   MLWI   integral of I_j(t) L(t) dt, L = likelihood of the responses so
 *          far as a plain product (catR's scale), trapezoid on parInt (max)
 *   MPWI   the same weighted by the prior density (max)
 *   MEI    sum_t P_jt(theta) I_j(theta_t), theta_t = the estimate after
 *          answering t to item j; I = observed or Fisher information (max)
 *   MEPV   sum_t P_jt(theta) Var(t | x, j = t), the EAP posterior variance
 *          on the parInt grid (min)
 *   KL     integral of KL_j(t || theta) L(t) dt (max); KLP with the prior
 *   GDI    sum_q w_q (P_j(t_q) - Pbar_j)^2 with w = L / sum L on the grid
 *          nodes, Pbar_j = sum_q w_q P_j(t_q) (Kaplan et al. 2015) (max;
 *          dichotomous only); GDIP with w proportional to prior x L
 *   random        uniformly among the available items (one uniform)
 *   progressive   argmax of W I_j(theta) + (1 - W) R_j, R_j = u_j max I
 *                 (one uniform per bank item, drawn in item order)
 *   proportional  drawn with probability I_j(theta)^H / sum I^H (one uniform;
 *                 the items are walked in decreasing probability as R does)
 * With rule "length": W = sum_{f=0}^{n} f^AP / sum_{f=0}^{thr-1} f^AP and
 * H = thr W (Barrada et al. 2008). With rule "precision": W = 0 when no item
 * was given, else max((thr / SETH)^(2 AP), (n / (maxItems - 1))^AP), and
 * H = W / thr^2. catR applies the same weights (checked against catR with
 * AP = 1; the maxItems term could not be checked, see the tests).
 *
 * The chosen item is the best one; ties go to the lowest item number.
 * randomesque = k > 1 draws uniformly (one uniform) among the k best
 * available items (fewer when fewer are left), as catR does.
 *
 * Availability: an item can be selected unless it was administered, it is
 * marked unavailable (catR's nAvailable), or its exposure rate
 * counts[i] / sessions has reached max_exposure.
 *
 * Content balancing (catR's cbControl / cbGroup, Kingsbury & Zara 1989):
 * only groups that still have an available item are considered. When some
 * of them have had no item yet (e.g. at the start), one of those is drawn
 * uniformly; otherwise the group whose administered proportion is
 * furthest below its target (target - observed largest) is taken, a tie
 * being drawn uniformly. Targets are normalised to sum to one. A uniform is
 * drawn only when two or more groups are eligible. The criterion then picks
 * the item within that group.
 *
 * Sympson-Hetter: with sh_prob set, the item the criterion picks is
 * administered with probability sh_prob[item] (one uniform u, accepted
 * when u < p); a rejected item is set aside for this call and the
 * selection is made again among the rest (same group). When every
 * candidate is rejected, the first item picked is returned (res.n_rejected
 * tells how many were set aside).
 *
 * Uniforms are taken from uniform(baton) in [0, 1): the engine's generator
 * (cc_rng_uniform_fn with a cc_rng *), or recorded values in tests. With
 * uniform == NULL the criteria that need one are refused.
 *
 * Errors: CC_CAT_EINVAL for bad input (message names the item, 1-based);
 * CC_CAT_EREFUSED for bOpt, thOpt, GDI and GDIP with polytomous items
 * (catR refuses the first two and fails on the others); CC_CAT_ENOITEM
 * when no item is left; CC_CAT_ENOMEM. The result never holds a NaN other
 * than res.info for "random" (catR's NA). */
#ifndef CC_CAT_SELECT_H
#define CC_CAT_SELECT_H

#include "bank.h"
#include "estimate.h"
#include "rng.h"

typedef enum {
    CC_CRIT_MFI = 0,
    CC_CRIT_BOPT,
    CC_CRIT_THOPT,
    CC_CRIT_MLWI,
    CC_CRIT_MPWI,
    CC_CRIT_MEI,
    CC_CRIT_MEPV,
    CC_CRIT_KL,
    CC_CRIT_KLP,
    CC_CRIT_GDI,
    CC_CRIT_GDIP,
    CC_CRIT_RANDOM,
    CC_CRIT_PROGRESSIVE,
    CC_CRIT_PROPORTIONAL
} cc_criterion;

/* catR's name of a criterion ("MFI", "bOpt", ...). */
const char *cc_criterion_name(cc_criterion crit);
/* The criterion of a catR name (exact spelling); EINVAL lists the names. */
cc_cat_status cc_criterion_from_name(const char *name, cc_criterion *out, cc_cat_error *err);
/* 1 when the best value is the largest, 0 when it is the smallest (bOpt,
 * thOpt, MEPV). */
int cc_criterion_maximises(cc_criterion crit);

typedef enum { CC_INFO_OBSERVED = 0, CC_INFO_FISHER } cc_info_type;
/* The most content-balancing groups. */
#define CC_MAX_GROUPS 256
typedef enum { CC_RULE_LENGTH = 0, CC_RULE_PRECISION } cc_pro_rule;

typedef struct cc_select_options {
    cc_criterion criterion; /* MFI */
    cc_info_type info_type; /* observed (MEI only) */
    int randomesque;        /* 1 */
    /* progressive / proportional */
    cc_pro_rule rule; /* length */
    double thr;       /* 20 (length: test length; precision: target SE) */
    double seth;      /* NAN: SE of theta, required by rule precision */
    double ap;        /* 1: acceleration parameter */
    int max_items;    /* 50 */
    /* content balancing: n_groups > 0 turns it on */
    int n_groups;
    const double *group_props; /* n_groups targets, > 0 (normalised) */
    const int *item_group;     /* bank->n_items groups, 0..n_groups-1 */
    /* availability and exposure (NULL = not used) */
    const unsigned char *available; /* per item: 0 = unavailable */
    const double *sh_prob;          /* per item: Sympson-Hetter P(administer | selected) */
    double max_exposure;            /* in (0, 1]; NAN = no limit */
    const long *exposure_counts;    /* per item: administrations so far */
    long exposure_sessions;         /* sessions the counts are out of (0: no limit applies) */
} cc_select_options;

/* catR's defaults, as listed above; no balancing, no exposure control. */
void cc_select_options_default(cc_select_options *opt);

typedef struct cc_select_result {
    int item;              /* 0-based */
    const double *par;     /* the item's row of the bank (bank->n_cols values) */
    double info;           /* criterion value of the item (catR's $info); NAN for random */
    const char *criterion; /* catR's name */
    double weight;         /* progressive W or proportional H; NAN otherwise */
    int group;             /* content-balancing group chosen, -1 without balancing */
    int n_candidates;      /* items the final draw was made from (randomesque k) */
    int n_rejected;        /* items set aside by Sympson-Hetter */
} cc_select_result;

/* Bytes of workspace cc_next_item needs for this bank. */
size_t cc_select_work_size(const cc_bank *bank);

/* Selects the next item (see the top of this file). table, when not NULL,
 * receives bank->n_items criterion values (NAN for administered and
 * unavailable items and, under content balancing, for items outside the
 * chosen group; progressive and proportional give I_j(theta); random gives
 * all NAN). work, when not NULL, is cc_select_work_size(bank) bytes aligned
 * for a double; with NULL the call allocates it (one malloc). Nothing else
 * is allocated, except for MEI with method ROB (one malloc). */
cc_cat_status cc_next_item(const cc_bank *bank, const int *items, const int *x, int n, double theta,
                           const cc_est_options *est, const cc_select_options *sel,
                           cc_uniform_fn *uniform, void *baton, double *table, void *work,
                           cc_select_result *res, cc_cat_error *err);

#endif
