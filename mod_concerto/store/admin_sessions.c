#include "admin_sessions.h"

#include "core/digest.h"
#include "core/random.h"

#include <apr_strings.h>
#include <stdlib.h>

#define TOUCH_AT_MOST_EVERY 60

apr_status_t cc_admin_session_create(cc_db *db, apr_pool_t *pool, long user_id, long now,
                                     int lifetime, int totp_passed, const char **token,
                                     cc_admin_session **out)
{
    cc_admin_session *s = apr_pcalloc(pool, sizeof(*s));
    const char *raw = NULL, *csrf = NULL, *id = NULL;
    apr_status_t rv = cc_random_hex(pool, CC_ADMIN_TOKEN_BYTES, &raw);

    if (rv == APR_SUCCESS)
        rv = cc_random_hex(pool, CC_ADMIN_TOKEN_BYTES, &csrf);
    if (rv != APR_SUCCESS) {
        db->last_error = "no random bytes for a session token";
        return rv;
    }
    s->user_id = user_id;
    s->csrf_token = csrf;
    s->created = s->last_seen = now;
    s->expires = now + lifetime;
    s->totp_passed = totp_passed ? 1 : 0;
    {
        const char *hash = cc_sha256_hex(pool, raw);
        const char *args[] = {hash,
                              apr_ltoa(pool, user_id),
                              csrf,
                              apr_ltoa(pool, now),
                              apr_ltoa(pool, now),
                              apr_ltoa(pool, s->expires),
                              s->totp_passed ? "1" : "0",
                              NULL};
        rv = cc_db_query(db, pool, NULL,
                         "INSERT INTO admin_session (token_hash, user_id, csrf_token, created, "
                         "last_seen, expires, totp_passed) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                         7, args);
        if (rv == APR_SUCCESS)
            rv = cc_db_select_value(db, pool, &id,
                                    "SELECT id FROM admin_session WHERE token_hash = %s", 1, args);
    }
    if (rv != APR_SUCCESS)
        return rv;
    s->id = id ? strtol(id, NULL, 10) : 0;
    *token = raw;
    if (out)
        *out = s;
    return APR_SUCCESS;
}

apr_status_t cc_admin_session_lookup(cc_db *db, apr_pool_t *pool, const char *token, long now,
                                     int idle, cc_admin_session **out)
{
    const char *args[] = {NULL, NULL};
    cc_rows *rows = NULL;
    cc_admin_session *s;
    const char *const *v;
    apr_status_t rv;

    *out = NULL;
    if (token == NULL || *token == '\0')
        return APR_SUCCESS;
    args[0] = cc_sha256_hex(pool, token);
    rv = cc_db_select(db, pool, &rows,
                      "SELECT id, user_id, csrf_token, created, last_seen, expires, totp_passed "
                      "FROM admin_session WHERE token_hash = %s",
                      1, args);
    if (rv != APR_SUCCESS || rows->nrows == 0)
        return rv;
    v = rows->values[0];
    s = apr_pcalloc(pool, sizeof(*s));
    s->id = strtol(v[0], NULL, 10);
    s->user_id = strtol(v[1], NULL, 10);
    s->csrf_token = v[2];
    s->created = strtol(v[3], NULL, 10);
    s->last_seen = strtol(v[4], NULL, 10);
    s->expires = strtol(v[5], NULL, 10);
    s->totp_passed = v[6] && strtol(v[6], NULL, 10) != 0;
    if (now >= s->expires || now - s->last_seen > idle) {
        args[0] = apr_ltoa(pool, s->id);
        return cc_db_query(db, pool, NULL, "DELETE FROM admin_session WHERE id = %s", 1, args);
    }
    *out = s;
    return APR_SUCCESS;
}

apr_status_t cc_admin_session_touch(cc_db *db, apr_pool_t *pool, cc_admin_session *s, long now,
                                    int idle)
{
    long every = idle / 30;

    if (every > TOUCH_AT_MOST_EVERY)
        every = TOUCH_AT_MOST_EVERY;
    if (now - s->last_seen <= every)
        return APR_SUCCESS;
    {
        const char *args[] = {apr_ltoa(pool, now), apr_ltoa(pool, s->id), NULL};
        apr_status_t rv = cc_db_query(
            db, pool, NULL, "UPDATE admin_session SET last_seen = %s WHERE id = %s", 2, args);
        if (rv == APR_SUCCESS)
            s->last_seen = now;
        return rv;
    }
}

apr_status_t cc_admin_session_delete(cc_db *db, apr_pool_t *pool, const char *token)
{
    const char *args[] = {cc_sha256_hex(pool, token ? token : ""), NULL};

    return cc_db_query(db, pool, NULL, "DELETE FROM admin_session WHERE token_hash = %s", 1, args);
}

apr_status_t cc_admin_sessions_delete_user(cc_db *db, apr_pool_t *pool, long user_id)
{
    const char *args[] = {apr_ltoa(pool, user_id), NULL};

    return cc_db_query(db, pool, NULL, "DELETE FROM admin_session WHERE user_id = %s", 1, args);
}

apr_status_t cc_admin_sessions_purge(cc_db *db, apr_pool_t *pool, long now, int *deleted)
{
    const char *args[] = {apr_ltoa(pool, now), NULL};

    return cc_db_query(db, pool, deleted, "DELETE FROM admin_session WHERE expires <= %s", 1, args);
}
