/* Template inserts between Concerto's syntax and ours (core/template.h).
 *
 * Concerto (spec 3.5, concerto.template.insertParams) has one parameter
 * insert, {{name}}, replaced by the value as it is. Ours has two: {{{name}}}
 * as it is and {{name}} HTML-escaped. So:
 *   import: Concerto's {{name}} becomes our {{{name}}} (same output), except
 *           the inserts an export of ours listed as escaped, which stay
 *           {{name}}; a Concerto {{{name}}} (Concerto shows "{value}")
 *           becomes {{{{name}}}}, which we show as "{value}" too;
 *   export: our {{{name}}} becomes {{name}}; our {{name}} stays {{name}}
 *           (Concerto cannot escape) and its ordinal among the text's
 *           parameter inserts is listed, so that importing the file here
 *           gives back exactly the text exported.
 * {{template:...}} and {{trans:...}} mean the same on both sides and are
 * copied. Inserts are found exactly as the renderer finds them. */
#ifndef CC_CONTENT_INSERTS_H
#define CC_CONTENT_INSERTS_H

#include <apr_pools.h>
#include <apr_tables.h>

/* text in our syntax -> Concerto's; *escaped (int ordinals, ascending) the
 * parameter inserts of the result that were escaped here. NULL -> NULL. */
const char *cc_inserts_to_concerto(apr_pool_t *pool, const char *text,
                                   apr_array_header_t **escaped);

/* text in Concerto's syntax -> ours; escaped (may be NULL) as above. */
const char *cc_inserts_from_concerto(apr_pool_t *pool, const char *text,
                                     const apr_array_header_t *escaped);

/* The names of the templates text embeds ({{template:NAME...}}), added to
 * names (const char *) in order; text may be NULL. */
void cc_inserts_embedded_templates(apr_pool_t *pool, const char *text, apr_array_header_t *names);

#endif
