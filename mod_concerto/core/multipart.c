#include "multipart.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <string.h>

static const char *skip_blanks(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* The value of parameter `key` in a header value "type; a=b; c="d"" (the
 * first match, case-insensitive key), unquoted; NULL when absent. */
static const char *header_param(apr_pool_t *pool, const char *value, const char *key)
{
    apr_size_t klen = strlen(key);
    const char *p = strchr(value, ';');

    while (p) {
        const char *start = skip_blanks(p + 1), *end;
        if (!strncasecmp(start, key, klen) && skip_blanks(start + klen)[0] == '=') {
            start = skip_blanks(skip_blanks(start + klen) + 1);
            if (*start == '"') {
                char *out = apr_palloc(pool, strlen(start)), *o = out;
                for (start++; *start && *start != '"'; start++) {
                    if (*start == '\\' && start[1])
                        start++;
                    *o++ = *start;
                }
                *o = '\0';
                return *start == '"' ? out : NULL;
            }
            for (end = start; *end && *end != ';' && *end != ' ' && *end != '\t'; end++)
                ;
            return apr_pstrmemdup(pool, start, (apr_size_t)(end - start));
        }
        /* the next ';' outside quotes (an unclosed quote ends the value) */
        for (p = start; *p && *p != ';'; p++) {
            if (*p != '"')
                continue;
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (*p == '\0')
                break;
        }
        p = *p == ';' ? p : NULL;
    }
    return NULL;
}

apr_status_t cc_multipart_boundary(apr_pool_t *pool, const char *content_type,
                                   const char **boundary, const char **errmsg)
{
    const char *b;
    apr_size_t k, len;

    if (content_type == NULL ||
        strncasecmp(skip_blanks(content_type), "multipart/form-data", 19) != 0) {
        *errmsg = "the upload must be sent as multipart/form-data";
        return APR_EINVAL;
    }
    b = header_param(pool, content_type, "boundary");
    len = b ? strlen(b) : 0;
    if (len == 0 || len > CC_MULTIPART_MAX_BOUNDARY) {
        *errmsg = "the multipart/form-data Content-Type has no usable boundary";
        return APR_EINVAL;
    }
    for (k = 0; k < len; k++)
        if (!apr_isprint(b[k])) {
            *errmsg = "the multipart boundary has a character that is not allowed";
            return APR_EINVAL;
        }
    *boundary = b;
    return APR_SUCCESS;
}

/* One part's header block [p, end): Content-Disposition and Content-Type. */
static apr_status_t part_headers(apr_pool_t *pool, const char *p, const char *end,
                                 cc_multipart_part *part, const char **errmsg)
{
    int disposition = 0;

    while (p < end) {
        const char *eol = memchr(p, '\r', (apr_size_t)(end - p)), *line;
        if (eol == NULL || eol[1] != '\n')
            eol = end;
        line = apr_pstrmemdup(pool, p, (apr_size_t)(eol - p));
        if (memchr(p, '\0', (apr_size_t)(eol - p))) {
            *errmsg = "a part's header has a NUL byte";
            return APR_EINVAL;
        }
        if (!strncasecmp(line, "Content-Disposition:", 20)) {
            const char *v = skip_blanks(line + 20);
            if (strncasecmp(v, "form-data", 9) != 0) {
                *errmsg = "a part is not form-data";
                return APR_EINVAL;
            }
            part->name = header_param(pool, v, "name");
            part->filename = header_param(pool, v, "filename");
            disposition = 1;
        } else if (!strncasecmp(line, "Content-Type:", 13)) {
            part->content_type = skip_blanks(line + 13);
        }
        p = eol + 2;
    }
    if (!disposition || part->name == NULL) {
        *errmsg = "a part has no Content-Disposition with a name";
        return APR_EINVAL;
    }
    return APR_SUCCESS;
}

apr_status_t cc_multipart_parse(apr_pool_t *pool, const char *boundary, const char *body,
                                apr_size_t len, apr_array_header_t **parts, const char **errmsg)
{
    /* "\r\n--boundary": a delimiter; the first may come without the CRLF. */
    const char *delim = apr_pstrcat(pool, "\r\n--", boundary, NULL);
    apr_size_t dlen = strlen(delim);
    const char *end = body + len, *p;

    *parts = apr_array_make(pool, 4, sizeof(cc_multipart_part));
    if (len >= dlen - 2 && !memcmp(body, delim + 2, dlen - 2)) {
        p = body + dlen - 2;
    } else {
        p = memmem(body, len, delim, dlen);
        if (p == NULL) {
            *errmsg = "the body has no part with the boundary the Content-Type names";
            return APR_EINVAL;
        }
        p += dlen;
    }
    for (;;) {
        cc_multipart_part *part;
        const char *headers_end, *next;
        /* after a delimiter: "--" ends the body, CRLF starts a part
         * (transport padding of blanks is allowed before it) */
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return APR_SUCCESS;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
            *errmsg = "the body ends inside a part, or a boundary line is malformed";
            return APR_EINVAL;
        }
        p += 2;
        if ((*parts)->nelts >= CC_MULTIPART_MAX_PARTS) {
            *errmsg = apr_psprintf(pool, "more than %d parts", CC_MULTIPART_MAX_PARTS);
            return APR_EINVAL;
        }
        if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
            headers_end = p; /* no headers at all */
        } else {
            headers_end = memmem(p, (apr_size_t)(end - p), "\r\n\r\n", 4);
            if (headers_end == NULL || headers_end - p > CC_MULTIPART_MAX_HEADERS) {
                *errmsg = "a part's headers do not end (or are too long)";
                return APR_EINVAL;
            }
        }
        part = apr_array_push(*parts);
        memset(part, 0, sizeof(*part));
        if (part_headers(pool, p, headers_end, part, errmsg) != APR_SUCCESS)
            return APR_EINVAL;
        p = headers_end + (headers_end == p ? 2 : 4);
        next = memmem(p, (apr_size_t)(end - p), delim, dlen);
        if (next == NULL) {
            *errmsg = "the body ends inside a part (no closing boundary)";
            return APR_EINVAL;
        }
        part->len = (apr_size_t)(next - p);
        part->data = apr_pstrmemdup(pool, p, part->len);
        p = next + dlen;
    }
}

const cc_multipart_part *cc_multipart_find(const apr_array_header_t *parts, const char *name)
{
    int k;

    for (k = 0; parts && k < parts->nelts; k++) {
        const cc_multipart_part *part = &APR_ARRAY_IDX(parts, k, cc_multipart_part);
        if (!strcmp(part->name, name))
            return part;
    }
    return NULL;
}

const char *cc_safe_file_name(apr_pool_t *pool, const char *client_name)
{
    const char *base = client_name ? client_name : "", *c, *dot;
    char *out;
    apr_size_t len, k;

    for (c = base; *c; c++)
        if (*c == '/' || *c == '\\')
            base = c + 1;
    while (*base == '.')
        base++;
    out = apr_pstrdup(pool, base);
    for (k = 0; out[k]; k++)
        if (!(apr_isalnum(out[k]) && (unsigned char)out[k] < 128) && out[k] != '.' &&
            out[k] != '-' && out[k] != '_')
            out[k] = '_';
    len = strlen(out);
    if (len > CC_SAFE_NAME_MAX) {
        /* keep a short extension: report.pdf stays .pdf */
        dot = strrchr(out, '.');
        if (dot && strlen(dot) <= 10) {
            apr_size_t ext = strlen(dot), keep = CC_SAFE_NAME_MAX - ext;
            memmove(out + keep, dot, ext + 1);
        } else {
            out[CC_SAFE_NAME_MAX] = '\0';
        }
    }
    return *out ? out : "upload";
}
