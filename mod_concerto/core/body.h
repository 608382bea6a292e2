/* Request bodies: a JSON object or an HTML form (urlencoded), read into a
 * table of string fields. Limits are enforced by the caller while reading. */
#ifndef CC_BODY_H
#define CC_BODY_H

#include <apr_errno.h>
#include <apr_tables.h>

/* Parse body by content type (application/json, application/x-www-form-
 * urlencoded; a missing type is sniffed) into *fields. Nested JSON values
 * are kept as their JSON text; JSON null counts as absent. Returns
 * APR_EINVAL for malformed input and APR_ENOTIMPL for another content type,
 * each with a readable *errmsg. Keys are case-insensitive, as in APR tables. */
apr_status_t cc_body_parse(apr_pool_t *pool, const char *content_type, const char *body,
                           apr_size_t len, apr_table_t **fields, const char **errmsg);

/* Decode one application/x-www-form-urlencoded component; NULL when the
 * encoding is broken. */
char *cc_form_decode(apr_pool_t *pool, const char *text, apr_size_t len);

#endif
