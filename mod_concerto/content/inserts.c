/* Template inserts between Concerto's syntax and ours. */
#include "inserts.h"

#include "core/template.h"

#include <apr_strings.h>
#include <string.h>

typedef enum { NONE, PARAM, RAW, EMBED, OTHER } insert_kind;

/* At s, what the renderer (core/template.c) reads: the kind of insert, its
 * length and its name (a {{template:}}'s: the template's). */
static insert_kind scan(const char *s, apr_size_t *len, const char **name, apr_size_t *name_len)
{
    cc_insert ins;

    if (s[0] != '{' || s[1] != '{' || !cc_template_scan_insert(s, &ins))
        return NONE;
    *len = ins.len;
    *name = ins.name;
    *name_len = ins.name_len;
    switch (ins.kind) {
    case CC_INSERT_PARAM:
        return PARAM;
    case CC_INSERT_RAW:
        return RAW;
    case CC_INSERT_TEMPLATE:
        return EMBED;
    case CC_INSERT_TRANS:
        break;
    }
    return OTHER;
}

static void put(apr_array_header_t *out, const char *data, apr_size_t len)
{
    apr_size_t i;
    for (i = 0; i < len; i++)
        APR_ARRAY_PUSH(out, char) = data[i];
}

/* An insert with braces around the inside of the one found at p (blanks
 * kept: the text changes only by its braces). */
static void put_insert(apr_array_header_t *out, int braces, insert_kind kind, const char *p,
                       apr_size_t len)
{
    apr_size_t had = kind == RAW ? 3 : 2;

    put(out, "{{{", (apr_size_t)braces);
    put(out, p + had, len - 2 * had);
    put(out, "}}}", (apr_size_t)braces);
}

static const char *finish(apr_array_header_t *out)
{
    APR_ARRAY_PUSH(out, char) = '\0';
    return out->elts;
}

const char *cc_inserts_to_concerto(apr_pool_t *pool, const char *text, apr_array_header_t **escaped)
{
    apr_array_header_t *out;
    const char *p, *name = NULL;
    apr_size_t len = 0, name_len = 0;
    int ordinal = 0;

    *escaped = apr_array_make(pool, 0, sizeof(int));
    if (text == NULL)
        return NULL;
    out = apr_array_make(pool, (int)strlen(text) + 1, 1);
    for (p = text; *p;) {
        insert_kind kind = scan(p, &len, &name, &name_len);
        if (kind == NONE) {
            APR_ARRAY_PUSH(out, char) = *p++;
            continue;
        }
        if (kind == PARAM)
            APR_ARRAY_PUSH(*escaped, int) = ordinal;
        if (kind == PARAM || kind == RAW) {
            put_insert(out, 2, kind, p, len);
            ordinal++;
        } else {
            put(out, p, len);
        }
        p += len;
    }
    return finish(out);
}

static int listed(const apr_array_header_t *escaped, int ordinal)
{
    int i;
    for (i = 0; escaped && i < escaped->nelts; i++)
        if (APR_ARRAY_IDX(escaped, i, int) == ordinal)
            return 1;
    return 0;
}

const char *cc_inserts_from_concerto(apr_pool_t *pool, const char *text,
                                     const apr_array_header_t *escaped)
{
    apr_array_header_t *out;
    const char *p, *name = NULL;
    apr_size_t len = 0, name_len = 0;
    int ordinal = 0;

    if (text == NULL)
        return NULL;
    out = apr_array_make(pool, (int)strlen(text) + 16, 1);
    for (p = text; *p;) {
        insert_kind kind = scan(p, &len, &name, &name_len);
        if (kind == NONE) {
            APR_ARRAY_PUSH(out, char) = *p++;
            continue;
        }
        if (kind == PARAM) {
            put_insert(out, listed(escaped, ordinal) ? 2 : 3, kind, p, len);
            ordinal++;
        } else if (kind == RAW) {
            /* Concerto replaces the inner {{name}} and keeps the outer braces. */
            put(out, "{", 1);
            put_insert(out, 3, kind, p, len);
            put(out, "}", 1);
            ordinal++;
        } else {
            put(out, p, len);
        }
        p += len;
    }
    return finish(out);
}

void cc_inserts_embedded_templates(apr_pool_t *pool, const char *text, apr_array_header_t *names)
{
    const char *p, *name = NULL;
    apr_size_t len = 0, name_len = 0;

    for (p = text; p && *p;) {
        insert_kind kind = scan(p, &len, &name, &name_len);
        if (kind == NONE) {
            p++;
            continue;
        }
        if (kind == EMBED)
            APR_ARRAY_PUSH(names, const char *) = apr_pstrmemdup(pool, name, name_len);
        p += len;
    }
}
