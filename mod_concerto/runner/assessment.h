/* The native adaptive test: Concerto's assessment wizard (spec section 8.2)
 * on the C engine, with no R.
 *
 * Pure logic, independent of storage and HTTP: an assessment is built once
 * from its settings (JSON, the wizard's parameter names) and its items (the
 * assessmentItems columns); each request then turns the session's stored
 * state (JSON text) and the participant's answers into a new state, the
 * response records to save, and the next page. A session is resumed on any
 * child by replaying its stored answers through the engine. */
#ifndef CC_ASSESSMENT_H
#define CC_ASSESSMENT_H

#include "cat/bank.h"

#include <apr_pools.h>
#include <apr_tables.h>

/* One row of an assessmentItems table, as strings (NULL = SQL NULL). */
typedef struct cc_assess_item_row {
    const char *id;
    const char *fixed_index;
    const char *trait;
    const char *question;
    const char *response_options;  /* JSON: options, scoreMap, defaultScore */
    const char *p[CC_MAX_CAT + 2]; /* p1..pN */
    int n_p;
    const char *skippable;
    const char *instructions;
    const char *item_set;
} cc_assess_item_row;

typedef struct cc_assessment cc_assessment;

/* Builds an assessment; NULL and *errmsg (naming the setting or the item
 * id) when the settings or the items are unusable. Lives in pool. */
cc_assessment *cc_assess_create(apr_pool_t *pool, const char *settings_json,
                                const cc_assess_item_row *rows, int n_rows, const char **errmsg);
int cc_assess_item_count(const cc_assessment *a);
/* 1 when a session can answer an item again (a linear test with Back):
 * its response row is then updated rather than added. */
int cc_assess_items_revisited(const cc_assessment *a);

/* 1 when the test's exposure control needs counts (a CAT with
 * exposureMaxItems > 0): how many sessions have responses, and in how many
 * of them each item was given. */
int cc_assess_wants_exposure(const cc_assessment *a);
/* The assessment with those counts (n item ids with their session counts;
 * items not named count 0) for its next picks: a copy in pool, since a
 * built assessment is shared by requests and never changed; a itself when
 * there are no sessions yet. */
const cc_assessment *cc_assess_with_exposure(const cc_assessment *a, apr_pool_t *pool,
                                             long sessions, const long *item_ids,
                                             const long *counts, int n);

/* One answer, as saved in the response table (assessmentResponses). */
typedef struct cc_assess_response {
    long item_id;
    const char *response; /* the option value given ("" when skipped) */
    double score;         /* NAN when skipped or unscored */
    int skipped;
    double theta, sem; /* after this item */
    const char *trait;
    double time_taken; /* seconds since the page was shown */
} cc_assess_response;

/* The results of one trait (final page, banks with several traits). */
typedef struct cc_assess_trait {
    const char *name;
    double theta, sem;       /* estimated from that trait's items alone */
    double score, max_score; /* sum of scores and of the highest scores */
    int n_items;
} cc_assess_trait;

/* What the runner shows next. */
typedef struct cc_assess_page {
    int finished;
    const char *stop_reason; /* when finished: maxItems, minAccuracy, timeOut */
    const char *items_json;  /* client copies of the page's items (no scoring) */
    const char **values;     /* per item of the page: the answer already given, or NULL */
    int n_items;             /* items on the page */
    int linear;              /* 1: a linear test (pages), 0: adaptive */
    unsigned long long seed; /* the session's, for its random display order */
    int n_pages;             /* linear: pages in the test */
    int page;                /* 1-based page number */
    int answered;            /* items answered so far */
    int max_items;           /* the test's length limit (0 = bank size) */
    int can_go_back;
    int time_left;      /* seconds of the test's time limit left, -1 = none */
    double theta, sem;  /* current estimate */
    double total_score; /* sum of scores */
    double max_score;   /* sum of the highest possible scores of the items given */
    /* theta and SE after each item, for the final page's plot */
    const double *theta_history, *sem_history;
    const double *score_history; /* NAN when skipped */
    int n_history;
    /* when finished and the items given have more than one trait */
    const cc_assess_trait *traits;
    int n_traits;
} cc_assess_page;

/* A new session: the first page and the state to store. seed drives the
 * random choices (randomesque, random order) of this session. */
apr_status_t cc_assess_start(const cc_assessment *a, apr_pool_t *pool, long now,
                             unsigned long long seed, const char **state_json, cc_assess_page *page,
                             const char **errmsg);

/* The participant's answers to the page shown (form fields r{itemId} with
 * the option values, skip{itemId}, buttonPressed "next" or "back",
 * isTimeout "1"). Returns the new state, the responses to save (an array
 * of cc_assess_response) and the next page. A value that is not one of the
 * item's options is refused with APR_EINVAL and a message; a missing answer
 * to an item that cannot be skipped with APR_INCOMPLETE, the page shown
 * again (with the answers that were given) in *page and the state
 * unchanged. */
apr_status_t cc_assess_submit(const cc_assessment *a, apr_pool_t *pool, const char *state_json,
                              apr_table_t *values, long now, const char **new_state_json,
                              apr_array_header_t **responses, cc_assess_page *page,
                              const char **errmsg);

/* The page of a stored state, without changing it (resume, reload). */
apr_status_t cc_assess_current(const cc_assessment *a, apr_pool_t *pool, const char *state_json,
                               long now, cc_assess_page *page, const char **errmsg);

#endif
