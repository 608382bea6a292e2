#include "body.h"

#include "json_pool.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <json.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)apr_tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

char *cc_form_decode(apr_pool_t *pool, const char *text, apr_size_t len)
{
    char *out = apr_palloc(pool, len + 1);
    apr_size_t i, o = 0;

    for (i = 0; i < len; i++) {
        if (text[i] == '+') {
            out[o++] = ' ';
        } else if (text[i] == '%') {
            int hi, lo;
            if (i + 2 >= len)
                return NULL;
            hi = hex_value(text[i + 1]);
            lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0)
                return NULL;
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[o++] = text[i];
        }
    }
    out[o] = '\0';
    /* An embedded NUL would silently cut the value short later. */
    if (strlen(out) != o)
        return NULL;
    return out;
}

static apr_table_t *parse_form(apr_pool_t *pool, const char *body, apr_size_t len,
                               const char **errmsg)
{
    apr_table_t *fields = apr_table_make(pool, 8);
    apr_size_t start = 0;

    while (start < len) {
        apr_size_t end = start, eq;
        char *key, *value;
        while (end < len && body[end] != '&')
            end++;
        for (eq = start; eq < end && body[eq] != '='; eq++)
            ;
        if (end > start) {
            key = cc_form_decode(pool, body + start, eq - start);
            value = eq < end ? cc_form_decode(pool, body + eq + 1, end - eq - 1) : "";
            if (key == NULL || value == NULL) {
                *errmsg = "the form data has a broken %-escape";
                return NULL;
            }
            apr_table_add(fields, key, value);
        }
        start = end + 1;
    }
    return fields;
}

static apr_table_t *parse_json(apr_pool_t *pool, const char *body, apr_size_t len,
                               const char **errmsg)
{
    json_tokener *tok = json_tokener_new();
    json_object *root;
    enum json_tokener_error jerr;
    apr_table_t *fields;

    if (tok == NULL) {
        *errmsg = "out of memory";
        return NULL;
    }
    root = json_tokener_parse_ex(tok, body, (int)len);
    jerr = json_tokener_get_error(tok);
    if (root != NULL && jerr == json_tokener_success && tok->char_offset < (int)len) {
        /* Only whitespace may follow the value. */
        const char *rest = body + tok->char_offset;
        while (rest < body + len && apr_isspace(*rest))
            rest++;
        if (rest < body + len)
            jerr = json_tokener_error_parse_unexpected;
    }
    if (root == NULL || jerr != json_tokener_success) {
        *errmsg = apr_psprintf(pool, "the request body is not valid JSON (%s at byte %d)",
                               jerr == json_tokener_continue ? "unexpected end of input"
                                                             : json_tokener_error_desc(jerr),
                               (int)tok->char_offset);
        json_tokener_free(tok);
        if (root)
            json_object_put(root);
        return NULL;
    }
    json_tokener_free(tok);
    cc_json_owned(pool, root);
    if (!json_object_is_type(root, json_type_object)) {
        *errmsg = "the request body must be a JSON object";
        return NULL;
    }
    fields = apr_table_make(pool, 8);
    json_object_object_foreach(root, key, value)
    {
        const char *text;
        if (value == NULL)
            continue; /* JSON null: treated as absent */
        if (json_object_is_type(value, json_type_string))
            text = json_object_get_string(value);
        else
            text = json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN);
        apr_table_set(fields, key, apr_pstrdup(pool, text));
    }
    return fields;
}

apr_status_t cc_body_parse(apr_pool_t *pool, const char *content_type, const char *body,
                           apr_size_t len, apr_table_t **fields, const char **errmsg)
{
    const char *type = content_type;
    apr_size_t type_len;

    if (type == NULL || *type == '\0') {
        /* No declared type: a body that starts like JSON is taken as JSON. */
        const char *c = body;
        while (c < body + len && apr_isspace(*c))
            c++;
        type = (c < body + len && (*c == '{' || *c == '[')) ? "application/json"
                                                            : "application/x-www-form-urlencoded";
    }
    type_len = strcspn(type, "; \t");
    if (type_len == 16 && !strncasecmp(type, "application/json", 16)) {
        *fields = parse_json(pool, body, len, errmsg);
        return *fields ? APR_SUCCESS : APR_EINVAL;
    }
    if (type_len == 33 && !strncasecmp(type, "application/x-www-form-urlencoded", 33)) {
        *fields = parse_form(pool, body, len, errmsg);
        return *fields ? APR_SUCCESS : APR_EINVAL;
    }
    *fields = NULL;
    *errmsg = apr_psprintf(pool,
                           "unsupported content type '%s' (send application/json or "
                           "application/x-www-form-urlencoded)",
                           apr_pstrmemdup(pool, type, type_len));
    return APR_ENOTIMPL;
}
