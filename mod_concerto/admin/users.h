/* Accounts for the admin API (super admins only): the user's fields, its
 * roles as Concerto's names, and a password that is written (bcrypt, as
 * store/users.c) but never read back. */
#ifndef CC_ADMIN_USERS_H
#define CC_ADMIN_USERS_H

#include "entity.h"

extern const cc_kind cc_kind_user;

/* Lists and users get "roles": ["ROLE_..."]. */
apr_status_t cc_admin_user_list(cc_db *db, apr_pool_t *pool, const cc_list_query *lq,
                                json_object **out, cc_admin_error *err);
apr_status_t cc_admin_user_get(cc_db *db, apr_pool_t *pool, long id, json_object **out,
                               cc_admin_error *err);
/* {username, password (at least 8 characters), email, roles, ...}. */
apr_status_t cc_admin_user_create(cc_db *db, apr_pool_t *pool, json_object *in,
                                  const cc_admin_actor *actor, long now, long *id,
                                  cc_admin_error *err);
/* With the revision read; password and roles optional. */
apr_status_t cc_admin_user_update(cc_db *db, apr_pool_t *pool, long id, json_object *in,
                                  const cc_admin_actor *actor, long now, cc_admin_error *err);
/* Not oneself (409). */
apr_status_t cc_admin_user_delete(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                                  cc_admin_error *err);

#endif
