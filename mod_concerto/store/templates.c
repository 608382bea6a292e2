#include "templates.h"

#include <apr_hash.h>
#include <apr_strings.h>

struct cc_template_store {
    cc_db *db;
    apr_pool_t *pool;
    apr_hash_t *known;             /* name -> cc_template, or -> &missing */
    const cc_template_store *base; /* read first, never written; or NULL */
};

static const cc_template missing;

cc_template_store *cc_template_store_make(cc_db *db, apr_pool_t *pool)
{
    cc_template_store *store = apr_pcalloc(pool, sizeof(*store));

    store->db = db;
    store->pool = pool;
    store->known = apr_hash_make(pool);
    return store;
}

cc_template_store *cc_template_store_make_on(cc_db *db, apr_pool_t *pool,
                                             const cc_template_store *base)
{
    cc_template_store *store = cc_template_store_make(db, pool);

    store->base = base;
    return store;
}

/* What the store knows of name (a template or &missing), else NULL;
 * apr_hash_get writes nothing, so threads may share a base. */
static const cc_template *known(const cc_template_store *store, const char *name)
{
    const cc_template *found = apr_hash_get(store->known, name, APR_HASH_KEY_STRING);

    return found || store->base == NULL ? found : known(store->base, name);
}

#define MAX_PRELOAD 32

apr_status_t cc_template_store_preload(cc_template_store *store, const char *const *names, int n,
                                       const char **errmsg)
{
    const char *sql = "SELECT name, head, html, css, js FROM view_template WHERE name IN (";
    const char *args[MAX_PRELOAD];
    cc_rows *rows = NULL;
    int k, m = 0;
    apr_status_t rv;

    for (k = 0; k < n && m < MAX_PRELOAD; k++) {
        if (known(store, names[k]))
            continue;
        apr_hash_set(store->known, apr_pstrdup(store->pool, names[k]), APR_HASH_KEY_STRING,
                     &missing);
        sql = apr_pstrcat(store->pool, sql, m ? ", %s" : "%s", NULL);
        args[m++] = names[k];
    }
    if (m == 0)
        return APR_SUCCESS;
    rv = cc_db_select(store->db, store->pool, &rows, apr_pstrcat(store->pool, sql, ")", NULL), m,
                      args);
    if (rv != APR_SUCCESS) {
        *errmsg = apr_psprintf(store->pool, "the templates cannot be read: %s",
                               store->db->last_error ? store->db->last_error : "database error");
        return rv;
    }
    for (k = 0; k < rows->nrows; k++) {
        cc_template *tpl = apr_pcalloc(store->pool, sizeof(*tpl));
        tpl->name = rows->values[k][0];
        tpl->head = rows->values[k][1];
        tpl->html = rows->values[k][2];
        tpl->css = rows->values[k][3];
        tpl->js = rows->values[k][4];
        apr_hash_set(store->known, tpl->name, APR_HASH_KEY_STRING, tpl);
    }
    return APR_SUCCESS;
}

apr_status_t cc_template_store_lookup(void *baton, apr_pool_t *pool, const char *name,
                                      const cc_template **tpl, const char **errmsg)
{
    cc_template_store *store = baton;
    const cc_template *found = known(store, name);
    apr_status_t rv;

    (void)pool;
    if (found == NULL) {
        rv = cc_template_store_preload(store, &name, 1, errmsg);
        if (rv != APR_SUCCESS)
            return rv;
        found = known(store, name);
    }
    *tpl = found == &missing ? NULL : found;
    return *tpl ? APR_SUCCESS : APR_NOTFOUND;
}

const char *cc_template_version_sql(apr_pool_t *pool, int n_names)
{
    const char *in = n_names > 0 ? "name IN (%s" : "1 = 0";
    int k;

    for (k = 1; k < n_names; k++)
        in = apr_pstrcat(pool, in, ", %s", NULL);
    return apr_pstrcat(pool,
                       "(SELECT COUNT(*) AS n, MAX(id) AS last_id, "
                       "COALESCE(SUM(revision), 0) AS revisions FROM view_template WHERE ",
                       in, n_names > 0 ? "))" : ")", NULL);
}
