/* The data API (spec 4.5): /api/data/{table}[/{row}], {table} an id or a
 * name, for API clients (bearer token) and logged-in users with
 * ROLE_TABLE; the access rule of the table applies. */
#ifndef CC_ADMIN_DATA_H
#define CC_ADMIN_DATA_H

#include "rest.h"

/* segs[0] the table, segs[1] the row id (nsegs 1 or 2). Collection: GET
 * filters from query keys (a key ending in '>', '<' or '!' compares with
 * >=, <= or !=; access_token and format are ignored; another key that is
 * no column: 400) and answers a JSON list of rows; POST or PUT inserts a
 * row from a JSON object (201 and the row). Row: GET, POST or PUT
 * (update, the row), DELETE (204). */
apr_status_t cc_admin_data_handle(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                                  cc_rest_answer *answer, cc_admin_error *err);

#endif
