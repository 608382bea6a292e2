#include "metrics.h"

#include <apr_strings.h>
#include <apr_tables.h>
#include <stdarg.h>
#include <string.h>

static const int tracked_codes[] = {
#define CC_CODE_ROW(code) code,
    CC_METRICS_CODES(CC_CODE_ROW)
#undef CC_CODE_ROW
};
static const double bucket_bounds[] = {
#define CC_BUCKET_ROW(le) le,
    CC_METRICS_BUCKETS(CC_BUCKET_ROW)
#undef CC_BUCKET_ROW
};
/* The bounds as written, for the le label (APR's %g drops the leading 0). */
static const char *const bucket_labels[] = {
#define CC_BUCKET_LABEL(le) #le,
    CC_METRICS_BUCKETS(CC_BUCKET_LABEL)
#undef CC_BUCKET_LABEL
};
#define TRACKED_CODES (sizeof(tracked_codes) / sizeof(tracked_codes[0]))

/* Keep the hand-written counts in the header honest. */
_Static_assert(TRACKED_CODES + 1 == CC_METRICS_CODE_COUNT, "CC_METRICS_CODE_COUNT is wrong");
_Static_assert(sizeof(bucket_bounds) / sizeof(bucket_bounds[0]) == CC_METRICS_BUCKET_COUNT,
               "CC_METRICS_BUCKET_COUNT is wrong");

static void add(uint64_t *counter, uint64_t amount)
{
    __atomic_fetch_add(counter, amount, __ATOMIC_RELAXED);
}

static uint64_t load(const uint64_t *counter)
{
    return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

void cc_metrics_init(cc_metrics *metrics, uint64_t now_seconds)
{
    memset(metrics, 0, sizeof(*metrics));
    metrics->start_time = now_seconds;
}

static apr_size_t code_index(int status)
{
    apr_size_t i;

    for (i = 0; i < TRACKED_CODES; i++)
        if (tracked_codes[i] == status)
            return i;
    return TRACKED_CODES; /* "other" */
}

void cc_metrics_record_request(cc_metrics *metrics, cc_endpoint endpoint, int status,
                               uint64_t duration_us)
{
    int b;

    if (metrics == NULL || endpoint < 0 || endpoint >= CC_EP__COUNT)
        return;
    add(&metrics->requests[endpoint][code_index(status)], 1);
    if (status >= 500 && status <= 599)
        add(&metrics->server_errors[endpoint], 1);
    for (b = 0; b < CC_METRICS_BUCKET_COUNT; b++) {
        if ((double)duration_us <= bucket_bounds[b] * 1e6) {
            add(&metrics->duration_buckets[endpoint][b], 1);
            break;
        }
    }
    add(&metrics->duration_count[endpoint], 1);
    add(&metrics->duration_sum_us[endpoint], duration_us);
}

void cc_metrics_record_db_error(cc_metrics *metrics)
{
    if (metrics)
        add(&metrics->db_errors, 1);
}

void cc_metrics_record_r_error(cc_metrics *metrics, cc_metrics_r_error kind)
{
    if (metrics && kind >= 0 && kind < CC_METRICS_R_ERROR_KINDS)
        add(&metrics->r_errors[kind], 1);
}

/* Lines are collected in an array of strings and joined once at the end. */
static void emit(apr_array_header_t *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void emit(apr_array_header_t *out, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    APR_ARRAY_PUSH(out, const char *) = apr_pvsprintf(out->pool, fmt, ap);
    va_end(ap);
}

static void emit_header(apr_array_header_t *out, const char *name, const char *type,
                        const char *help)
{
    emit(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void render_requests(apr_array_header_t *out, const cc_metrics *m)
{
    int e;
    apr_size_t c;

    emit_header(out, "concerto_http_requests_total", "counter",
                "Requests answered by the concerto handler, by endpoint and status code.");
    for (e = 0; e < CC_EP__COUNT; e++) {
        for (c = 0; c <= TRACKED_CODES; c++) {
            uint64_t n = load(&m->requests[e][c]);
            if (n == 0)
                continue;
            if (c < TRACKED_CODES)
                emit(out,
                     "concerto_http_requests_total{endpoint=\"%s\",code=\"%d\"} %" APR_UINT64_T_FMT
                     "\n",
                     cc_endpoint_label((cc_endpoint)e), tracked_codes[c], (apr_uint64_t)n);
            else
                emit(out,
                     "concerto_http_requests_total{endpoint=\"%s\",code=\"other\"} "
                     "%" APR_UINT64_T_FMT "\n",
                     cc_endpoint_label((cc_endpoint)e), (apr_uint64_t)n);
        }
    }
    emit_header(out, "concerto_http_server_errors_total", "counter",
                "Requests answered with a 5xx status, by endpoint.");
    for (e = 0; e < CC_EP__COUNT; e++) {
        uint64_t n = load(&m->server_errors[e]);
        emit(out, "concerto_http_server_errors_total{endpoint=\"%s\"} %" APR_UINT64_T_FMT "\n",
             cc_endpoint_label((cc_endpoint)e), (apr_uint64_t)n);
    }
}

static void render_durations(apr_array_header_t *out, const cc_metrics *m)
{
    int e, b;

    emit_header(out, "concerto_http_request_duration_seconds", "histogram",
                "Time from reading the request line to logging the response.");
    for (e = 0; e < CC_EP__COUNT; e++) {
        const char *label = cc_endpoint_label((cc_endpoint)e);
        uint64_t cumulative = 0;
        uint64_t count = load(&m->duration_count[e]);
        for (b = 0; b < CC_METRICS_BUCKET_COUNT; b++) {
            cumulative += load(&m->duration_buckets[e][b]);
            emit(out,
                 "concerto_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%s\"} "
                 "%" APR_UINT64_T_FMT "\n",
                 label, bucket_labels[b], (apr_uint64_t)cumulative);
        }
        emit(out,
             "concerto_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} "
             "%" APR_UINT64_T_FMT "\n",
             label, (apr_uint64_t)count);
        emit(out, "concerto_http_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n", label,
             (double)load(&m->duration_sum_us[e]) / 1e6);
        emit(out,
             "concerto_http_request_duration_seconds_count{endpoint=\"%s\"} %" APR_UINT64_T_FMT
             "\n",
             label, (apr_uint64_t)count);
    }
}

const char *cc_metrics_render(apr_pool_t *pool, const cc_metrics *metrics,
                              const cc_metrics_gauges *gauges, const char *version)
{
    apr_array_header_t *out = apr_array_make(pool, 256, sizeof(const char *));

    /* Concerto's two metrics, under their names, as gauges with plain numbers. */
    emit_header(out, "session_count", "gauge", "Running sessions updated within the idle window.");
    emit(out, "session_count %ld\n", gauges->session_count);
    emit_header(out, "health", "gauge", "1 when the platform passes its health check, else 0.");
    emit(out, "health %d\n", gauges->health ? 1 : 0);

    emit_header(out, "concerto_build_info", "gauge", "Version of mod_concerto, always 1.");
    emit(out, "concerto_build_info{version=\"%s\"} 1\n", version);
    emit_header(out, "concerto_start_time_seconds", "gauge",
                "Unix time at which the server first started.");
    emit(out, "concerto_start_time_seconds %" APR_UINT64_T_FMT "\n",
         (apr_uint64_t)metrics->start_time);
    emit_header(out, "concerto_schema_version", "gauge", "Schema version of the database.");
    emit(out, "concerto_schema_version %d\n", gauges->schema_version);
    emit_header(out, "concerto_schema_expected_version", "gauge",
                "Schema version this build needs.");
    emit(out, "concerto_schema_expected_version %d\n", gauges->schema_expected);
    emit_header(out, "concerto_db_errors_total", "counter",
                "Failed database operations (connections, statements, transactions).");
    emit(out, "concerto_db_errors_total %" APR_UINT64_T_FMT "\n",
         (apr_uint64_t)load(&metrics->db_errors));
    emit_header(out, "concerto_r_errors_total", "counter",
                "R tests' steps that ended a session in error: an R error or the time limit.");
    emit(out, "concerto_r_errors_total{kind=\"error\"} %" APR_UINT64_T_FMT "\n",
         (apr_uint64_t)load(&metrics->r_errors[CC_METRICS_R_ERROR]));
    emit(out, "concerto_r_errors_total{kind=\"timeout\"} %" APR_UINT64_T_FMT "\n",
         (apr_uint64_t)load(&metrics->r_errors[CC_METRICS_R_TIMEOUT]));
    render_requests(out, metrics);
    render_durations(out, metrics);
    return apr_array_pstrcat(pool, out, '\0');
}
