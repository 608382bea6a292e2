/* The participant's pages of a native assessment, rendered on the server
 * from the test's view templates (Concerto's ViewTemplate): the start
 * page, the item pages and the results page. The template language has no
 * loops, so repeated parts (an item, an option, a row of the trait table)
 * are templates of their own, rendered once each and joined into the page
 * (conf/starter/README.md lists every insert).
 *
 * Template names come from the test's settings, else the starter names:
 * startTemplate (cc-start), itemTemplate (cc-item-page), resultsTemplate
 * (cc-results), itemPartTemplate (cc-item), optionTemplate (cc-option),
 * backButtonTemplate (cc-back-button), traitTableTemplate (cc-trait-table),
 * traitRowTemplate (cc-trait-row). Pure logic: templates come through the
 * lookup callback. */
#ifndef CC_VIEW_H
#define CC_VIEW_H

#include "core/template.h"
#include "runner/assessment.h"

#include <json.h>

typedef struct cc_view_source {
    cc_template_lookup_fn *lookup; /* by name; also serves {{template:NAME}} */
    void *baton;
} cc_view_source;

/* The start page (before a session exists). */
apr_status_t cc_view_intro(apr_pool_t *pool, json_object *settings, const cc_view_source *src,
                           cc_template *out, const char **errmsg);

/* The page of an assessment page: its items, or the results when it is
 * finished. alert: the message shown above the items ("" or NULL: none). */
apr_status_t cc_view_page(apr_pool_t *pool, json_object *settings, const cc_assess_page *page,
                          const char *alert, const cc_view_source *src, cc_template *out,
                          const char **errmsg);

/* The names of every template the test's pages may use (to read them in
 * one go); returns how many. */
int cc_view_template_names(apr_pool_t *pool, json_object *settings, const char ***names);

#endif
