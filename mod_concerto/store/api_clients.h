/* API clients: named bearer tokens a super admin hands to programs. A client
 * acts as the user who created it, with that user's roles; the database
 * keeps only the token's SHA-256, so a token is shown once, when made. */
#ifndef CC_API_CLIENTS_H
#define CC_API_CLIENTS_H

#include "db.h"

#define CC_API_CLIENT_TOKEN_BYTES 32
#define CC_API_CLIENT_NAME_MAX 64

typedef struct cc_api_client {
    long id;
    const char *name;
    long user_id;
    const char *username; /* of user_id */
    long created;
    long last_used; /* 0: never */
} cc_api_client;

/* A new client of user_id; *token (shown once) and *id. */
apr_status_t cc_api_client_create(cc_db *db, apr_pool_t *pool, long user_id, const char *name,
                                  long now, const char **token, long *id);
/* Every client, by id. */
apr_status_t cc_api_client_list(cc_db *db, apr_pool_t *pool, cc_api_client **clients, int *count);
/* *found is 0 when there was no client with this id. */
apr_status_t cc_api_client_delete(cc_db *db, apr_pool_t *pool, long id, int *found);
/* The client holding token, or *out NULL. Marks it used at now (at most one
 * write a minute). */
apr_status_t cc_api_client_lookup(cc_db *db, apr_pool_t *pool, const char *token, long now,
                                  cc_api_client **out);

#endif
