/* Counters shared by all children of one server (the httpd glue places the
 * record in shared memory) and their Prometheus text exposition. */
#ifndef CC_METRICS_H
#define CC_METRICS_H

#include "../core/router.h"

#include <apr_pools.h>
#include <stdint.h>

/* HTTP status codes tracked one by one; anything else is counted as "other". */
/* clang-format off: it does not settle on one layout for these lists. */
// clang-format off
#define CC_METRICS_CODES(X) \
    X(200) X(201) X(204) X(301) X(302) X(304) X(400) X(401) X(403) X(404) X(405) \
    X(408) X(409) X(413) X(415) X(422) X(429) X(500) X(502) X(503) X(504)
// clang-format on
#define CC_METRICS_CODE_COUNT (21 + 1)

/* Upper bounds of the request duration histogram, in seconds. */
// clang-format off
#define CC_METRICS_BUCKETS(X) \
    X(0.001) X(0.0025) X(0.005) X(0.01) X(0.025) X(0.05) X(0.1) X(0.25) X(0.5) X(1) \
    X(2.5) X(5) X(10)
// clang-format on
#define CC_METRICS_BUCKET_COUNT 13

/* Why an R test's step failed. */
typedef enum {
    CC_METRICS_R_ERROR = 0,
    CC_METRICS_R_TIMEOUT,
    CC_METRICS_R_ERROR_KINDS
} cc_metrics_r_error;

typedef struct cc_metrics {
    uint64_t requests[CC_EP__COUNT][CC_METRICS_CODE_COUNT];
    uint64_t server_errors[CC_EP__COUNT]; /* every 5xx, tracked code or not */
    uint64_t duration_buckets[CC_EP__COUNT][CC_METRICS_BUCKET_COUNT]; /* not cumulative */
    uint64_t duration_count[CC_EP__COUNT];
    uint64_t duration_sum_us[CC_EP__COUNT];
    uint64_t db_errors;
    uint64_t r_errors[CC_METRICS_R_ERROR_KINDS];
    uint64_t start_time; /* Unix seconds of the first start */
} cc_metrics;

/* Values computed at scrape time. */
typedef struct cc_metrics_gauges {
    long session_count;
    int health;
    int schema_version;
    int schema_expected;
} cc_metrics_gauges;

void cc_metrics_init(cc_metrics *metrics, uint64_t now_seconds);
/* Thread- and process-safe (atomic) updates. */
void cc_metrics_record_request(cc_metrics *metrics, cc_endpoint endpoint, int status,
                               uint64_t duration_us);
void cc_metrics_record_db_error(cc_metrics *metrics);
void cc_metrics_record_r_error(cc_metrics *metrics, cc_metrics_r_error kind);

/* The Prometheus text format (version 0.0.4) of metrics and gauges. */
const char *cc_metrics_render(apr_pool_t *pool, const cc_metrics *metrics,
                              const cc_metrics_gauges *gauges, const char *version);

#endif
