/* Item banks of the IRT/CAT engine, in catR's parameter layouts.
 *
 * The engine (mod_concerto/cat) is plain C11 and libm: no APR, no httpd,
 * no R. It is used by the runner, the R package and concertoctl. Errors are
 * status codes with a message that names the item. Item numbers are 0-based
 * inside the engine; messages show them 1-based, as catR users count. */
#ifndef CC_CAT_BANK_H
#define CC_CAT_BANK_H

#include <stddef.h>

typedef enum {
    CC_CAT_OK = 0,
    CC_CAT_EINVAL,   /* bad input: the message says which and why */
    CC_CAT_ENOMEM,   /* out of memory */
    CC_CAT_EREFUSED, /* a valid request the method cannot answer (as catR refuses it) */
    CC_CAT_ENOITEM   /* no item is left to select */
} cc_cat_status;

typedef struct cc_cat_error {
    int item; /* 1-based item the message is about, 0 when none */
    char message[256];
} cc_cat_error;

/* Sets err (when not NULL) and returns status. */
cc_cat_status cc_cat_fail(cc_cat_error *err, cc_cat_status status, int item0, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A response left out (catR's NA). */
#define CC_MISSING (-1)
/* The most categories an item may have; bounds the engine's stack arrays. */
#define CC_MAX_CAT 32

typedef enum {
    CC_MODEL_DICHO = 0, /* 1PL-4PL: a, b, c, d */
    CC_MODEL_GRM,       /* alpha, beta1..betaK (ordered) */
    CC_MODEL_MGRM,      /* alpha, b, c1..cK (boundaries b - c_k) */
    CC_MODEL_PCM,       /* delta1..deltaK */
    CC_MODEL_GPCM,      /* alpha, delta1..deltaK */
    CC_MODEL_RSM,       /* lambda, delta1..deltaK (deltas shared by design) */
    CC_MODEL_NRM        /* alpha1, c1, alpha2, c2, ... (no D) */
} cc_model;

/* catR's model name ("GRM", ...; NULL or "" for dichotomous). */
cc_cat_status cc_model_from_name(const char *name, cc_model *out, cc_cat_error *err);
const char *cc_model_name(cc_model model); /* NULL for dichotomous */

typedef struct cc_bank {
    cc_model model;
    int n_items;
    int n_cols;  /* columns of catR's matrix */
    double *par; /* n_items x n_cols, row-major; NAN where catR has NA */
    int *n_cat;  /* categories of each item (2 for dichotomous) */
    int max_cat; /* largest n_cat */
    /* Cached by cc_bank_init and cc_bank_subset for next-item selection
     * (select.c) in dichotomous banks; NULL in polytomous banks and in a
     * bank built any other way (selection then scans every item). For a
     * 4PL item the information is D^2 a^2 f(D a (theta - b); c, d), so its
     * peak over theta at D is D^2 times the peak at D = 1. (Not so for
     * polytomous items: their shape changes with D.) */
    int *info_order;    /* items by decreasing peak information (to ~1e-6) */
    double *info_peak;  /* [rank]: upper bound over all theta at D = 1 of the
                           Fisher information of the items info_order[rank..]
                           (their largest peak, raised by a relative 1e-6;
                           INFINITY when a^2 overflows); never increases
                           with rank */
    double *info_loga;  /* [rank]: log a of item info_order[rank] */
    double *info_zstar; /* [item]: z* = D a (theta* - b), where the item's
                           information peaks (cc_dicho_peak_z) */
} cc_bank;

/* Where a 4PL item's information peaks, as z* = D a (theta* - b): the log
 * of the positive root e of 2 q e^3 + s e^2 - s e - 2 r = 0 with
 * q = d (1 - d), s = c (1 - d) + d (1 - c), r = c (1 - c) (Magis 2013). */
double cc_dicho_peak_z(double c, double d);

/* Copies and validates a parameter matrix: the column count fits the model,
 * values are finite (NA only where the layout allows trailing absent
 * categories), GRM thresholds are increasing, dichotomous a > 0 (catR
 * accepts any a; a negative or zero discrimination is refused here),
 * 0 <= c < d <= 1, at most CC_MAX_CAT categories. A bad bank is refused
 * with the 1-based item number and the reason. */
cc_cat_status cc_bank_init(cc_bank *bank, cc_model model, int n_items, int n_cols,
                           const double *par, cc_cat_error *err);
/* A new bank of the given rows (0-based) of src, in that order. */
cc_cat_status cc_bank_subset(cc_bank *out, const cc_bank *src, const int *items, int n,
                             cc_cat_error *err);
void cc_bank_free(cc_bank *bank);

static inline const double *cc_bank_row(const cc_bank *bank, int item)
{
    return bank->par + (size_t)item * (size_t)bank->n_cols;
}

/* Checks a response vector against the items it answers: each x[k] is
 * CC_MISSING or a category 0..n_cat-1 of items[k]. catR crashes here
 * ("missing value where TRUE/FALSE needed", Concerto #212/#333/#354);
 * the engine refuses with the position and the item. */
cc_cat_status cc_check_responses(const cc_bank *bank, const int *items, const int *x, int n,
                                 cc_cat_error *err);

#endif
