#include "sessions.h"

#include "../core/random.h"

#include <apr_strings.h>
#include <stdlib.h>

apr_status_t cc_sessions_count_active(cc_db *db, apr_pool_t *pool, long now, int idle_seconds,
                                      long *count)
{
    const char *value = NULL;
    const char *args[] = {apr_itoa(pool, CC_SESSION_RUNNING),
                          apr_ltoa(pool, now - (long)idle_seconds), NULL};
    apr_status_t rv = cc_db_select_value(
        db, pool, &value, "SELECT COUNT(*) FROM test_session WHERE status = %s AND updated >= %s",
        2, args);

    *count = (rv == APR_SUCCESS && value) ? strtol(value, NULL, 10) : 0;
    return rv;
}

#define SESSION_COLUMNS                                                                            \
    "id, hash, test_id, status, time_limit, params, error, client_ip, client_browser, version, "   \
    "last_submit_id, last_response, state, created, updated"

static long to_long(const char *text)
{
    return text ? strtol(text, NULL, 10) : 0;
}

static cc_session *session_from_row(apr_pool_t *pool, const char *const *v)
{
    cc_session *s = apr_pcalloc(pool, sizeof(*s));

    s->id = to_long(v[0]);
    s->hash = v[1];
    s->test_id = to_long(v[2]);
    s->status = (int)to_long(v[3]);
    s->time_limit = (int)to_long(v[4]);
    s->params = v[5];
    s->error = v[6];
    s->client_ip = v[7];
    s->client_browser = v[8];
    s->version = (int)to_long(v[9]);
    s->last_submit_id = v[10];
    s->last_response = v[11];
    s->state = v[12];
    s->created = to_long(v[13]);
    s->updated = to_long(v[14]);
    return s;
}

apr_status_t cc_session_load(cc_db *db, apr_pool_t *pool, const char *hash, cc_session **out)
{
    cc_rows *rows = NULL;
    const char *args[] = {hash, NULL};
    apr_status_t rv = cc_db_select(
        db, pool, &rows, "SELECT " SESSION_COLUMNS " FROM test_session WHERE hash = %s", 1, args);

    if (rv != APR_SUCCESS)
        return rv;
    if (rows->nrows == 0)
        return APR_NOTFOUND;
    *out = session_from_row(pool, rows->values[0]);
    return APR_SUCCESS;
}

apr_status_t cc_session_create(cc_db *db, apr_pool_t *pool, long test_id, const char *params,
                               const char *client_ip, const char *client_browser, const char *state,
                               long now, cc_session **out)
{
    const char *hash = NULL;
    const char *now_text = apr_ltoa(pool, now);
    apr_status_t rv = cc_random_hex(pool, 20, &hash);

    if (rv != APR_SUCCESS)
        return rv;
    {
        const char *args[] = {hash,
                              apr_ltoa(pool, test_id),
                              params,
                              client_ip,
                              client_browser,
                              state,
                              now_text,
                              now_text,
                              NULL};
        rv = cc_db_query(db, pool, NULL,
                         "INSERT INTO test_session (hash, test_id, status, time_limit, params, "
                         "client_ip, client_browser, version, state, created, updated) "
                         "VALUES (%s, %s, 0, 0, %s, %s, %s, 0, %s, %s, %s)",
                         8, args);
    }
    if (rv != APR_SUCCESS)
        return rv;
    return cc_session_load(db, pool, hash, out);
}

apr_status_t cc_session_save(cc_db *db, apr_pool_t *pool, cc_session *s, long now, int *swapped)
{
    int affected = 0;
    const char *args[] = {apr_itoa(pool, s->status),
                          apr_itoa(pool, s->time_limit),
                          s->error,
                          s->last_submit_id,
                          s->last_response,
                          s->state,
                          apr_ltoa(pool, now),
                          apr_itoa(pool, s->version + 1),
                          s->hash,
                          apr_itoa(pool, s->version),
                          NULL};
    apr_status_t rv = cc_db_query(db, pool, &affected,
                                  "UPDATE test_session SET status = %s, time_limit = %s, "
                                  "error = %s, last_submit_id = %s, last_response = %s, "
                                  "state = %s, updated = %s, version = %s, busy_until = NULL "
                                  "WHERE hash = %s AND version = %s",
                                  10, args);

    *swapped = 0;
    if (rv != APR_SUCCESS)
        return rv;
    if (affected == 1) {
        *swapped = 1;
        s->version++;
        s->updated = now;
    }
    return APR_SUCCESS;
}

apr_status_t cc_session_claim(cc_db *db, apr_pool_t *pool, cc_session *s, long now, long until,
                              int *claimed)
{
    int affected = 0;
    const char *args[] = {apr_itoa(pool, s->version + 1), apr_ltoa(pool, until), s->hash,
                          apr_itoa(pool, s->version),     apr_ltoa(pool, now),   NULL};
    apr_status_t rv = cc_db_query(db, pool, &affected,
                                  "UPDATE test_session SET version = %s, busy_until = %s "
                                  "WHERE hash = %s AND version = %s "
                                  "AND (busy_until IS NULL OR busy_until < %s)",
                                  5, args);

    *claimed = 0;
    if (rv == APR_SUCCESS && affected == 1) {
        *claimed = 1;
        s->version++;
    }
    return rv;
}

apr_status_t cc_session_touch(cc_db *db, apr_pool_t *pool, const char *hash, long now)
{
    int affected = 0;
    const char *args[] = {apr_ltoa(pool, now), hash, NULL};
    apr_status_t rv = cc_db_query(db, pool, &affected,
                                  "UPDATE test_session SET updated = %s WHERE hash = %s", 2, args);

    if (rv == APR_SUCCESS && affected == 0)
        return APR_NOTFOUND;
    return rv;
}

apr_status_t cc_session_expire_idle(cc_db *db, apr_pool_t *pool, long now, int max_idle,
                                    int *expired)
{
    const char *args[] = {apr_itoa(pool, CC_SESSION_STOPPED), apr_itoa(pool, CC_SESSION_RUNNING),
                          apr_ltoa(pool, now - (long)max_idle), NULL};

    *expired = 0;
    return cc_db_query(db, pool, expired,
                       "UPDATE test_session SET status = %s, version = version + 1 "
                       "WHERE status = %s AND updated < %s",
                       3, args);
}

apr_status_t cc_session_log_add(cc_db *db, apr_pool_t *pool, const cc_session *s, int type,
                                const char *message, long now)
{
    const char *args[] = {
        apr_ltoa(pool, s->id), apr_ltoa(pool, s->test_id), apr_itoa(pool, type), message,
        s->client_ip,          s->client_browser,          apr_ltoa(pool, now),  NULL};

    return cc_db_query(db, pool, NULL,
                       "INSERT INTO test_session_log (session_id, test_id, type, message, ip, "
                       "browser, created) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                       7, args);
}
