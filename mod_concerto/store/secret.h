/* The token signing key, from the secret `concertoctl setup` stores in
 * administration_setting. Nothing else reads the secret: everything signed
 * with it uses the derived key. */
#ifndef CC_SECRET_H
#define CC_SECRET_H

#include "../core/token.h"
#include "db.h"

/* Reads the "secret" setting and derives the token key from it.
 * APR_ENOENT when no secret is set (*errmsg says to run concertoctl setup),
 * APR_EINVAL when the stored value is unusable, the database's status when
 * the query fails; *errmsg is always set on failure and *key is then unready. */
apr_status_t cc_secret_token_key(cc_db *db, apr_pool_t *pool, cc_token_key *key,
                                 const char **errmsg);

#endif
