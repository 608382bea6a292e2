/* Accounts: bcrypt password hashes (APR-util) and Concerto's roles. */
#ifndef CC_USERS_H
#define CC_USERS_H

#include "db.h"

#include "core/access.h"

/* Concerto 5's roles, NULL-terminated. */
extern const char *const cc_role_names[];

apr_status_t cc_roles_ensure(cc_db *db, apr_pool_t *pool);

/* A bcrypt hash of password, for storing. */
apr_status_t cc_password_hash(apr_pool_t *pool, const char *password, const char **out);

apr_status_t cc_user_exists(cc_db *db, apr_pool_t *pool, const char *username, int *exists);
/* Create a user holding the given roles (NULL-terminated role names). */
apr_status_t cc_user_create(cc_db *db, apr_pool_t *pool, const char *username, const char *password,
                            const char *const *roles);
apr_status_t cc_user_set_password(cc_db *db, apr_pool_t *pool, const char *username,
                                  const char *password);
/* *valid is 1 only for an existing user with this password. */
apr_status_t cc_user_check_password(cc_db *db, apr_pool_t *pool, const char *username,
                                    const char *password, int *valid);

typedef enum { CC_LOGIN_OK, CC_LOGIN_WRONG, CC_LOGIN_LOCKED } cc_login_outcome;

/* A login with Concerto's lockout: max_failures wrong passwords in a row
 * (0: no lockout) lock the account for lockout_seconds, during which no
 * password is checked and *locked_until (Unix seconds) says until when. A
 * right password ends the streak. Unknown users are WRONG, never LOCKED,
 * so the answer does not tell which names exist. */
apr_status_t cc_user_login(cc_db *db, apr_pool_t *pool, const char *username, const char *password,
                           long now, int max_failures, int lockout_seconds,
                           cc_login_outcome *outcome, long *locked_until);

/* For an account with TOTP on, an OK password does not end the streak of
 * failures: the caller calls cc_user_login_succeeded once the code passed,
 * or cc_user_login_failed when it did not. */
apr_status_t cc_user_login_succeeded(cc_db *db, apr_pool_t *pool, const char *username);
/* Counts a failed login of username (a wrong password, or a wrong second
 * step) towards the lockout, as cc_user_login does; *locked_until is set
 * when this failure locked the account. */
apr_status_t cc_user_login_failed(cc_db *db, apr_pool_t *pool, const char *username, long now,
                                  int max_failures, int lockout_seconds, long *locked_until);

/* A user as the admin interface sees them. */
typedef struct cc_user_record {
    cc_principal principal; /* id, username, roles (from user_role), groups */
    const char *email;      /* may be NULL */
    int totp_enabled;
    long locked_until; /* Unix seconds, 0 when not locked */
} cc_user_record;

/* Every user, by name, with their roles. */
apr_status_t cc_user_list(cc_db *db, apr_pool_t *pool, cc_user_record **users, int *count);
/* APR_NOTFOUND for an unknown user. email NULL or "" clears it. */
apr_status_t cc_user_set_email(cc_db *db, apr_pool_t *pool, const char *username,
                               const char *email);

/* The user named username, or when username is NULL the one with this id;
 * *out is NULL when there is none. */
apr_status_t cc_user_load(cc_db *db, apr_pool_t *pool, long id, const char *username,
                          cc_user_record **out);

#endif
