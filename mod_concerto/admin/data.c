#include "data.h"

#include "core/json_pool.h"
#include "store/datatable.h"
#include "tables.h"

#include <apr_strings.h>
#include <string.h>

#define DATA_MAX_ROWS 10000

static apr_status_t table_id(cc_db *db, apr_pool_t *pool, const char *ref, long *id,
                             cc_admin_error *err)
{
    const char *args[] = {ref};
    const char *found = NULL;

    *id = cc_admin_parse_id(ref);
    if (*id)
        return APR_SUCCESS;
    if (cc_db_select_value(db, pool, &found, "SELECT id FROM data_table WHERE name = %s", 1,
                           args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "looking the table up");
    if (found == NULL)
        return cc_admin_fail(err, 404, NULL,
                             apr_psprintf(pool, "there is no data table \"%s\"", ref));
    *id = cc_admin_number(found);
    return APR_SUCCESS;
}

static apr_status_t select_rows(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                const char *query, json_object **out, cc_admin_error *err)
{
    cc_list_query lq;
    const apr_array_header_t *arr;
    const apr_table_entry_t *e;
    const char **names, **ops, **values, *errmsg = NULL;
    cc_rows *rows = NULL;
    int i, n = 0;
    apr_status_t rv;

    if (cc_list_query_parse(pool, query, &lq, err) != APR_SUCCESS)
        return APR_EGENERAL;
    arr = apr_table_elts(lq.args);
    e = (const apr_table_entry_t *)arr->elts;
    names = apr_pcalloc(pool, sizeof(char *) * (apr_size_t)(arr->nelts + 1));
    ops = apr_pcalloc(pool, sizeof(char *) * (apr_size_t)(arr->nelts + 1));
    values = apr_pcalloc(pool, sizeof(char *) * (apr_size_t)(arr->nelts + 1));
    for (i = 0; i < arr->nelts; i++) {
        apr_size_t len = strlen(e[i].key);
        char last = (char)(len ? e[i].key[len - 1] : 0);
        if (!strcmp(e[i].key, "access_token") || !strcmp(e[i].key, "format"))
            continue;
        ops[n] = last == '>' ? ">=" : last == '<' ? "<=" : last == '!' ? "!=" : "=";
        names[n] = strchr("<>!", last) && last ? apr_pstrmemdup(pool, e[i].key, len - 1) : e[i].key;
        values[n++] = e[i].val;
    }
    rv = cc_datatable_select(db, pool, dt, n, names, ops, values, DATA_MAX_ROWS, &rows, &errmsg);
    if (rv != APR_SUCCESS)
        return cc_admin_fail(err, rv == APR_EINVAL ? 400 : 500, NULL, errmsg);
    *out = cc_json_owned(pool, cc_admin_table_rows_json(rows));
    return APR_SUCCESS;
}

/* A refused insert or update: an unknown column is the client's mistake
 * in the request (400, as Concerto), a bad value 422. */
static apr_status_t data_error(cc_admin_error *err)
{
    if (err->status == 422 && err->message && strstr(err->message, "no column \""))
        err->status = 400;
    return APR_EGENERAL;
}

static int is(const cc_rest_request *req, const char *method)
{
    return !strcmp(req->method, method) || (!strcmp(method, "GET") && !strcmp(req->method, "HEAD"));
}

apr_status_t cc_admin_data_handle(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                  cc_rest_answer *answer, cc_admin_error *err)
{
    cc_datatable *dt = NULL;
    json_object *in = NULL, *out = NULL;
    long id = 0, row = 0;

    memset(answer, 0, sizeof(*answer));
    if (req->nsegs < 1 || req->nsegs > 2)
        return cc_admin_fail(err, 404, NULL, "the data API is /api/data/{table}[/{row id}]");
    cc_admin_fresh_statements(db);
    if (table_id(db, pool, req->segs[0], &id, err) != APR_SUCCESS ||
        cc_admin_table_open(db, pool, id, req->actor, &dt, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (req->nsegs == 1) {
        if (is(req, "GET")) {
            if (select_rows(db, pool, dt, req->query, &out, err) != APR_SUCCESS)
                return APR_EGENERAL;
            answer->status = 200;
            answer->json = out;
            return APR_SUCCESS;
        }
        if (!is(req, "POST") && !is(req, "PUT"))
            return cc_admin_fail(err, 405, NULL, "use GET, POST or PUT here");
        if (cc_admin_parse_object(pool, req->body, req->len, &in, err) != APR_SUCCESS)
            return APR_EGENERAL;
        if (cc_admin_row_create(db, pool, id, in, req->actor, &row, err) != APR_SUCCESS)
            return data_error(err);
        if (cc_admin_row_get(db, pool, id, row, req->actor, &out, err) != APR_SUCCESS)
            return APR_EGENERAL;
        answer->status = 201;
        answer->json = out;
        return APR_SUCCESS;
    }
    row = cc_admin_parse_id(req->segs[1]);
    if (row == 0)
        return cc_admin_fail(err, 404, NULL,
                             apr_psprintf(pool, "\"%s\" is not a row id", req->segs[1]));
    if (is(req, "GET")) {
        if (cc_admin_row_get(db, pool, id, row, req->actor, &out, err) != APR_SUCCESS)
            return APR_EGENERAL;
    } else if (is(req, "POST") || is(req, "PUT")) {
        if (cc_admin_parse_object(pool, req->body, req->len, &in, err) != APR_SUCCESS)
            return APR_EGENERAL;
        if (cc_admin_row_update(db, pool, id, row, in, req->actor, err) != APR_SUCCESS)
            return data_error(err);
        if (cc_admin_row_get(db, pool, id, row, req->actor, &out, err) != APR_SUCCESS)
            return APR_EGENERAL;
    } else if (is(req, "DELETE")) {
        if (cc_admin_row_delete(db, pool, id, row, req->actor, err) != APR_SUCCESS)
            return APR_EGENERAL;
        answer->status = 204;
        return APR_SUCCESS;
    } else
        return cc_admin_fail(err, 405, NULL, "use GET, POST, PUT or DELETE here");
    answer->status = 200;
    answer->json = out;
    return APR_SUCCESS;
}
