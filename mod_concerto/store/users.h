/* Accounts: bcrypt password hashes (APR-util) and Concerto's roles. */
#ifndef CC_USERS_H
#define CC_USERS_H

#include "db.h"

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

#endif
