/* Concerto 5 content files as bytes (spec 5.3): JSON, YAML, and `.concerto`
 * (zlib-compressed JSON, PHP's gzcompress), read into and written from
 * json-c documents. No database. Errors are APR_EINVAL with *errmsg a
 * sentence for a person (allocated in pool). Documents returned are owned
 * by pool (cc_json_owned). */
#ifndef CC_CONTENT_FORMAT_H
#define CC_CONTENT_FORMAT_H

#include <apr_pools.h>
#include <json.h>

typedef enum { CC_CONTENT_YAML, CC_CONTENT_JSON, CC_CONTENT_COMPRESSED } cc_content_format;

/* Concerto's rule on import: `.concerto` compressed, `.yml`/`.yaml` YAML,
 * anything else JSON. */
cc_content_format cc_content_format_for_name(const char *filename);

/* "yml", "yaml", "json", "concerto" or "compressed"; APR_EINVAL otherwise. */
apr_status_t cc_content_format_parse(const char *word, cc_content_format *out);

/* The largest document accepted, decompressed (a zlib bomb stops here). */
#define CC_CONTENT_MAX_BYTES ((apr_size_t)256 * 1024 * 1024)

apr_status_t cc_content_decode(apr_pool_t *pool, const char *data, apr_size_t len,
                               cc_content_format format, json_object **doc, const char **errmsg);

/* Deterministic output: the same document gives the same bytes. */
apr_status_t cc_content_encode(apr_pool_t *pool, json_object *doc, cc_content_format format,
                               const char **data, apr_size_t *len, const char **errmsg);

/* YAML alone (also used for the source-control layout's table files). */
apr_status_t cc_content_yaml_parse(apr_pool_t *pool, const char *data, apr_size_t len,
                                   json_object **doc, const char **errmsg);
apr_status_t cc_content_yaml_emit(apr_pool_t *pool, json_object *doc, const char **data,
                                  apr_size_t *len, const char **errmsg);

#endif
