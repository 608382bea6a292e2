/* Lenient readers and plain writers of content members. */
#include "members.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

const char *cc_member_text(apr_pool_t *pool, json_object *obj, const char *key)
{
    json_object *value = NULL;

    if (obj == NULL || !json_object_object_get_ex(obj, key, &value) || value == NULL)
        return NULL;
    switch (json_object_get_type(value)) {
    case json_type_string:
        return apr_pstrmemdup(pool, json_object_get_string(value),
                              (apr_size_t)json_object_get_string_len(value));
    case json_type_boolean:
        return json_object_get_boolean(value) ? "1" : "0";
    case json_type_int:
        return apr_psprintf(pool, "%" APR_INT64_T_FMT, (apr_int64_t)json_object_get_int64(value));
    case json_type_null:
        return NULL;
    default:
        return apr_pstrdup(pool,
                           json_object_to_json_string_ext(
                               value, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    }
}

long cc_member_long(json_object *obj, const char *key, long fallback)
{
    json_object *value = NULL;
    char *end = NULL;
    long n;

    if (obj == NULL || !json_object_object_get_ex(obj, key, &value) || value == NULL)
        return fallback;
    switch (json_object_get_type(value)) {
    case json_type_int:
    case json_type_double:
    case json_type_boolean:
        return (long)json_object_get_int64(value);
    case json_type_string:
        n = strtol(json_object_get_string(value), &end, 10);
        return end && end != json_object_get_string(value) && *end == '\0' ? n : fallback;
    default:
        return fallback;
    }
}

int cc_member_flag(json_object *obj, const char *key)
{
    json_object *value = NULL;
    const char *s;

    if (obj == NULL || !json_object_object_get_ex(obj, key, &value) || value == NULL)
        return 0;
    if (json_object_is_type(value, json_type_string)) {
        s = json_object_get_string(value);
        return !strcmp(s, "1") || !strcmp(s, "true");
    }
    return json_object_get_boolean(value) ? 1 : 0;
}

json_object *cc_member_array(json_object *obj, const char *key)
{
    json_object *value = NULL;

    if (obj == NULL || !json_object_object_get_ex(obj, key, &value) ||
        !json_object_is_type(value, json_type_array))
        return NULL;
    return value;
}

void cc_put_text(json_object *obj, const char *key, const char *value)
{
    json_object_object_add(obj, key, value ? json_object_new_string(value) : NULL);
}

void cc_put_number(json_object *obj, const char *key, const char *value)
{
    json_object_object_add(obj, key,
                           value ? json_object_new_int64(strtoll(value, NULL, 10)) : NULL);
}

void cc_put_flag(json_object *obj, const char *key, const char *value)
{
    json_object_object_add(obj, key,
                           json_object_new_boolean(value && strcmp(value, "0") != 0 && *value));
}
