#include "user_totp.h"

#include "core/totp.h"

#include <apr_strings.h>
#include <stdlib.h>

apr_status_t cc_user_totp_get(cc_db *db, apr_pool_t *pool, long user_id, cc_user_totp *out)
{
    const char *args[] = {apr_ltoa(pool, user_id), NULL};
    cc_rows *rows = NULL;
    apr_status_t rv =
        cc_db_select(db, pool, &rows,
                     "SELECT totp_secret, totp_enabled FROM concerto_user WHERE id = %s", 1, args);

    out->secret = NULL;
    out->enabled = 0;
    if (rv != APR_SUCCESS || rows->nrows == 0)
        return rv;
    out->secret = rows->values[0][0] && *rows->values[0][0] ? rows->values[0][0] : NULL;
    out->enabled = rows->values[0][1] && strtol(rows->values[0][1], NULL, 10) != 0;
    return APR_SUCCESS;
}

apr_status_t cc_user_totp_begin(cc_db *db, apr_pool_t *pool, long user_id, const char *secret)
{
    const char *args[] = {secret, apr_ltoa(pool, user_id), NULL};

    return cc_db_query(db, pool, NULL,
                       "UPDATE concerto_user SET totp_secret = %s, totp_enabled = 0, "
                       "totp_last_step = NULL WHERE id = %s",
                       2, args);
}

apr_status_t cc_user_totp_set_enabled(cc_db *db, apr_pool_t *pool, long user_id, int enabled)
{
    const char *args[] = {apr_ltoa(pool, user_id), NULL};

    if (enabled)
        return cc_db_query(db, pool, NULL,
                           "UPDATE concerto_user SET totp_enabled = 1 WHERE id = %s AND "
                           "totp_secret IS NOT NULL",
                           1, args);
    return cc_db_query(db, pool, NULL,
                       "UPDATE concerto_user SET totp_enabled = 0, totp_secret = NULL, "
                       "totp_last_step = NULL WHERE id = %s",
                       1, args);
}

apr_status_t cc_user_totp_use_step(cc_db *db, apr_pool_t *pool, long user_id, apr_int64_t step,
                                   int *fresh)
{
    const char *step_text = apr_psprintf(pool, "%" APR_INT64_T_FMT, step);
    const char *args[] = {step_text, apr_ltoa(pool, user_id), step_text, NULL};
    int affected = 0;
    apr_status_t rv = cc_db_query(db, pool, &affected,
                                  "UPDATE concerto_user SET totp_last_step = %s WHERE id = %s AND "
                                  "(totp_last_step IS NULL OR totp_last_step < %s)",
                                  3, args);

    *fresh = affected == 1;
    return rv;
}

apr_status_t cc_user_totp_check(cc_db *db, apr_pool_t *pool, long user_id, const char *code,
                                long now, int *valid)
{
    cc_user_totp totp;
    unsigned char *secret = NULL;
    apr_size_t len = 0;
    apr_int64_t step = 0;
    apr_status_t rv = cc_user_totp_get(db, pool, user_id, &totp);

    *valid = 0;
    if (rv != APR_SUCCESS || totp.secret == NULL)
        return rv;
    if (cc_base32_decode(pool, totp.secret, &secret, &len) != APR_SUCCESS || len == 0) {
        db->last_error = "the stored TOTP secret is not base32";
        return APR_EINVAL;
    }
    if (!cc_totp_verify(secret, len, code, now, &step))
        return APR_SUCCESS;
    return cc_user_totp_use_step(db, pool, user_id, step, valid);
}
