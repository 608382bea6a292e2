/* monitor/metrics: counters and their Prometheus text. */
#include "check_concerto.h"

#include "monitor/metrics.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

static cc_metrics *fresh_metrics(void)
{
    cc_metrics *m = apr_palloc(cc_test_pool, sizeof(*m));

    memset(m, 0x5a, sizeof(*m)); /* init must clear everything */
    cc_metrics_init(m, 1700000123);
    return m;
}

static const char *render(const cc_metrics *m)
{
    cc_metrics_gauges gauges = {
        .session_count = 7, .health = 1, .schema_version = 1, .schema_expected = 2};
    const char *text = cc_metrics_render(cc_test_pool, m, &gauges, "9.8.7");

    ck_assert_ptr_nonnull(text);
    return text;
}

/* The text must contain this exact line. The text in the message is cut
 * short: check gives up on messages longer than a few kilobytes. */
#define ck_assert_line(text, line)                                                                 \
    ck_assert_msg(has_line((text), (line)), "no line '%s' in:\n%.2000s", (line), (text))

static int has_line(const char *text, const char *line)
{
    apr_size_t len = strlen(line);
    const char *at = text;

    while ((at = strstr(at, line)) != NULL) {
        if ((at == text || at[-1] == '\n') && at[len] == '\n')
            return 1;
        at++;
    }
    return 0;
}

static int occurrences(const char *text, const char *what)
{
    int n = 0;

    while ((text = strstr(text, what)) != NULL) {
        n++;
        text++;
    }
    return n;
}

START_TEST(init_clears)
{
    cc_metrics *m = fresh_metrics();
    int e, c;

    ck_assert_uint_eq(m->start_time, 1700000123);
    ck_assert_uint_eq(m->db_errors, 0);
    for (e = 0; e < CC_EP__COUNT; e++) {
        for (c = 0; c < CC_METRICS_CODE_COUNT; c++)
            ck_assert_uint_eq(m->requests[e][c], 0);
        for (c = 0; c < CC_METRICS_BUCKET_COUNT; c++)
            ck_assert_uint_eq(m->duration_buckets[e][c], 0);
        ck_assert_uint_eq(m->duration_count[e], 0);
        ck_assert_uint_eq(m->duration_sum_us[e], 0);
    }
}
END_TEST

START_TEST(render_gauges)
{
    const char *text = render(fresh_metrics());

    ck_assert_ptr_nonnull(strstr(text, "# TYPE session_count gauge\n"));
    ck_assert_line(text, "session_count 7");
    ck_assert_ptr_nonnull(strstr(text, "# TYPE health gauge\n"));
    ck_assert_line(text, "health 1");
    ck_assert_line(text, "concerto_build_info{version=\"9.8.7\"} 1");
    ck_assert_line(text, "concerto_start_time_seconds 1700000123");
    ck_assert_line(text, "concerto_schema_version 1");
    ck_assert_line(text, "concerto_schema_expected_version 2");
    ck_assert_line(text, "concerto_db_errors_total 0");
    ck_assert_line(text, "concerto_r_errors_total{kind=\"timeout\"} 0");
    ck_assert_ptr_nonnull(strstr(text, "# TYPE concerto_http_requests_total counter\n"));
    ck_assert_ptr_nonnull(strstr(text, "# TYPE concerto_http_server_errors_total counter\n"));
    ck_assert_ptr_nonnull(
        strstr(text, "# TYPE concerto_http_request_duration_seconds histogram\n"));
    /* Nothing counted yet: no request samples. */
    ck_assert_ptr_null(strstr(text, "concerto_http_requests_total{"));
    /* Text format: every family once, and the text ends with a newline. */
    ck_assert_int_eq(occurrences(text, "# TYPE session_count "), 1);
    ck_assert_int_eq(occurrences(text, "# TYPE concerto_http_requests_total "), 1);
    ck_assert_int_eq(text[strlen(text) - 1], '\n');

    {
        cc_metrics_gauges unhealthy = {.session_count = 0, .health = 0};
        text = cc_metrics_render(cc_test_pool, fresh_metrics(), &unhealthy, "v");
        ck_assert_line(text, "health 0");
        ck_assert_line(text, "session_count 0");
    }
}
END_TEST

START_TEST(requests_accumulate)
{
    cc_metrics *m = fresh_metrics();
    const char *text;

    cc_metrics_record_request(m, CC_EP_HEALTH, 200, 1000);
    cc_metrics_record_request(m, CC_EP_HEALTH, 200, 1000);
    cc_metrics_record_request(m, CC_EP_HEALTH, 200, 1000);
    cc_metrics_record_request(m, CC_EP_HEALTH, 500, 1000);
    cc_metrics_record_request(m, CC_EP_HEALTH, 503, 1000);
    cc_metrics_record_request(m, CC_EP_ADMIN_LOGIN, 401, 1000);
    cc_metrics_record_request(m, CC_EP_NOT_FOUND, 404, 1000);
    cc_metrics_record_db_error(m);
    cc_metrics_record_db_error(m);
    cc_metrics_record_r_error(m, CC_METRICS_R_TIMEOUT);
    cc_metrics_record_r_error(m, CC_METRICS_R_ERROR);
    cc_metrics_record_r_error(m, CC_METRICS_R_TIMEOUT);
    cc_metrics_record_r_error(m, CC_METRICS_R_ERROR_KINDS); /* not a kind: ignored */
    text = render(m);

    ck_assert_line(text, "concerto_http_requests_total{endpoint=\"check_health\",code=\"200\"} 3");
    ck_assert_line(text, "concerto_http_requests_total{endpoint=\"check_health\",code=\"500\"} 1");
    ck_assert_line(text, "concerto_http_requests_total{endpoint=\"admin_login\",code=\"401\"} 1");
    ck_assert_line(text, "concerto_http_requests_total{endpoint=\"unmatched\",code=\"404\"} 1");
    ck_assert_line(text, "concerto_http_server_errors_total{endpoint=\"check_health\"} 2");
    ck_assert_line(text, "concerto_http_server_errors_total{endpoint=\"admin_login\"} 0");
    ck_assert_line(text, "concerto_db_errors_total 2");
    ck_assert_line(text, "concerto_r_errors_total{kind=\"error\"} 1");
    ck_assert_line(text, "concerto_r_errors_total{kind=\"timeout\"} 2");
    /* Codes never seen have no sample. */
    ck_assert_ptr_null(strstr(text, "endpoint=\"admin_login\",code=\"200\""));
}
END_TEST

START_TEST(unknown_status_is_other)
{
    cc_metrics *m = fresh_metrics();
    const char *text;

    cc_metrics_record_request(m, CC_EP_PROMETHEUS, 418, 10);
    cc_metrics_record_request(m, CC_EP_PROMETHEUS, 299, 10);
    cc_metrics_record_request(m, CC_EP_PROMETHEUS, 0, 10);
    text = render(m);
    ck_assert_line(text,
                   "concerto_http_requests_total{endpoint=\"check_prometheus\",code=\"other\"} 3");
    ck_assert_ptr_null(strstr(text, "code=\"418\""));
    ck_assert_uint_eq(m->requests[CC_EP_PROMETHEUS][CC_METRICS_CODE_COUNT - 1], 3);
}
END_TEST

START_TEST(histogram_cumulative)
{
    cc_metrics *m = fresh_metrics();
    const char *text;
    const char *prefix = "concerto_http_request_duration_seconds";

    cc_metrics_record_request(m, CC_EP_SESSION_COUNT, 200, 500);      /* <= 0.001 */
    cc_metrics_record_request(m, CC_EP_SESSION_COUNT, 200, 1000);     /* = 0.001 */
    cc_metrics_record_request(m, CC_EP_SESSION_COUNT, 200, 3000);     /* <= 0.005 */
    cc_metrics_record_request(m, CC_EP_SESSION_COUNT, 200, 2000000);  /* <= 2.5 */
    cc_metrics_record_request(m, CC_EP_SESSION_COUNT, 200, 20000000); /* > 10 */
    text = render(m);

#define BUCKET(le, n)                                                                              \
    ck_assert_line(text, apr_psprintf(cc_test_pool,                                                \
                                      "%s_bucket{endpoint=\"check_session_count\",le=\"%s\"} %d",  \
                                      prefix, le, n))
    BUCKET("0.001", 2);
    BUCKET("0.0025", 2);
    BUCKET("0.005", 3);
    BUCKET("0.01", 3);
    BUCKET("1", 3);
    BUCKET("2.5", 4);
    BUCKET("5", 4);
    BUCKET("10", 4);
    BUCKET("+Inf", 5);
#undef BUCKET
    ck_assert_line(
        text, apr_psprintf(cc_test_pool, "%s_count{endpoint=\"check_session_count\"} 5", prefix));
    ck_assert_line(
        text,
        apr_psprintf(cc_test_pool, "%s_sum{endpoint=\"check_session_count\"} 22.004500", prefix));
    /* Other endpoints are all zeros, still with +Inf == count. */
    ck_assert_line(
        text,
        apr_psprintf(cc_test_pool, "%s_bucket{endpoint=\"check_health\",le=\"+Inf\"} 0", prefix));
    ck_assert_line(text,
                   apr_psprintf(cc_test_pool, "%s_count{endpoint=\"check_health\"} 0", prefix));
}
END_TEST

/* Every endpoint's buckets never decrease and end at the count. */
START_TEST(histogram_monotonic_everywhere)
{
    cc_metrics *m = fresh_metrics();
    const char *text;
    int e;
    uint64_t d;

    for (e = 0; e < CC_EP__COUNT; e++)
        for (d = 1; d < 40000000; d = d * 3 + e)
            cc_metrics_record_request(m, (cc_endpoint)e, 200, d);
    text = render(m);
    for (e = 0; e < CC_EP__COUNT; e++) {
        const char *label = cc_endpoint_label((cc_endpoint)e);
        const char *needle = apr_psprintf(
            cc_test_pool, "concerto_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"",
            label);
        const char *at = text;
        long last = -1, inf = -1;
        int buckets = 0;
        while ((at = strstr(at, needle)) != NULL) {
            const char *value = strchr(at, '}') + 2;
            long n = strtol(value, NULL, 10);
            ck_assert_int_ge(n, last);
            last = n;
            if (!strncmp(at + strlen(needle), "+Inf", 4))
                inf = n;
            buckets++;
            at++;
        }
        ck_assert_int_eq(buckets, CC_METRICS_BUCKET_COUNT + 1);
        ck_assert_int_eq(inf, (long)m->duration_count[e]);
    }
}
END_TEST

START_TEST(bad_input_ignored)
{
    cc_metrics *m = fresh_metrics();
    int e;

    cc_metrics_record_request(m, CC_EP__COUNT, 200, 1);
    cc_metrics_record_request(m, (cc_endpoint)-1, 200, 1);
    cc_metrics_record_request(NULL, CC_EP_HEALTH, 200, 1);
    cc_metrics_record_db_error(NULL);
    for (e = 0; e < CC_EP__COUNT; e++)
        ck_assert_uint_eq(m->duration_count[e], 0);
}
END_TEST

/* Every 5xx is a server error, tracked code or not; nothing else is. */
START_TEST(untracked_5xx_are_server_errors)
{
    cc_metrics *m = fresh_metrics();
    const char *text;

    cc_metrics_record_request(m, CC_EP_ADMIN_LOGIN, 501, 10);
    cc_metrics_record_request(m, CC_EP_ADMIN_LOGIN, 507, 10);
    cc_metrics_record_request(m, CC_EP_ADMIN_LOGIN, 404, 10);
    cc_metrics_record_request(m, CC_EP_SESSION_COUNT, 404, 10);
    cc_metrics_record_request(m, CC_EP_SESSION_COUNT, 499, 10);
    cc_metrics_record_request(m, CC_EP_SESSION_COUNT, 600, 10);
    cc_metrics_record_request(m, CC_EP_PROMETHEUS, 599, 10);
    cc_metrics_record_request(m, CC_EP_PROMETHEUS, 500, 10);
    text = render(m);

    ck_assert_line(text, "concerto_http_server_errors_total{endpoint=\"admin_login\"} 2");
    ck_assert_line(text, "concerto_http_server_errors_total{endpoint=\"check_session_count\"} 0");
    ck_assert_line(text, "concerto_http_server_errors_total{endpoint=\"check_prometheus\"} 2");
    ck_assert_line(text, "concerto_http_server_errors_total{endpoint=\"check_health\"} 0");
    ck_assert_line(text, "concerto_http_server_errors_total{endpoint=\"unmatched\"} 0");
    /* By code: the untracked ones are "other", the 404 is itself. */
    ck_assert_line(text, "concerto_http_requests_total{endpoint=\"admin_login\",code=\"other\"} 2");
    ck_assert_line(text, "concerto_http_requests_total{endpoint=\"admin_login\",code=\"404\"} 1");
    ck_assert_line(
        text, "concerto_http_requests_total{endpoint=\"check_session_count\",code=\"other\"} 2");
    ck_assert_ptr_null(strstr(text, "code=\"501\""));
    ck_assert_ptr_null(strstr(text, "code=\"507\""));
    ck_assert_uint_eq(m->server_errors[CC_EP_ADMIN_LOGIN], 2);
    ck_assert_uint_eq(m->server_errors[CC_EP_SESSION_COUNT], 0);
}
END_TEST

TCase *tcase_monitor_metrics(void)
{
    TCase *tc = cc_test_tcase("monitor/metrics");

    tcase_add_test(tc, init_clears);
    tcase_add_test(tc, render_gauges);
    tcase_add_test(tc, requests_accumulate);
    tcase_add_test(tc, unknown_status_is_other);
    tcase_add_test(tc, histogram_cumulative);
    tcase_add_test(tc, histogram_monotonic_everywhere);
    tcase_add_test(tc, bad_input_ignored);
    tcase_add_test(tc, untracked_5xx_are_server_errors);
    return tc;
}
