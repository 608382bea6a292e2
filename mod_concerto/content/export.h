/* Export (spec 5.3): the platform's tests, wizards, view templates and data
 * tables as a Concerto 5 document {version, collection}, field names as
 * Concerto writes them (camelCase), ids normalized (content/ids.h), each
 * top object with its `hash`. Objects are sorted: data tables, templates,
 * tests, wizards, each by name; children in a fixed order (variables and
 * ports by type and name, nodes, connections, steps and params as stored).
 *
 * Ours beyond Concerto's fields: a test of our native type 3 (adaptive
 * assessment) carries `settings`; a template carries `escapedInserts` when
 * it has HTML-escaped inserts (content/inserts.h). */
#ifndef CC_CONTENT_EXPORT_H
#define CC_CONTENT_EXPORT_H

#include "store/db.h"

#include <apr_tables.h>
#include <json.h>

/* The version written; imports accept 5.0.beta.8.1 and later. */
#define CC_CONTENT_VERSION "5.0.27"

typedef struct cc_content_selection {
    /* Names (const char *) per class; when all four are NULL or empty,
     * everything is exported. Whatever a selected object refers to (its
     * base template, the tests its nodes run, its wizard's test, and the
     * templates, tables, tests named in wizard parameter values) comes
     * along. */
    apr_array_header_t *tests, *templates, *tables, *wizards;
    int data; /* data tables' rows as `data` */
} cc_content_selection;

/* *errmsg names an unknown selected object (APR_NOTFOUND) or the database
 * failure. */
apr_status_t cc_content_export(cc_db *db, apr_pool_t *pool, const cc_content_selection *sel,
                               json_object **doc, const char **errmsg);

/* One object as export writes it (ids not normalized, no hash), or NULL
 * with APR_SUCCESS when there is none with that id. class_name: "Test",
 * "TestWizard", "ViewTemplate", "DataTable". */
apr_status_t cc_content_export_object(cc_db *db, apr_pool_t *pool, const char *class_name,
                                      const char *id, int data, json_object **obj,
                                      const char **errmsg);

#endif
