/* Content files as bytes: JSON (json-c), YAML (libyaml) and zlib. */
#include "format.h"

#include "core/json_pool.h"

#include <apr_strings.h>
#include <apr_tables.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>
#include <zlib.h>

/* Deeper nesting than any export has; stops runaway documents. */
#define MAX_DEPTH 64

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

cc_content_format cc_content_format_for_name(const char *filename)
{
    if (filename == NULL)
        return CC_CONTENT_JSON;
    if (ends_with(filename, ".concerto"))
        return CC_CONTENT_COMPRESSED;
    if (ends_with(filename, ".yml") || ends_with(filename, ".yaml"))
        return CC_CONTENT_YAML;
    return CC_CONTENT_JSON;
}

apr_status_t cc_content_format_parse(const char *word, cc_content_format *out)
{
    if (word == NULL)
        return APR_EINVAL;
    if (!strcmp(word, "yml") || !strcmp(word, "yaml"))
        *out = CC_CONTENT_YAML;
    else if (!strcmp(word, "json"))
        *out = CC_CONTENT_JSON;
    else if (!strcmp(word, "concerto") || !strcmp(word, "compressed"))
        *out = CC_CONTENT_COMPRESSED;
    else
        return APR_EINVAL;
    return APR_SUCCESS;
}

/* ---- YAML in ---- */

static int is_int_text(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static int is_float_text(const char *s)
{
    char *end = NULL;
    int dot = 0;
    const char *p;

    for (p = s; *p; p++)
        if (*p == '.' || *p == 'e' || *p == 'E')
            dot = 1;
        else if (!(*p >= '0' && *p <= '9') && *p != '-' && *p != '+')
            return 0;
    if (!dot || !*s)
        return 0;
    strtod(s, &end);
    return end && *end == '\0';
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? as RFC 8259 has it. */
static int is_json_number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9')
            s++;
    else
        return 0;
    if (*s == '.') {
        if (!(*++s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

/* A plain (unquoted) scalar's value by YAML's core schema, as Symfony's
 * dumper writes it: null, booleans, integers, floats; else a string. */
static json_object *plain_scalar(const char *s)
{
    if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"))
        return NULL;
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
        return json_object_new_boolean(1);
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
        return json_object_new_boolean(0);
    if (is_int_text(s) && strlen(s) < 19)
        return json_object_new_int64(strtoll(s, NULL, 10));
    if (is_float_text(s))
        /* The text is kept when JSON can write it as it is (YAML allows
         * ".5", "1.", "+1.0", which JSON does not). */
        return is_json_number(s) ? json_object_new_double_s(strtod(s, NULL), s)
                                 : json_object_new_double(strtod(s, NULL));
    return json_object_new_string(s);
}

static apr_status_t yaml_node_to_json(apr_pool_t *pool, yaml_document_t *doc, yaml_node_t *node,
                                      int depth, json_object **out, const char **errmsg)
{
    apr_status_t rv = APR_SUCCESS;

    *out = NULL;
    if (depth > MAX_DEPTH) {
        *errmsg = "the YAML document is nested too deeply (or an alias refers to itself)";
        return APR_EINVAL;
    }
    switch (node->type) {
    case YAML_SCALAR_NODE: {
        const char *text = (const char *)node->data.scalar.value;
        if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
            *out = plain_scalar(text);
        else
            *out = json_object_new_string_len(text, (int)node->data.scalar.length);
        break;
    }
    case YAML_SEQUENCE_NODE: {
        yaml_node_item_t *item;
        *out = json_object_new_array();
        for (item = node->data.sequence.items.start;
             rv == APR_SUCCESS && item < node->data.sequence.items.top; item++) {
            json_object *value = NULL;
            rv = yaml_node_to_json(pool, doc, yaml_document_get_node(doc, *item), depth + 1, &value,
                                   errmsg);
            json_object_array_add(*out, value);
        }
        break;
    }
    case YAML_MAPPING_NODE: {
        yaml_node_pair_t *pair;
        *out = json_object_new_object();
        for (pair = node->data.mapping.pairs.start;
             rv == APR_SUCCESS && pair < node->data.mapping.pairs.top; pair++) {
            yaml_node_t *key = yaml_document_get_node(doc, pair->key);
            json_object *value = NULL;
            if (key == NULL || key->type != YAML_SCALAR_NODE) {
                *errmsg = "a YAML mapping key is not a plain text";
                rv = APR_EINVAL;
                break;
            }
            rv = yaml_node_to_json(pool, doc, yaml_document_get_node(doc, pair->value), depth + 1,
                                   &value, errmsg);
            json_object_object_add(*out, (const char *)key->data.scalar.value, value);
        }
        break;
    }
    default:
        *errmsg = "the YAML document holds an empty node";
        rv = APR_EINVAL;
    }
    return rv;
}

apr_status_t cc_content_yaml_parse(apr_pool_t *pool, const char *data, apr_size_t len,
                                   json_object **doc, const char **errmsg)
{
    yaml_parser_t parser;
    yaml_document_t document;
    yaml_node_t *root;
    apr_status_t rv;

    *doc = NULL;
    if (!yaml_parser_initialize(&parser)) {
        *errmsg = "cannot start the YAML parser";
        return APR_ENOMEM;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    if (!yaml_parser_load(&parser, &document)) {
        *errmsg = apr_psprintf(pool, "not valid YAML: %s at line %lu, column %lu",
                               parser.problem ? parser.problem : "syntax error",
                               (unsigned long)parser.problem_mark.line + 1,
                               (unsigned long)parser.problem_mark.column + 1);
        yaml_parser_delete(&parser);
        return APR_EINVAL;
    }
    root = yaml_document_get_root_node(&document);
    if (root == NULL) {
        *errmsg = "the YAML file is empty";
        rv = APR_EINVAL;
    } else {
        rv = yaml_node_to_json(pool, &document, root, 0, doc, errmsg);
        cc_json_owned(pool, *doc);
        if (rv == APR_SUCCESS && *doc == NULL) {
            *errmsg = "the YAML file holds only null, not a content document";
            rv = APR_EINVAL;
        }
        if (rv != APR_SUCCESS)
            *doc = NULL;
    }
    yaml_document_delete(&document);
    yaml_parser_delete(&parser);
    return rv;
}

/* ---- YAML out ---- */

typedef struct out_buffer {
    apr_pool_t *pool;
    char *data;
    apr_size_t len, size;
} out_buffer;

static void out_append(out_buffer *out, const char *data, apr_size_t len)
{
    if (out->data == NULL || out->len + len + 1 > out->size) {
        apr_size_t size = out->size ? out->size : 4096;
        char *grown;
        while (out->len + len + 1 > size)
            size *= 2;
        grown = apr_palloc(out->pool, size);
        if (out->len)
            memcpy(grown, out->data, out->len);
        out->data = grown;
        out->size = size;
    }
    memcpy(out->data + out->len, data, len);
    out->len += len;
    out->data[out->len] = '\0';
}

static int yaml_write(void *baton, unsigned char *buffer, size_t size)
{
    out_append(baton, (const char *)buffer, size);
    return 1;
}

/* Would this text, written plain, read back as something else than itself
 * (a number, a boolean, null)? Then it is quoted. */
static int needs_quotes(const char *s)
{
    json_object *value = plain_scalar(s);
    int other = value == NULL || !json_object_is_type(value, json_type_string);
    json_object_put(value);
    return other;
}

static int emit_scalar(yaml_emitter_t *emitter, const char *text, int is_string)
{
    yaml_event_t event;
    yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;

    if (is_string && needs_quotes(text))
        style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    else if (is_string && strchr(text, '\n'))
        style = YAML_LITERAL_SCALAR_STYLE;
    return yaml_scalar_event_initialize(&event, NULL, NULL, (yaml_char_t *)text, (int)strlen(text),
                                        1, 1, style) &&
           yaml_emitter_emit(emitter, &event);
}

static int emit_value(yaml_emitter_t *emitter, json_object *value, int depth)
{
    yaml_event_t event;

    if (depth > MAX_DEPTH)
        return 0;
    switch (json_object_get_type(value)) {
    case json_type_null:
        return emit_scalar(emitter, "null", 0);
    case json_type_boolean:
        return emit_scalar(emitter, json_object_get_boolean(value) ? "true" : "false", 0);
    case json_type_int: {
        char number[32];
        snprintf(number, sizeof(number), "%lld", (long long)json_object_get_int64(value));
        return emit_scalar(emitter, number, 0);
    }
    case json_type_double:
        return emit_scalar(emitter, json_object_to_json_string(value), 0);
    case json_type_string:
        return emit_scalar(emitter, json_object_get_string(value), 1);
    case json_type_array: {
        size_t i, n = json_object_array_length(value);
        if (!yaml_sequence_start_event_initialize(
                &event, NULL, NULL, 1, n ? YAML_BLOCK_SEQUENCE_STYLE : YAML_FLOW_SEQUENCE_STYLE) ||
            !yaml_emitter_emit(emitter, &event))
            return 0;
        for (i = 0; i < n; i++)
            if (!emit_value(emitter, json_object_array_get_idx(value, i), depth + 1))
                return 0;
        return yaml_sequence_end_event_initialize(&event) && yaml_emitter_emit(emitter, &event);
    }
    case json_type_object: {
        int empty = json_object_object_length(value) == 0;
        if (!yaml_mapping_start_event_initialize(&event, NULL, NULL, 1,
                                                 empty ? YAML_FLOW_MAPPING_STYLE
                                                       : YAML_BLOCK_MAPPING_STYLE) ||
            !yaml_emitter_emit(emitter, &event))
            return 0;
        {
            json_object_object_foreach(value, key, member)
            {
                if (!emit_scalar(emitter, key, 1) || !emit_value(emitter, member, depth + 1))
                    return 0;
            }
        }
        return yaml_mapping_end_event_initialize(&event) && yaml_emitter_emit(emitter, &event);
    }
    }
    return 0;
}

apr_status_t cc_content_yaml_emit(apr_pool_t *pool, json_object *doc, const char **data,
                                  apr_size_t *len, const char **errmsg)
{
    yaml_emitter_t emitter;
    yaml_event_t event;
    out_buffer out = {pool, NULL, 0, 0};
    int ok;

    if (!yaml_emitter_initialize(&emitter)) {
        *errmsg = "cannot start the YAML writer";
        return APR_ENOMEM;
    }
    yaml_emitter_set_output(&emitter, yaml_write, &out);
    yaml_emitter_set_unicode(&emitter, 1);
    yaml_emitter_set_width(&emitter, -1);
    yaml_emitter_set_indent(&emitter, 2);
    ok = yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING) &&
         yaml_emitter_emit(&emitter, &event) &&
         yaml_document_start_event_initialize(&event, NULL, NULL, NULL, 1) &&
         yaml_emitter_emit(&emitter, &event) && emit_value(&emitter, doc, 0) &&
         yaml_document_end_event_initialize(&event, 1) && yaml_emitter_emit(&emitter, &event) &&
         yaml_stream_end_event_initialize(&event) && yaml_emitter_emit(&emitter, &event);
    if (!ok)
        *errmsg = apr_psprintf(pool, "cannot write YAML: %s",
                               emitter.problem ? emitter.problem : "the document is too deep");
    yaml_emitter_delete(&emitter);
    if (!ok)
        return APR_EINVAL;
    *data = out.data ? out.data : "";
    *len = out.len;
    return APR_SUCCESS;
}

/* ---- JSON and zlib ---- */

static apr_status_t json_parse(apr_pool_t *pool, const char *data, apr_size_t len,
                               json_object **doc, const char **errmsg)
{
    json_tokener *tok = json_tokener_new_ex(MAX_DEPTH);
    enum json_tokener_error err;
    apr_size_t used;

    if (tok == NULL) {
        *errmsg = "cannot start the JSON parser";
        return APR_ENOMEM;
    }
    if (len > (apr_size_t)0x7fffffff) {
        json_tokener_free(tok);
        *errmsg = "the file is too large";
        return APR_EINVAL;
    }
    *doc = json_tokener_parse_ex(tok, data, (int)len);
    err = json_tokener_get_error(tok);
    used = (apr_size_t)json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (err == json_tokener_success && *doc == NULL) {
        *errmsg = "the file holds only null, not a content document";
        return APR_EINVAL;
    }
    if (*doc == NULL || err != json_tokener_success) {
        *errmsg = err == json_tokener_continue
                      ? "not valid JSON: the document is incomplete"
                      : apr_psprintf(pool, "not valid JSON: %s", json_tokener_error_desc(err));
        json_object_put(*doc);
        *doc = NULL;
        return APR_EINVAL;
    }
    cc_json_owned(pool, *doc);
    for (; used < len; used++)
        if (!strchr(" \t\r\n", data[used])) {
            *errmsg = "not valid JSON: text after the end of the document";
            *doc = NULL;
            return APR_EINVAL;
        }
    return APR_SUCCESS;
}

static apr_status_t inflate_all(apr_pool_t *pool, const char *data, apr_size_t len,
                                const char **out, apr_size_t *out_len, const char **errmsg)
{
    z_stream zs;
    out_buffer buffer = {pool, NULL, 0, 0};
    char chunk[65536];
    int zrv;

    memset(&zs, 0, sizeof(zs));
    if (inflateInit(&zs) != Z_OK) {
        *errmsg = "cannot start zlib";
        return APR_ENOMEM;
    }
    zs.next_in = (Bytef *)data;
    zs.avail_in = (uInt)len;
    do {
        zs.next_out = (Bytef *)chunk;
        zs.avail_out = sizeof(chunk);
        zrv = inflate(&zs, Z_NO_FLUSH);
        if (zrv != Z_OK && zrv != Z_STREAM_END) {
            *errmsg = apr_psprintf(pool, "not a .concerto file (zlib-compressed JSON): %s",
                                   zs.msg ? zs.msg : "the data is not zlib-compressed");
            inflateEnd(&zs);
            return APR_EINVAL;
        }
        out_append(&buffer, chunk, sizeof(chunk) - zs.avail_out);
        if (buffer.len > CC_CONTENT_MAX_BYTES) {
            *errmsg = "the .concerto file decompresses to more than 256 MiB";
            inflateEnd(&zs);
            return APR_EINVAL;
        }
        if (zrv != Z_STREAM_END && zs.avail_in == 0 && zs.avail_out != 0) {
            *errmsg = "the .concerto file is truncated";
            inflateEnd(&zs);
            return APR_EINVAL;
        }
    } while (zrv != Z_STREAM_END);
    inflateEnd(&zs);
    *out = buffer.data ? buffer.data : "";
    *out_len = buffer.len;
    return APR_SUCCESS;
}

apr_status_t cc_content_decode(apr_pool_t *pool, const char *data, apr_size_t len,
                               cc_content_format format, json_object **doc, const char **errmsg)
{
    apr_status_t rv;

    *doc = NULL;
    if (len > CC_CONTENT_MAX_BYTES) {
        *errmsg = "the file is larger than 256 MiB";
        return APR_EINVAL;
    }
    switch (format) {
    case CC_CONTENT_YAML:
        return cc_content_yaml_parse(pool, data, len, doc, errmsg);
    case CC_CONTENT_COMPRESSED:
        rv = inflate_all(pool, data, len, &data, &len, errmsg);
        if (rv != APR_SUCCESS)
            return rv;
        return json_parse(pool, data, len, doc, errmsg);
    case CC_CONTENT_JSON:
        break;
    }
    return json_parse(pool, data, len, doc, errmsg);
}

apr_status_t cc_content_encode(apr_pool_t *pool, json_object *doc, cc_content_format format,
                               const char **data, apr_size_t *len, const char **errmsg)
{
    const char *json;

    if (format == CC_CONTENT_YAML)
        return cc_content_yaml_emit(pool, doc, data, len, errmsg);
    json = json_object_to_json_string_ext(
        doc, format == CC_CONTENT_JSON ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                             JSON_C_TO_STRING_NOSLASHESCAPE
                                       : JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (format == CC_CONTENT_JSON) {
        *data = apr_pstrcat(pool, json, "\n", NULL);
        *len = strlen(*data);
        return APR_SUCCESS;
    }
    {
        uLong bound = compressBound((uLong)strlen(json));
        Bytef *packed = apr_palloc(pool, bound);
        uLongf packed_len = bound;
        if (compress2(packed, &packed_len, (const Bytef *)json, (uLong)strlen(json), 6) != Z_OK) {
            *errmsg = "cannot compress the export";
            return APR_EGENERAL;
        }
        *data = (const char *)packed;
        *len = packed_len;
    }
    return APR_SUCCESS;
}
