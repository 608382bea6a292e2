/* Starter content, part 2: tests whose logic is R (code and flow tests,
 * spec 1.2 and 2.6) with their variables, nodes, ports and connections.
 * Internal to the starter loader (starter.c calls it for every test whose
 * type is "code" or "flow"). */
#ifndef CC_STARTER_RTEST_H
#define CC_STARTER_RTEST_H

#include "db.h"

#include <json.h>

/* A string member of obj, or NULL when missing or not a string. */
const char *cc_starter_member_string(json_object *obj, const char *key);

/* The text of file `name` in dir (NULL name gives NULL); names that leave
 * the directory are refused. */
apr_status_t cc_starter_read_text(apr_pool_t *pool, const char *dir, const char *name,
                                  const char **out, const char **errmsg);

/* Creates one code or flow test described by `test` in one transaction,
 * or leaves it alone when a test of that name or slug exists
 * (*created = 0). Code comes from the file named by "code" in dir. */
apr_status_t cc_starter_rtest_load(cc_db *db, apr_pool_t *pool, const char *dir, json_object *test,
                                   long now, int *created, const char **errmsg);

#endif
