#include "secret.h"

#include "setup.h"
#include "settings.h"

#include <apr_strings.h>
#include <string.h>

apr_status_t cc_secret_token_key(cc_db *db, apr_pool_t *pool, cc_token_key *key,
                                 const char **errmsg)
{
    const char *secret = NULL, *why = NULL;
    apr_status_t rv = cc_setting_get(db, pool, CC_SETTING_SECRET, &secret);

    memset(key, 0, sizeof(*key));
    if (rv != APR_SUCCESS) {
        *errmsg = apr_pstrcat(pool, "cannot read the token signing secret: ",
                              db->last_error ? db->last_error : "database error", NULL);
        return rv;
    }
    if (secret == NULL) {
        *errmsg = "no token signing secret in the database: run concertoctl setup";
        return APR_ENOENT;
    }
    rv = cc_token_key_from_hex(secret, key, &why);
    if (rv != APR_SUCCESS)
        *errmsg = apr_pstrcat(pool, "the token signing secret (administration_setting \"",
                              CC_SETTING_SECRET, "\") is unusable: ", why,
                              "; delete it and run concertoctl setup to make a new one", NULL);
    return rv;
}
