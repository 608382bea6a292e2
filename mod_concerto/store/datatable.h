/* Data tables (spec section 1, DataTable): real tables in the platform's own
 * database, one per data table, registered in data_table. Every one has an
 * `id` BIGINT auto-increment primary key; the other columns have one of
 * Concerto's types. Rows move in and out as CSV (RFC 4180), streamed, and an
 * import is one transaction.
 *
 * Names. A table or column name matches ^[a-zA-Z][a-zA-Z0-9_]*$, is at most
 * 64 characters, is not an SQL keyword, and a table name is not one of the
 * platform's own tables (nor starts with concerto_, sqlite_ or pg_). Names
 * are case-insensitively unique. In SQL they are always quoted ("name" on
 * SQLite/PostgreSQL, `name` on MySQL, [name] on SQL Server), so the
 * physical table and columns carry exactly the given name, camelCase kept
 * (on PostgreSQL, SQL written by hand must quote them too:
 * SELECT "fixedIndex" FROM "assessmentItems").
 *
 * Errors: APR_EINVAL for a bad name, type or CSV content, APR_NOTFOUND for
 * a table that is not a data table, APR_EEXIST for a name already taken,
 * APR_EGENERAL for a database failure. On failure *errmsg is a sentence
 * for a person (never NULL), allocated in the caller's pool. */
#ifndef CC_DATATABLE_H
#define CC_DATATABLE_H

#include "db.h"

#include <apr_file_io.h>

#define CC_DT_NAME_MAX 64
#define CC_DT_MAX_COLUMNS 1000

typedef enum {
    CC_DT_BOOLEAN, /* 0/1 (true/false accepted on import); BOOLEAN, TINYINT(1) on MySQL */
    CC_DT_BIGINT,
    CC_DT_DATE,     /* YYYY-MM-DD */
    CC_DT_DATETIME, /* YYYY-MM-DD HH:MM:SS[.ffffff], no time zone */
    CC_DT_DECIMAL,  /* decimal(precision,scale), default (10,2) */
    CC_DT_FLOAT,    /* double precision */
    CC_DT_INTEGER,
    CC_DT_JSON, /* checked to be JSON (RFC 8259) */
    CC_DT_SMALLINT,
    CC_DT_STRING, /* string(length in characters), default 1024 */
    CC_DT_TEXT,
    CC_DT_UNKNOWN /* describe only: a column type we did not create; no checks */
} cc_dt_type;

typedef struct cc_dt_column {
    const char *name;
    cc_dt_type type;
    int length; /* string: characters; decimal: precision */
    int scale;  /* decimal: digits after the point */
    int nullable;
    const char *db_type; /* describe only: the type as the database reports it */
} cc_dt_column;

typedef struct cc_datatable {
    const char *name;
    const char *description; /* may be NULL */
    long id;                 /* data_table.id */
    int ncols;
    cc_dt_column *cols; /* cols[0] is always `id` (bigint, not nullable) */
} cc_datatable;

/* Presets: the column sets of spec 8.2 (assessmentItems and
 * assessmentResponses), without `id`. */
typedef enum { CC_DT_PRESET_NONE = 0, CC_DT_PRESET_ITEMS, CC_DT_PRESET_RESPONSES } cc_dt_preset;

/* ---- names and types ---- */

/* APR_SUCCESS when name is an acceptable table (or column) name. */
apr_status_t cc_datatable_check_name(apr_pool_t *pool, const char *name, const char **errmsg);
apr_status_t cc_datatable_check_column_name(apr_pool_t *pool, const char *name,
                                            const char **errmsg);

/* Type names as Concerto spells them ("string", "decimal"...). */
const char *cc_dt_type_name(cc_dt_type type);
/* Parse "float", "string(32)", "decimal(12,4)" into col's type, length and
 * scale (defaults for string and decimal when no length is given). */
apr_status_t cc_dt_type_parse(apr_pool_t *pool, const char *spec, cc_dt_column *col,
                              const char **errmsg);
/* "string(32)", "decimal(10,2)", "float" ... */
const char *cc_dt_type_format(apr_pool_t *pool, const cc_dt_column *col);

/* The preset's columns (static storage) and their number; NULL for NONE. */
const cc_dt_column *cc_dt_preset_columns(cc_dt_preset preset, int *ncols);
/* "items" or "responses" (also "assessmentItems", "assessmentResponses"). */
apr_status_t cc_dt_preset_parse(const char *word, cc_dt_preset *out);

/* ---- tables ----
 *
 * Revisions: every change of a table's rows or columns made here bumps
 * data_table.revision in the same transaction (insert, import, and any
 * update, delete or column change added later must too), so that caches of
 * things built from the table (runner/cache.h) see it. A drop deletes the
 * data_table row, and a table made again under the name gets a new id,
 * which the caches compare as well. */

/* Create table name with `id` and the given columns (none is fine), and
 * register it in data_table. Columns must not include `id`. updated_by may
 * be NULL. In one transaction where the database allows DDL in one; inside
 * the caller's when one is open. */
apr_status_t cc_datatable_create(cc_db *db, apr_pool_t *pool, const char *name,
                                 const char *description, const cc_dt_column *cols, int ncols,
                                 const char *updated_by, const char **errmsg);
apr_status_t cc_datatable_create_preset(cc_db *db, apr_pool_t *pool, const char *name,
                                        cc_dt_preset preset, const char **errmsg);

/* The registered table and its columns in table order, read from the
 * database's catalogue. APR_NOTFOUND when name is no data table. */
apr_status_t cc_datatable_describe(cc_db *db, apr_pool_t *pool, const char *name,
                                   cc_datatable **out, const char **errmsg);

/* Registered data table names, sorted. */
apr_status_t cc_datatable_list(cc_db *db, apr_pool_t *pool, apr_array_header_t **names,
                               const char **errmsg);

apr_status_t cc_datatable_count(cc_db *db, apr_pool_t *pool, const char *name, apr_int64_t *count,
                                const char **errmsg);

/* Drop the table and its registration. */
apr_status_t cc_datatable_drop(cc_db *db, apr_pool_t *pool, const char *name, const char **errmsg);

/* ---- rows ---- */

/* Insert one row: names[i] = values[i] (NULL value = SQL NULL), checked and
 * normalised like an import. Missing columns get NULL. *id (may be NULL) is
 * the new row's id; an `id` among names sets it. Bumps the table's revision
 * (store/revision.h) in the same transaction: the caller's, else its own. */
apr_status_t cc_datatable_insert(cc_db *db, apr_pool_t *pool, const cc_datatable *dt, int n,
                                 const char *const *names, const char *const *values,
                                 apr_int64_t *id, const char **errmsg);
/* The same without the revision bump, for the rows the runner records as
 * participants answer (response tables): nothing is built from those rows,
 * and a bump would make every submit of a test wait for the one data_table
 * row the others are updating. */
apr_status_t cc_datatable_insert_keep_revision(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                               int n, const char *const *names,
                                               const char *const *values, apr_int64_t *id,
                                               const char **errmsg);

/* The ids (apr_int64_t, ascending) of the rows whose column names[i]
 * holds values[i] for every i (NULL matches SQL NULL); values are
 * normalised as insert does, so "7" finds 7.0 in a float column. */
apr_status_t cc_datatable_find(cc_db *db, apr_pool_t *pool, const cc_datatable *dt, int n,
                               const char *const *names, const char *const *values,
                               apr_array_header_t **ids, const char **errmsg);

/* Set names[i] = values[i] in row id, checked and normalised like an
 * insert (`id` itself cannot be set). APR_NOTFOUND when there is no such
 * row. */
apr_status_t cc_datatable_update(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                 apr_int64_t id, int n, const char *const *names,
                                 const char *const *values, const char **errmsg);

/* For each value of column key (ascending): the number of distinct
 * values of column counted among its rows (*rows: key, count); *total is
 * the number of distinct values of counted in the whole table. One
 * GROUP BY: callers that ask often should keep the answer a while. */
apr_status_t cc_datatable_distinct_counts(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                          const char *key, const char *counted, cc_rows **rows,
                                          apr_int64_t *total, const char **errmsg);

/* Rows ordered by id, skipping offset rows, at most limit (1..10000) of
 * them; every column of the table, in table order, values as export
 * writes them (NULL for SQL NULL). */
apr_status_t cc_datatable_rows(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                               apr_int64_t offset, int limit, cc_rows **out, const char **errmsg);

/* ---- for the admin API (store/datatable_page.c) ---- */

/* An identifier (a checked name) in the dialect's quotes. */
const char *cc_datatable_quote(apr_pool_t *pool, cc_dialect dialect, const char *name);
/* The column's SQL type in the dialect. */
const char *cc_datatable_sql_type(apr_pool_t *pool, cc_dialect d, const cc_dt_column *col);
/* Values of rows read with every column in table order, as export writes them. */
void cc_datatable_out_rows(apr_pool_t *pool, const cc_datatable *dt, cc_rows *rows);

/* A page of rows (every column, table order) sorted on column sort
 * (NULL: id; ties by id), with filters: filter_values[i] is looked for as
 * text, case-insensitively, inside column filter_names[i]. *total counts
 * every matching row. APR_EINVAL (naming it) for an unknown column. */
apr_status_t cc_datatable_page(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                               const char *sort, int desc, int nfilters,
                               const char *const *filter_names, const char *const *filter_values,
                               apr_int64_t offset, int limit, cc_rows **out, apr_int64_t *total,
                               const char **errmsg);
/* Rows (every column, ordered by id, at most limit) where column names[i]
 * compares to values[i] by ops[i] ("=", ">=", "<=", "!="); NULL values
 * compare with IS [NOT] NULL. APR_EINVAL naming an unknown column. */
apr_status_t cc_datatable_select(cc_db *db, apr_pool_t *pool, const cc_datatable *dt, int n,
                                 const char *const *names, const char *const *ops,
                                 const char *const *values, int limit, cc_rows **out,
                                 const char **errmsg);
/* One row by id; APR_NOTFOUND when there is none. */
apr_status_t cc_datatable_row(cc_db *db, apr_pool_t *pool, const cc_datatable *dt, apr_int64_t id,
                              cc_rows **out, const char **errmsg);
/* Delete row id (APR_NOTFOUND when there is none); bumps the revision. */
apr_status_t cc_datatable_delete_row(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                     apr_int64_t id, const char **errmsg);
/* Add a column (nullable, or NOT NULL only on an empty table); drop one;
 * rename one. Each bumps the revision. */
apr_status_t cc_datatable_add_column(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                     const cc_dt_column *col, const char **errmsg);
apr_status_t cc_datatable_drop_column(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                      const char *name, const char **errmsg);
apr_status_t cc_datatable_rename_column(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                        const char *name, const char *new_name,
                                        const char **errmsg);

/* ---- CSV ---- */

/* Source of CSV bytes: fill up to *len bytes of buf and set *len to the
 * number given; *len = 0 means end of input. Anything but APR_SUCCESS
 * aborts the import. */
typedef apr_status_t cc_csv_read_fn(void *baton, char *buf, apr_size_t *len);
/* Sink of CSV bytes. */
typedef apr_status_t cc_csv_write_fn(void *baton, const char *data, apr_size_t len);

/* Adapters for an open apr_file_t (baton = the apr_file_t *). */
apr_status_t cc_csv_read_file(void *baton, char *buf, apr_size_t *len);
apr_status_t cc_csv_write_file(void *baton, const char *data, apr_size_t len);
/* One CSV field (RFC 4180): v itself when it needs no quotes, else quoted
 * with its quotes doubled; NULL is an empty field, "" is written "". */
const char *cc_csv_field(apr_pool_t *pool, const char *v);

typedef struct cc_dt_import_options {
    cc_dt_preset create;    /* create the table with a preset's columns first */
    int create_from_header; /* create it with a text column per header name */
    int replace;            /* delete the table's rows first (same transaction) */
    apr_size_t max_record;  /* longest record in bytes; 0 = 16 MiB */
    int batch_rows;         /* rows per INSERT; 0 = the dialect's choice (SQLite 1,
                               servers up to 100). A refused batch names its lines. */
} cc_dt_import_options;

/* Read a CSV with a header row naming columns (any order, any subset; `id`
 * included sets the ids) and insert every record, all in one transaction:
 * on any error nothing stays, not even a table created for it. *rows (may
 * be NULL) counts the records inserted. Errors name the line:
 * `line 57, column p2: "abc" is not a number`. Memory stays bounded by the
 * longest record, whatever the number of rows. opts may be NULL. */
apr_status_t cc_datatable_import(cc_db *db, apr_pool_t *pool, const char *name,
                                 cc_csv_read_fn *reader, void *baton,
                                 const cc_dt_import_options *opts, apr_int64_t *rows,
                                 const char **errmsg);

/* Write every row as CSV, header first (`id` and every column), ordered by
 * id, in batches. LF line ends, or CRLF when crlf is set. NULL is an empty
 * field, an empty string is "". */
apr_status_t cc_datatable_export(cc_db *db, apr_pool_t *pool, const char *name,
                                 cc_csv_write_fn *writer, void *baton, int crlf, apr_int64_t *rows,
                                 const char **errmsg);

#endif
