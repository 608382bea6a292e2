/* Whole adaptive tests: catR's start rules (startItems), stopping rules
 * (checkStopRule) and simulated CATs (randomCAT), plus the same machinery
 * one step at a time for a live test.
 *
 * Whole simulated test (catR's randomCAT with allTheta = TRUE):
 *
 *     cc_cat_design d;
 *     cc_cat_result r;
 *     cc_cat_design_default(&d);            catR's defaults
 *     d.test.est.method = CC_EST_EAP;       test$method = "EAP"
 *     d.stop.n_rules = 1;                   stop$rule = "precision"
 *     d.stop.rule[0] = CC_STOP_PRECISION;
 *     d.stop.thr[0] = 0.3;
 *     st = cc_random_cat(bank, &d, true_theta, NULL, gen_seed, &r, &err);
 *     ... r.test_items[0..r.n-1], r.th_final, ...
 *     cc_cat_result_free(&r);
 *
 * Live test, one step at a time (the participant runner):
 *
 *     cc_cat_state s;
 *     cc_cat_next nx;
 *     st = cc_cat_begin(&s, bank, &d, &err);        start items are fixed here
 *     for (;;) {
 *         st = cc_cat_next_item(&s, &nx, &err);     stop? else which item
 *         if (st != CC_CAT_OK || nx.stop) break;
 *         ... show item nx.item, get the response x ...
 *         st = cc_cat_answer(&s, nx.item, x, &err); records it, new theta and SE
 *     }
 *     st = cc_cat_final(&s, &fin, &err);            final estimate, SE, CI
 *     cc_cat_end(&s);
 *
 * The state is deterministic: the same design and seed with the same
 * responses give the same items. A test can be resumed by replaying its
 * recorded (item, response) pairs through cc_cat_next_item/cc_cat_answer
 * in order from a fresh cc_cat_begin.
 *
 * Items are 0-based here (messages say 1-based item numbers). Random
 * choices (random start items, randomesque, "random", "progressive",
 * "proportional", generated responses) use the engine's cc_rng, so they
 * are reproducible from the seeds but are not R's draws (catR reseeds R's
 * generator from the clock after each draw anyway: README quirk 7).
 *
 * Hot path: cc_cat_next_item and cc_cat_answer allocate nothing; the state
 * holds all arrays (bank size) and the selection workspace, allocated by
 * cc_cat_begin. */
#ifndef CC_CAT_SIMULATE_H
#define CC_CAT_SIMULATE_H

#include "bank.h"
#include "estimate.h"
#include "rng.h"
#include "select.h"

#include <stdint.h>

/* Most starting abilities / fixed starting items. */
#define CC_MAX_START 64
/* Most stopping rules combined in one stop list. */
#define CC_MAX_STOP_RULES 8

/* ---- start rules (catR's startItems) ----------------------------------- */

/* startSelect: how an item is picked for each starting ability. */
typedef enum {
    CC_START_MFI = 0,     /* most informative at the starting theta (default) */
    CC_START_BOPT,        /* b closest to theta (dichotomous only) */
    CC_START_THOPT,       /* information peak closest to theta (dichotomous only) */
    CC_START_PROGRESSIVE, /* catR forces a single start item for these two */
    CC_START_PROPORTIONAL,
    CC_START_RANDOM /* uniformly among the available items (like start$seed) */
} cc_start_select;

/* catR's start list. The start items are, in catR's order of precedence:
 *   n_fix > 0          fixItems, as given;
 *   random             start$seed given: nr_items items drawn uniformly
 *                      without replacement (seeded by seed);
 *   nr_items == 0      no start item: the first adaptive item is chosen at
 *                      theta[0] (catR's nrItems = 0);
 *   otherwise          one item per starting theta (n_theta items) picked
 *                      by `select` at that theta among the items not yet
 *                      chosen, the best of `randomesque` drawn uniformly.
 * With select progressive/proportional/random a single item is chosen
 * (catR forces nrItems = 1 for the first two). */
typedef struct cc_start_options {
    int n_fix;                   /* 0 */
    int fix_items[CC_MAX_START]; /* 0-based */
    int random;                  /* 0; 1 = catR's start$seed is set */
    uint64_t seed;               /* start$seed (random start) */
    int nr_items;                /* 1: random start; 0 = no start item */
    int n_theta;                 /* 1 */
    double theta[CC_MAX_START];  /* {0} */
    double D;                    /* 1: start$D (MFI and thOpt) */
    int randomesque;             /* 1 */
    int has_random_seed;         /* 0; 1: start$random.seed is set */
    uint64_t random_seed;        /* seeds the randomesque draws of the start */
    cc_start_select select;      /* MFI */
} cc_start_options;

/* ---- stopping rules (catR's checkStopRule) ----------------------------- */

typedef enum {
    CC_STOP_LENGTH = 0,     /* items given >= thr */
    CC_STOP_PRECISION,      /* SE <= thr */
    CC_STOP_CLASSIFICATION, /* theta -/+ z(1-alpha/2) SE no longer holds thr:
                             * theta - z SE >= thr or theta + z SE <= thr */
    CC_STOP_MININFO         /* max information of the items still available,
                             * at theta, <= thr */
} cc_stop_rule;

/* catR's name ("length", ...) and back; EINVAL lists the names. */
const char *cc_stop_rule_name(cc_stop_rule rule);
cc_cat_status cc_stop_rule_from_name(const char *name, cc_stop_rule *out, cc_cat_error *err);

/* catR's stop list. The test stops as soon as one rule holds (catR
 * combines them with "or"); every rule that holds is reported. */
typedef struct cc_stop_options {
    int n_rules;                          /* 1 */
    cc_stop_rule rule[CC_MAX_STOP_RULES]; /* {length} */
    double thr[CC_MAX_STOP_RULES];        /* {20} */
    double alpha;                         /* 0.05 (classification) */
    int min_length;                       /* 0: randomCAT's min.length; no stop before */
    int max_items;                        /* 0 = no cap but the bank. Beyond catR (its
                                           * older maxItems): reaching it ends the
                                           * test with end_warning set */
} cc_stop_options;

/* catR's checkStopRule. theta and se are the current estimate and its SE
 * (se may be Inf: no precision/classification stop), n_given the items
 * administered. minInfo needs the bank, D and which items are left:
 * used[i] != 0 marks item i as administered or unavailable (NULL: every
 * item is available). *stop is 1 when at least one rule holds; *rules_met
 * (may be NULL) gets bit i set for each stop->rule[i] that holds. */
cc_cat_status cc_stop_check(const cc_bank *bank, const cc_stop_options *stop, double D,
                            double theta, double se, int n_given, const unsigned char *used,
                            int *stop_out, unsigned *rules_met, cc_cat_error *err);

/* ---- the design: catR's start, test, stop and final lists --------------- */

/* catR's test list. est holds method, priorDist, priorPar, weight, tuCo,
 * range, D, parInt and constantPatt (the engine fills current.th with the
 * previous provisional theta and bRange with the bank's b range). sel holds
 * itemSelect, infoType, randomesque, AP and proRule/proThr (sel.rule,
 * sel.thr); sel.seth is filled with the current SE at each step and
 * sel.available / content balancing / exposure control pass through. */
typedef struct cc_test_options {
    cc_est_options est;
    cc_sem_type sem_type; /* classic */
    int sem_exact;        /* 0. catR quirk 6: randomCAT turns exact SEs on whenever
                           * test$sem.exact is given, even FALSE; a catR-compatible
                           * caller sets 1 when the key is present */
    int se_ase;           /* 10: exact SEs up to this many items, then classic */
    cc_select_options sel;
    int has_random_seed;  /* 0; 1: test$random.seed is set */
    uint64_t random_seed; /* seeds the test's random draws (else design.seed) */
} cc_test_options;

/* catR's final list (the test list's estimation options and alpha). */
typedef struct cc_final_options {
    cc_est_options est;
    cc_sem_type sem_type; /* classic */
    int sem_exact;        /* 0 (quirk 6 as above); exact only up to test.se_ase items */
    double alpha;         /* 0.05: the final confidence interval */
} cc_final_options;

typedef struct cc_cat_design {
    cc_start_options start;
    cc_test_options test;
    cc_stop_options stop;
    cc_final_options final;
    uint64_t seed; /* 1: every random choice no specific seed covers */
} cc_cat_design;

/* catR's defaults for all four lists (randomCAT's usage line). */
void cc_cat_design_default(cc_cat_design *design);
/* Checks a design against a bank: option ranges, item numbers, criteria
 * the model supports (bOpt/thOpt/GDI/GDIP only for dichotomous items). */
cc_cat_status cc_cat_design_check(const cc_bank *bank, const cc_cat_design *design,
                                  cc_cat_error *err);

/* catR's startItems: the start items (0-based) into items[] (room for
 * CC_MAX_START), their count into *n, and the theta each was chosen at
 * into thetas[] (NAN for fixed and random items; may be NULL). available
 * (NULL = all) is catR's nAvailable. */
cc_cat_status cc_start_items(const cc_bank *bank, const cc_start_options *start,
                             const unsigned char *available, uint64_t fallback_seed, int *items,
                             double *thetas, int *n, cc_cat_error *err);

/* ---- one step at a time ------------------------------------------------- */

typedef enum { CC_PHASE_START = 0, CC_PHASE_ADAPTIVE } cc_cat_phase;

typedef struct cc_cat_state {
    const cc_bank *bank;
    const cc_cat_design *design; /* must outlive the state */
    int n;                       /* items administered */
    int n_start;                 /* start items planned */
    int start_items[CC_MAX_START];
    int *items;          /* n administered items, in order */
    int *x;              /* their responses (CC_MISSING allowed) */
    double *theta;       /* provisional theta after each item (test options) */
    double *se;          /* and its SE */
    unsigned char *used; /* per item: administered or unavailable */
    double theta_now;    /* current provisional theta (start theta before any item) */
    double se_now;       /* its SE (Inf before any item) */
    double b_range[2];   /* range of b (dichotomous), for constantPatt */
    cc_rng rng;          /* the test's random draws */
    void *work;          /* selection workspace */
    int finished;        /* cc_cat_next_item said stop */
    unsigned rules_met;  /* bits of design->stop.rule that held at the end */
    int end_warning;     /* ended because no item was left / max_items */
} cc_cat_state;

typedef struct cc_cat_next {
    int stop;           /* 1: the test is over; no item */
    int item;           /* next item (0-based) when !stop, else -1 */
    cc_cat_phase phase; /* start item or adaptively selected */
    double theta_used;  /* the theta the item was chosen at (NAN: fixed/random start) */
    double criterion;   /* criterion value of the item (NAN for start items) */
    unsigned rules_met; /* when stop: bit i = design->stop.rule[i] held */
    int end_warning;    /* when stop: no item left (or max_items) and no rule held */
} cc_cat_next;

/* Checks the design, chooses the start items, allocates the state. */
cc_cat_status cc_cat_begin(cc_cat_state *state, const cc_bank *bank, const cc_cat_design *design,
                           cc_cat_error *err);
void cc_cat_end(cc_cat_state *state);

/* Given the state so far: does the test stop (stopping rules after at
 * least min_length items, or nothing left), and if not, which item comes
 * next (the next start item, or nextItem at the current theta with the
 * test options). Calling it again without an answer gives the same item
 * unless the selection is random. */
cc_cat_status cc_cat_next_item(cc_cat_state *state, cc_cat_next *next, cc_cat_error *err);

/* Records response x (a category, or CC_MISSING) to item, then the
 * provisional theta and SE with the test options (constantPatt gets the
 * previous provisional theta as current.th). The item must be available
 * and not yet given. */
cc_cat_status cc_cat_answer(cc_cat_state *state, int item, int x, cc_cat_error *err);

typedef struct cc_cat_final_result {
    double theta; /* thFinal: final method on the whole pattern */
    double se;    /* seFinal */
    double ci[2]; /* ciFinal: theta -/+ z(1 - alpha/2) se */
} cc_cat_final_result;

/* The final estimate of the test so far (catR's thFinal, seFinal, ciFinal).
 * With no item given: the first start theta, SE Inf, CI (-Inf, Inf). */
cc_cat_status cc_cat_final(const cc_cat_state *state, cc_cat_final_result *out, cc_cat_error *err);

/* ---- whole simulated test (catR's randomCAT) ---------------------------- */

typedef struct cc_cat_result {
    int n;              /* test length */
    int n_start;        /* of which start items */
    int *test_items;    /* testItems, 0-based */
    int *pattern;       /* responses */
    double *theta_prov; /* thetaProv: estimate after k+1 items (allTheta = TRUE) */
    double *se_prov;    /* seProv */
    double th_final, se_final, ci_final[2];
    int n_rules_final;                          /* ruleFinal: rules that held at */
    cc_stop_rule rule_final[CC_MAX_STOP_RULES]; /* the end, in stop-list order */
    int end_warning;                            /* endWarning */
} cc_cat_result;

/* catR's randomCAT. responses (NULL: generated) gives a response for every
 * bank item (catR's responses argument: the deterministic designs of the
 * golden data). Otherwise each response is drawn from the model at
 * true_theta with a cc_rng seeded by gen_seed (one uniform per response:
 * x = 1 iff u < P for dichotomous items; the category whose cumulative
 * probability first exceeds u for polytomous ones). */
cc_cat_status cc_random_cat(const cc_bank *bank, const cc_cat_design *design, double true_theta,
                            const int *responses, uint64_t gen_seed, cc_cat_result *result,
                            cc_cat_error *err);
void cc_cat_result_free(cc_cat_result *result);

/* A response to item drawn from the model at theta with one uniform from
 * rng (as cc_random_cat does). */
int cc_cat_draw_response(const cc_bank *bank, int item, double theta, double D, cc_rng *rng);

/* The standard normal quantile (Wichura's AS 241, about 1e-16 relative),
 * used for the classification rule and the final interval; p in (0, 1). */
double cc_normal_quantile(double p);

#endif
