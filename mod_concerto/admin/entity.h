/* The administrators' REST API, core side (no httpd): entities described by
 * a table of fields, read and written through one generic set of functions
 * (list with paging, sort and search; get; create; update with a revision
 * check; delete). Each entity kind has its own file (tests.c, templates.c,
 * ...) holding its description and whatever is special about it.
 *
 * Every function answers APR_SUCCESS, or fills *err with the HTTP status a
 * client should get, a sentence for a person and, for a bad field, its
 * name; the glue only turns that into an answer. */
#ifndef CC_ADMIN_ENTITY_H
#define CC_ADMIN_ENTITY_H

#include "store/db.h"

#include <apr_tables.h>
#include <json.h>

typedef struct cc_admin_error {
    int status;          /* 400, 403, 404, 409, 422, 500 */
    const char *message; /* for a person */
    const char *field;   /* the field at fault, or NULL */
} cc_admin_error;

/* APR_EGENERAL after filling err (so callers can `return cc_admin_fail(...)`). */
apr_status_t cc_admin_fail(cc_admin_error *err, int status, const char *field, const char *message);
/* A database failure: 500 with what was being done and the database's words. */
apr_status_t cc_admin_db_fail(cc_admin_error *err, cc_db *db, apr_pool_t *pool, const char *doing);

/* Who is asking, as the core needs it: the id and name written to
 * owner_id and updated_by, and the access rule (core/access.h's
 * cc_access_allows in the server) deciding which rows they may see. */
typedef int cc_admin_allows_fn(void *baton, long owner_id, int accessibility,
                               const char *object_groups);
typedef struct cc_admin_actor {
    long user_id;
    const char *username;
    cc_admin_allows_fn *allows; /* NULL: everything is allowed */
    void *baton;
    int super_admin; /* ROLE_SUPER_ADMIN: what only super admins may do */
} cc_admin_actor;

int cc_admin_actor_allows(const cc_admin_actor *actor, long owner_id, int accessibility,
                          const char *object_groups);

typedef enum { CC_FIELD_INT, CC_FIELD_TEXT, CC_FIELD_BOOL } cc_field_type;

enum {
    CC_FIELD_WRITE = 0x01,    /* a client may set it */
    CC_FIELD_REQUIRED = 0x02, /* a create must give it */
    CC_FIELD_SORT = 0x04,     /* lists may be sorted on it */
    CC_FIELD_SEARCH = 0x08,   /* q= looks for its text */
    CC_FIELD_FILTER = 0x10,   /* ?name=VALUE restricts a list to rows holding VALUE */
    CC_FIELD_NOLIST = 0x20,   /* left out of lists (long text: code, html) */
    CC_FIELD_SECRET = 0x40    /* written, never read back (password_hash) */
};

typedef struct cc_field {
    const char *name; /* the column, and the JSON key */
    cc_field_type type;
    unsigned flags;
    long min, max; /* INT: allowed range (both 0: any); TEXT: max characters (0: any) */
} cc_field;

enum {
    CC_KIND_ACCESS = 0x01,   /* owner_id, accessibility, object_groups, archived */
    CC_KIND_REVISION = 0x02, /* revision, checked on update */
    CC_KIND_AUDIT = 0x04,    /* created, updated (Unix seconds), updated_by */
    CC_KIND_CREATED = 0x08   /* created, updated only */
};

typedef struct cc_kind {
    const char *label; /* "test", for messages */
    const char *table;
    const char *parent_column; /* the parent's id column of a child kind, else NULL */
    const cc_field *fields;    /* without id and the trait columns */
    int nfields;
    unsigned traits;
    const char *unique_column; /* a name unique in the table: taken -> 409 */
} cc_kind;

/* ---- lists ---- */

#define CC_ADMIN_PER_PAGE_DEFAULT 50
#define CC_ADMIN_PER_PAGE_MAX 500

typedef struct cc_list_query {
    int page;         /* from 1 */
    int per_page;     /* 1..CC_ADMIN_PER_PAGE_MAX */
    const char *sort; /* a column name, or NULL for id */
    int desc;
    const char *q;     /* search text, or NULL */
    apr_table_t *args; /* every query argument, decoded */
} cc_list_query;

/* Parse a URL query string (may be NULL). 400 for a bad page, per_page or
 * order, or broken percent-encoding. The sort column is checked by whoever
 * knows the columns (against a whitelist). */
apr_status_t cc_list_query_parse(apr_pool_t *pool, const char *query_string, cc_list_query *out,
                                 cc_admin_error *err);

/* {"items": items, "total", "page", "per_page"}; takes items. */
json_object *cc_list_answer(const cc_list_query *lq, json_object *items, long total);

/* ---- JSON in ---- */

/* The request body as a JSON object; 400 when it is not one. The object is
 * owned by pool. */
apr_status_t cc_admin_parse_object(apr_pool_t *pool, const char *body, apr_size_t len,
                                   json_object **out, cc_admin_error *err);

/* A JSON value as text for a column of type t (NULL for JSON null); 422
 * naming the field when it does not fit. */
apr_status_t cc_admin_field_value(apr_pool_t *pool, const cc_field *f, json_object *value,
                                  const char **out, cc_admin_error *err);

/* ---- rows to JSON ---- */

/* One result row as a JSON object: columns named in fields get their type,
 * id/owner_id/.. are numbers, others are text. */
json_object *cc_admin_row_json(const cc_kind *kind, const cc_rows *rows, int row);

/* ---- entities ---- */

/* Items of a list. parent_id: the parent's id for a child kind (else 0).
 * Sorting only on CC_FIELD_SORT fields, id, name-like trait columns (422
 * otherwise). Kinds with CC_KIND_ACCESS list only what actor may see. */
apr_status_t cc_entity_list(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long parent_id,
                            const cc_list_query *lq, const cc_admin_actor *actor, json_object **out,
                            cc_admin_error *err);

/* One entity: 404 when there is none (or it belongs to another parent),
 * 403 when actor may not see it. */
apr_status_t cc_entity_get(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long parent_id,
                           long id, const cc_admin_actor *actor, json_object **out,
                           cc_admin_error *err);

/* Insert from a JSON object (unknown keys are refused with 422 naming
 * them; read-only keys such as id or revision are ignored). Trait columns
 * are filled (owner = actor). *id: the new row's. Runs in the caller's
 * transaction. */
apr_status_t cc_entity_create(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long parent_id,
                              json_object *in, const cc_admin_actor *actor, long now, long *id,
                              cc_admin_error *err);

/* Update the fields present in in. For CC_KIND_REVISION kinds in must
 * hold the revision it read (422 without, 409 when stale), and the
 * revision is bumped. 404/403 as get. */
apr_status_t cc_entity_update(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long parent_id,
                              long id, json_object *in, const cc_admin_actor *actor, long now,
                              cc_admin_error *err);

apr_status_t cc_entity_delete(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long parent_id,
                              long id, const cc_admin_actor *actor, cc_admin_error *err);

/* Checks that the row exists under parent_id and actor may see it (404,
 * 403), and gives its revision (0 without one) and its unique name. */
apr_status_t cc_entity_check(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long parent_id,
                             long id, const cc_admin_actor *actor, const char **name,
                             cc_admin_error *err);

/* The id the last INSERT on this connection made. */
apr_status_t cc_admin_last_id(cc_db *db, apr_pool_t *pool, long *id);

/* Run fn in one transaction: rolled back when it fails. */
typedef apr_status_t cc_admin_txn_fn(cc_db *db, apr_pool_t *pool, void *baton, cc_admin_error *err);
apr_status_t cc_admin_in_transaction(cc_db *db, apr_pool_t *pool, cc_admin_txn_fn *fn, void *baton,
                                     cc_admin_error *err);

/* At the start of an admin request: on SQLite, forget the connection's
 * prepared statements. The admin API makes and alters data tables from
 * any child, and SQLite's legacy prepare leaves the other connections'
 * cached statements failing ("database schema has changed") inside a
 * transaction, where store/db.c does not retry them. */
void cc_admin_fresh_statements(cc_db *db);

/* A number from database text (NULL and junk: 0). */
long cc_admin_number(const char *text);

/* A positive id from text (a path segment); 0 when it is not one. */
long cc_admin_parse_id(const char *text);

/* Unix seconds as "2026-11-26 15:04:05 UTC". */
const char *cc_admin_time_text(apr_pool_t *pool, long t);

#endif
