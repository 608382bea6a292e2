/* multipart/form-data (RFC 7578) from a body held in memory, and file
 * names made safe to store. Pure logic: no httpd, no files.
 *
 * The body is parsed as it is: parts between "--boundary" lines, each with
 * its header lines, a blank line and its bytes (binary safe; a part ends
 * at CRLF "--boundary"). Only Content-Disposition (form-data, name,
 * filename) and Content-Type are read. Anything else malformed is refused
 * with a sentence saying what is wrong. */
#ifndef CC_MULTIPART_H
#define CC_MULTIPART_H

#include <apr_pools.h>
#include <apr_tables.h>

/* More parts than this, or a header block longer than this, is refused. */
#define CC_MULTIPART_MAX_PARTS 64
#define CC_MULTIPART_MAX_HEADERS 8192
/* Longest boundary RFC 2046 allows. */
#define CC_MULTIPART_MAX_BOUNDARY 70
/* Longest stored file name (bytes). */
#define CC_SAFE_NAME_MAX 100

typedef struct cc_multipart_part {
    const char *name;         /* the form field's name */
    const char *filename;     /* as the client sent it (untrusted), NULL for a plain field */
    const char *content_type; /* NULL when not given */
    const char *data;         /* the bytes, NUL-terminated in pool (for text fields) */
    apr_size_t len;
} cc_multipart_part;

/* The boundary of a Content-Type "multipart/form-data; boundary=..." (the
 * value may be quoted). APR_EINVAL and *errmsg for another type or a
 * missing or bad boundary. */
apr_status_t cc_multipart_boundary(apr_pool_t *pool, const char *content_type,
                                   const char **boundary, const char **errmsg);

/* The parts of body (an array of cc_multipart_part, in order). APR_EINVAL
 * and *errmsg for a body that is not multipart with this boundary. */
apr_status_t cc_multipart_parse(apr_pool_t *pool, const char *boundary, const char *body,
                                apr_size_t len, apr_array_header_t **parts, const char **errmsg);

/* The first part called name, or NULL. */
const cc_multipart_part *cc_multipart_find(const apr_array_header_t *parts, const char *name);

/* A file name safe to store from one a client gave: its last path
 * component (after '/' or '\'), with every byte but [A-Za-z0-9._-] made
 * '_', no leading '.', at most CC_SAFE_NAME_MAX bytes (the extension
 * kept); "upload" when nothing is left. Never "", ".", ".." or a path. */
const char *cc_safe_file_name(apr_pool_t *pool, const char *client_name);

#endif
