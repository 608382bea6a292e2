/* Data tables for the admin API: sorted, filtered pages of rows, one row,
 * deleting rows, and adding, dropping and renaming columns. */
#include "datatable.h"

#include "revision.h"

#include <apr_strings.h>
#include <string.h>

static apr_status_t failed(cc_db *db, apr_pool_t *pool, const char **errmsg, const char *what)
{
    *errmsg =
        apr_psprintf(pool, "%s: %s", what, db->last_error ? db->last_error : "the database failed");
    return APR_EGENERAL;
}

static int find_column(const cc_datatable *dt, const char *name)
{
    int i;

    for (i = 0; name && i < dt->ncols; i++)
        if (!strcasecmp(dt->cols[i].name, name))
            return i;
    return -1;
}

static const char *select_list(apr_pool_t *pool, cc_dialect d, const cc_datatable *dt)
{
    const char *list = NULL;
    int i;

    for (i = 0; i < dt->ncols; i++)
        list = apr_pstrcat(pool, list ? list : "", list ? ", " : "",
                           cc_datatable_quote(pool, d, dt->cols[i].name), NULL);
    return list;
}

/* The column as text, for LIKE on any type. */
static const char *as_text(apr_pool_t *pool, cc_dialect d, const char *quoted)
{
    switch (d) {
    case CC_DIALECT_MYSQL:
        return apr_pstrcat(pool, "CAST(", quoted, " AS CHAR)", NULL);
    case CC_DIALECT_ODBC:
        return apr_pstrcat(pool, "CAST(", quoted, " AS NVARCHAR(MAX))", NULL);
    default:
        return apr_pstrcat(pool, "CAST(", quoted, " AS TEXT)", NULL);
    }
}

apr_status_t cc_datatable_page(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                               const char *sort, int desc, int nfilters,
                               const char *const *filter_names, const char *const *filter_values,
                               apr_int64_t offset, int limit, cc_rows **out, apr_int64_t *total,
                               const char **errmsg)
{
    cc_dialect d = db->dialect;
    const char *table = cc_datatable_quote(pool, d, dt->name), *where = "", *order, *count = NULL;
    const char **args = apr_pcalloc(pool, sizeof(char *) * (apr_size_t)(nfilters + 1));
    int i, s = 0;

    if (offset < 0 || limit < 1 || limit > 10000) {
        *errmsg = "paging: offset 0 or more, limit 1 to 10000";
        return APR_EINVAL;
    }
    if (sort && (s = find_column(dt, sort)) < 0) {
        *errmsg = apr_psprintf(pool, "\"%s\" has no column \"%s\" to sort on", dt->name, sort);
        return APR_EINVAL;
    }
    for (i = 0; i < nfilters; i++) {
        int c = find_column(dt, filter_names[i]);
        if (c < 0) {
            *errmsg = apr_psprintf(pool, "\"%s\" has no column \"%s\" to filter on", dt->name,
                                   filter_names[i]);
            return APR_EINVAL;
        }
        where = apr_pstrcat(pool, where, i ? " AND " : " WHERE ", "LOWER(",
                            as_text(pool, d, cc_datatable_quote(pool, d, dt->cols[c].name)),
                            ") LIKE LOWER(%s)", NULL);
        args[i] = apr_pstrcat(pool, "%", filter_values[i], "%", NULL);
    }
    /* Column names come from the table's own description, never the
     * client's text. */
    order = apr_pstrcat(
        pool, cc_datatable_quote(pool, d, dt->cols[s].name), desc ? " DESC" : "",
        s ? apr_pstrcat(pool, ", ", cc_datatable_quote(pool, d, "id"), desc ? " DESC" : "", NULL)
          : "",
        NULL);
    if (cc_db_select_value(db, pool, &count,
                           apr_pstrcat(pool, "SELECT COUNT(*) FROM ", table, where, NULL), nfilters,
                           args) != APR_SUCCESS)
        return failed(db, pool, errmsg, "cannot count the rows");
    *total = count ? apr_atoi64(count) : 0;
    if (cc_db_select(
            db, pool, out,
            apr_psprintf(pool, "SELECT %s FROM %s%s ORDER BY %s LIMIT %d OFFSET %" APR_INT64_T_FMT,
                         select_list(pool, d, dt), table, where, order, limit, offset),
            nfilters, args) != APR_SUCCESS)
        return failed(db, pool, errmsg, "cannot read the rows");
    cc_datatable_out_rows(pool, dt, *out);
    return APR_SUCCESS;
}

apr_status_t cc_datatable_select(cc_db *db, apr_pool_t *pool, const cc_datatable *dt, int n,
                                 const char *const *names, const char *const *ops,
                                 const char *const *values, int limit, cc_rows **out,
                                 const char **errmsg)
{
    cc_dialect d = db->dialect;
    const char **args = apr_pcalloc(pool, sizeof(char *) * (apr_size_t)(n + 1));
    const char *where = "";
    int i, nargs = 0;

    if (limit < 1 || limit > 100000) {
        *errmsg = "at most 100000 rows at once";
        return APR_EINVAL;
    }
    for (i = 0; i < n; i++) {
        int c = find_column(dt, names[i]);
        const char *op = ops[i], *col;
        if (c < 0) {
            *errmsg = apr_psprintf(pool, "no column \"%s\" in \"%s\"", names[i], dt->name);
            return APR_EINVAL;
        }
        if (strcmp(op, "=") != 0 && strcmp(op, ">=") != 0 && strcmp(op, "<=") != 0 &&
            strcmp(op, "!=") != 0) {
            *errmsg = apr_psprintf(pool, "no comparison \"%s\"", op);
            return APR_EINVAL;
        }
        col = cc_datatable_quote(pool, d, dt->cols[c].name);
        if (values[i] == NULL)
            where = apr_pstrcat(pool, where, i ? " AND " : " WHERE ", col,
                                strcmp(op, "!=") == 0 ? " IS NOT NULL" : " IS NULL", NULL);
        else {
            /* The operator is one of four fixed strings, checked above. */
            where = apr_pstrcat(pool, where, i ? " AND " : " WHERE ", col, " ",
                                strcmp(op, "!=") == 0 ? "<>" : op, " %s", NULL);
            args[nargs++] = values[i];
        }
    }
    if (cc_db_select(db, pool, out,
                     apr_psprintf(pool, "SELECT %s FROM %s%s ORDER BY %s LIMIT %d",
                                  select_list(pool, d, dt), cc_datatable_quote(pool, d, dt->name),
                                  where, cc_datatable_quote(pool, d, "id"), limit),
                     nargs, args) != APR_SUCCESS)
        return failed(db, pool, errmsg, "cannot read the rows");
    cc_datatable_out_rows(pool, dt, *out);
    return APR_SUCCESS;
}

apr_status_t cc_datatable_row(cc_db *db, apr_pool_t *pool, const cc_datatable *dt, apr_int64_t id,
                              cc_rows **out, const char **errmsg)
{
    const char *args[] = {apr_psprintf(pool, "%" APR_INT64_T_FMT, id)};

    if (cc_db_select(db, pool, out,
                     apr_pstrcat(pool, "SELECT ", select_list(pool, db->dialect, dt), " FROM ",
                                 cc_datatable_quote(pool, db->dialect, dt->name), " WHERE ",
                                 cc_datatable_quote(pool, db->dialect, "id"), " = %s", NULL),
                     1, args) != APR_SUCCESS)
        return failed(db, pool, errmsg, "cannot read the row");
    if ((*out)->nrows == 0) {
        *errmsg = apr_psprintf(pool, "\"%s\" has no row %s", dt->name, args[0]);
        return APR_NOTFOUND;
    }
    cc_datatable_out_rows(pool, dt, *out);
    return APR_SUCCESS;
}

apr_status_t cc_datatable_delete_row(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                     apr_int64_t id, const char **errmsg)
{
    const char *args[] = {apr_psprintf(pool, "%" APR_INT64_T_FMT, id)};
    int affected = 0;

    if (cc_db_query(db, pool, &affected,
                    apr_pstrcat(pool, "DELETE FROM ",
                                cc_datatable_quote(pool, db->dialect, dt->name), " WHERE ",
                                cc_datatable_quote(pool, db->dialect, "id"), " = %s", NULL),
                    1, args) != APR_SUCCESS)
        return failed(db, pool, errmsg, "cannot delete the row");
    if (affected == 0) {
        *errmsg = apr_psprintf(pool, "\"%s\" has no row %s", dt->name, args[0]);
        return APR_NOTFOUND;
    }
    if (cc_revision_bump_table(db, pool, dt->name) != APR_SUCCESS)
        return failed(db, pool, errmsg, "cannot bump the table's revision");
    return APR_SUCCESS;
}

/* DDL, then the revision; the statement cache is emptied by cc_db_exec. */
static apr_status_t alter(cc_db *db, apr_pool_t *pool, const cc_datatable *dt, const char *sql,
                          const char **errmsg)
{
    if (cc_db_exec(db, sql) != APR_SUCCESS)
        return failed(db, pool, errmsg,
                      apr_psprintf(pool, "the database refused to change \"%s\"", dt->name));
    if (cc_revision_bump_table(db, pool, dt->name) != APR_SUCCESS)
        return failed(db, pool, errmsg, "cannot bump the table's revision");
    return APR_SUCCESS;
}

apr_status_t cc_datatable_add_column(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                     const cc_dt_column *col, const char **errmsg)
{
    apr_status_t rv = cc_datatable_check_column_name(pool, col->name, errmsg);

    if (rv != APR_SUCCESS)
        return rv;
    if (find_column(dt, col->name) >= 0) {
        *errmsg = apr_psprintf(pool, "\"%s\" has a column \"%s\" already", dt->name, col->name);
        return APR_EEXIST;
    }
    if (dt->ncols >= CC_DT_MAX_COLUMNS) {
        *errmsg = apr_psprintf(pool, "a data table has at most %d columns", CC_DT_MAX_COLUMNS);
        return APR_EINVAL;
    }
    if (col->type < CC_DT_BOOLEAN || col->type >= CC_DT_UNKNOWN ||
        (col->type == CC_DT_STRING && (col->length < 1 || col->length > 65535))) {
        *errmsg = apr_psprintf(pool, "column \"%s\": bad type or size", col->name);
        return APR_EINVAL;
    }
    /* Existing rows get NULL, so the column is nullable. */
    return alter(db, pool, dt,
                 apr_pstrcat(pool, "ALTER TABLE ", cc_datatable_quote(pool, db->dialect, dt->name),
                             " ADD COLUMN ", cc_datatable_quote(pool, db->dialect, col->name), " ",
                             cc_datatable_sql_type(pool, db->dialect, col), NULL),
                 errmsg);
}

static apr_status_t existing_column(apr_pool_t *pool, const cc_datatable *dt, const char *name,
                                    const char **errmsg)
{
    int c = find_column(dt, name);

    if (c < 0) {
        *errmsg = apr_psprintf(pool, "\"%s\" has no column \"%s\"", dt->name, name ? name : "");
        return APR_NOTFOUND;
    }
    if (c == 0) {
        *errmsg = "the column \"id\" is the table's key and cannot be changed";
        return APR_EINVAL;
    }
    return APR_SUCCESS;
}

apr_status_t cc_datatable_drop_column(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                      const char *name, const char **errmsg)
{
    apr_status_t rv = existing_column(pool, dt, name, errmsg);

    if (rv != APR_SUCCESS)
        return rv;
    return alter(db, pool, dt,
                 apr_pstrcat(pool, "ALTER TABLE ", cc_datatable_quote(pool, db->dialect, dt->name),
                             " DROP COLUMN ", cc_datatable_quote(pool, db->dialect, name), NULL),
                 errmsg);
}

apr_status_t cc_datatable_rename_column(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                        const char *name, const char *new_name, const char **errmsg)
{
    apr_status_t rv = existing_column(pool, dt, name, errmsg);

    if (rv == APR_SUCCESS)
        rv = cc_datatable_check_column_name(pool, new_name, errmsg);
    if (rv != APR_SUCCESS)
        return rv;
    if (strcasecmp(name, new_name) != 0 && find_column(dt, new_name) >= 0) {
        *errmsg = apr_psprintf(pool, "\"%s\" has a column \"%s\" already", dt->name, new_name);
        return APR_EEXIST;
    }
    return alter(db, pool, dt,
                 apr_pstrcat(pool, "ALTER TABLE ", cc_datatable_quote(pool, db->dialect, dt->name),
                             " RENAME COLUMN ", cc_datatable_quote(pool, db->dialect, name), " TO ",
                             cc_datatable_quote(pool, db->dialect, new_name), NULL),
                 errmsg);
}
