#include "entity.h"

#include "core/body.h"
#include "core/json_pool.h"
#include "core/log.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <stdlib.h>
#include <string.h>

apr_status_t cc_admin_fail(cc_admin_error *err, int status, const char *field, const char *message)
{
    err->status = status;
    err->field = field;
    err->message = message;
    return APR_EGENERAL;
}

apr_status_t cc_admin_db_fail(cc_admin_error *err, cc_db *db, apr_pool_t *pool, const char *doing)
{
    return cc_admin_fail(err, 500, NULL,
                         apr_psprintf(pool, "the database failed while %s: %s", doing,
                                      db->last_error ? db->last_error : "no reason given"));
}

int cc_admin_actor_allows(const cc_admin_actor *actor, long owner_id, int accessibility,
                          const char *object_groups)
{
    if (actor == NULL || actor->allows == NULL)
        return 1;
    return actor->allows(actor->baton, owner_id, accessibility, object_groups);
}

void cc_admin_fresh_statements(cc_db *db)
{
    if (db->dialect == CC_DIALECT_SQLITE && db->statements && !db->in_transaction)
        apr_hash_clear(db->statements);
}

long cc_admin_number(const char *text)
{
    return text ? strtol(text, NULL, 10) : 0;
}

long cc_admin_parse_id(const char *text)
{
    char *end = NULL;
    long v;

    if (text == NULL || *text < '1' || *text > '9')
        return 0;
    v = strtol(text, &end, 10);
    return (end && *end == '\0' && v > 0 && v < 0x7fffffffffffL) ? v : 0;
}

const char *cc_admin_time_text(apr_pool_t *pool, long t)
{
    apr_time_exp_t tm;
    char buf[64];
    apr_size_t len = 0;

    if (apr_time_exp_gmt(&tm, apr_time_from_sec(t)) != APR_SUCCESS ||
        apr_strftime(buf, &len, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm) != APR_SUCCESS)
        return apr_ltoa(pool, t);
    return apr_pstrdup(pool, buf);
}

/* ---- fields of the traits ---- */

static const cc_field access_fields[] = {
    {"owner_id", CC_FIELD_INT, CC_FIELD_SORT | CC_FIELD_FILTER, 0, 0},
    {"accessibility", CC_FIELD_INT, CC_FIELD_WRITE | CC_FIELD_SORT | CC_FIELD_FILTER, 0, 2},
    {"object_groups", CC_FIELD_TEXT, CC_FIELD_WRITE, 0, 1024},
    {"archived", CC_FIELD_BOOL, CC_FIELD_WRITE | CC_FIELD_SORT | CC_FIELD_FILTER, 0, 0},
};
static const cc_field revision_fields[] = {{"revision", CC_FIELD_INT, CC_FIELD_SORT, 0, 0}};
static const cc_field audit_fields[] = {
    {"created", CC_FIELD_INT, CC_FIELD_SORT, 0, 0},
    {"updated", CC_FIELD_INT, CC_FIELD_SORT, 0, 0},
    {"updated_by", CC_FIELD_TEXT, CC_FIELD_SORT, 0, 0},
};

typedef struct field_list {
    const cc_field **f;
    int n;
} field_list;

static void add_fields(field_list *l, const cc_field *f, int n)
{
    int i;
    for (i = 0; i < n; i++)
        l->f[l->n++] = &f[i];
}

/* Every field of the kind: its own, then those of its traits. */
static field_list all_fields(apr_pool_t *pool, const cc_kind *kind)
{
    field_list l;

    l.n = 0;
    l.f = apr_palloc(pool, sizeof(const cc_field *) * (apr_size_t)(kind->nfields + 8));
    add_fields(&l, kind->fields, kind->nfields);
    if (kind->traits & CC_KIND_ACCESS)
        add_fields(&l, access_fields, 4);
    if (kind->traits & CC_KIND_REVISION)
        add_fields(&l, revision_fields, 1);
    if (kind->traits & CC_KIND_AUDIT)
        add_fields(&l, audit_fields, 3);
    else if (kind->traits & CC_KIND_CREATED)
        add_fields(&l, audit_fields, 2);
    return l;
}

static const cc_field *find_field(const field_list *l, const char *name)
{
    int i;
    for (i = 0; i < l->n; i++)
        if (!strcmp(l->f[i]->name, name))
            return l->f[i];
    return NULL;
}

static const char *select_list(apr_pool_t *pool, const cc_kind *kind, const field_list *l,
                               int for_list)
{
    const char *cols =
        kind->parent_column ? apr_pstrcat(pool, "id, ", kind->parent_column, NULL) : "id";
    int i;

    for (i = 0; i < l->n; i++)
        if (!(for_list && (l->f[i]->flags & CC_FIELD_NOLIST)) &&
            !(l->f[i]->flags & CC_FIELD_SECRET))
            cols = apr_pstrcat(pool, cols, ", ", l->f[i]->name, NULL);
    return cols;
}

/* ---- list queries ---- */

static int parse_bounded(const char *text, int min, int max, int *out)
{
    char *end = NULL;
    long v;

    if (text == NULL || *text == '\0')
        return 0;
    v = strtol(text, &end, 10);
    if (*end != '\0' || v < min || v > max)
        return 0;
    *out = (int)v;
    return 1;
}

apr_status_t cc_list_query_parse(apr_pool_t *pool, const char *query_string, cc_list_query *out,
                                 cc_admin_error *err)
{
    const char *v;
    char *rest, *pair, *state = NULL;

    memset(out, 0, sizeof(*out));
    out->page = 1;
    out->per_page = CC_ADMIN_PER_PAGE_DEFAULT;
    out->args = apr_table_make(pool, 8);
    rest = apr_pstrdup(pool, query_string ? query_string : "");
    for (pair = apr_strtok(rest, "&", &state); pair; pair = apr_strtok(NULL, "&", &state)) {
        char *eq = strchr(pair, '=');
        const char *key, *value;
        key = cc_form_decode(pool, pair, eq ? (apr_size_t)(eq - pair) : strlen(pair));
        value = eq ? cc_form_decode(pool, eq + 1, strlen(eq + 1)) : "";
        if (key == NULL || value == NULL)
            return cc_admin_fail(err, 400, NULL, "the query string has a broken %-encoding");
        apr_table_set(out->args, key, value);
    }
    if ((v = apr_table_get(out->args, "page")) && !parse_bounded(v, 1, 1000000000, &out->page))
        return cc_admin_fail(err, 400, "page", "page must be a whole number from 1 on");
    if ((v = apr_table_get(out->args, "per_page")) &&
        !parse_bounded(v, 1, CC_ADMIN_PER_PAGE_MAX, &out->per_page))
        return cc_admin_fail(err, 400, "per_page",
                             apr_psprintf(pool, "per_page must be a whole number from 1 to %d",
                                          CC_ADMIN_PER_PAGE_MAX));
    if ((v = apr_table_get(out->args, "order")) && *v) {
        if (!strcasecmp(v, "desc"))
            out->desc = 1;
        else if (strcasecmp(v, "asc") != 0)
            return cc_admin_fail(err, 400, "order", "order must be asc or desc");
    }
    if ((v = apr_table_get(out->args, "sort")) && *v)
        out->sort = v;
    if ((v = apr_table_get(out->args, "q")) && *v)
        out->q = v;
    return APR_SUCCESS;
}

json_object *cc_list_answer(const cc_list_query *lq, json_object *items, long total)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "items", items);
    json_object_object_add(o, "total", json_object_new_int64(total));
    json_object_object_add(o, "page", json_object_new_int(lq->page));
    json_object_object_add(o, "per_page", json_object_new_int(lq->per_page));
    return o;
}

/* ---- JSON in ---- */

apr_status_t cc_admin_parse_object(apr_pool_t *pool, const char *body, apr_size_t len,
                                   json_object **out, cc_admin_error *err)
{
    json_tokener *tok;
    json_object *obj;
    enum json_tokener_error jerr;

    if (body == NULL || len == 0)
        return cc_admin_fail(err, 400, NULL, "the request needs a JSON object as its body");
    tok = json_tokener_new();
    if (tok == NULL)
        return cc_admin_fail(err, 500, NULL, "out of memory");
    obj = json_tokener_parse_ex(tok, body, (int)len);
    jerr = json_tokener_get_error(tok);
    if (obj != NULL && jerr == json_tokener_success && (apr_size_t)tok->char_offset < len) {
        /* Only white space may follow the object. */
        apr_size_t i;
        for (i = (apr_size_t)tok->char_offset; i < len; i++)
            if (!strchr(" \t\r\n", body[i])) {
                jerr = json_tokener_error_parse_unexpected;
                break;
            }
    }
    json_tokener_free(tok);
    if (obj == NULL || jerr != json_tokener_success) {
        if (obj)
            json_object_put(obj);
        return cc_admin_fail(err, 400, NULL,
                             apr_psprintf(pool, "the request body is not valid JSON (%s)",
                                          json_tokener_error_desc(jerr == json_tokener_success
                                                                      ? json_tokener_continue
                                                                      : jerr)));
    }
    cc_json_owned(pool, obj);
    if (!json_object_is_type(obj, json_type_object))
        return cc_admin_fail(err, 400, NULL, "the request body must be a JSON object");
    *out = obj;
    return APR_SUCCESS;
}

static apr_size_t utf8_chars(const char *s)
{
    apr_size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

apr_status_t cc_admin_field_value(apr_pool_t *pool, const cc_field *f, json_object *value,
                                  const char **out, cc_admin_error *err)
{
    enum json_type t = json_object_get_type(value);

    if (value == NULL || t == json_type_null) {
        if (f->flags & CC_FIELD_REQUIRED)
            return cc_admin_fail(err, 422, f->name,
                                 apr_psprintf(pool, "%s must not be empty", f->name));
        *out = NULL;
        return APR_SUCCESS;
    }
    switch (f->type) {
    case CC_FIELD_BOOL:
        if (t == json_type_boolean)
            *out = json_object_get_boolean(value) ? "1" : "0";
        else if (t == json_type_int &&
                 (json_object_get_int64(value) == 0 || json_object_get_int64(value) == 1))
            *out = json_object_get_int64(value) ? "1" : "0";
        else
            return cc_admin_fail(err, 422, f->name,
                                 apr_psprintf(pool, "%s must be true or false", f->name));
        return APR_SUCCESS;
    case CC_FIELD_INT: {
        apr_int64_t v;
        if (t == json_type_int)
            v = json_object_get_int64(value);
        else if (t == json_type_string && *json_object_get_string(value)) {
            char *end = NULL;
            v = apr_strtoi64(json_object_get_string(value), &end, 10);
            if (*end)
                return cc_admin_fail(err, 422, f->name,
                                     apr_psprintf(pool, "%s must be a whole number", f->name));
        } else
            return cc_admin_fail(err, 422, f->name,
                                 apr_psprintf(pool, "%s must be a whole number", f->name));
        if ((f->min || f->max) && (v < f->min || v > f->max))
            return cc_admin_fail(
                err, 422, f->name,
                apr_psprintf(pool, "%s must be from %ld to %ld", f->name, f->min, f->max));
        *out = apr_psprintf(pool, "%" APR_INT64_T_FMT, v);
        return APR_SUCCESS;
    }
    case CC_FIELD_TEXT:
        if (t == json_type_string || t == json_type_int || t == json_type_double ||
            t == json_type_boolean)
            *out = apr_pstrdup(pool, json_object_get_string(value));
        else
            return cc_admin_fail(err, 422, f->name, apr_psprintf(pool, "%s must be text", f->name));
        if (f->max > 0 && utf8_chars(*out) > (apr_size_t)f->max)
            return cc_admin_fail(
                err, 422, f->name,
                apr_psprintf(pool, "%s is longer than %ld characters", f->name, f->max));
        if ((f->flags & CC_FIELD_REQUIRED) && **out == '\0')
            return cc_admin_fail(err, 422, f->name,
                                 apr_psprintf(pool, "%s must not be empty", f->name));
        return APR_SUCCESS;
    }
    return cc_admin_fail(err, 500, f->name, "unknown field type");
}

/* ---- rows to JSON ---- */

static int is_id_column(const cc_kind *kind, const char *name)
{
    return !strcmp(name, "id") || (kind->parent_column && !strcmp(name, kind->parent_column));
}

json_object *cc_admin_row_json(const cc_kind *kind, const cc_rows *rows, int row)
{
    json_object *o = json_object_new_object();
    apr_pool_t *scratch;
    field_list l;
    int c;

    apr_pool_create(&scratch, NULL);
    l = all_fields(scratch, kind);
    for (c = 0; c < rows->ncols; c++) {
        const char *name = rows->names[c], *v = rows->values[row][c];
        const cc_field *f = find_field(&l, name);
        json_object *jv;
        if (v == NULL)
            jv = NULL;
        else if (is_id_column(kind, name) || (f && f->type == CC_FIELD_INT))
            jv = json_object_new_int64(apr_atoi64(v));
        else if (f && f->type == CC_FIELD_BOOL)
            jv = json_object_new_boolean(apr_atoi64(v) != 0);
        else
            jv = json_object_new_string(v);
        json_object_object_add(o, name, jv);
    }
    apr_pool_destroy(scratch);
    return o;
}

/* ---- entities ---- */

static int column_index(const cc_rows *rows, const char *name)
{
    int c;
    for (c = 0; c < rows->ncols; c++)
        if (!strcasecmp(rows->names[c], name))
            return c;
    return -1;
}

static const char *row_value(const cc_rows *rows, int row, const char *name)
{
    int c = column_index(rows, name);
    return c < 0 ? NULL : rows->values[row][c];
}

static int row_allowed(const cc_kind *kind, const cc_rows *rows, int row,
                       const cc_admin_actor *actor)
{
    const char *owner, *acc;

    if (!(kind->traits & CC_KIND_ACCESS))
        return 1;
    owner = row_value(rows, row, "owner_id");
    acc = row_value(rows, row, "accessibility");
    return cc_admin_actor_allows(actor, owner ? cc_admin_number(owner) : 0,
                                 acc ? (int)cc_admin_number(acc) : 0,
                                 row_value(rows, row, "object_groups"));
}

typedef struct sql_args {
    const char **v;
    int n;
} sql_args;

static void push(sql_args *a, const char *v)
{
    a->v[a->n++] = v;
}

apr_status_t cc_entity_list(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long parent_id,
                            const cc_list_query *lq, const cc_admin_actor *actor, json_object **out,
                            cc_admin_error *err)
{
    field_list l = all_fields(pool, kind);
    const char *where = "1 = 1", *order = "id", *sql;
    sql_args args;
    cc_rows *rows = NULL;
    json_object *items;
    long total = 0, first = (long)(lq->page - 1) * lq->per_page;
    int i;

    args.n = 0;
    args.v = apr_palloc(pool, sizeof(char *) * (apr_size_t)(2 * l.n + 4));
    if (kind->parent_column) {
        where = apr_pstrcat(pool, where, " AND ", kind->parent_column, " = %s", NULL);
        push(&args, apr_ltoa(pool, parent_id));
    }
    if (lq->q) {
        const char *any = NULL;
        const char *pattern = apr_pstrcat(pool, "%", lq->q, "%", NULL);
        for (i = 0; i < l.n; i++)
            if (l.f[i]->flags & CC_FIELD_SEARCH) {
                any = apr_pstrcat(pool, any ? any : "", any ? " OR " : "", "LOWER(", l.f[i]->name,
                                  ") LIKE LOWER(%s)", NULL);
                push(&args, pattern);
            }
        if (any)
            where = apr_pstrcat(pool, where, " AND (", any, ")", NULL);
    }
    for (i = 0; i < l.n; i++) {
        const char *v;
        if (!(l.f[i]->flags & CC_FIELD_FILTER) ||
            (v = apr_table_get(lq->args, l.f[i]->name)) == NULL || *v == '\0')
            continue;
        if (l.f[i]->type != CC_FIELD_TEXT && !cc_admin_parse_id(v) && strcmp(v, "0") != 0)
            return cc_admin_fail(err, 400, l.f[i]->name,
                                 apr_psprintf(pool, "%s must be a whole number", l.f[i]->name));
        where = apr_pstrcat(pool, where, " AND ", l.f[i]->name, " = %s", NULL);
        push(&args, v);
    }
    if (lq->sort) {
        const cc_field *f = find_field(&l, lq->sort);
        if (strcmp(lq->sort, "id") != 0 && (f == NULL || !(f->flags & CC_FIELD_SORT)))
            return cc_admin_fail(err, 422, "sort",
                                 apr_psprintf(pool, "a list of %ss cannot be sorted by \"%s\"",
                                              kind->label, lq->sort));
        /* A whitelisted column name, never the client's text. */
        order = f ? f->name : "id";
    }
    order = apr_pstrcat(pool, order, lq->desc ? " DESC" : " ASC", ", id", lq->desc ? " DESC" : "",
                        NULL);
    sql = apr_pstrcat(pool, "SELECT ", select_list(pool, kind, &l, 1), " FROM ", kind->table,
                      " WHERE ", where, " ORDER BY ", order, NULL);
    items = json_object_new_array();
    cc_json_owned(pool, items);
    if (kind->traits & CC_KIND_ACCESS) {
        /* The access rule is C (groups are comma-separated lists): read
         * the matching rows, keep the visible ones, and cut the page. */
        if (cc_db_select(db, pool, &rows, sql, args.n, args.v) != APR_SUCCESS)
            return cc_admin_db_fail(err, db, pool,
                                    apr_pstrcat(pool, "listing ", kind->label, "s", NULL));
        for (i = 0; i < rows->nrows; i++) {
            if (!row_allowed(kind, rows, i, actor))
                continue;
            if (total >= first && total < first + lq->per_page)
                json_object_array_add(items, cc_admin_row_json(kind, rows, i));
            total++;
        }
    } else {
        const char *count = NULL;
        if (cc_db_select_value(
                db, pool, &count,
                apr_pstrcat(pool, "SELECT COUNT(*) FROM ", kind->table, " WHERE ", where, NULL),
                args.n, args.v) != APR_SUCCESS)
            return cc_admin_db_fail(err, db, pool,
                                    apr_pstrcat(pool, "counting ", kind->label, "s", NULL));
        total = count ? cc_admin_number(count) : 0;
        sql = apr_psprintf(pool, "%s LIMIT %d OFFSET %ld", sql, lq->per_page, first);
        if (cc_db_select(db, pool, &rows, sql, args.n, args.v) != APR_SUCCESS)
            return cc_admin_db_fail(err, db, pool,
                                    apr_pstrcat(pool, "listing ", kind->label, "s", NULL));
        for (i = 0; i < rows->nrows; i++)
            json_object_array_add(items, cc_admin_row_json(kind, rows, i));
    }
    json_object_get(items); /* cc_list_answer takes a reference; the pool keeps its own */
    *out = cc_json_owned(pool, cc_list_answer(lq, items, total));
    return APR_SUCCESS;
}

static apr_status_t load_row(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long parent_id,
                             long id, const cc_admin_actor *actor, cc_rows **rows,
                             cc_admin_error *err)
{
    field_list l = all_fields(pool, kind);
    const char *args[] = {apr_ltoa(pool, id), apr_ltoa(pool, parent_id)};
    const char *sql = apr_pstrcat(pool, "SELECT ", select_list(pool, kind, &l, 0), " FROM ",
                                  kind->table, " WHERE id = %s", kind->parent_column ? " AND " : "",
                                  kind->parent_column ? kind->parent_column : "",
                                  kind->parent_column ? " = %s" : "", NULL);

    if (cc_db_select(db, pool, rows, sql, kind->parent_column ? 2 : 1, args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, apr_pstrcat(pool, "reading a ", kind->label, NULL));
    if ((*rows)->nrows == 0)
        return cc_admin_fail(err, 404, NULL,
                             apr_psprintf(pool, "there is no %s with id %ld", kind->label, id));
    if (!row_allowed(kind, *rows, 0, actor))
        return cc_admin_fail(err, 403, NULL,
                             apr_psprintf(pool,
                                          "you may not see %s %ld: it belongs to another "
                                          "user and is not shared with you",
                                          kind->label, id));
    return APR_SUCCESS;
}

apr_status_t cc_entity_get(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long parent_id,
                           long id, const cc_admin_actor *actor, json_object **out,
                           cc_admin_error *err)
{
    cc_rows *rows = NULL;
    apr_status_t rv = load_row(db, pool, kind, parent_id, id, actor, &rows, err);

    if (rv != APR_SUCCESS)
        return rv;
    *out = cc_json_owned(pool, cc_admin_row_json(kind, rows, 0));
    return APR_SUCCESS;
}

apr_status_t cc_entity_check(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long parent_id,
                             long id, const cc_admin_actor *actor, const char **name,
                             cc_admin_error *err)
{
    cc_rows *rows = NULL;
    apr_status_t rv = load_row(db, pool, kind, parent_id, id, actor, &rows, err);

    if (rv == APR_SUCCESS && name)
        *name = kind->unique_column ? row_value(rows, 0, kind->unique_column) : NULL;
    return rv;
}

static apr_status_t check_unique(cc_db *db, apr_pool_t *pool, const cc_kind *kind,
                                 const char *value, long self_id, cc_admin_error *err)
{
    const char *args[] = {value, apr_ltoa(pool, self_id)};
    const char *found = NULL;

    if (kind->unique_column == NULL || value == NULL)
        return APR_SUCCESS;
    if (cc_db_select_value(db, pool, &found,
                           apr_pstrcat(pool, "SELECT id FROM ", kind->table, " WHERE LOWER(",
                                       kind->unique_column, ") = LOWER(%s) AND id <> %s", NULL),
                           2, args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "checking a name");
    if (found)
        return cc_admin_fail(
            err, 409, kind->unique_column,
            apr_psprintf(pool, "a %s called \"%s\" exists already", kind->label, value));
    return APR_SUCCESS;
}

/* The writable fields present in in, checked: names and values. Keys that
 * are not writable fields are ignored, so that an object read with GET can
 * be sent back as it is. */
static apr_status_t collect(apr_pool_t *pool, const cc_kind *kind, const field_list *l,
                            json_object *in, int creating, apr_array_header_t *names,
                            apr_array_header_t *values, cc_admin_error *err)
{
    int i;

    for (i = 0; i < l->n; i++) {
        const cc_field *f = l->f[i];
        json_object *v = NULL;
        const char *text = NULL;
        if (!(f->flags & CC_FIELD_WRITE))
            continue;
        if (!json_object_object_get_ex(in, f->name, &v)) {
            if (creating && (f->flags & CC_FIELD_REQUIRED))
                return cc_admin_fail(err, 422, f->name,
                                     apr_psprintf(pool, "a new %s needs %s", kind->label, f->name));
            continue;
        }
        if (cc_admin_field_value(pool, f, v, &text, err) != APR_SUCCESS)
            return APR_EGENERAL;
        APR_ARRAY_PUSH(names, const char *) = f->name;
        APR_ARRAY_PUSH(values, const char *) = text;
    }
    return APR_SUCCESS;
}

static const char *value_of(apr_array_header_t *names, apr_array_header_t *values, const char *name,
                            int *present)
{
    int i;
    for (i = 0; i < names->nelts; i++)
        if (!strcmp(APR_ARRAY_IDX(names, i, const char *), name)) {
            *present = 1;
            return APR_ARRAY_IDX(values, i, const char *);
        }
    *present = 0;
    return NULL;
}

apr_status_t cc_admin_last_id(cc_db *db, apr_pool_t *pool, long *id)
{
    const char *sql = db->dialect == CC_DIALECT_SQLITE  ? "SELECT last_insert_rowid()"
                      : db->dialect == CC_DIALECT_MYSQL ? "SELECT LAST_INSERT_ID()"
                      : db->dialect == CC_DIALECT_PGSQL ? "SELECT lastval()"
                                                        : "SELECT @@IDENTITY";
    const char *value = NULL;
    apr_status_t rv = cc_db_select_value(db, pool, &value, sql, 0, NULL);

    if (rv != APR_SUCCESS)
        return rv;
    *id = value ? cc_admin_number(value) : 0;
    return *id > 0 ? APR_SUCCESS : APR_EGENERAL;
}

apr_status_t cc_entity_create(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long parent_id,
                              json_object *in, const cc_admin_actor *actor, long now, long *id,
                              cc_admin_error *err)
{
    field_list l = all_fields(pool, kind);
    apr_array_header_t *names = apr_array_make(pool, 16, sizeof(const char *));
    apr_array_header_t *values = apr_array_make(pool, 16, sizeof(const char *));
    const char *cols = NULL, *marks = NULL;
    int i, present = 0;
    const char *unique;

    if (collect(pool, kind, &l, in, 1, names, values, err) != APR_SUCCESS)
        return APR_EGENERAL;
    unique = kind->unique_column ? value_of(names, values, kind->unique_column, &present) : NULL;
    if (check_unique(db, pool, kind, unique, 0, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (kind->parent_column) {
        APR_ARRAY_PUSH(names, const char *) = kind->parent_column;
        APR_ARRAY_PUSH(values, const char *) = apr_ltoa(pool, parent_id);
    }
    if ((kind->traits & CC_KIND_ACCESS) && actor && actor->user_id > 0) {
        APR_ARRAY_PUSH(names, const char *) = "owner_id";
        APR_ARRAY_PUSH(values, const char *) = apr_ltoa(pool, actor->user_id);
    }
    if (kind->traits & (CC_KIND_AUDIT | CC_KIND_CREATED)) {
        APR_ARRAY_PUSH(names, const char *) = "created";
        APR_ARRAY_PUSH(values, const char *) = apr_ltoa(pool, now);
        APR_ARRAY_PUSH(names, const char *) = "updated";
        APR_ARRAY_PUSH(values, const char *) = apr_ltoa(pool, now);
    }
    if ((kind->traits & CC_KIND_AUDIT) && actor && actor->username) {
        APR_ARRAY_PUSH(names, const char *) = "updated_by";
        APR_ARRAY_PUSH(values, const char *) = actor->username;
    }
    for (i = 0; i < names->nelts; i++) {
        cols = apr_pstrcat(pool, cols ? cols : "", cols ? ", " : "",
                           APR_ARRAY_IDX(names, i, const char *), NULL);
        marks = apr_pstrcat(pool, marks ? marks : "", marks ? ", " : "", "%s", NULL);
    }
    if (cc_db_query(db, pool, NULL,
                    apr_pstrcat(pool, "INSERT INTO ", kind->table, " (", cols, ") VALUES (", marks,
                                ")", NULL),
                    names->nelts, (const char *const *)values->elts) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, apr_pstrcat(pool, "adding a ", kind->label, NULL));
    if (cc_admin_last_id(db, pool, id) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "reading the new id");
    return APR_SUCCESS;
}

apr_status_t cc_entity_update(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long parent_id,
                              long id, json_object *in, const cc_admin_actor *actor, long now,
                              cc_admin_error *err)
{
    field_list l = all_fields(pool, kind);
    apr_array_header_t *names = apr_array_make(pool, 16, sizeof(const char *));
    apr_array_header_t *values = apr_array_make(pool, 16, sizeof(const char *));
    const char *sets = NULL, *sql, *stored_revision = NULL, *unique;
    cc_rows *rows = NULL;
    int i, present = 0, affected = 0;

    if (load_row(db, pool, kind, parent_id, id, actor, &rows, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (kind->traits & CC_KIND_REVISION) {
        json_object *rev = NULL;
        stored_revision = row_value(rows, 0, "revision");
        if (!json_object_object_get_ex(in, "revision", &rev) ||
            !json_object_is_type(rev, json_type_int))
            return cc_admin_fail(err, 422, "revision",
                                 apr_psprintf(pool,
                                              "send the revision of the %s you loaded, so "
                                              "that changes made since are not lost",
                                              kind->label));
        if (stored_revision == NULL || json_object_get_int64(rev) != apr_atoi64(stored_revision)) {
            const char *by = row_value(rows, 0, "updated_by");
            const char *when = row_value(rows, 0, "updated");
            return cc_admin_fail(
                err, 409, "revision",
                apr_psprintf(pool,
                             "this %s was changed by %s at %s since you loaded it (revision %s, "
                             "you sent %" APR_INT64_T_FMT "); load it again and redo your change",
                             kind->label, by ? by : "someone",
                             when ? cc_admin_time_text(pool, cc_admin_number(when))
                                  : "an unknown time",
                             stored_revision ? stored_revision : "?", json_object_get_int64(rev)));
        }
    }
    if (collect(pool, kind, &l, in, 0, names, values, err) != APR_SUCCESS)
        return APR_EGENERAL;
    unique = kind->unique_column ? value_of(names, values, kind->unique_column, &present) : NULL;
    if (present && unique == NULL)
        return cc_admin_fail(err, 422, kind->unique_column,
                             apr_psprintf(pool, "%s must not be empty", kind->unique_column));
    if (check_unique(db, pool, kind, unique, id, err) != APR_SUCCESS)
        return APR_EGENERAL;
    for (i = 0; i < names->nelts; i++)
        sets = apr_pstrcat(pool, sets ? sets : "", sets ? ", " : "",
                           APR_ARRAY_IDX(names, i, const char *), " = %s", NULL);
    if (kind->traits & (CC_KIND_AUDIT | CC_KIND_CREATED)) {
        sets = apr_pstrcat(pool, sets ? sets : "", sets ? ", " : "", "updated = %s", NULL);
        APR_ARRAY_PUSH(values, const char *) = apr_ltoa(pool, now);
    }
    if (kind->traits & CC_KIND_AUDIT) {
        sets = apr_pstrcat(pool, sets, ", updated_by = %s", NULL);
        APR_ARRAY_PUSH(values, const char *) = actor && actor->username ? actor->username : NULL;
    }
    if (kind->traits & CC_KIND_REVISION)
        sets =
            apr_pstrcat(pool, sets ? sets : "", sets ? ", " : "", "revision = revision + 1", NULL);
    if (sets == NULL)
        return APR_SUCCESS;
    APR_ARRAY_PUSH(values, const char *) = apr_ltoa(pool, id);
    sql = apr_pstrcat(pool, "UPDATE ", kind->table, " SET ", sets, " WHERE id = %s", NULL);
    if (stored_revision) {
        /* The compare-and-swap: a writer between our read and here wins. */
        sql = apr_pstrcat(pool, sql, " AND revision = %s", NULL);
        APR_ARRAY_PUSH(values, const char *) = stored_revision;
    }
    if (cc_db_query(db, pool, &affected, sql, values->nelts, (const char *const *)values->elts) !=
        APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, apr_pstrcat(pool, "saving a ", kind->label, NULL));
    if (affected == 0)
        return cc_admin_fail(err, 409, "revision",
                             apr_psprintf(pool,
                                          "this %s was changed by someone else just now; "
                                          "load it again and redo your change",
                                          kind->label));
    return APR_SUCCESS;
}

apr_status_t cc_entity_delete(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long parent_id,
                              long id, const cc_admin_actor *actor, cc_admin_error *err)
{
    cc_rows *rows = NULL;
    const char *args[] = {apr_ltoa(pool, id)};

    if (load_row(db, pool, kind, parent_id, id, actor, &rows, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (cc_db_query(db, pool, NULL,
                    apr_pstrcat(pool, "DELETE FROM ", kind->table, " WHERE id = %s", NULL), 1,
                    args) != APR_SUCCESS)
        return cc_admin_db_fail(
            err, db, pool,
            apr_pstrcat(pool, "deleting a ", kind->label, " (is it still used elsewhere?)", NULL));
    return APR_SUCCESS;
}

apr_status_t cc_admin_in_transaction(cc_db *db, apr_pool_t *pool, cc_admin_txn_fn *fn, void *baton,
                                     cc_admin_error *err)
{
    apr_dbd_transaction_t *txn = NULL;
    apr_status_t rv;

    if (db->in_transaction)
        return fn(db, pool, baton, err);
    if (cc_db_begin(db, pool, &txn) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "starting a transaction");
    rv = fn(db, pool, baton, err);
    if (cc_db_end(db, pool, txn, rv != APR_SUCCESS) != APR_SUCCESS && rv == APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "committing");
    return rv;
}
