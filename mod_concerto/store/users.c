#include "users.h"

#include <apr_md5.h>
#include <apr_strings.h>
#include <stdlib.h>
#include <time.h>

const char *const cc_role_names[] = {"ROLE_SUPER_ADMIN", "ROLE_TEST", "ROLE_TABLE", "ROLE_TEMPLATE",
                                     "ROLE_WIZARD",      "ROLE_FILE", NULL};

/* bcrypt cost 11: about a tenth of a second per check on this class of
 * machine, which slows guessing without making a login feel slow. */
#define CC_BCRYPT_COST 11

static const char *now_text(apr_pool_t *pool)
{
    return apr_psprintf(pool, "%ld", (long)time(NULL));
}

apr_status_t cc_roles_ensure(cc_db *db, apr_pool_t *pool)
{
    int i;

    for (i = 0; cc_role_names[i]; i++) {
        const char *found = NULL;
        const char *args[] = {cc_role_names[i], cc_role_names[i] + 5, NULL};
        apr_status_t rv =
            cc_db_select_value(db, pool, &found, "SELECT id FROM role WHERE role = %s", 1, args);
        if (rv == APR_SUCCESS && found == NULL)
            rv = cc_db_query(db, pool, NULL, "INSERT INTO role (role, name) VALUES (%s, %s)", 2,
                             args);
        if (rv != APR_SUCCESS)
            return rv;
    }
    return APR_SUCCESS;
}

apr_status_t cc_password_hash(apr_pool_t *pool, const char *password, const char **out)
{
    unsigned char salt[16];
    char hash[64];
    apr_status_t rv = apr_generate_random_bytes(salt, sizeof(salt));

    if (rv == APR_SUCCESS)
        rv = apr_bcrypt_encode(password, CC_BCRYPT_COST, salt, sizeof(salt), hash, sizeof(hash));
    if (rv == APR_SUCCESS)
        *out = apr_pstrdup(pool, hash);
    return rv;
}

apr_status_t cc_user_exists(cc_db *db, apr_pool_t *pool, const char *username, int *exists)
{
    const char *found = NULL;
    const char *args[] = {username, NULL};
    apr_status_t rv = cc_db_select_value(
        db, pool, &found, "SELECT id FROM concerto_user WHERE username = %s", 1, args);

    *exists = (rv == APR_SUCCESS && found != NULL);
    return rv;
}

apr_status_t cc_user_create(cc_db *db, apr_pool_t *pool, const char *username, const char *password,
                            const char *const *roles)
{
    const char *hash = NULL;
    const char *now = now_text(pool);
    apr_dbd_transaction_t *txn = NULL;
    apr_status_t rv = cc_password_hash(pool, password, &hash);
    int i;

    if (rv == APR_SUCCESS)
        rv = cc_db_begin(db, pool, &txn);
    if (rv != APR_SUCCESS)
        return rv;
    {
        const char *args[] = {username, hash, now, now, NULL};
        rv = cc_db_query(db, pool, NULL,
                         "INSERT INTO concerto_user (username, password_hash, created, updated) "
                         "VALUES (%s, %s, %s, %s)",
                         4, args);
    }
    for (i = 0; rv == APR_SUCCESS && roles && roles[i]; i++) {
        const char *args[] = {username, roles[i], NULL};
        int granted = 0;
        rv = cc_db_query(db, pool, &granted,
                         "INSERT INTO user_role (user_id, role_id) "
                         "SELECT u.id, r.id FROM concerto_user u, role r "
                         "WHERE u.username = %s AND r.role = %s",
                         2, args);
        if (rv == APR_SUCCESS && granted != 1) {
            db->last_error = apr_psprintf(db->pool, "there is no role '%s'", roles[i]);
            rv = APR_NOTFOUND;
        }
    }
    if (rv != APR_SUCCESS) {
        const char *why = db->last_error;
        cc_db_end(db, pool, txn, 1);
        db->last_error = why;
        return rv;
    }
    return cc_db_end(db, pool, txn, 0);
}

apr_status_t cc_user_set_password(cc_db *db, apr_pool_t *pool, const char *username,
                                  const char *password)
{
    const char *hash = NULL;
    int affected = 0;
    apr_status_t rv = cc_password_hash(pool, password, &hash);

    if (rv == APR_SUCCESS) {
        const char *args[] = {hash, now_text(pool), username, NULL};
        rv = cc_db_query(db, pool, &affected,
                         "UPDATE concerto_user SET password_hash = %s, updated = %s, "
                         "failed_auth_streak = 0, locked_until = NULL WHERE username = %s",
                         3, args);
    }
    if (rv == APR_SUCCESS && affected == 0)
        return APR_NOTFOUND;
    return rv;
}

apr_status_t cc_user_check_password(cc_db *db, apr_pool_t *pool, const char *username,
                                    const char *password, int *valid)
{
    const char *hash = NULL;
    const char *args[] = {username, NULL};
    apr_status_t rv = cc_db_select_value(
        db, pool, &hash, "SELECT password_hash FROM concerto_user WHERE username = %s", 1, args);

    *valid = 0;
    if (rv != APR_SUCCESS)
        return rv;
    if (hash == NULL) {
        /* Spend the same time as for a real user, so timing does not tell
         * which user names exist. */
        static const char *const decoy =
            "$2y$11$abcdefghijklmnopqrstuu0cEjJpSIY3Thd3XUcMGHoVW6zSwxXe6";
        apr_password_validate(password, decoy);
        return APR_SUCCESS;
    }
    *valid = (apr_password_validate(password, hash) == APR_SUCCESS);
    return APR_SUCCESS;
}

apr_status_t cc_user_login(cc_db *db, apr_pool_t *pool, const char *username, const char *password,
                           long now, int max_failures, int lockout_seconds,
                           cc_login_outcome *outcome, long *locked_until)
{
    const char *args[] = {username, NULL};
    const char *until = NULL;
    cc_rows *rows = NULL;
    int valid = 0, totp = 0;
    apr_status_t rv;

    *outcome = CC_LOGIN_WRONG;
    *locked_until = 0;
    rv = cc_db_select(db, pool, &rows,
                      "SELECT locked_until, totp_enabled FROM concerto_user WHERE username = %s", 1,
                      args);
    if (rv != APR_SUCCESS)
        return rv;
    if (rows->nrows > 0) {
        until = rows->values[0][0];
        totp = rows->values[0][1] && strtol(rows->values[0][1], NULL, 10) != 0;
    }
    if (until != NULL && strtol(until, NULL, 10) > now) {
        *outcome = CC_LOGIN_LOCKED;
        *locked_until = strtol(until, NULL, 10);
        return APR_SUCCESS;
    }
    rv = cc_user_check_password(db, pool, username, password, &valid);
    if (rv != APR_SUCCESS)
        return rv;
    if (valid) {
        *outcome = CC_LOGIN_OK;
        /* With TOTP on, the second step decides whether the streak ends. */
        return totp ? APR_SUCCESS : cc_user_login_succeeded(db, pool, username);
    }
    return cc_user_login_failed(db, pool, username, now, max_failures, lockout_seconds,
                                locked_until);
}

apr_status_t cc_user_login_succeeded(cc_db *db, apr_pool_t *pool, const char *username)
{
    const char *args[] = {username, NULL};
    int affected = 0;

    return cc_db_query(db, pool, &affected,
                       "UPDATE concerto_user SET failed_auth_streak = 0, locked_until = NULL "
                       "WHERE username = %s AND (failed_auth_streak <> 0 OR locked_until IS "
                       "NOT NULL)",
                       1, args);
}

apr_status_t cc_user_login_failed(cc_db *db, apr_pool_t *pool, const char *username, long now,
                                  int max_failures, int lockout_seconds, long *locked_until)
{
    const char *args[] = {username, NULL, NULL};
    const char *streak = NULL;
    int affected = 0;
    apr_status_t rv = cc_db_query(db, pool, &affected,
                                  "UPDATE concerto_user SET failed_auth_streak = "
                                  "failed_auth_streak + 1 WHERE username = %s",
                                  1, args);

    *locked_until = 0;
    if (rv != APR_SUCCESS || affected == 0 || max_failures <= 0)
        return rv;
    rv = cc_db_select_value(db, pool, &streak,
                            "SELECT failed_auth_streak FROM concerto_user WHERE username = %s", 1,
                            args);
    if (rv != APR_SUCCESS || streak == NULL || strtol(streak, NULL, 10) < max_failures)
        return rv;
    /* The streak that locks starts again after the lock. */
    args[0] = apr_ltoa(pool, now + lockout_seconds);
    args[1] = username;
    *locked_until = now + lockout_seconds;
    return cc_db_query(db, pool, &affected,
                       "UPDATE concerto_user SET locked_until = %s, failed_auth_streak = 0 "
                       "WHERE username = %s",
                       2, args);
}

/* The CC_ROLE_* bits of a user, from user_role. */
static apr_status_t load_roles(cc_db *db, apr_pool_t *pool, long id, unsigned *roles)
{
    const char *args[] = {apr_ltoa(pool, id), NULL};
    cc_rows *rows = NULL;
    int i;
    apr_status_t rv = cc_db_select(db, pool, &rows,
                                   "SELECT r.role FROM user_role ur JOIN role r ON r.id = "
                                   "ur.role_id WHERE ur.user_id = %s",
                                   1, args);

    *roles = 0;
    for (i = 0; rv == APR_SUCCESS && i < rows->nrows; i++)
        *roles |= cc_role_bit(rows->values[i][0]);
    return rv;
}

apr_status_t cc_user_load(cc_db *db, apr_pool_t *pool, long id, const char *username,
                          cc_user_record **out)
{
    const char *args[] = {username ? username : apr_ltoa(pool, id), NULL};
    cc_rows *rows = NULL;
    cc_user_record *u;
    const char *const *v;
    apr_status_t rv = cc_db_select(
        db, pool, &rows,
        username ? "SELECT id, username, email, object_groups, totp_enabled, locked_until "
                   "FROM concerto_user WHERE username = %s"
                 : "SELECT id, username, email, object_groups, totp_enabled, locked_until "
                   "FROM concerto_user WHERE id = %s",
        1, args);

    *out = NULL;
    if (rv != APR_SUCCESS || rows->nrows == 0)
        return rv;
    v = rows->values[0];
    u = apr_pcalloc(pool, sizeof(*u));
    u->principal.user_id = strtol(v[0], NULL, 10);
    u->principal.username = v[1];
    u->email = v[2];
    u->principal.groups = v[3];
    u->totp_enabled = v[4] && strtol(v[4], NULL, 10) != 0;
    u->locked_until = v[5] ? strtol(v[5], NULL, 10) : 0;
    rv = load_roles(db, pool, u->principal.user_id, &u->principal.roles);
    if (rv == APR_SUCCESS)
        *out = u;
    return rv;
}

apr_status_t cc_user_list(cc_db *db, apr_pool_t *pool, cc_user_record **users, int *count)
{
    cc_rows *rows = NULL;
    cc_user_record *list;
    int i, n = 0;
    apr_status_t rv = cc_db_select(
        db, pool, &rows,
        "SELECT u.id, u.username, u.email, u.object_groups, u.totp_enabled, u.locked_until, "
        "r.role FROM concerto_user u LEFT JOIN user_role ur ON ur.user_id = u.id "
        "LEFT JOIN role r ON r.id = ur.role_id ORDER BY u.username, u.id",
        0, NULL);

    *users = NULL;
    *count = 0;
    if (rv != APR_SUCCESS)
        return rv;
    list = apr_pcalloc(pool, sizeof(*list) * (apr_size_t)(rows->nrows + 1));
    /* One row per role: consecutive rows of one user are folded. */
    for (i = 0; i < rows->nrows; i++) {
        const char *const *v = rows->values[i];
        long id = strtol(v[0], NULL, 10);
        cc_user_record *u;
        if (n == 0 || list[n - 1].principal.user_id != id) {
            u = &list[n++];
            u->principal.user_id = id;
            u->principal.username = v[1];
            u->email = v[2];
            u->principal.groups = v[3];
            u->totp_enabled = v[4] && strtol(v[4], NULL, 10) != 0;
            u->locked_until = v[5] ? strtol(v[5], NULL, 10) : 0;
        }
        list[n - 1].principal.roles |= cc_role_bit(v[6]);
    }
    *users = list;
    *count = n;
    return APR_SUCCESS;
}

apr_status_t cc_user_set_email(cc_db *db, apr_pool_t *pool, const char *username, const char *email)
{
    int clear = email == NULL || *email == '\0';
    const char *args[] = {clear ? now_text(pool) : email, clear ? username : now_text(pool),
                          username, NULL};
    int affected = 0;
    apr_status_t rv =
        clear
            ? cc_db_query(db, pool, &affected,
                          "UPDATE concerto_user SET email = NULL, updated = %s WHERE username = %s",
                          2, args)
            : cc_db_query(db, pool, &affected,
                          "UPDATE concerto_user SET email = %s, updated = %s WHERE username = %s",
                          3, args);

    if (rv == APR_SUCCESS && affected == 0)
        return APR_NOTFOUND;
    return rv;
}
