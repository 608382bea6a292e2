#include "tables.h"

#include "core/json_pool.h"
#include "store/datatable.h"
#include "store/revision.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

static const cc_field table_fields[] = {
    {"name", CC_FIELD_TEXT, CC_FIELD_WRITE | CC_FIELD_REQUIRED | CC_FIELD_SORT | CC_FIELD_SEARCH, 0,
     CC_DT_NAME_MAX},
    {"description", CC_FIELD_TEXT, CC_FIELD_WRITE | CC_FIELD_SEARCH, 0, 0},
    {"tags", CC_FIELD_TEXT, CC_FIELD_WRITE | CC_FIELD_SEARCH, 0, 1024},
};

const cc_kind cc_kind_table = {
    "table", "data_table", NULL, table_fields, 3, CC_KIND_ACCESS | CC_KIND_REVISION | CC_KIND_AUDIT,
    "name"};

/* store/datatable.h's errors as answers: a bad value or name 422, a name
 * taken 409, no such table or row 404. "column X: ..." names field X. */
static apr_status_t dt_fail(apr_pool_t *pool, apr_status_t rv, const char *errmsg,
                            const char *field, cc_admin_error *err)
{
    int status = rv == APR_EINVAL ? 422 : rv == APR_EEXIST ? 409 : rv == APR_NOTFOUND ? 404 : 500;

    if (field == NULL && errmsg && !strncmp(errmsg, "column ", 7)) {
        const char *end = strchr(errmsg + 7, ':');
        if (end)
            field = apr_pstrmemdup(pool, errmsg + 7, (apr_size_t)(end - errmsg - 7));
    }
    return cc_admin_fail(err, status, status == 404 ? NULL : field,
                         errmsg ? errmsg : "the data table could not be changed");
}

apr_status_t cc_admin_table_open(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                                 cc_datatable **dt, cc_admin_error *err)
{
    const char *name = NULL, *errmsg = NULL;
    apr_status_t rv;

    if (cc_entity_check(db, pool, &cc_kind_table, 0, id, actor, &name, err) != APR_SUCCESS)
        return APR_EGENERAL;
    rv = cc_datatable_describe(db, pool, name, dt, &errmsg);
    return rv == APR_SUCCESS ? APR_SUCCESS : dt_fail(pool, rv, errmsg, NULL, err);
}

static json_object *columns_json(apr_pool_t *pool, const cc_datatable *dt)
{
    json_object *list = json_object_new_array();
    int i;

    for (i = 0; i < dt->ncols; i++) {
        const cc_dt_column *c = &dt->cols[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(c->name));
        json_object_object_add(o, "type", json_object_new_string(cc_dt_type_name(c->type)));
        json_object_object_add(o, "nullable", json_object_new_boolean(c->nullable));
        json_object_object_add(o, "length",
                               c->type == CC_DT_STRING || c->type == CC_DT_DECIMAL
                                   ? json_object_new_int(c->length)
                                   : NULL);
        if (c->type == CC_DT_DECIMAL)
            json_object_object_add(o, "scale", json_object_new_int(c->scale));
        json_object_object_add(o, "sql_type", json_object_new_string(cc_dt_type_format(pool, c)));
        json_object_array_add(list, o);
    }
    return list;
}

static apr_status_t add_row_count(cc_db *db, apr_pool_t *pool, json_object *table,
                                  cc_admin_error *err)
{
    json_object *name = NULL;
    apr_int64_t count = 0;
    const char *errmsg = NULL;
    apr_status_t rv;

    json_object_object_get_ex(table, "name", &name);
    rv = cc_datatable_count(db, pool, json_object_get_string(name), &count, &errmsg);
    if (rv == APR_NOTFOUND) /* registered, its table gone: show it, empty */
        count = 0;
    else if (rv != APR_SUCCESS)
        return dt_fail(pool, rv, errmsg, NULL, err);
    json_object_object_add(table, "row_count", json_object_new_int64(count));
    return APR_SUCCESS;
}

apr_status_t cc_admin_table_list(cc_db *db, apr_pool_t *pool, const cc_list_query *lq,
                                 const cc_admin_actor *actor, json_object **out,
                                 cc_admin_error *err)
{
    json_object *items = NULL;
    size_t i;

    if (cc_entity_list(db, pool, &cc_kind_table, 0, lq, actor, out, err) != APR_SUCCESS)
        return APR_EGENERAL;
    json_object_object_get_ex(*out, "items", &items);
    for (i = 0; i < json_object_array_length(items); i++)
        if (add_row_count(db, pool, json_object_array_get_idx(items, i), err) != APR_SUCCESS)
            return APR_EGENERAL;
    return APR_SUCCESS;
}

apr_status_t cc_admin_table_get(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                                json_object **out, cc_admin_error *err)
{
    cc_datatable *dt = NULL;

    if (cc_entity_get(db, pool, &cc_kind_table, 0, id, actor, out, err) != APR_SUCCESS ||
        cc_admin_table_open(db, pool, id, actor, &dt, err) != APR_SUCCESS)
        return APR_EGENERAL;
    json_object_object_add(*out, "columns", columns_json(pool, dt));
    return add_row_count(db, pool, *out, err);
}

/* {name, type, nullable, length[, scale]} as a column; 422 naming what is wrong. */
static apr_status_t column_from_json(apr_pool_t *pool, json_object *in, cc_dt_column *col,
                                     cc_admin_error *err)
{
    json_object *v = NULL;
    const char *errmsg = NULL, *type;

    memset(col, 0, sizeof(*col));
    if (!json_object_object_get_ex(in, "name", &v) || !json_object_is_type(v, json_type_string))
        return cc_admin_fail(err, 422, "name", "a column needs a name");
    col->name = apr_pstrdup(pool, json_object_get_string(v));
    if (!json_object_object_get_ex(in, "type", &v) || !json_object_is_type(v, json_type_string))
        return cc_admin_fail(err, 422, "type",
                             apr_psprintf(pool,
                                          "column %s needs a type (string, text, integer, "
                                          "float, decimal, boolean, date, datetime, json, "
                                          "bigint, smallint)",
                                          col->name));
    type = json_object_get_string(v);
    if (json_object_object_get_ex(in, "length", &v) && json_object_is_type(v, json_type_int) &&
        !strchr(type, '(')) {
        json_object *scale = NULL;
        type = json_object_object_get_ex(in, "scale", &scale) &&
                       json_object_is_type(scale, json_type_int)
                   ? apr_psprintf(pool, "%s(%d,%d)", type, json_object_get_int(v),
                                  json_object_get_int(scale))
                   : apr_psprintf(pool, "%s(%d)", type, json_object_get_int(v));
    }
    if (cc_dt_type_parse(pool, type, col, &errmsg) != APR_SUCCESS)
        return cc_admin_fail(err, 422, "type",
                             apr_psprintf(pool, "column %s: %s", col->name, errmsg));
    col->nullable = 1;
    if (json_object_object_get_ex(in, "nullable", &v) && json_object_is_type(v, json_type_boolean))
        col->nullable = json_object_get_boolean(v);
    return APR_SUCCESS;
}

apr_status_t cc_admin_table_create(cc_db *db, apr_pool_t *pool, json_object *in,
                                   const cc_admin_actor *actor, long now, long *id,
                                   cc_admin_error *err)
{
    json_object *name = NULL, *desc = NULL, *cols = NULL;
    cc_dt_column *columns = NULL;
    const char *errmsg = NULL, *text = NULL, *found = NULL, *args[5];
    int n = 0, i;
    apr_status_t rv;
    static const cc_field name_field = {"name", CC_FIELD_TEXT, CC_FIELD_REQUIRED, 0,
                                        CC_DT_NAME_MAX};

    (void)now;
    if (!json_object_object_get_ex(in, "name", &name))
        return cc_admin_fail(err, 422, "name", "a new table needs a name");
    if (cc_admin_field_value(pool, &name_field, name, &text, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (cc_datatable_check_name(pool, text, &errmsg) != APR_SUCCESS)
        return cc_admin_fail(err, 422, "name", errmsg);
    if (json_object_object_get_ex(in, "columns", &cols) && cols &&
        !json_object_is_type(cols, json_type_null)) {
        if (!json_object_is_type(cols, json_type_array))
            return cc_admin_fail(err, 422, "columns", "columns must be a list");
        n = (int)json_object_array_length(cols);
        columns = apr_pcalloc(pool, sizeof(*columns) * (apr_size_t)(n + 1));
        for (i = 0; i < n; i++)
            if (column_from_json(pool, json_object_array_get_idx(cols, (size_t)i), &columns[i],
                                 err) != APR_SUCCESS) {
                err->message = apr_psprintf(pool, "columns[%d]: %s", i, err->message);
                err->field = "columns";
                return APR_EGENERAL;
            }
    }
    json_object_object_get_ex(in, "description", &desc);
    rv = cc_datatable_create(
        db, pool, text,
        desc && json_object_is_type(desc, json_type_string) ? json_object_get_string(desc) : NULL,
        columns, n, actor ? actor->username : NULL, &errmsg);
    if (rv != APR_SUCCESS)
        return dt_fail(pool, rv, errmsg, rv == APR_EEXIST ? "name" : "columns", err);
    args[0] = text;
    if (cc_db_select_value(db, pool, &found, "SELECT id FROM data_table WHERE name = %s", 1,
                           args) != APR_SUCCESS ||
        found == NULL)
        return cc_admin_db_fail(err, db, pool, "reading the new table's id");
    *id = cc_admin_number(found);
    /* Owner and sharing, as the generic update writes them. */
    args[0] = actor && actor->user_id > 0 ? apr_ltoa(pool, actor->user_id) : NULL;
    args[1] = apr_ltoa(pool, *id);
    if (cc_db_query(db, pool, NULL, "UPDATE data_table SET owner_id = %s WHERE id = %s", 2, args) !=
        APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "setting the new table's owner");
    {
        json_object *sharing = json_object_new_object(), *v = NULL;
        static const char *const keys[] = {"accessibility", "object_groups", "archived", "tags"};
        int k, any = 0;
        cc_json_owned(pool, sharing);
        for (k = 0; k < 4; k++)
            if (json_object_object_get_ex(in, keys[k], &v)) {
                json_object_object_add(sharing, keys[k], json_object_get(v));
                any = 1;
            }
        if (any) {
            json_object_object_add(sharing, "revision", json_object_new_int(0));
            if (cc_entity_update(db, pool, &cc_kind_table, 0, *id, sharing, actor,
                                 (long)apr_time_sec(apr_time_now()), err) != APR_SUCCESS) {
                const char *ignored = NULL;
                cc_datatable_drop(db, pool, text, &ignored);
                return APR_EGENERAL;
            }
        }
    }
    return APR_SUCCESS;
}

apr_status_t cc_admin_table_update(cc_db *db, apr_pool_t *pool, long id, json_object *in,
                                   const cc_admin_actor *actor, long now, cc_admin_error *err)
{
    const char *name = NULL;
    json_object *v = NULL;

    if (cc_entity_check(db, pool, &cc_kind_table, 0, id, actor, &name, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (json_object_object_get_ex(in, "name", &v) &&
        (!json_object_is_type(v, json_type_string) || strcmp(json_object_get_string(v), name) != 0))
        return cc_admin_fail(err, 422, "name",
                             "a data table cannot be renamed here (tests and R code use its "
                             "name); make a new one and import the CSV");
    return cc_entity_update(db, pool, &cc_kind_table, 0, id, in, actor, now, err);
}

apr_status_t cc_admin_table_delete(cc_db *db, apr_pool_t *pool, long id,
                                   const cc_admin_actor *actor, cc_admin_error *err)
{
    const char *name = NULL, *errmsg = NULL;
    apr_status_t rv;

    if (cc_entity_check(db, pool, &cc_kind_table, 0, id, actor, &name, err) != APR_SUCCESS)
        return APR_EGENERAL;
    rv = cc_datatable_drop(db, pool, name, &errmsg);
    return rv == APR_SUCCESS ? APR_SUCCESS : dt_fail(pool, rv, errmsg, NULL, err);
}

json_object *cc_admin_table_rows_json(const cc_rows *rows)
{
    json_object *list = json_object_new_array();
    int r, c;

    for (r = 0; r < rows->nrows; r++) {
        json_object *o = json_object_new_object();
        for (c = 0; c < rows->ncols; c++) {
            const char *v = rows->values[r][c];
            json_object_object_add(o, rows->names[c],
                                   v == NULL ? NULL
                                   : c == 0  ? json_object_new_int64(apr_atoi64(v))
                                             : json_object_new_string(v));
        }
        json_object_array_add(list, o);
    }
    return list;
}

apr_status_t cc_admin_rows_list(cc_db *db, apr_pool_t *pool, long table_id, const cc_list_query *lq,
                                const cc_admin_actor *actor, json_object **out, cc_admin_error *err)
{
    const apr_array_header_t *args = apr_table_elts(lq->args);
    const apr_table_entry_t *e = (const apr_table_entry_t *)args->elts;
    const char **names = apr_pcalloc(pool, sizeof(char *) * (apr_size_t)(args->nelts + 1));
    const char **values = apr_pcalloc(pool, sizeof(char *) * (apr_size_t)(args->nelts + 1));
    cc_datatable *dt = NULL;
    cc_rows *rows = NULL;
    apr_int64_t total = 0;
    const char *errmsg = NULL;
    int i, n = 0;
    apr_status_t rv;

    if (cc_admin_table_open(db, pool, table_id, actor, &dt, err) != APR_SUCCESS)
        return APR_EGENERAL;
    for (i = 0; i < args->nelts; i++)
        if (!strncmp(e[i].key, "filter.", 7) && e[i].val && *e[i].val) {
            names[n] = e[i].key + 7;
            values[n++] = e[i].val;
        }
    rv = cc_datatable_page(db, pool, dt, lq->sort, lq->desc, n, names, values,
                           (apr_int64_t)(lq->page - 1) * lq->per_page, lq->per_page, &rows, &total,
                           &errmsg);
    if (rv != APR_SUCCESS)
        return dt_fail(pool, rv, errmsg, rv == APR_EINVAL ? "sort" : NULL, err);
    *out = cc_json_owned(pool, cc_list_answer(lq, cc_admin_table_rows_json(rows), (long)total));
    return APR_SUCCESS;
}

apr_status_t cc_admin_row_get(cc_db *db, apr_pool_t *pool, long table_id, long row_id,
                              const cc_admin_actor *actor, json_object **out, cc_admin_error *err)
{
    cc_datatable *dt = NULL;
    cc_rows *rows = NULL;
    const char *errmsg = NULL;
    json_object *list;
    apr_status_t rv;

    if (cc_admin_table_open(db, pool, table_id, actor, &dt, err) != APR_SUCCESS)
        return APR_EGENERAL;
    rv = cc_datatable_row(db, pool, dt, row_id, &rows, &errmsg);
    if (rv != APR_SUCCESS)
        return dt_fail(pool, rv, errmsg, NULL, err);
    list = cc_json_owned(pool, cc_admin_table_rows_json(rows));
    *out = json_object_array_get_idx(list, 0);
    return APR_SUCCESS;
}

/* A JSON object's members as column names and text values; id is left
 * out (the path names the row). */
static apr_status_t row_values(apr_pool_t *pool, json_object *in, int *n, const char ***names,
                               const char ***values, cc_admin_error *err)
{
    int size = json_object_object_length(in), k = 0;

    *names = apr_pcalloc(pool, sizeof(char *) * (apr_size_t)(size + 1));
    *values = apr_pcalloc(pool, sizeof(char *) * (apr_size_t)(size + 1));
    json_object_object_foreach(in, key, val)
    {
        enum json_type t = json_object_get_type(val);
        if (!strcasecmp(key, "id"))
            continue;
        if (t == json_type_object || t == json_type_array)
            (*values)[k] =
                apr_pstrdup(pool, json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN));
        else if (t == json_type_boolean)
            (*values)[k] = json_object_get_boolean(val) ? "1" : "0";
        else
            (*values)[k] = val ? apr_pstrdup(pool, json_object_get_string(val)) : NULL;
        (*names)[k++] = apr_pstrdup(pool, key);
    }
    *n = k;
    if (k == 0)
        return cc_admin_fail(err, 422, NULL, "the row has no column values");
    return APR_SUCCESS;
}

apr_status_t cc_admin_row_create(cc_db *db, apr_pool_t *pool, long table_id, json_object *in,
                                 const cc_admin_actor *actor, long *row_id, cc_admin_error *err)
{
    cc_datatable *dt = NULL;
    const char **names = NULL, **values = NULL, *errmsg = NULL;
    apr_int64_t id = 0;
    int n = 0;
    apr_status_t rv;

    if (cc_admin_table_open(db, pool, table_id, actor, &dt, err) != APR_SUCCESS ||
        row_values(pool, in, &n, &names, &values, err) != APR_SUCCESS)
        return APR_EGENERAL;
    rv = cc_datatable_insert(db, pool, dt, n, names, values, &id, &errmsg);
    if (rv != APR_SUCCESS)
        return dt_fail(pool, rv, errmsg, NULL, err);
    *row_id = (long)id;
    return APR_SUCCESS;
}

apr_status_t cc_admin_row_update(cc_db *db, apr_pool_t *pool, long table_id, long row_id,
                                 json_object *in, const cc_admin_actor *actor, cc_admin_error *err)
{
    cc_datatable *dt = NULL;
    const char **names = NULL, **values = NULL, *errmsg = NULL;
    int n = 0;
    apr_status_t rv;

    if (cc_admin_table_open(db, pool, table_id, actor, &dt, err) != APR_SUCCESS ||
        row_values(pool, in, &n, &names, &values, err) != APR_SUCCESS)
        return APR_EGENERAL;
    rv = cc_datatable_update(db, pool, dt, row_id, n, names, values, &errmsg);
    if (rv == APR_SUCCESS && cc_revision_bump_table(db, pool, dt->name) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "bumping the table's revision");
    return rv == APR_SUCCESS ? APR_SUCCESS : dt_fail(pool, rv, errmsg, NULL, err);
}

apr_status_t cc_admin_row_delete(cc_db *db, apr_pool_t *pool, long table_id, long row_id,
                                 const cc_admin_actor *actor, cc_admin_error *err)
{
    cc_datatable *dt = NULL;
    const char *errmsg = NULL;
    apr_status_t rv;

    if (cc_admin_table_open(db, pool, table_id, actor, &dt, err) != APR_SUCCESS)
        return APR_EGENERAL;
    rv = cc_datatable_delete_row(db, pool, dt, row_id, &errmsg);
    return rv == APR_SUCCESS ? APR_SUCCESS : dt_fail(pool, rv, errmsg, NULL, err);
}

apr_status_t cc_admin_column_create(cc_db *db, apr_pool_t *pool, long table_id, json_object *in,
                                    const cc_admin_actor *actor, cc_admin_error *err)
{
    cc_datatable *dt = NULL;
    cc_dt_column col;
    const char *errmsg = NULL;
    apr_status_t rv;

    if (cc_admin_table_open(db, pool, table_id, actor, &dt, err) != APR_SUCCESS ||
        column_from_json(pool, in, &col, err) != APR_SUCCESS)
        return APR_EGENERAL;
    rv = cc_datatable_add_column(db, pool, dt, &col, &errmsg);
    return rv == APR_SUCCESS ? APR_SUCCESS : dt_fail(pool, rv, errmsg, "name", err);
}

apr_status_t cc_admin_column_update(cc_db *db, apr_pool_t *pool, long table_id, const char *name,
                                    json_object *in, const cc_admin_actor *actor,
                                    cc_admin_error *err)
{
    cc_datatable *dt = NULL;
    json_object *v = NULL;
    const char *errmsg = NULL;
    apr_status_t rv;
    int i;

    if (cc_admin_table_open(db, pool, table_id, actor, &dt, err) != APR_SUCCESS)
        return APR_EGENERAL;
    for (i = 1; i < dt->ncols; i++)
        if (!strcasecmp(dt->cols[i].name, name))
            break;
    if (i == dt->ncols)
        return cc_admin_fail(err, 404, NULL,
                             apr_psprintf(pool, "\"%s\" has no column \"%s\"", dt->name, name));
    if (json_object_object_get_ex(in, "type", &v) && json_object_is_type(v, json_type_string) &&
        strcmp(json_object_get_string(v), cc_dt_type_name(dt->cols[i].type)) != 0)
        return cc_admin_fail(err, 422, "type",
                             "a column's type cannot be changed here; add a new column, copy "
                             "the values, and drop the old one");
    if (!json_object_object_get_ex(in, "name", &v) || !json_object_is_type(v, json_type_string))
        return cc_admin_fail(err, 422, "name", "send the column's new name");
    if (strcmp(json_object_get_string(v), name) == 0)
        return APR_SUCCESS;
    rv = cc_datatable_rename_column(db, pool, dt, name, json_object_get_string(v), &errmsg);
    return rv == APR_SUCCESS ? APR_SUCCESS : dt_fail(pool, rv, errmsg, "name", err);
}

apr_status_t cc_admin_column_delete(cc_db *db, apr_pool_t *pool, long table_id, const char *name,
                                    const cc_admin_actor *actor, cc_admin_error *err)
{
    cc_datatable *dt = NULL;
    const char *errmsg = NULL;
    apr_status_t rv;

    if (cc_admin_table_open(db, pool, table_id, actor, &dt, err) != APR_SUCCESS)
        return APR_EGENERAL;
    rv = cc_datatable_drop_column(db, pool, dt, name, &errmsg);
    return rv == APR_SUCCESS ? APR_SUCCESS : dt_fail(pool, rv, errmsg, NULL, err);
}

/* ---- CSV ---- */

typedef struct text_sink {
    apr_pool_t *pool;
    char *buf;
    apr_size_t len, cap;
} text_sink;

static apr_status_t sink_write(void *baton, const char *data, apr_size_t len)
{
    text_sink *s = baton;

    if (s->len + len + 1 > s->cap) {
        apr_size_t cap = s->cap ? s->cap * 2 : 8192;
        char *bigger;
        while (cap < s->len + len + 1)
            cap *= 2;
        bigger = apr_palloc(s->pool, cap);
        if (s->len)
            memcpy(bigger, s->buf, s->len);
        s->buf = bigger;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    s->buf[s->len] = '\0';
    return APR_SUCCESS;
}

apr_status_t cc_admin_table_csv(cc_db *db, apr_pool_t *pool, long table_id,
                                const cc_admin_actor *actor, const char **csv,
                                const char **filename, cc_admin_error *err)
{
    cc_datatable *dt = NULL;
    text_sink sink = {pool, NULL, 0, 0};
    const char *errmsg = NULL;
    apr_status_t rv;

    if (cc_admin_table_open(db, pool, table_id, actor, &dt, err) != APR_SUCCESS)
        return APR_EGENERAL;
    rv = cc_datatable_export(db, pool, dt->name, sink_write, &sink, 0, NULL, &errmsg);
    if (rv != APR_SUCCESS)
        return dt_fail(pool, rv, errmsg, NULL, err);
    *csv = sink.buf ? sink.buf : "";
    *filename = apr_pstrcat(pool, dt->name, ".csv", NULL);
    return APR_SUCCESS;
}

typedef struct text_source {
    const char *data;
    apr_size_t len, at;
} text_source;

static apr_status_t source_read(void *baton, char *buf, apr_size_t *len)
{
    text_source *s = baton;
    apr_size_t n = s->len - s->at < *len ? s->len - s->at : *len;

    memcpy(buf, s->data + s->at, n);
    s->at += n;
    *len = n;
    return APR_SUCCESS;
}

apr_status_t cc_admin_table_import(cc_db *db, apr_pool_t *pool, long table_id, const char *csv,
                                   apr_size_t len, int replace, const cc_admin_actor *actor,
                                   long *rows, cc_admin_error *err)
{
    cc_datatable *dt = NULL;
    text_source source = {csv, len, 0};
    cc_dt_import_options opts;
    apr_int64_t count = 0;
    const char *errmsg = NULL;
    apr_status_t rv;

    if (cc_admin_table_open(db, pool, table_id, actor, &dt, err) != APR_SUCCESS)
        return APR_EGENERAL;
    memset(&opts, 0, sizeof(opts));
    opts.replace = replace;
    rv = cc_datatable_import(db, pool, dt->name, source_read, &source, &opts, &count, &errmsg);
    if (rv != APR_SUCCESS)
        return dt_fail(pool, rv, errmsg, "csv", err);
    *rows = (long)count;
    return APR_SUCCESS;
}
