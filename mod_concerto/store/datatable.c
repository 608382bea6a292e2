#include "datatable.h"

#include "migrate.h"
#include "revision.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#define DT_READ_CHUNK 65536
#define DT_WRITE_CHUNK 65536
#define DT_EXPORT_BATCH 1000
#define DT_DEFAULT_MAX_RECORD ((apr_size_t)16 * 1024 * 1024)
#define DT_JSON_MAX_DEPTH 256

/* ------------------------------------------------------------------ */
/* Names                                                               */

/* The platform's own tables, and names reserved for ones to come. */
/* clang-format off */
static const char *const system_tables[] = {
    "concerto_user", "role", "user_role", "view_template", "test", "test_variable", "test_node",
    "test_node_port", "test_node_connection", "data_table", "test_session", "test_session_log",
    "test_session_count", "administration_setting", "scheduled_task", "concerto_schema",
    "test_wizard", "test_wizard_step", "test_wizard_param", "message", NULL};
/* clang-format on */
static const char *const reserved_prefixes[] = {"concerto_", "sqlite_", "pg_", NULL};

/* Words reserved in PostgreSQL, SQLite, MySQL or SQL Server that would
 * break SQL written without quotes (R code of Concerto tests does that). */
/* clang-format off */
static const char *const sql_keywords[] = {
    "abort", "add", "all", "alter", "analyse", "analyze", "and", "any", "array", "as", "asc",
    "asymmetric", "authorization", "begin", "between", "binary", "both", "by", "cascade", "case",
    "cast", "check", "collate", "collation", "column", "commit", "concurrently", "constraint",
    "create", "cross", "current_date", "current_role", "current_time", "current_timestamp",
    "current_user", "database", "default", "deferrable", "delete", "desc", "distinct", "do",
    "drop", "else", "end", "escape", "except", "exists", "explain", "false", "fetch", "for",
    "foreign", "freeze", "from", "full", "glob", "grant", "group", "having", "if", "ilike", "in",
    "index", "initially", "inner", "insert", "intersect", "into", "is", "isnull", "join", "key",
    "lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp", "match",
    "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order", "outer",
    "overlaps", "placing", "pragma", "primary", "references", "regexp", "rename", "replace",
    "returning", "revoke", "right", "rollback", "rowid", "schema", "select", "session_user",
    "set", "similar", "some", "symmetric", "table", "tablesample", "then", "to", "trailing",
    "transaction", "trigger", "true", "union", "unique", "update", "user", "using", "vacuum",
    "values", "variadic", "verbose", "view", "when", "where", "window", "with", NULL};
/* clang-format on */

static int in_list(const char *const *list, const char *name)
{
    int i;

    for (i = 0; list[i]; i++)
        if (!strcasecmp(list[i], name))
            return 1;
    return 0;
}

static apr_status_t check_identifier(apr_pool_t *pool, const char *what, const char *name,
                                     const char **errmsg)
{
    apr_size_t i, len = name ? strlen(name) : 0;

    if (len == 0) {
        *errmsg = apr_psprintf(pool, "a %s name is needed", what);
        return APR_EINVAL;
    }
    if (len > CC_DT_NAME_MAX) {
        *errmsg = apr_psprintf(pool, "the %s name \"%.64s...\" is longer than %d characters", what,
                               name, CC_DT_NAME_MAX);
        return APR_EINVAL;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        int ok = (c < 128) && (i == 0 ? apr_isalpha(c) : (apr_isalnum(c) || c == '_'));
        if (!ok) {
            *errmsg = apr_psprintf(pool,
                                   "the %s name \"%s\" is not allowed: use a letter first, then "
                                   "letters, digits or _ (A-Z, a-z, 0-9)",
                                   what, name);
            return APR_EINVAL;
        }
    }
    if (in_list(sql_keywords, name)) {
        *errmsg =
            apr_psprintf(pool, "the %s name \"%s\" is an SQL keyword; choose another", what, name);
        return APR_EINVAL;
    }
    return APR_SUCCESS;
}

apr_status_t cc_datatable_check_name(apr_pool_t *pool, const char *name, const char **errmsg)
{
    apr_status_t rv = check_identifier(pool, "table", name, errmsg);
    int i;

    if (rv != APR_SUCCESS)
        return rv;
    if (in_list(system_tables, name)) {
        *errmsg =
            apr_psprintf(pool, "\"%s\" is the name of one of the platform's own tables", name);
        return APR_EINVAL;
    }
    for (i = 0; reserved_prefixes[i]; i++) {
        if (!strncasecmp(name, reserved_prefixes[i], strlen(reserved_prefixes[i]))) {
            *errmsg = apr_psprintf(pool, "table names starting with \"%s\" are reserved",
                                   reserved_prefixes[i]);
            return APR_EINVAL;
        }
    }
    return APR_SUCCESS;
}

apr_status_t cc_datatable_check_column_name(apr_pool_t *pool, const char *name, const char **errmsg)
{
    return check_identifier(pool, "column", name, errmsg);
}

/* An identifier in the dialect's quotes; names are checked first, so no
 * quote character can be inside. */
const char *cc_datatable_quote(apr_pool_t *pool, cc_dialect dialect, const char *name)
{
    switch (dialect) {
    case CC_DIALECT_MYSQL:
        return apr_pstrcat(pool, "`", name, "`", NULL);
    case CC_DIALECT_ODBC:
        return apr_pstrcat(pool, "[", name, "]", NULL);
    default:
        return apr_pstrcat(pool, "\"", name, "\"", NULL);
    }
}

/* ------------------------------------------------------------------ */
/* Types                                                               */

static const char *const type_names[] = {"boolean",  "bigint", "date",    "datetime",
                                         "decimal",  "float",  "integer", "json",
                                         "smallint", "string", "text",    "unknown"};

const char *cc_dt_type_name(cc_dt_type type)
{
    return (type >= CC_DT_BOOLEAN && type <= CC_DT_UNKNOWN) ? type_names[type] : "unknown";
}

static int parse_small_int(const char *s, const char **end, int *out)
{
    long v = 0;
    const char *p = s;

    while (*p == ' ')
        p++;
    if (!apr_isdigit(*p))
        return 0;
    while (apr_isdigit(*p)) {
        v = v * 10 + (*p - '0');
        if (v > 100000)
            return 0;
        p++;
    }
    while (*p == ' ')
        p++;
    *out = (int)v;
    *end = p;
    return 1;
}

apr_status_t cc_dt_type_parse(apr_pool_t *pool, const char *spec, cc_dt_column *col,
                              const char **errmsg)
{
    const char *open = spec ? strchr(spec, '(') : NULL;
    const char *word = open ? apr_pstrmemdup(pool, spec, open - spec) : spec;
    int t, found = -1;

    if (word == NULL)
        word = "";
    for (t = CC_DT_BOOLEAN; t < CC_DT_UNKNOWN; t++)
        if (!strcasecmp(word, type_names[t]))
            found = t;
    if (found < 0) {
        *errmsg = apr_psprintf(pool,
                               "unknown column type \"%s\" (boolean, bigint, date, datetime, "
                               "decimal, float, integer, json, smallint, string, text)",
                               spec ? spec : "");
        return APR_EINVAL;
    }
    col->type = (cc_dt_type)found;
    col->length = found == CC_DT_STRING ? 1024 : found == CC_DT_DECIMAL ? 10 : 0;
    col->scale = found == CC_DT_DECIMAL ? 2 : 0;
    if (open) {
        const char *p = open + 1;
        int a = 0, b = -1, ok = parse_small_int(p, &p, &a);
        if (ok && found == CC_DT_DECIMAL && *p == ',')
            ok = parse_small_int(p + 1, &p, &b);
        ok = ok && p[0] == ')' && p[1] == '\0';
        if (!ok || (found != CC_DT_STRING && found != CC_DT_DECIMAL)) {
            *errmsg = apr_psprintf(pool,
                                   "bad column type \"%s\": only string(LENGTH) and "
                                   "decimal(PRECISION[,SCALE]) take a size",
                                   spec);
            return APR_EINVAL;
        }
        if (found == CC_DT_STRING && (a < 1 || a > 65535)) {
            *errmsg =
                apr_psprintf(pool, "bad column type \"%s\": a string length is 1 to 65535", spec);
            return APR_EINVAL;
        }
        if (found == CC_DT_DECIMAL) {
            if (b < 0)
                b = 0;
            if (a < 1 || a > 38 || b > a) {
                *errmsg = apr_psprintf(pool,
                                       "bad column type \"%s\": decimal precision is 1 to 38 and "
                                       "the scale at most the precision",
                                       spec);
                return APR_EINVAL;
            }
            col->scale = b;
        }
        col->length = a;
    }
    return APR_SUCCESS;
}

const char *cc_dt_type_format(apr_pool_t *pool, const cc_dt_column *col)
{
    if (col->type == CC_DT_STRING)
        return apr_psprintf(pool, "string(%d)", col->length);
    if (col->type == CC_DT_DECIMAL)
        return apr_psprintf(pool, "decimal(%d,%d)", col->length, col->scale);
    if (col->type == CC_DT_UNKNOWN && col->db_type)
        return col->db_type;
    return cc_dt_type_name(col->type);
}

/* The column type in the dialect's SQL. Only where databases differ does
 * this depend on the dialect. */
const char *cc_datatable_sql_type(apr_pool_t *pool, cc_dialect d, const cc_dt_column *col)
{
    switch (col->type) {
    case CC_DT_BOOLEAN:
        return d == CC_DIALECT_MYSQL    ? "TINYINT(1)"
               : d == CC_DIALECT_ODBC   ? "BIT"
               : d == CC_DIALECT_ORACLE ? "NUMBER(1)"
                                        : "BOOLEAN";
    case CC_DT_BIGINT:
        return d == CC_DIALECT_ORACLE ? "NUMBER(19)" : "BIGINT";
    case CC_DT_DATE:
        return "DATE";
    case CC_DT_DATETIME:
        return d == CC_DIALECT_PGSQL || d == CC_DIALECT_ORACLE ? "TIMESTAMP"
               : d == CC_DIALECT_ODBC                          ? "DATETIME2"
                                                               : "DATETIME";
    case CC_DT_DECIMAL:
        return apr_psprintf(pool, "DECIMAL(%d,%d)", col->length, col->scale);
    case CC_DT_FLOAT:
        return d == CC_DIALECT_SQLITE  ? "FLOAT"
               : d == CC_DIALECT_MYSQL ? "DOUBLE"
               : d == CC_DIALECT_ODBC  ? "FLOAT"
                                       : "DOUBLE PRECISION";
    case CC_DT_INTEGER:
        return "INTEGER";
    case CC_DT_JSON:
        /* SQLite: TEXT affinity (a bare JSON would be NUMERIC and turn
         * "1.50" into 1.5), with JSON in the declared type for describe. */
        return d == CC_DIALECT_SQLITE   ? "JSON TEXT"
               : d == CC_DIALECT_ODBC   ? "NVARCHAR(MAX)"
               : d == CC_DIALECT_ORACLE ? "CLOB"
                                        : "JSON";
    case CC_DT_SMALLINT:
        return "SMALLINT";
    case CC_DT_STRING:
        return apr_psprintf(pool, "%s(%d)", d == CC_DIALECT_ODBC ? "NVARCHAR" : "VARCHAR",
                            col->length);
    case CC_DT_TEXT:
    case CC_DT_UNKNOWN:
        break;
    }
    return cc_schema_expand(pool, d, "@TEXT@");
}

/* A catalogue type (SQLite declared type, or information_schema data_type
 * with its sizes) back to ours. */
static void dt_type_from_db(apr_pool_t *pool, cc_dt_column *col, const char *db_type,
                            const char *charlen, const char *precision, const char *scale)
{
    char *t = apr_pstrdup(pool, db_type ? db_type : "");
    char *open;
    int a = 0, b = 0;
    const char *end;

    for (open = t; *open; open++)
        *open = (char)apr_tolower(*open);
    col->db_type = db_type ? apr_pstrdup(pool, db_type) : "";
    col->length = 0;
    col->scale = 0;
    open = strchr(t, '(');
    if (open) {
        *open = '\0';
        if (parse_small_int(open + 1, &end, &a) && *end == ',')
            parse_small_int(end + 1, &end, &b);
        while (open > t && open[-1] == ' ')
            *--open = '\0';
    }
    if (!open) {
        a = (int)strtol(charlen ? charlen : precision ? precision : "0", NULL, 10);
        b = (int)strtol(scale ? scale : "0", NULL, 10);
    }
    if (!strcmp(t, "boolean") || !strcmp(t, "bool") || !strcmp(t, "bit") ||
        (!strcmp(t, "tinyint") && (a == 1 || a == 3 || a == 0)))
        col->type = CC_DT_BOOLEAN;
    else if (!strcmp(t, "bigint") || !strcmp(t, "int8"))
        col->type = CC_DT_BIGINT;
    else if (!strcmp(t, "integer") || !strcmp(t, "int") || !strcmp(t, "int4"))
        col->type = CC_DT_INTEGER;
    else if (!strcmp(t, "smallint") || !strcmp(t, "int2"))
        col->type = CC_DT_SMALLINT;
    else if (!strcmp(t, "date"))
        col->type = CC_DT_DATE;
    else if (!strcmp(t, "datetime") || !strcmp(t, "datetime2") || !strcmp(t, "timestamp") ||
             !strcmp(t, "timestamp without time zone"))
        col->type = CC_DT_DATETIME;
    else if (!strcmp(t, "decimal") || !strcmp(t, "numeric")) {
        col->type = CC_DT_DECIMAL;
        col->length = a > 0 ? a : 10;
        col->scale = b;
    } else if (!strcmp(t, "float") || !strcmp(t, "double") || !strcmp(t, "double precision") ||
               !strcmp(t, "real") || !strcmp(t, "float8"))
        col->type = CC_DT_FLOAT;
    else if (!strcmp(t, "json") || !strcmp(t, "jsonb") || !strcmp(t, "json text"))
        col->type = CC_DT_JSON;
    else if ((!strcmp(t, "varchar") || !strcmp(t, "character varying") || !strcmp(t, "nvarchar")) &&
             a > 0) {
        col->type = CC_DT_STRING;
        col->length = a;
    } else if (!strcmp(t, "text") || !strcmp(t, "longtext") || !strcmp(t, "mediumtext") ||
               !strcmp(t, "clob") || !strcmp(t, "varchar") || !strcmp(t, "character varying") ||
               !strcmp(t, "nvarchar"))
        col->type = CC_DT_TEXT;
    else
        col->type = CC_DT_UNKNOWN;
}

/* ------------------------------------------------------------------ */
/* Presets (spec 8.2)                                                  */

static const cc_dt_column preset_items[] = {
    {"fixedIndex", CC_DT_INTEGER, 0, 0, 1, NULL}, {"trait", CC_DT_STRING, 1024, 0, 1, NULL},
    {"question", CC_DT_TEXT, 0, 0, 0, NULL},      {"responseOptions", CC_DT_TEXT, 0, 0, 0, NULL},
    {"p1", CC_DT_FLOAT, 0, 0, 1, NULL},           {"p2", CC_DT_FLOAT, 0, 0, 1, NULL},
    {"p3", CC_DT_FLOAT, 0, 0, 1, NULL},           {"p4", CC_DT_FLOAT, 0, 0, 1, NULL},
    {"skippable", CC_DT_BOOLEAN, 0, 0, 1, NULL},  {"instructions", CC_DT_TEXT, 0, 0, 1, NULL},
    {"itemSet", CC_DT_STRING, 32, 0, 1, NULL}};

static const cc_dt_column preset_responses[] = {{"item_id", CC_DT_BIGINT, 0, 0, 0, NULL},
                                                {"response", CC_DT_STRING, 1024, 0, 0, NULL},
                                                {"score", CC_DT_FLOAT, 0, 0, 1, NULL},
                                                {"timeTaken", CC_DT_FLOAT, 0, 0, 0, NULL},
                                                {"session_id", CC_DT_STRING, 1024, 0, 0, NULL},
                                                /* nullable, unlike Concerto's: an
                                                 * estimate that does not exist yet
                                                 * (SEM before any information) */
                                                {"theta", CC_DT_FLOAT, 0, 0, 1, NULL},
                                                {"sem", CC_DT_FLOAT, 0, 0, 1, NULL},
                                                {"trait", CC_DT_STRING, 1024, 0, 1, NULL},
                                                {"skipped", CC_DT_BOOLEAN, 0, 0, 0, NULL},
                                                {"createdTime", CC_DT_DATETIME, 0, 0, 1, NULL},
                                                {"updateTime", CC_DT_DATETIME, 0, 0, 1, NULL}};

const cc_dt_column *cc_dt_preset_columns(cc_dt_preset preset, int *ncols)
{
    switch (preset) {
    case CC_DT_PRESET_ITEMS:
        *ncols = (int)(sizeof(preset_items) / sizeof(preset_items[0]));
        return preset_items;
    case CC_DT_PRESET_RESPONSES:
        *ncols = (int)(sizeof(preset_responses) / sizeof(preset_responses[0]));
        return preset_responses;
    case CC_DT_PRESET_NONE:
        break;
    }
    *ncols = 0;
    return NULL;
}

apr_status_t cc_dt_preset_parse(const char *word, cc_dt_preset *out)
{
    if (word && (!strcmp(word, "items") || !strcmp(word, "assessmentItems")))
        *out = CC_DT_PRESET_ITEMS;
    else if (word && (!strcmp(word, "responses") || !strcmp(word, "assessmentResponses")))
        *out = CC_DT_PRESET_RESPONSES;
    else
        return APR_EINVAL;
    return APR_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Tables                                                              */

static apr_status_t db_failed(cc_db *db, apr_pool_t *pool, const char **errmsg, const char *what)
{
    *errmsg =
        apr_psprintf(pool, "%s: %s", what, db->last_error ? db->last_error : "the database failed");
    return APR_EGENERAL;
}

/* A rollback that undid DDL leaves statements prepared inside the
 * transaction stale (SQLite's legacy prepare does not recompile them):
 * the connection's cache must forget them. */
static void dt_forget_statements(cc_db *db)
{
    apr_hash_clear(db->statements);
}

/* DDL inside a transaction is undone by a rollback. */
static int dt_transactional_ddl(cc_dialect d)
{
    return d == CC_DIALECT_SQLITE || d == CC_DIALECT_PGSQL || d == CC_DIALECT_ODBC;
}

/* Any table or view whose name equals name, ignoring case. */
static apr_status_t dt_name_taken(cc_db *db, apr_pool_t *pool, const char *name, int *taken)
{
    const char *sql;
    const char *found = NULL;
    const char *args[] = {name, NULL};
    apr_status_t rv;

    switch (db->dialect) {
    case CC_DIALECT_SQLITE:
        sql = "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
              "AND LOWER(name) = LOWER(%s)";
        break;
    case CC_DIALECT_PGSQL:
        sql = "SELECT table_name FROM information_schema.tables "
              "WHERE table_schema = current_schema() AND LOWER(table_name) = LOWER(%s)";
        break;
    case CC_DIALECT_MYSQL:
        sql = "SELECT table_name FROM information_schema.tables "
              "WHERE table_schema = DATABASE() AND LOWER(table_name) = LOWER(%s)";
        break;
    case CC_DIALECT_ORACLE:
        sql = "SELECT table_name FROM user_tables WHERE LOWER(table_name) = LOWER(%s)";
        break;
    default:
        sql = "SELECT table_name FROM information_schema.tables WHERE LOWER(table_name) = "
              "LOWER(%s)";
        break;
    }
    rv = cc_db_select_value(db, pool, &found, sql, 1, args);
    if (rv == APR_SUCCESS && found == NULL)
        rv = cc_db_select_value(
            db, pool, &found, "SELECT name FROM data_table WHERE LOWER(name) = LOWER(%s)", 1, args);
    *taken = (rv == APR_SUCCESS && found != NULL);
    return rv;
}

/* CREATE TABLE and the data_table row, inside the caller's transaction. */
static apr_status_t dt_create(cc_db *db, apr_pool_t *pool, const char *name,
                              const char *description, const cc_dt_column *cols, int ncols,
                              const char *updated_by, const char **errmsg)
{
    apr_array_header_t *parts;
    const char *now = apr_psprintf(pool, "%ld", (long)time(NULL));
    const char *args[] = {name, description, now, now, updated_by, NULL};
    apr_status_t rv = cc_datatable_check_name(pool, name, errmsg);
    int i, j, taken = 0;

    if (rv != APR_SUCCESS)
        return rv;
    if (ncols < 0 || ncols > CC_DT_MAX_COLUMNS - 1) {
        *errmsg = apr_psprintf(pool, "a data table has at most %d columns", CC_DT_MAX_COLUMNS);
        return APR_EINVAL;
    }
    for (i = 0; i < ncols; i++) {
        rv = cc_datatable_check_column_name(pool, cols[i].name, errmsg);
        if (rv == APR_SUCCESS && !strcasecmp(cols[i].name, "id")) {
            *errmsg = "the column \"id\" is made by the platform (bigint, auto-increment "
                      "primary key); leave it out";
            rv = APR_EINVAL;
        }
        for (j = 0; rv == APR_SUCCESS && j < i; j++) {
            if (!strcasecmp(cols[i].name, cols[j].name)) {
                *errmsg = apr_psprintf(pool, "two columns are named \"%s\"", cols[i].name);
                rv = APR_EINVAL;
            }
        }
        if (rv == APR_SUCCESS &&
            (cols[i].type < CC_DT_BOOLEAN || cols[i].type >= CC_DT_UNKNOWN ||
             (cols[i].type == CC_DT_STRING && (cols[i].length < 1 || cols[i].length > 65535)) ||
             (cols[i].type == CC_DT_DECIMAL &&
              (cols[i].length < 1 || cols[i].length > 38 || cols[i].scale < 0 ||
               cols[i].scale > cols[i].length)))) {
            *errmsg = apr_psprintf(pool, "column \"%s\": bad type or size", cols[i].name);
            rv = APR_EINVAL;
        }
        if (rv != APR_SUCCESS)
            return rv;
    }
    rv = dt_name_taken(db, pool, name, &taken);
    if (rv != APR_SUCCESS)
        return db_failed(db, pool, errmsg, "cannot look up the table names");
    if (taken) {
        *errmsg = apr_psprintf(pool, "a table named \"%s\" already exists", name);
        return APR_EEXIST;
    }
    parts = apr_array_make(pool, ncols + 1, sizeof(const char *));
    APR_ARRAY_PUSH(parts, const char *) =
        apr_pstrcat(pool, cc_datatable_quote(pool, db->dialect, "id"), " ",
                    cc_schema_expand(pool, db->dialect, "@ID@"), NULL);
    for (i = 0; i < ncols; i++)
        APR_ARRAY_PUSH(parts, const char *) =
            apr_pstrcat(pool, cc_datatable_quote(pool, db->dialect, cols[i].name), " ",
                        cc_datatable_sql_type(pool, db->dialect, &cols[i]),
                        cols[i].nullable ? "" : " NOT NULL", NULL);
    rv = cc_db_exec(db,
                    apr_pstrcat(pool, "CREATE TABLE ", cc_datatable_quote(pool, db->dialect, name),
                                " (", apr_array_pstrcat(pool, parts, ','), ")",
                                cc_schema_table_options(db->dialect), NULL));
    if (rv != APR_SUCCESS)
        return db_failed(db, pool, errmsg, apr_psprintf(pool, "cannot create table \"%s\"", name));
    rv = cc_db_query(db, pool, NULL,
                     "INSERT INTO data_table (name, description, created, updated, updated_by) "
                     "VALUES (%s, %s, %s, %s, %s)",
                     5, args);
    if (rv != APR_SUCCESS)
        return db_failed(db, pool, errmsg,
                         apr_psprintf(pool, "cannot register data table \"%s\"", name));
    return APR_SUCCESS;
}

static apr_status_t dt_drop_table(cc_db *db, apr_pool_t *pool, const char *name)
{
    return cc_db_exec(
        db, apr_pstrcat(pool, "DROP TABLE ", cc_datatable_quote(pool, db->dialect, name), NULL));
}

apr_status_t cc_datatable_create(cc_db *db, apr_pool_t *pool, const char *name,
                                 const char *description, const cc_dt_column *cols, int ncols,
                                 const char *updated_by, const char **errmsg)
{
    apr_dbd_transaction_t *txn = NULL;
    int own = !db->in_transaction;
    apr_status_t rv, end;

    /* Inside a caller's transaction (a content import) the table is part of it. */
    if (!own)
        return dt_create(db, pool, name, description, cols, ncols, updated_by, errmsg);
    rv = cc_db_begin(db, pool, &txn);
    if (rv != APR_SUCCESS)
        return db_failed(db, pool, errmsg, "cannot start a transaction");
    rv = dt_create(db, pool, name, description, cols, ncols, updated_by, errmsg);
    end = cc_db_end(db, pool, txn, rv != APR_SUCCESS);
    if (rv != APR_SUCCESS || end != APR_SUCCESS)
        dt_forget_statements(db);
    if (rv == APR_SUCCESS && end != APR_SUCCESS)
        rv = db_failed(db, pool, errmsg, "cannot commit");
    return rv;
}

apr_status_t cc_datatable_create_preset(cc_db *db, apr_pool_t *pool, const char *name,
                                        cc_dt_preset preset, const char **errmsg)
{
    int ncols = 0;
    const cc_dt_column *cols = cc_dt_preset_columns(preset, &ncols);

    if (cols == NULL) {
        *errmsg = "unknown preset (items or responses)";
        return APR_EINVAL;
    }
    return cc_datatable_create(db, pool, name,
                               preset == CC_DT_PRESET_ITEMS ? "assessment item bank"
                                                            : "assessment responses",
                               cols, ncols, NULL, errmsg);
}

static apr_status_t dt_columns(cc_db *db, apr_pool_t *pool, const char *name, cc_rows **rows)
{
    const char *args[] = {name, NULL};
    const char *sql;

    switch (db->dialect) {
    case CC_DIALECT_SQLITE:
        sql = "SELECT name, type, CASE WHEN \"notnull\" = 0 AND pk = 0 THEN 'YES' ELSE 'NO' END, "
              "NULL, NULL, NULL FROM pragma_table_info(%s) ORDER BY cid";
        break;
    case CC_DIALECT_PGSQL:
        sql = "SELECT column_name, data_type, is_nullable, character_maximum_length, "
              "numeric_precision, numeric_scale FROM information_schema.columns "
              "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position";
        break;
    case CC_DIALECT_MYSQL:
        sql = "SELECT column_name, column_type, is_nullable, NULL, NULL, NULL "
              "FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = %s "
              "ORDER BY ordinal_position";
        break;
    default:
        sql = "SELECT column_name, data_type, is_nullable, character_maximum_length, "
              "numeric_precision, numeric_scale FROM information_schema.columns "
              "WHERE table_name = %s ORDER BY ordinal_position";
        break;
    }
    return cc_db_select(db, pool, rows, sql, 1, args);
}

apr_status_t cc_datatable_describe(cc_db *db, apr_pool_t *pool, const char *name,
                                   cc_datatable **out, const char **errmsg)
{
    const char *args[] = {name, NULL};
    cc_rows *meta = NULL, *cols = NULL;
    cc_datatable *dt;
    apr_status_t rv;
    int i, n = 1;

    *out = NULL;
    if (name == NULL || cc_datatable_check_name(pool, name, errmsg) != APR_SUCCESS) {
        *errmsg = apr_psprintf(pool, "no data table \"%s\"", name ? name : "");
        return APR_NOTFOUND;
    }
    rv = cc_db_select(db, pool, &meta,
                      "SELECT id, name, description FROM data_table WHERE name = %s", 1, args);
    if (rv != APR_SUCCESS)
        return db_failed(db, pool, errmsg, "cannot read the data tables");
    if (meta->nrows == 0) {
        *errmsg = apr_psprintf(pool, "no data table \"%s\"", name);
        return APR_NOTFOUND;
    }
    rv = dt_columns(db, pool, name, &cols);
    if (rv != APR_SUCCESS)
        return db_failed(db, pool, errmsg,
                         apr_psprintf(pool, "cannot read the columns of \"%s\"", name));
    if (cols->nrows == 0) {
        *errmsg =
            apr_psprintf(pool, "data table \"%s\" is registered but its table is missing", name);
        return APR_NOTFOUND;
    }
    dt = apr_pcalloc(pool, sizeof(*dt));
    dt->id = strtol(meta->values[0][0], NULL, 10);
    dt->name = meta->values[0][1];
    dt->description = meta->values[0][2];
    dt->cols = apr_pcalloc(pool, sizeof(cc_dt_column) * (cols->nrows + 1));
    for (i = 0; i < cols->nrows; i++) {
        const char *const *v = cols->values[i];
        cc_dt_column *col;
        if (v[0] && !strcmp(v[0], "id")) {
            col = &dt->cols[0];
        } else {
            if (n > cols->nrows - 1)
                break; /* no id column: caught below */
            col = &dt->cols[n++];
        }
        col->name = v[0];
        col->nullable = v[2] && !strcasecmp(v[2], "YES");
        dt_type_from_db(pool, col, v[1], v[3], v[4], v[5]);
    }
    if (dt->cols[0].name == NULL) {
        *errmsg = apr_psprintf(pool, "data table \"%s\" has no id column", name);
        return APR_EGENERAL;
    }
    dt->cols[0].type = CC_DT_BIGINT; /* INTEGER PRIMARY KEY on SQLite */
    dt->cols[0].nullable = 0;
    dt->ncols = n;
    *out = dt;
    return APR_SUCCESS;
}

apr_status_t cc_datatable_list(cc_db *db, apr_pool_t *pool, apr_array_header_t **names,
                               const char **errmsg)
{
    cc_rows *rows = NULL;
    int i;

    if (cc_db_select(db, pool, &rows, "SELECT name FROM data_table ORDER BY name", 0, NULL) !=
        APR_SUCCESS)
        return db_failed(db, pool, errmsg, "cannot read the data tables");
    *names = apr_array_make(pool, rows->nrows + 1, sizeof(const char *));
    for (i = 0; i < rows->nrows; i++)
        APR_ARRAY_PUSH(*names, const char *) = rows->values[i][0];
    return APR_SUCCESS;
}

apr_status_t cc_datatable_count(cc_db *db, apr_pool_t *pool, const char *name, apr_int64_t *count,
                                const char **errmsg)
{
    cc_datatable *dt = NULL;
    const char *value = NULL;
    apr_status_t rv = cc_datatable_describe(db, pool, name, &dt, errmsg);

    if (rv != APR_SUCCESS)
        return rv;
    rv = cc_db_select_value(db, pool, &value,
                            apr_pstrcat(pool, "SELECT COUNT(*) FROM ",
                                        cc_datatable_quote(pool, db->dialect, dt->name), NULL),
                            0, NULL);
    if (rv != APR_SUCCESS)
        return db_failed(db, pool, errmsg, "cannot count the rows");
    *count = value ? apr_atoi64(value) : 0;
    return APR_SUCCESS;
}

apr_status_t cc_datatable_drop(cc_db *db, apr_pool_t *pool, const char *name, const char **errmsg)
{
    const char *args[] = {name, NULL};
    const char *found = NULL;
    apr_dbd_transaction_t *txn = NULL;
    apr_status_t rv, end;

    if (cc_datatable_check_name(pool, name, errmsg) != APR_SUCCESS) {
        *errmsg = apr_psprintf(pool, "no data table \"%s\"", name ? name : "");
        return APR_NOTFOUND;
    }
    rv = cc_db_select_value(db, pool, &found, "SELECT name FROM data_table WHERE name = %s", 1,
                            args);
    if (rv != APR_SUCCESS)
        return db_failed(db, pool, errmsg, "cannot read the data tables");
    if (found == NULL) {
        *errmsg = apr_psprintf(pool, "no data table \"%s\"", name);
        return APR_NOTFOUND;
    }
    rv = cc_db_begin(db, pool, &txn);
    if (rv != APR_SUCCESS)
        return db_failed(db, pool, errmsg, "cannot start a transaction");
    rv = cc_db_query(db, pool, NULL, "DELETE FROM data_table WHERE name = %s", 1, args);
    if (rv == APR_SUCCESS) {
        int exists = 0;
        rv = cc_db_table_exists(db, pool, name, &exists);
        if (rv == APR_SUCCESS && exists)
            rv = dt_drop_table(db, pool, name);
    }
    if (rv != APR_SUCCESS)
        db_failed(db, pool, errmsg, apr_psprintf(pool, "cannot drop \"%s\"", name));
    end = cc_db_end(db, pool, txn, rv != APR_SUCCESS);
    if (rv != APR_SUCCESS || end != APR_SUCCESS)
        dt_forget_statements(db);
    if (rv == APR_SUCCESS && end != APR_SUCCESS)
        rv = db_failed(db, pool, errmsg, "cannot commit");
    return rv;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

/* A value as shown in a message: quoted, at most about 40 characters,
 * control characters as '?'. */
static const char *dt_show(apr_pool_t *pool, const char *s)
{
    apr_size_t len = strlen(s), cut = len, i;
    char *copy;

    if (len > 40) {
        cut = 40;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
    }
    copy = apr_pstrmemdup(pool, s, cut);
    for (i = 0; i < cut; i++)
        if ((unsigned char)copy[i] < 0x20)
            copy[i] = '?';
    return apr_pstrcat(pool, "\"", copy, cut < len ? "...\"" : "\"", NULL);
}

/* -1 when s[0..len) is valid UTF-8 (no overlong forms, no surrogates),
 * else the offset of the first bad byte. *chars counts characters. */
static apr_ssize_t utf8_check(const char *s, apr_size_t len, apr_size_t *chars)
{
    const unsigned char *p = (const unsigned char *)s;
    apr_size_t i = 0, n = 0;

    while (i < len) {
        unsigned c = p[i];
        apr_size_t need, k;
        unsigned cp;
        if (c < 0x80) {
            i++;
            n++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return (apr_ssize_t)i;
        }
        if (i + need >= len)
            return (apr_ssize_t)i;
        for (k = 1; k <= need; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return (apr_ssize_t)i;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return (apr_ssize_t)i;
        i += need + 1;
        n++;
    }
    if (chars)
        *chars = n;
    return -1;
}

/* JSON (RFC 8259) syntax check; returns the end of the value or NULL. */
static const char *js_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static const char *js_value(const char *p, int depth);

static const char *js_string(const char *p)
{
    p++;
    while (*p != '"') {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20)
            return NULL; /* also the end of the text */
        if (c == '\\') {
            p++;
            if (*p == 'u') {
                int k;
                for (k = 1; k <= 4; k++)
                    if (!apr_isxdigit(p[k]))
                        return NULL;
                p += 5;
            } else if (*p && strchr("\"\\/bfnrt", *p)) {
                p++;
            } else {
                return NULL;
            }
        } else {
            p++;
        }
    }
    return p + 1;
}

static const char *js_number(const char *p)
{
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (apr_isdigit(*p))
            p++;
    else
        return NULL;
    if (*p == '.') {
        p++;
        if (!apr_isdigit(*p))
            return NULL;
        while (apr_isdigit(*p))
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!apr_isdigit(*p))
            return NULL;
        while (apr_isdigit(*p))
            p++;
    }
    return p;
}

static const char *js_value(const char *p, int depth)
{
    p = js_ws(p);
    if (depth > DT_JSON_MAX_DEPTH)
        return NULL;
    switch (*p) {
    case '"':
        return js_string(p);
    case '{':
        p = js_ws(p + 1);
        if (*p == '}')
            return p + 1;
        for (;;) {
            if (*p != '"' || (p = js_string(p)) == NULL)
                return NULL;
            p = js_ws(p);
            if (*p != ':' || (p = js_value(p + 1, depth + 1)) == NULL)
                return NULL;
            p = js_ws(p);
            if (*p == '}')
                return p + 1;
            if (*p != ',')
                return NULL;
            p = js_ws(p + 1);
        }
    case '[':
        p = js_ws(p + 1);
        if (*p == ']')
            return p + 1;
        for (;;) {
            if ((p = js_value(p, depth + 1)) == NULL)
                return NULL;
            p = js_ws(p);
            if (*p == ']')
                return p + 1;
            if (*p != ',')
                return NULL;
            p++;
        }
    case 't':
        return strncmp(p, "true", 4) ? NULL : p + 4;
    case 'f':
        return strncmp(p, "false", 5) ? NULL : p + 5;
    case 'n':
        return strncmp(p, "null", 4) ? NULL : p + 4;
    default:
        return js_number(p);
    }
}

static int json_valid(const char *s)
{
    const char *end = js_value(s, 0);
    return end != NULL && *js_ws(end) == '\0';
}

static int parse_int64(const char *s, apr_int64_t *out)
{
    int neg = 0;
    apr_uint64_t v = 0, limit;

    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    if (!apr_isdigit(*s))
        return 0;
    limit = neg ? (apr_uint64_t)APR_INT64_MAX + 1 : (apr_uint64_t)APR_INT64_MAX;
    for (; apr_isdigit(*s); s++) {
        unsigned d = (unsigned)(*s - '0');
        if (v > (limit - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (*s)
        return 0;
    *out = neg ? (apr_int64_t)(0 - v) : (apr_int64_t)v;
    return 1;
}

/* The shortest of %.15g, %.16g, %.17g that reads back as v. */
static const char *float_text(apr_pool_t *pool, double v)
{
    char buf[40];
    int p;

    for (p = 15; p <= 17; p++) {
        snprintf(buf, sizeof(buf), "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return apr_pstrdup(pool, buf);
}

static int float_parse(const char *s, double *v)
{
    const char *p;
    char *end;

    for (p = s; *p; p++)
        if (!apr_isdigit(*p) && !strchr("+-.eE", *p))
            return 0;
    if (*s == '\0')
        return 0;
    errno = 0;
    *v = strtod(s, &end);
    return *end == '\0' && isfinite(*v) && !(errno == ERANGE && fabs(*v) > 1);
}

/* Canonical decimal text for scale digits, or NULL when s is no plain
 * decimal number. *intdigits and *fracdigits are the significant digits. */
static const char *decimal_text(apr_pool_t *pool, const char *s, int scale, int *intdigits,
                                int *fracdigits)
{
    const char *p = s, *istart, *fstart = NULL;
    apr_size_t ilen, flen = 0;
    int neg = 0, nonzero = 0;
    char *out;
    apr_size_t k, o = 0;

    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    istart = p;
    while (apr_isdigit(*p))
        p++;
    ilen = p - istart;
    if (*p == '.') {
        fstart = ++p;
        while (apr_isdigit(*p))
            p++;
        flen = p - fstart;
    }
    if (*p != '\0' || ilen + flen == 0)
        return NULL;
    while (ilen > 0 && *istart == '0') {
        istart++;
        ilen--;
    }
    while (flen > 0 && fstart[flen - 1] == '0')
        flen--;
    *intdigits = (int)ilen;
    *fracdigits = (int)flen;
    for (k = 0; k < ilen; k++)
        nonzero |= istart[k] != '0';
    for (k = 0; k < flen; k++)
        nonzero |= fstart[k] != '0';
    out = apr_palloc(pool, ilen + flen + (apr_size_t)scale + 4);
    if (neg && nonzero)
        out[o++] = '-';
    if (ilen == 0)
        out[o++] = '0';
    memcpy(out + o, istart, ilen);
    o += ilen;
    if (scale > 0 || flen > 0) {
        out[o++] = '.';
        for (k = 0; k < flen || k < (apr_size_t)scale; k++)
            out[o++] = (char)(k < flen ? fstart[k] : '0');
    }
    out[o] = '\0';
    return out;
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int digits(const char *s, int n, int *out)
{
    int i, v = 0;

    for (i = 0; i < n; i++) {
        if (!apr_isdigit(s[i]))
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

static int date_valid(const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d;

    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
        !digits(s + 8, 2, &d))
        return 0;
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return 0;
    return d <= mdays[m - 1] + (m == 2 && leap(y));
}

/* "YYYY-MM-DD HH:MM[:SS[.ffffff]]" (or T between) as
 * "YYYY-MM-DD HH:MM:SS[.f]", trailing zeros of the fraction dropped. */
static const char *datetime_text(apr_pool_t *pool, const char *s)
{
    int h, mi, sec = 0;
    const char *p = s + 16;
    char frac[8] = "";
    int nf = 0;

    if (strlen(s) < 16 || !date_valid(s) || (s[10] != ' ' && s[10] != 'T') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || h > 23 || mi > 59)
        return NULL;
    if (*p == ':') {
        if (!digits(p + 1, 2, &sec) || sec > 59)
            return NULL;
        p += 3;
        if (*p == '.') {
            p++;
            while (apr_isdigit(*p) && nf < 6)
                frac[nf++] = *p++;
            if (nf == 0)
                return NULL;
            while (nf > 0 && frac[nf - 1] == '0')
                nf--;
            frac[nf] = '\0';
        }
    }
    if (*p != '\0')
        return NULL;
    return apr_psprintf(pool, "%.10s %02d:%02d:%02d%s%s", s, h, mi, sec, nf ? "." : "", frac);
}

static int dt_texty(const cc_dt_column *col)
{
    return col->type == CC_DT_STRING || col->type == CC_DT_TEXT || col->type == CC_DT_UNKNOWN;
}

/* Check and normalise one value for col. raw NULL is SQL NULL; for
 * non-text types an empty value is NULL too. *out is what to bind; on
 * failure *why says what is wrong with the value. */
static apr_status_t dt_value(apr_pool_t *pool, const cc_dt_column *col, const char *raw,
                             const char **out, const char **why)
{
    apr_size_t len, chars = 0;
    apr_ssize_t bad;

    *out = NULL;
    if (raw != NULL && !dt_texty(col)) {
        /* surrounding blanks mean nothing in a number, date or flag */
        while (*raw == ' ' || *raw == '\t')
            raw++;
        len = strlen(raw);
        while (len > 0 && (raw[len - 1] == ' ' || raw[len - 1] == '\t'))
            len--;
        raw = len ? apr_pstrmemdup(pool, raw, len) : NULL;
    }
    if (raw == NULL) {
        if (!col->nullable) {
            *why = "is empty, and this column cannot be empty";
            return APR_EINVAL;
        }
        return APR_SUCCESS;
    }
    len = strlen(raw);
    bad = utf8_check(raw, len, &chars);
    if (bad >= 0) {
        *why = apr_psprintf(pool,
                            "is not valid UTF-8 (byte 0x%02X at offset %" APR_SSIZE_T_FMT
                            "; save the file as UTF-8)",
                            (unsigned char)raw[bad], bad);
        return APR_EINVAL;
    }
    switch (col->type) {
    case CC_DT_BOOLEAN:
        if (!strcmp(raw, "1") || !strcasecmp(raw, "true"))
            *out = "1";
        else if (!strcmp(raw, "0") || !strcasecmp(raw, "false"))
            *out = "0";
        else
            *why =
                apr_psprintf(pool, "%s is not a boolean (0, 1, true or false)", dt_show(pool, raw));
        break;
    case CC_DT_SMALLINT:
    case CC_DT_INTEGER:
    case CC_DT_BIGINT: {
        apr_int64_t n = 0, lo, hi;
        int ok = parse_int64(raw, &n);
        lo = col->type == CC_DT_SMALLINT  ? -32768
             : col->type == CC_DT_INTEGER ? -2147483647LL - 1
                                          : APR_INT64_MIN;
        hi = col->type == CC_DT_SMALLINT  ? 32767
             : col->type == CC_DT_INTEGER ? 2147483647LL
                                          : APR_INT64_MAX;
        if (ok == 0)
            *why = apr_psprintf(pool, "%s is not a whole number", dt_show(pool, raw));
        else if (ok < 0 || n < lo || n > hi)
            *why = apr_psprintf(
                pool, "%s is out of range for %s (%" APR_INT64_T_FMT " to %" APR_INT64_T_FMT ")",
                dt_show(pool, raw), cc_dt_type_name(col->type), lo, hi);
        else
            *out = apr_psprintf(pool, "%" APR_INT64_T_FMT, n);
        break;
    }
    case CC_DT_FLOAT: {
        double d;
        if (float_parse(raw, &d))
            *out = float_text(pool, d);
        else
            *why = apr_psprintf(pool, "%s is not a number", dt_show(pool, raw));
        break;
    }
    case CC_DT_DECIMAL: {
        int id = 0, fd = 0;
        const char *t = decimal_text(pool, raw, col->scale, &id, &fd);
        if (t == NULL)
            *why = apr_psprintf(pool, "%s is not a decimal number", dt_show(pool, raw));
        else if (id > col->length - col->scale || fd > col->scale)
            *why = apr_psprintf(pool,
                                "%s does not fit decimal(%d,%d): at most %d digits before the "
                                "point and %d after",
                                dt_show(pool, raw), col->length, col->scale,
                                col->length - col->scale, col->scale);
        else
            *out = t;
        break;
    }
    case CC_DT_DATE:
        if (strlen(raw) == 10 && date_valid(raw))
            *out = raw;
        else
            *why = apr_psprintf(pool, "%s is not a date (YYYY-MM-DD)", dt_show(pool, raw));
        break;
    case CC_DT_DATETIME:
        *out = datetime_text(pool, raw);
        if (*out == NULL)
            *why = apr_psprintf(pool, "%s is not a date and time (YYYY-MM-DD HH:MM:SS)",
                                dt_show(pool, raw));
        break;
    case CC_DT_JSON:
        if (json_valid(raw))
            *out = raw;
        else
            *why = apr_psprintf(pool, "%s is not valid JSON", dt_show(pool, raw));
        break;
    case CC_DT_STRING:
        if ((apr_size_t)col->length < chars)
            *why = apr_psprintf(pool,
                                "%s is %" APR_SIZE_T_FMT " characters long; the column "
                                "holds at most %d",
                                dt_show(pool, raw), chars, col->length);
        else
            *out = raw;
        break;
    case CC_DT_TEXT:
    case CC_DT_UNKNOWN:
        *out = raw;
        break;
    }
    return *out ? APR_SUCCESS : APR_EINVAL;
}

/* A stored value as export writes it: the same text on every database. */
static const char *dt_out_value(apr_pool_t *pool, const cc_dt_column *col, const char *raw)
{
    if (raw == NULL)
        return NULL;
    switch (col->type) {
    case CC_DT_BOOLEAN:
        if (!strcmp(raw, "t") || !strcasecmp(raw, "true"))
            return "1";
        if (!strcmp(raw, "f") || !strcasecmp(raw, "false"))
            return "0";
        return raw;
    case CC_DT_FLOAT: {
        double d;
        return float_parse(raw, &d) ? float_text(pool, d) : raw;
    }
    case CC_DT_DECIMAL: {
        int id, fd;
        const char *t = NULL;
        if (strchr(raw, 'e') || strchr(raw, 'E')) {
            double d;
            if (float_parse(raw, &d))
                t = decimal_text(pool, apr_psprintf(pool, "%.*f", col->scale, d), col->scale, &id,
                                 &fd);
        } else {
            t = decimal_text(pool, raw, col->scale, &id, &fd);
        }
        return t ? t : raw;
    }
    default:
        return raw;
    }
}

/* ------------------------------------------------------------------ */
/* Rows                                                                */

static const char *dt_select_list(apr_pool_t *pool, cc_dialect d, const cc_datatable *dt)
{
    apr_array_header_t *parts = apr_array_make(pool, dt->ncols, sizeof(const char *));
    int i;

    for (i = 0; i < dt->ncols; i++)
        APR_ARRAY_PUSH(parts, const char *) = cc_datatable_quote(pool, d, dt->cols[i].name);
    return apr_array_pstrcat(pool, parts, ',');
}

/* The column of dt called name (ignoring case), or -1. */
static int dt_find(const cc_datatable *dt, const char *name)
{
    int i;

    for (i = 0; i < dt->ncols; i++)
        if (!strcasecmp(dt->cols[i].name, name))
            return i;
    return -1;
}

/* INSERT of nrows rows of the n columns map names. */
static const char *dt_insert_sql(apr_pool_t *pool, cc_dialect d, const cc_datatable *dt,
                                 const int *map, int n, int nrows)
{
    apr_array_header_t *names = apr_array_make(pool, n, sizeof(const char *));
    apr_array_header_t *marks = apr_array_make(pool, n, sizeof(const char *));
    apr_array_header_t *tuples = apr_array_make(pool, nrows, sizeof(const char *));
    const char *tuple;
    int i;

    for (i = 0; i < n; i++) {
        APR_ARRAY_PUSH(names, const char *) = cc_datatable_quote(pool, d, dt->cols[map[i]].name);
        APR_ARRAY_PUSH(marks, const char *) = "%s";
    }
    if (n == 0)
        return apr_pstrcat(pool, "INSERT INTO ", cc_datatable_quote(pool, d, dt->name),
                           " DEFAULT VALUES", NULL);
    tuple = apr_pstrcat(pool, "(", apr_array_pstrcat(pool, marks, ','), ")", NULL);
    for (i = 0; i < nrows; i++)
        APR_ARRAY_PUSH(tuples, const char *) = tuple;
    return apr_pstrcat(pool, "INSERT INTO ", cc_datatable_quote(pool, d, dt->name), " (",
                       apr_array_pstrcat(pool, names, ','), ") VALUES ",
                       apr_array_pstrcat(pool, tuples, ','), NULL);
}

/* Rows per INSERT when importing. SQLite is in-process: one row per
 * statement costs nothing and lets a refused row name its line. A server
 * costs a round trip per statement: up to 100 rows each, within the
 * parameter limits (SQL Server 2100, the others 32767 or more). */
static int dt_batch_rows(cc_dialect d, int n)
{
    int limit = d == CC_DIALECT_ODBC ? 2000 : 30000;
    int rows = limit / (n > 0 ? n : 1);

    if (d == CC_DIALECT_SQLITE || rows < 1)
        return 1;
    return rows < 100 ? rows : 100;
}

/* After ids were given explicitly, PostgreSQL's sequence must move past
 * them (SQLite and MySQL follow by themselves). */
static apr_status_t dt_sync_sequence(cc_db *db, apr_pool_t *pool, const cc_datatable *dt)
{
    const char *q = cc_datatable_quote(pool, db->dialect, dt->name);
    const char *args[] = {q, NULL};
    const char *ignored = NULL;

    if (db->dialect != CC_DIALECT_PGSQL)
        return APR_SUCCESS;
    return cc_db_select_value(db, pool, &ignored,
                              apr_pstrcat(pool, "SELECT setval(pg_get_serial_sequence(%s, 'id'), ",
                                          "(SELECT COALESCE(MAX(\"id\"), 0) + 1 FROM ", q,
                                          "), false)", NULL),
                              1, args);
}

apr_status_t cc_datatable_insert(cc_db *db, apr_pool_t *pool, const cc_datatable *dt, int n,
                                 const char *const *names, const char *const *values,
                                 apr_int64_t *id, const char **errmsg)
{
    apr_dbd_transaction_t *txn = NULL;
    int own = !db->in_transaction;
    apr_status_t rv = own ? cc_db_begin(db, pool, &txn) : APR_SUCCESS, end;

    if (rv != APR_SUCCESS)
        return db_failed(db, pool, errmsg, "cannot start a transaction");
    rv = cc_datatable_insert_keep_revision(db, pool, dt, n, names, values, id, errmsg);
    if (rv == APR_SUCCESS && cc_revision_bump_table(db, pool, dt->name) != APR_SUCCESS)
        rv = db_failed(db, pool, errmsg, "cannot record the table's new revision");
    if (!own)
        return rv;
    end = cc_db_end(db, pool, txn, rv != APR_SUCCESS);
    if (rv == APR_SUCCESS && end != APR_SUCCESS)
        rv = db_failed(db, pool, errmsg, "cannot commit");
    return rv;
}

apr_status_t cc_datatable_insert_keep_revision(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                               int n, const char *const *names,
                                               const char *const *values, apr_int64_t *id,
                                               const char **errmsg)
{
    int *map = apr_pcalloc(pool, sizeof(int) * (n + 1));
    const char **args = apr_pcalloc(pool, sizeof(char *) * (n + 1));
    const char *sql, *newid = NULL;
    int i, j, has_id = 0;
    apr_status_t rv;

    for (i = 0; i < n; i++) {
        const char *why = NULL;
        map[i] = dt_find(dt, names[i]);
        if (map[i] < 0) {
            *errmsg = apr_psprintf(pool, "no column \"%s\" in \"%s\"", names[i], dt->name);
            return APR_EINVAL;
        }
        for (j = 0; j < i; j++) {
            if (map[j] == map[i]) {
                *errmsg = apr_psprintf(pool, "column \"%s\" given twice", names[i]);
                return APR_EINVAL;
            }
        }
        has_id |= map[i] == 0;
        /* the API has no quoting: "" is NULL for non-text types */
        if (dt_value(pool, &dt->cols[map[i]],
                     values[i] && !*values[i] && !dt_texty(&dt->cols[map[i]]) ? NULL : values[i],
                     &args[i], &why) != APR_SUCCESS) {
            *errmsg = apr_psprintf(pool, "column %s: %s", dt->cols[map[i]].name,
                                   values[i] ? why : "cannot be empty");
            return APR_EINVAL;
        }
    }
    for (j = 1; j < dt->ncols; j++) {
        int given = 0;
        for (i = 0; i < n; i++)
            given |= map[i] == j;
        if (!given && !dt->cols[j].nullable) {
            *errmsg = apr_psprintf(pool, "column %s cannot be empty", dt->cols[j].name);
            return APR_EINVAL;
        }
    }
    sql = dt_insert_sql(pool, db->dialect, dt, map, n, 1);
    if (db->dialect == CC_DIALECT_PGSQL) {
        rv = cc_db_select_value(db, pool, &newid, apr_pstrcat(pool, sql, " RETURNING \"id\"", NULL),
                                n, args);
    } else if (db->dialect == CC_DIALECT_ODBC) {
        /* SQL Server (untested): SCOPE_IDENTITY() in a statement of its own
         * is another scope than a prepared INSERT, so the id comes back
         * from the INSERT itself. Column names are checked identifiers: the
         * first ") VALUES " ends the column list. */
        const char *values_at = strstr(sql, ") VALUES ");
        if (values_at == NULL)
            return APR_EGENERAL; /* dt_insert_sql always writes it */
        rv = cc_db_select_value(
            db, pool, &newid,
            apr_pstrcat(pool, apr_pstrmemdup(pool, sql, (apr_size_t)(values_at - sql) + 1),
                        " OUTPUT INSERTED.[id]", values_at + 1, NULL),
            n, args);
    } else {
        rv = cc_db_query(db, pool, NULL, sql, n, args);
        /* Oracle (untested) would need RETURNING ... INTO, which apr_dbd
         * cannot bind: no id there. */
        if (rv == APR_SUCCESS && id && db->dialect != CC_DIALECT_ORACLE)
            rv = cc_db_select_value(db, pool, &newid,
                                    db->dialect == CC_DIALECT_SQLITE ? "SELECT last_insert_rowid()"
                                                                     : "SELECT LAST_INSERT_ID()",
                                    0, NULL);
    }
    if (rv == APR_SUCCESS && has_id)
        rv = dt_sync_sequence(db, pool, dt);
    if (rv != APR_SUCCESS)
        return db_failed(db, pool, errmsg, "the database refused the row");
    if (id)
        *id = newid ? apr_atoi64(newid) : 0;
    return APR_SUCCESS;
}

/* The columns names[] as indices of dt, and values[] checked and
 * normalised as insert does; `id` is refused when allow_id is 0. */
static apr_status_t dt_args(apr_pool_t *pool, const cc_datatable *dt, int n,
                            const char *const *names, const char *const *values, int allow_id,
                            int **map_out, const char ***args_out, const char **errmsg)
{
    int *map = apr_pcalloc(pool, sizeof(int) * (size_t)(n + 1));
    const char **args = apr_pcalloc(pool, sizeof(char *) * (size_t)(n + 1));
    int i, j;

    for (i = 0; i < n; i++) {
        const char *why = NULL;
        map[i] = dt_find(dt, names[i]);
        if (map[i] < 0 || (map[i] == 0 && !allow_id)) {
            *errmsg = apr_psprintf(pool,
                                   map[i] < 0 ? "no column \"%s\" in \"%s\""
                                              : "column \"%s\" of \"%s\" cannot be changed",
                                   names[i], dt->name);
            return APR_EINVAL;
        }
        for (j = 0; j < i; j++) {
            if (map[j] == map[i]) {
                *errmsg = apr_psprintf(pool, "column \"%s\" given twice", names[i]);
                return APR_EINVAL;
            }
        }
        if (dt_value(pool, &dt->cols[map[i]],
                     values[i] && !*values[i] && !dt_texty(&dt->cols[map[i]]) ? NULL : values[i],
                     &args[i], &why) != APR_SUCCESS) {
            *errmsg = apr_psprintf(pool, "column %s: %s", dt->cols[map[i]].name,
                                   values[i] ? why : "cannot be empty");
            return APR_EINVAL;
        }
    }
    *map_out = map;
    *args_out = args;
    return APR_SUCCESS;
}

apr_status_t cc_datatable_find(cc_db *db, apr_pool_t *pool, const cc_datatable *dt, int n,
                               const char *const *names, const char *const *values,
                               apr_array_header_t **ids, const char **errmsg)
{
    const char *where = "", **bound = apr_pcalloc(pool, sizeof(char *) * (size_t)(n + 1));
    cc_rows *rows = NULL;
    int i, nbound = 0;

    for (i = 0; i < n; i++) {
        const char **arg = NULL;
        int *col = NULL, c = dt_find(dt, names[i]);
        /* NULL is never equal in SQL: a NULL value matches NULL cells. */
        if (values[i] == NULL && c < 0) {
            *errmsg = apr_psprintf(pool, "no column \"%s\" in \"%s\"", names[i], dt->name);
            return APR_EINVAL;
        }
        if (values[i] != NULL) {
            if (dt_args(pool, dt, 1, names + i, values + i, 1, &col, &arg, errmsg) != APR_SUCCESS)
                return APR_EINVAL;
            c = col[0];
            bound[nbound++] = arg[0];
        }
        where = apr_pstrcat(pool, where, i ? " AND " : " WHERE ",
                            cc_datatable_quote(pool, db->dialect, dt->cols[c].name),
                            values[i] ? " = %s" : " IS NULL", NULL);
    }
    if (cc_db_select(db, pool, &rows,
                     apr_pstrcat(pool, "SELECT ", cc_datatable_quote(pool, db->dialect, "id"),
                                 " FROM ", cc_datatable_quote(pool, db->dialect, dt->name), where,
                                 " ORDER BY ", cc_datatable_quote(pool, db->dialect, "id"), NULL),
                     nbound, bound) != APR_SUCCESS)
        return db_failed(db, pool, errmsg, "cannot look the rows up");
    *ids = apr_array_make(pool, rows->nrows + 1, sizeof(apr_int64_t));
    for (i = 0; i < rows->nrows; i++)
        APR_ARRAY_PUSH(*ids, apr_int64_t) = apr_atoi64(rows->values[i][0]);
    return APR_SUCCESS;
}

apr_status_t cc_datatable_update(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                 apr_int64_t id, int n, const char *const *names,
                                 const char *const *values, const char **errmsg)
{
    apr_array_header_t *sets = apr_array_make(pool, n + 1, sizeof(const char *));
    const char **args = NULL, **bound = apr_pcalloc(pool, sizeof(char *) * (size_t)(n + 2));
    int *map = NULL, i, affected = 0;
    apr_status_t rv;

    if (n < 1) {
        *errmsg = "an update needs at least one column";
        return APR_EINVAL;
    }
    rv = dt_args(pool, dt, n, names, values, 0, &map, &args, errmsg);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < n; i++) {
        APR_ARRAY_PUSH(sets, const char *) = apr_pstrcat(
            pool, cc_datatable_quote(pool, db->dialect, dt->cols[map[i]].name), " = %s", NULL);
        bound[i] = args[i];
    }
    bound[n] = apr_psprintf(pool, "%" APR_INT64_T_FMT, id);
    if (cc_db_query(db, pool, &affected,
                    apr_pstrcat(pool, "UPDATE ", cc_datatable_quote(pool, db->dialect, dt->name),
                                " SET ", apr_array_pstrcat(pool, sets, ','), " WHERE ",
                                cc_datatable_quote(pool, db->dialect, "id"), " = %s", NULL),
                    n + 1, bound) != APR_SUCCESS)
        return db_failed(db, pool, errmsg, "the database refused the change");
    /* MySQL connections count matched rows too (CLIENT_FOUND_ROWS, db.c). */
    if (affected == 0) {
        *errmsg = apr_psprintf(pool, "\"%s\" has no row %" APR_INT64_T_FMT, dt->name, id);
        return APR_NOTFOUND;
    }
    return APR_SUCCESS;
}

apr_status_t cc_datatable_distinct_counts(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                          const char *key, const char *counted, cc_rows **rows,
                                          apr_int64_t *total, const char **errmsg)
{
    int k = dt_find(dt, key), c = dt_find(dt, counted);
    const char *qk, *qc, *qt, *text = NULL;

    if (k < 0 || c < 0) {
        *errmsg = apr_psprintf(pool, "no column \"%s\" in \"%s\"", k < 0 ? key : counted, dt->name);
        return APR_EINVAL;
    }
    qk = cc_datatable_quote(pool, db->dialect, dt->cols[k].name);
    qc = cc_datatable_quote(pool, db->dialect, dt->cols[c].name);
    qt = cc_datatable_quote(pool, db->dialect, dt->name);
    if (cc_db_select(db, pool, rows,
                     apr_pstrcat(pool, "SELECT ", qk, ", COUNT(DISTINCT ", qc, ") FROM ", qt,
                                 " GROUP BY ", qk, " ORDER BY ", qk, NULL),
                     0, NULL) != APR_SUCCESS ||
        cc_db_select_value(db, pool, &text,
                           apr_pstrcat(pool, "SELECT COUNT(DISTINCT ", qc, ") FROM ", qt, NULL), 0,
                           NULL) != APR_SUCCESS)
        return db_failed(db, pool, errmsg, "cannot count the rows");
    *total = text ? apr_atoi64(text) : 0;
    return APR_SUCCESS;
}

/* Normalise a page of rows in place. */
void cc_datatable_out_rows(apr_pool_t *pool, const cc_datatable *dt, cc_rows *rows)
{
    int r, c;

    for (r = 0; r < rows->nrows; r++)
        for (c = 0; c < rows->ncols && c < dt->ncols; c++)
            rows->values[r][c] = dt_out_value(pool, &dt->cols[c], rows->values[r][c]);
}

apr_status_t cc_datatable_rows(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                               apr_int64_t offset, int limit, cc_rows **out, const char **errmsg)
{
    const char *sql, *from;

    if (offset < 0 || limit < 1 || limit > 10000) {
        *errmsg = "paging: offset 0 or more, limit 1 to 10000";
        return APR_EINVAL;
    }
    from = apr_pstrcat(pool, "SELECT ", dt_select_list(pool, db->dialect, dt), " FROM ",
                       cc_datatable_quote(pool, db->dialect, dt->name), " ORDER BY ",
                       cc_datatable_quote(pool, db->dialect, "id"), NULL);
    /* numbers of our own making: no parameters needed */
    if (db->dialect == CC_DIALECT_ODBC || db->dialect == CC_DIALECT_ORACLE)
        sql = apr_psprintf(pool, "%s OFFSET %" APR_INT64_T_FMT " ROWS FETCH NEXT %d ROWS ONLY",
                           from, offset, limit);
    else
        sql = apr_psprintf(pool, "%s LIMIT %d OFFSET %" APR_INT64_T_FMT, from, limit, offset);
    if (cc_db_select(db, pool, out, sql, 0, NULL) != APR_SUCCESS)
        return db_failed(db, pool, errmsg, "cannot read the rows");
    cc_datatable_out_rows(pool, dt, *out);
    return APR_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* CSV reading                                                         */

apr_status_t cc_csv_read_file(void *baton, char *buf, apr_size_t *len)
{
    apr_status_t rv = apr_file_read((apr_file_t *)baton, buf, len);

    if (APR_STATUS_IS_EOF(rv)) {
        *len = 0;
        return APR_SUCCESS;
    }
    return rv;
}

apr_status_t cc_csv_write_file(void *baton, const char *data, apr_size_t len)
{
    return apr_file_write_full((apr_file_t *)baton, data, len, NULL);
}

typedef struct csv_field {
    apr_size_t off, len;
    int quoted;
    apr_int64_t line;
} csv_field;

typedef struct csv_reader {
    cc_csv_read_fn *read;
    void *baton;
    char *buf;
    apr_size_t buflen, bufpos;
    int eof, started;
    apr_int64_t line; /* line of the next byte */
    char *rec;
    apr_size_t reclen, reccap, recmax;
    csv_field fields[CC_DT_MAX_COLUMNS + 1];
    int nfields;
    apr_int64_t rec_line;
    apr_pool_t *pool;
    const char *error;
} csv_reader;

static int csv_fill(csv_reader *r)
{
    apr_size_t len = DT_READ_CHUNK;
    apr_status_t rv;

    if (r->eof)
        return 0;
    rv = r->read(r->baton, r->buf, &len);
    /* the first fill takes at least 3 bytes, to see a BOM whole */
    while (rv == APR_SUCCESS && !r->started && len > 0 && len < 3) {
        apr_size_t more = DT_READ_CHUNK - len;
        rv = r->read(r->baton, r->buf + len, &more);
        if (more == 0)
            break;
        len += more;
    }
    if (rv != APR_SUCCESS) {
        char msg[120];
        r->error =
            apr_psprintf(r->pool, "cannot read the input after line %" APR_INT64_T_FMT ": %s",
                         r->line, apr_strerror(rv, msg, sizeof(msg)));
        r->eof = 1;
        return 0;
    }
    r->buflen = len;
    r->bufpos = 0;
    if (len == 0)
        r->eof = 1;
    if (!r->started && len > 0) {
        r->started = 1;
        if (len >= 3 && !memcmp(r->buf, "\xEF\xBB\xBF", 3))
            r->bufpos = 3;
    }
    return len > 0;
}

static int csv_peek(csv_reader *r)
{
    if (r->bufpos >= r->buflen && !csv_fill(r))
        return -1;
    if (r->bufpos >= r->buflen) /* a read that gave only the BOM */
        return csv_peek(r);
    return (unsigned char)r->buf[r->bufpos];
}

static int csv_getc(csv_reader *r)
{
    int c = csv_peek(r);

    if (c >= 0)
        r->bufpos++;
    return c;
}

static int csv_put(csv_reader *r, char c)
{
    if (r->reclen + 1 >= r->reccap) {
        apr_size_t cap = r->reccap * 2;
        char *grown;
        if (r->reclen + 1 >= r->recmax) {
            r->error =
                apr_psprintf(r->pool,
                             "line %" APR_INT64_T_FMT ": the record is longer than %" APR_SIZE_T_FMT
                             " bytes (is a closing quote missing?)",
                             r->rec_line, r->recmax);
            return 0;
        }
        if (cap > r->recmax)
            cap = r->recmax;
        grown = apr_palloc(r->pool, cap);
        memcpy(grown, r->rec, r->reclen);
        r->rec = grown;
        r->reccap = cap;
    }
    r->rec[r->reclen++] = c;
    return 1;
}

static int csv_end_field(csv_reader *r)
{
    csv_field *f = &r->fields[r->nfields];

    f->len = r->reclen - f->off;
    if (!csv_put(r, '\0'))
        return 0;
    r->nfields++;
    return 1;
}

static int csv_start_field(csv_reader *r)
{
    if (r->nfields >= CC_DT_MAX_COLUMNS) {
        r->error = apr_psprintf(r->pool, "line %" APR_INT64_T_FMT ": more than %d fields",
                                r->rec_line, CC_DT_MAX_COLUMNS);
        return 0;
    }
    r->fields[r->nfields].off = r->reclen;
    r->fields[r->nfields].quoted = 0;
    r->fields[r->nfields].line = r->line;
    return 1;
}

/* A line end inside a quoted field, just read as c: CRLF counts once. */
static void csv_newline(csv_reader *r, int c)
{
    if (c == '\r' && csv_peek(r) == '\n')
        return; /* the LF counts */
    r->line++;
}

/* The line end c that ends a record, with the LF of a CRLF. */
static void csv_record_end(csv_reader *r, int c)
{
    if (c == '\r' && csv_peek(r) == '\n')
        csv_getc(r);
    r->line++;
}

/* The next record into r->fields. APR_EOF at the end, APR_EINVAL with
 * r->error on a malformed one. Blank lines are skipped. */
static apr_status_t csv_record(csv_reader *r)
{
    enum { START, PLAIN, QUOTED, QUOTE } state;
    int c;

again:
    r->nfields = 0;
    r->reclen = 0;
    r->rec_line = r->line;
    state = START;
    if (!csv_start_field(r))
        return APR_EINVAL;
    for (;;) {
        c = csv_getc(r);
        if (r->error)
            return APR_EINVAL;
        if (c < 0) {
            if (state == QUOTED) {
                r->error = apr_psprintf(r->pool,
                                        "line %" APR_INT64_T_FMT
                                        ": the quoted field that starts here is not closed "
                                        "(a missing \" before the end of the file)",
                                        r->fields[r->nfields].line);
                return APR_EINVAL;
            }
            if (r->nfields == 0 && state == START)
                return APR_EOF;
            return csv_end_field(r) ? APR_SUCCESS : APR_EINVAL;
        }
        if (c == '\0') {
            r->error = apr_psprintf(r->pool,
                                    "line %" APR_INT64_T_FMT ": a NUL byte (is this a "
                                    "text file in UTF-8?)",
                                    r->line);
            return APR_EINVAL;
        }
        switch (state) {
        case START:
        case PLAIN:
            if (c == ',') {
                if (!csv_end_field(r) || !csv_start_field(r))
                    return APR_EINVAL;
                state = START;
            } else if (c == '\r' || c == '\n') {
                csv_record_end(r, c);
                if (r->nfields == 0 && state == START)
                    goto again; /* a blank line */
                return csv_end_field(r) ? APR_SUCCESS : APR_EINVAL;
            } else if (c == '"') {
                if (state == PLAIN) {
                    r->error = apr_psprintf(r->pool,
                                            "line %" APR_INT64_T_FMT ", field %d: a \" inside a "
                                            "field that does not start with one (enclose the "
                                            "field in quotes and double the quote: \"\")",
                                            r->line, r->nfields + 1);
                    return APR_EINVAL;
                }
                r->fields[r->nfields].quoted = 1;
                state = QUOTED;
            } else {
                if (!csv_put(r, (char)c))
                    return APR_EINVAL;
                state = PLAIN;
            }
            break;
        case QUOTED:
            if (c == '"') {
                state = QUOTE;
            } else {
                if (c == '\r' || c == '\n')
                    csv_newline(r, c);
                if (!csv_put(r, (char)c))
                    return APR_EINVAL;
            }
            break;
        case QUOTE:
            if (c == '"') {
                if (!csv_put(r, '"'))
                    return APR_EINVAL;
                state = QUOTED;
            } else if (c == ',') {
                if (!csv_end_field(r) || !csv_start_field(r))
                    return APR_EINVAL;
                state = START;
            } else if (c == '\r' || c == '\n') {
                csv_record_end(r, c);
                return csv_end_field(r) ? APR_SUCCESS : APR_EINVAL;
            } else {
                r->error = apr_psprintf(r->pool,
                                        "line %" APR_INT64_T_FMT ", field %d: '%c' after the "
                                        "closing quote (a quoted field ends at a comma or the "
                                        "end of the line; a \" inside it is written \"\")",
                                        r->line, r->nfields + 1, apr_isprint(c) ? c : '?');
                return APR_EINVAL;
            }
            break;
        }
    }
}

static const char *csv_text(const csv_reader *r, int i)
{
    return r->rec + r->fields[i].off;
}

/* The body of an import, inside its transaction. */
static apr_status_t dt_import_rows(cc_db *db, apr_pool_t *pool, const char *name, csv_reader *r,
                                   const cc_dt_import_options *opts, apr_int64_t *rows,
                                   const char **errmsg, int *created)
{
    cc_datatable *dt = NULL;
    apr_status_t rv;
    int *map, i, j, n, has_id = 0, batch, inbatch = 0;
    const char **args;
    const char *sql;
    apr_pool_t *batchpool;
    apr_int64_t count = 0, first_line = 0, last_line = 0;

    rv = csv_record(r);
    if (rv == APR_EOF) {
        *errmsg = "the file is empty: the first line must name the columns";
        return APR_EINVAL;
    }
    if (rv != APR_SUCCESS) {
        *errmsg = r->error;
        return rv;
    }
    n = r->nfields;
    for (i = 0; i < n; i++) {
        apr_size_t chars;
        if (utf8_check(csv_text(r, i), r->fields[i].len, &chars) >= 0) {
            *errmsg = apr_psprintf(pool, "line %" APR_INT64_T_FMT ", field %d: not valid UTF-8",
                                   r->fields[i].line, i + 1);
            return APR_EINVAL;
        }
    }
    if (opts->create != CC_DT_PRESET_NONE) {
        int np = 0;
        const cc_dt_column *pc = cc_dt_preset_columns(opts->create, &np);
        rv = dt_create(db, pool, name,
                       opts->create == CC_DT_PRESET_ITEMS ? "assessment item bank"
                                                          : "assessment responses",
                       pc, np, NULL, errmsg);
        if (rv != APR_SUCCESS)
            return rv;
        *created = 1;
    } else if (opts->create_from_header) {
        cc_dt_column *cols = apr_pcalloc(pool, sizeof(*cols) * (n + 1));
        int nc = 0;
        for (i = 0; i < n; i++) {
            const char *col = csv_text(r, i);
            if (!strcasecmp(col, "id"))
                continue;
            if (cc_datatable_check_column_name(pool, col, errmsg) != APR_SUCCESS) {
                *errmsg =
                    apr_psprintf(pool, "line %" APR_INT64_T_FMT ": %s", r->fields[i].line, *errmsg);
                return APR_EINVAL;
            }
            cols[nc].name = col;
            cols[nc].type = CC_DT_TEXT;
            cols[nc].nullable = 1;
            nc++;
        }
        rv = dt_create(db, pool, name, NULL, cols, nc, NULL, errmsg);
        if (rv != APR_SUCCESS) {
            if (rv == APR_EINVAL && strstr(*errmsg, "two columns"))
                *errmsg = apr_psprintf(pool, "line 1: %s", *errmsg);
            return rv;
        }
        *created = 1;
    }
    rv = cc_datatable_describe(db, pool, name, &dt, errmsg);
    if (rv != APR_SUCCESS)
        return rv;
    map = apr_pcalloc(pool, sizeof(int) * (n + 1));
    for (i = 0; i < n; i++) {
        map[i] = dt_find(dt, csv_text(r, i));
        if (map[i] < 0) {
            apr_array_header_t *names = apr_array_make(pool, dt->ncols, sizeof(const char *));
            for (j = 0; j < dt->ncols; j++)
                APR_ARRAY_PUSH(names, const char *) = dt->cols[j].name;
            *errmsg = apr_psprintf(pool,
                                   "line %" APR_INT64_T_FMT ": the header names %s, which is no "
                                   "column of \"%s\" (its columns: %s)",
                                   r->fields[i].line, dt_show(pool, csv_text(r, i)), dt->name,
                                   apr_array_pstrcat(pool, names, ','));
            return APR_EINVAL;
        }
        for (j = 0; j < i; j++) {
            if (map[j] == map[i]) {
                *errmsg = apr_psprintf(pool, "line %" APR_INT64_T_FMT ": column %s appears twice",
                                       r->fields[i].line, dt->cols[map[i]].name);
                return APR_EINVAL;
            }
        }
        has_id |= map[i] == 0;
    }
    for (j = 1; j < dt->ncols; j++) {
        int given = 0;
        for (i = 0; i < n; i++)
            given |= map[i] == j;
        if (!given && !dt->cols[j].nullable) {
            *errmsg = apr_psprintf(pool,
                                   "line %" APR_INT64_T_FMT ": the header lacks column %s, which "
                                   "cannot be empty",
                                   r->rec_line, dt->cols[j].name);
            return APR_EINVAL;
        }
    }
    if (opts->replace && cc_db_exec(db, apr_pstrcat(pool, "DELETE FROM ",
                                                    cc_datatable_quote(pool, db->dialect, dt->name),
                                                    NULL)) != APR_SUCCESS)
        return db_failed(db, pool, errmsg, "cannot empty the table");
    batch = opts->batch_rows > 0 ? opts->batch_rows : dt_batch_rows(db->dialect, n);
    sql = dt_insert_sql(pool, db->dialect, dt, map, n, batch);
    args = apr_pcalloc(pool, sizeof(char *) * ((apr_size_t)batch * n + 1));
    apr_pool_create(&batchpool, pool);
    for (;;) {
        rv = csv_record(r);
        if (rv != APR_SUCCESS && rv != APR_EOF) {
            *errmsg = r->error;
            return rv;
        }
        if (rv == APR_SUCCESS && r->nfields != n) {
            *errmsg = apr_psprintf(pool,
                                   "line %" APR_INT64_T_FMT ": %d field%s, but the header names "
                                   "%d column%s",
                                   r->rec_line, r->nfields, r->nfields == 1 ? "" : "s", n,
                                   n == 1 ? "" : "s");
            return APR_EINVAL;
        }
        if (rv == APR_SUCCESS) {
            if (inbatch == 0) {
                apr_pool_clear(batchpool);
                first_line = r->rec_line;
            }
            for (i = 0; i < n; i++) {
                const cc_dt_column *col = &dt->cols[map[i]];
                /* copied: the record buffer is reused before the batch is sent */
                const char *raw = apr_pstrmemdup(batchpool, csv_text(r, i), r->fields[i].len);
                const char *why = NULL;
                if (r->fields[i].len == 0)
                    raw = (dt_texty(col) && (r->fields[i].quoted || !col->nullable)) ? "" : NULL;
                if (dt_value(batchpool, col, raw, &args[inbatch * n + i], &why) != APR_SUCCESS) {
                    *errmsg = apr_psprintf(pool, "line %" APR_INT64_T_FMT ", column %s: %s",
                                           r->fields[i].line, col->name, why);
                    return APR_EINVAL;
                }
            }
            inbatch++;
            last_line = r->rec_line;
        }
        if (inbatch > 0 && (inbatch == batch || rv == APR_EOF)) {
            const char *stmt =
                inbatch == batch ? sql : dt_insert_sql(batchpool, db->dialect, dt, map, n, inbatch);
            if (cc_db_query(db, batchpool, NULL, stmt, inbatch * n, args) != APR_SUCCESS) {
                const char *err = db->last_error ? db->last_error : "?";
                *errmsg = inbatch == 1
                              ? apr_psprintf(pool,
                                             "line %" APR_INT64_T_FMT
                                             ": the database refused the row: %s",
                                             first_line, err)
                              : apr_psprintf(pool,
                                             "lines %" APR_INT64_T_FMT " to %" APR_INT64_T_FMT
                                             ": the database refused one of these rows: %s",
                                             first_line, last_line, err);
                return APR_EGENERAL;
            }
            count += inbatch;
            inbatch = 0;
        }
        if (rv == APR_EOF)
            break;
    }
    apr_pool_destroy(batchpool);
    if (has_id && count > 0 && dt_sync_sequence(db, pool, dt) != APR_SUCCESS)
        return db_failed(db, pool, errmsg, "cannot move the id sequence past the imported ids");
    if (cc_revision_bump_table(db, pool, dt->name) != APR_SUCCESS)
        return db_failed(db, pool, errmsg, "cannot record the table's new revision");
    *rows = count;
    return APR_SUCCESS;
}

apr_status_t cc_datatable_import(cc_db *db, apr_pool_t *pool, const char *name,
                                 cc_csv_read_fn *reader, void *baton,
                                 const cc_dt_import_options *opts, apr_int64_t *rows,
                                 const char **errmsg)
{
    static const cc_dt_import_options defaults;
    apr_pool_t *scratch;
    csv_reader *r;
    apr_dbd_transaction_t *txn = NULL;
    apr_int64_t count = 0;
    int created = 0;
    apr_status_t rv, end;

    if (rows)
        *rows = 0;
    if (opts == NULL)
        opts = &defaults;
    if (opts->create != CC_DT_PRESET_NONE && opts->create_from_header) {
        *errmsg = "create with a preset or from the header, not both";
        return APR_EINVAL;
    }
    if (opts->create == CC_DT_PRESET_NONE && !opts->create_from_header &&
        cc_datatable_check_name(pool, name, errmsg) != APR_SUCCESS) {
        *errmsg = apr_psprintf(pool, "no data table \"%s\"", name ? name : "");
        return APR_NOTFOUND;
    }
    apr_pool_create(&scratch, pool);
    r = apr_pcalloc(scratch, sizeof(*r));
    r->read = reader;
    r->baton = baton;
    r->pool = scratch;
    r->buf = apr_palloc(scratch, DT_READ_CHUNK);
    r->line = 1;
    r->recmax = opts->max_record ? opts->max_record : DT_DEFAULT_MAX_RECORD;
    r->reccap = r->recmax < 4096 ? r->recmax : 4096;
    r->rec = apr_palloc(scratch, r->reccap);

    rv = cc_db_begin(db, pool, &txn);
    if (rv != APR_SUCCESS) {
        apr_pool_destroy(scratch);
        return db_failed(db, pool, errmsg, "cannot start a transaction");
    }
    rv = dt_import_rows(db, scratch, name, r, opts, &count, errmsg, &created);
    if (rv != APR_SUCCESS)
        *errmsg = apr_pstrdup(pool, *errmsg);
    end = cc_db_end(db, pool, txn, rv != APR_SUCCESS);
    if (rv != APR_SUCCESS || end != APR_SUCCESS)
        dt_forget_statements(db);
    if (rv == APR_SUCCESS && end != APR_SUCCESS)
        rv = db_failed(db, pool, errmsg, "cannot commit the import");
    if (rv != APR_SUCCESS && created && !dt_transactional_ddl(db->dialect)) {
        const char *ignored = NULL;
        cc_datatable_drop(db, scratch, name, &ignored);
    }
    apr_pool_destroy(scratch);
    if (rv == APR_SUCCESS && rows)
        *rows = count;
    return rv;
}

/* ------------------------------------------------------------------ */
/* CSV writing                                                         */

typedef struct csv_writer {
    cc_csv_write_fn *write;
    void *baton;
    char *buf;
    apr_size_t len;
    apr_status_t rv;
} csv_writer;

static void csv_flush(csv_writer *w)
{
    if (w->rv == APR_SUCCESS && w->len > 0)
        w->rv = w->write(w->baton, w->buf, w->len);
    w->len = 0;
}

static void csv_bytes(csv_writer *w, const char *s, apr_size_t n)
{
    while (n > 0 && w->rv == APR_SUCCESS) {
        apr_size_t room = DT_WRITE_CHUNK - w->len, k = n < room ? n : room;
        memcpy(w->buf + w->len, s, k);
        w->len += k;
        s += k;
        n -= k;
        if (w->len == DT_WRITE_CHUNK)
            csv_flush(w);
    }
}

const char *cc_csv_field(apr_pool_t *pool, const char *v)
{
    const char *p;
    char *out, *o;

    if (v == NULL)
        return "";
    if (*v == '\0')
        return "\"\"";
    if (strpbrk(v, ",\"\r\n") == NULL)
        return v;
    out = apr_palloc(pool, strlen(v) * 2 + 3);
    o = out;
    *o++ = '"';
    for (p = v; *p; p++) {
        if (*p == '"')
            *o++ = '"';
        *o++ = *p;
    }
    *o++ = '"';
    *o = '\0';
    return out;
}

/* Only a field that needs quotes is copied (into pool). */
static void csv_field_out(csv_writer *w, apr_pool_t *pool, const char *v)
{
    const char *field = cc_csv_field(pool, v);

    csv_bytes(w, field, strlen(field));
}

apr_status_t cc_datatable_export(cc_db *db, apr_pool_t *pool, const char *name,
                                 cc_csv_write_fn *writer, void *baton, int crlf, apr_int64_t *rows,
                                 const char **errmsg)
{
    const char *eol = crlf ? "\r\n" : "\n";
    cc_datatable *dt = NULL;
    csv_writer w;
    apr_pool_t *batch;
    const char *sql;
    char after[32];
    apr_int64_t count = 0;
    apr_status_t rv;
    int i;

    if (rows)
        *rows = 0;
    rv = cc_datatable_describe(db, pool, name, &dt, errmsg);
    if (rv != APR_SUCCESS)
        return rv;
    memset(&w, 0, sizeof(w));
    w.write = writer;
    w.baton = baton;
    w.buf = apr_palloc(pool, DT_WRITE_CHUNK);
    for (i = 0; i < dt->ncols; i++) {
        if (i)
            csv_bytes(&w, ",", 1);
        csv_field_out(&w, pool, dt->cols[i].name);
    }
    csv_bytes(&w, eol, strlen(eol));
    /* keyset paging: each batch starts after the last id written */
    {
        const char *q = cc_datatable_quote(pool, db->dialect, "id");
        const char *cols = dt_select_list(pool, db->dialect, dt);
        const char *table = cc_datatable_quote(pool, db->dialect, dt->name);
        if (db->dialect == CC_DIALECT_ODBC)
            sql = apr_psprintf(pool, "SELECT TOP %d %s FROM %s WHERE %s > %%s ORDER BY %s",
                               DT_EXPORT_BATCH, cols, table, q, q);
        else if (db->dialect == CC_DIALECT_ORACLE)
            sql = apr_psprintf(pool,
                               "SELECT %s FROM %s WHERE %s > %%s ORDER BY %s FETCH FIRST %d ROWS "
                               "ONLY",
                               cols, table, q, q, DT_EXPORT_BATCH);
        else
            sql = apr_psprintf(pool, "SELECT %s FROM %s WHERE %s > %%s ORDER BY %s LIMIT %d", cols,
                               table, q, q, DT_EXPORT_BATCH);
    }
    apr_pool_create(&batch, pool);
    apr_snprintf(after, sizeof(after), "%" APR_INT64_T_FMT, APR_INT64_MIN);
    while (w.rv == APR_SUCCESS) {
        cc_rows *page = NULL;
        const char *args[] = {after, NULL};
        int r;
        apr_pool_clear(batch);
        if (cc_db_select(db, batch, &page, sql, 1, args) != APR_SUCCESS) {
            apr_pool_destroy(batch);
            return db_failed(db, pool, errmsg, "cannot read the rows");
        }
        cc_datatable_out_rows(batch, dt, page);
        for (r = 0; r < page->nrows; r++) {
            for (i = 0; i < dt->ncols; i++) {
                if (i)
                    csv_bytes(&w, ",", 1);
                csv_field_out(&w, batch, page->values[r][i]);
            }
            csv_bytes(&w, eol, strlen(eol));
        }
        count += page->nrows;
        if (page->nrows < DT_EXPORT_BATCH)
            break;
        apr_cpystrn(after, page->values[page->nrows - 1][0], sizeof(after));
    }
    apr_pool_destroy(batch);
    csv_flush(&w);
    if (w.rv != APR_SUCCESS) {
        char msg[120];
        *errmsg =
            apr_psprintf(pool, "cannot write the CSV: %s", apr_strerror(w.rv, msg, sizeof(msg)));
        return w.rv;
    }
    if (rows)
        *rows = count;
    return APR_SUCCESS;
}
