/* The database as R sees it inside the module: two native routines
 * registered in R's embedding DllInfo, called from the R package as
 *   .Call("cc_db_query", sql, params, select, PACKAGE = "(embedding)")
 *   .Call("cc_db_driver", PACKAGE = "(embedding)")
 * on the connection of the request being served (bound by rhost around
 * each call, under the R mutex). Never includes httpd.h. */
#ifndef CC_RHOST_DBBRIDGE_H
#define CC_RHOST_DBBRIDGE_H

#include "store/db.h"

#include <apr_pools.h>

/* Registers the routines; once, after R started. */
void cc_dbbridge_register(void);

/* The connection and pool the routines use until the next bind; NULL
 * unbinds (the routines then raise an R error). */
void cc_dbbridge_bind(cc_db *db, apr_pool_t *pool);

/* The driver name R is told: "sqlite3", "pgsql", "mysql" or "odbc". */
const char *cc_dbbridge_driver_name(const cc_db *db);

#endif
