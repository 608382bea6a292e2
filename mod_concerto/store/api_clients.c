#include "api_clients.h"

#include "core/digest.h"
#include "core/random.h"

#include <apr_strings.h>
#include <stdlib.h>

#define LAST_USED_EVERY 60

#define CLIENT_COLUMNS                                                                             \
    "SELECT c.id, c.name, c.user_id, u.username, c.created, c.last_used FROM api_client c "        \
    "JOIN concerto_user u ON u.id = c.user_id "

static void read_client(const char *const *v, cc_api_client *c)
{
    c->id = strtol(v[0], NULL, 10);
    c->name = v[1];
    c->user_id = strtol(v[2], NULL, 10);
    c->username = v[3];
    c->created = strtol(v[4], NULL, 10);
    c->last_used = v[5] ? strtol(v[5], NULL, 10) : 0;
}

apr_status_t cc_api_client_create(cc_db *db, apr_pool_t *pool, long user_id, const char *name,
                                  long now, const char **token, long *id)
{
    const char *raw = NULL, *found = NULL;
    apr_status_t rv = cc_random_hex(pool, CC_API_CLIENT_TOKEN_BYTES, &raw);

    if (rv != APR_SUCCESS) {
        db->last_error = "no random bytes for a token";
        return rv;
    }
    {
        const char *hash = cc_sha256_hex(pool, raw);
        const char *args[] = {name, hash, apr_ltoa(pool, user_id), apr_ltoa(pool, now), NULL};
        rv = cc_db_query(db, pool, NULL,
                         "INSERT INTO api_client (name, token_hash, user_id, created) "
                         "VALUES (%s, %s, %s, %s)",
                         4, args);
        args[0] = hash;
        if (rv == APR_SUCCESS)
            rv = cc_db_select_value(db, pool, &found,
                                    "SELECT id FROM api_client WHERE token_hash = %s", 1, args);
    }
    if (rv != APR_SUCCESS)
        return rv;
    *token = raw;
    *id = found ? strtol(found, NULL, 10) : 0;
    return APR_SUCCESS;
}

apr_status_t cc_api_client_list(cc_db *db, apr_pool_t *pool, cc_api_client **clients, int *count)
{
    cc_rows *rows = NULL;
    int i;
    apr_status_t rv = cc_db_select(db, pool, &rows, CLIENT_COLUMNS "ORDER BY c.id", 0, NULL);

    *clients = NULL;
    *count = 0;
    if (rv != APR_SUCCESS)
        return rv;
    *clients = apr_pcalloc(pool, sizeof(**clients) * (apr_size_t)(rows->nrows + 1));
    for (i = 0; i < rows->nrows; i++)
        read_client(rows->values[i], &(*clients)[i]);
    *count = rows->nrows;
    return APR_SUCCESS;
}

apr_status_t cc_api_client_delete(cc_db *db, apr_pool_t *pool, long id, int *found)
{
    const char *args[] = {apr_ltoa(pool, id), NULL};
    int affected = 0;
    apr_status_t rv =
        cc_db_query(db, pool, &affected, "DELETE FROM api_client WHERE id = %s", 1, args);

    *found = affected > 0;
    return rv;
}

apr_status_t cc_api_client_lookup(cc_db *db, apr_pool_t *pool, const char *token, long now,
                                  cc_api_client **out)
{
    const char *args[] = {NULL, NULL, NULL};
    cc_rows *rows = NULL;
    cc_api_client *c;
    apr_status_t rv;

    *out = NULL;
    if (token == NULL || *token == '\0')
        return APR_SUCCESS;
    args[0] = cc_sha256_hex(pool, token);
    rv = cc_db_select(db, pool, &rows, CLIENT_COLUMNS "WHERE c.token_hash = %s", 1, args);
    if (rv != APR_SUCCESS || rows->nrows == 0)
        return rv;
    c = apr_pcalloc(pool, sizeof(*c));
    read_client(rows->values[0], c);
    if (now - c->last_used >= LAST_USED_EVERY) {
        args[0] = apr_ltoa(pool, now);
        args[1] = apr_ltoa(pool, c->id);
        rv = cc_db_query(db, pool, NULL, "UPDATE api_client SET last_used = %s WHERE id = %s", 2,
                         args);
        if (rv != APR_SUCCESS)
            return rv;
        c->last_used = now;
    }
    *out = c;
    return APR_SUCCESS;
}
