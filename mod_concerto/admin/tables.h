/* Data tables through the admin API: the registrations (data_table, with
 * access and revision), their columns and rows, and CSV in and out, on top
 * of store/datatable.h. Every change of rows or columns bumps the table's
 * revision there. */
#ifndef CC_ADMIN_TABLES_H
#define CC_ADMIN_TABLES_H

#include "entity.h"

extern const cc_kind cc_kind_table;

/* Lists get "row_count"; one table also its "columns":
 * [{name, type ("string", "decimal"...), nullable, length}]. */
apr_status_t cc_admin_table_list(cc_db *db, apr_pool_t *pool, const cc_list_query *lq,
                                 const cc_admin_actor *actor, json_object **out,
                                 cc_admin_error *err);
apr_status_t cc_admin_table_get(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                                json_object **out, cc_admin_error *err);
/* {name, description, columns:[...], accessibility, object_groups}. */
apr_status_t cc_admin_table_create(cc_db *db, apr_pool_t *pool, json_object *in,
                                   const cc_admin_actor *actor, long now, long *id,
                                   cc_admin_error *err);
/* Description and sharing; a new name is refused (422). */
apr_status_t cc_admin_table_update(cc_db *db, apr_pool_t *pool, long id, json_object *in,
                                   const cc_admin_actor *actor, long now, cc_admin_error *err);
apr_status_t cc_admin_table_delete(cc_db *db, apr_pool_t *pool, long id,
                                   const cc_admin_actor *actor, cc_admin_error *err);

/* Rows: ?page&per_page&sort=COL&order&filter.COL=TEXT. */
apr_status_t cc_admin_rows_list(cc_db *db, apr_pool_t *pool, long table_id, const cc_list_query *lq,
                                const cc_admin_actor *actor, json_object **out,
                                cc_admin_error *err);
apr_status_t cc_admin_row_get(cc_db *db, apr_pool_t *pool, long table_id, long row_id,
                              const cc_admin_actor *actor, json_object **out, cc_admin_error *err);
/* A JSON object of column: value; *row_id the new row's. */
apr_status_t cc_admin_row_create(cc_db *db, apr_pool_t *pool, long table_id, json_object *in,
                                 const cc_admin_actor *actor, long *row_id, cc_admin_error *err);
apr_status_t cc_admin_row_update(cc_db *db, apr_pool_t *pool, long table_id, long row_id,
                                 json_object *in, const cc_admin_actor *actor, cc_admin_error *err);
apr_status_t cc_admin_row_delete(cc_db *db, apr_pool_t *pool, long table_id, long row_id,
                                 const cc_admin_actor *actor, cc_admin_error *err);

/* Columns: POST {name, type, nullable, length}; PUT {name} renames (a new
 * type is refused: 422); DELETE. */
apr_status_t cc_admin_column_create(cc_db *db, apr_pool_t *pool, long table_id, json_object *in,
                                    const cc_admin_actor *actor, cc_admin_error *err);
apr_status_t cc_admin_column_update(cc_db *db, apr_pool_t *pool, long table_id, const char *name,
                                    json_object *in, const cc_admin_actor *actor,
                                    cc_admin_error *err);
apr_status_t cc_admin_column_delete(cc_db *db, apr_pool_t *pool, long table_id, const char *name,
                                    const cc_admin_actor *actor, cc_admin_error *err);

/* CSV (store/datatable.c's reader and writer): the whole table; and an
 * import in one transaction (replace: the rows are deleted first). */
apr_status_t cc_admin_table_csv(cc_db *db, apr_pool_t *pool, long table_id,
                                const cc_admin_actor *actor, const char **csv,
                                const char **filename, cc_admin_error *err);
apr_status_t cc_admin_table_import(cc_db *db, apr_pool_t *pool, long table_id, const char *csv,
                                   apr_size_t len, int replace, const cc_admin_actor *actor,
                                   long *rows, cc_admin_error *err);

/* Rows of a data table as JSON objects (id a number, NULL null, the rest
 * text as export writes it). */
json_object *cc_admin_table_rows_json(const cc_rows *rows);

/* The table registered with this id (access checked) and its description. */
struct cc_datatable;
apr_status_t cc_admin_table_open(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                                 struct cc_datatable **dt, cc_admin_error *err);

#endif
