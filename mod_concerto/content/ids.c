/* Id normalization and object hashes of content files. */
#include "ids.h"

#include "core/json_pool.h"

#include <apr_hash.h>
#include <apr_strings.h>
#include <openssl/evp.h>
#include <string.h>

static const char *const ref_members[][2] = {{"sourceWizard", "TestWizard"},
                                             {"baseTemplate", "ViewTemplate"},
                                             {"test", "Test"},
                                             {"flowTest", "Test"},
                                             {"sourceTest", "Test"},
                                             {"parentVariable", "TestVariable"},
                                             {"variable", "TestVariable"},
                                             {"testVariable", "TestVariable"},
                                             {"node", "TestNode"},
                                             {"sourceNode", "TestNode"},
                                             {"destinationNode", "TestNode"},
                                             {"sourcePort", "TestNodePort"},
                                             {"destinationPort", "TestNodePort"},
                                             {"wizard", "TestWizard"},
                                             {"wizardStep", "TestWizardStep"},
                                             {NULL, NULL}};

const char *cc_content_ref_class(const char *key)
{
    int i;
    for (i = 0; ref_members[i][0]; i++)
        if (!strcmp(key, ref_members[i][0]))
            return ref_members[i][1];
    return NULL;
}

typedef struct numbering {
    apr_pool_t *pool;
    apr_hash_t *map;   /* "Class:old" -> new id (long *) */
    apr_hash_t *count; /* "Class" -> last id given (long *) */
} numbering;

static const char *id_key(numbering *n, const char *cls, json_object *value)
{
    return apr_psprintf(n->pool, "%s:%s", cls, json_object_get_string(value));
}

static void assign(numbering *n, json_object *value, int depth)
{
    if (depth > 32)
        return;
    if (json_object_is_type(value, json_type_array)) {
        size_t i;
        for (i = 0; i < json_object_array_length(value); i++)
            assign(n, json_object_array_get_idx(value, i), depth + 1);
    } else if (json_object_is_type(value, json_type_object)) {
        json_object *cls = NULL, *id = NULL;
        if (json_object_object_get_ex(value, "class_name", &cls) &&
            json_object_object_get_ex(value, "id", &id) && id != NULL) {
            const char *c = json_object_get_string(cls), *key = id_key(n, c, id);
            if (apr_hash_get(n->map, key, APR_HASH_KEY_STRING) == NULL) {
                long *last = apr_hash_get(n->count, c, APR_HASH_KEY_STRING), *given;
                if (last == NULL) {
                    last = apr_pcalloc(n->pool, sizeof(*last));
                    apr_hash_set(n->count, apr_pstrdup(n->pool, c), APR_HASH_KEY_STRING, last);
                }
                given = apr_palloc(n->pool, sizeof(*given));
                *given = ++*last;
                apr_hash_set(n->map, key, APR_HASH_KEY_STRING, given);
            }
        }
        {
            json_object_object_foreach(value, k, member)
            {
                (void)k;
                assign(n, member, depth + 1);
            }
        }
    }
}

static void rewrite(numbering *n, json_object *value, int depth)
{
    if (depth > 32)
        return;
    if (json_object_is_type(value, json_type_array)) {
        size_t i;
        for (i = 0; i < json_object_array_length(value); i++)
            rewrite(n, json_object_array_get_idx(value, i), depth + 1);
    } else if (json_object_is_type(value, json_type_object)) {
        json_object *cls = NULL;
        const char *own = json_object_object_get_ex(value, "class_name", &cls)
                              ? json_object_get_string(cls)
                              : NULL;
        json_object_object_foreach(value, key, member)
        {
            const char *target = !strcmp(key, "id") ? own : cc_content_ref_class(key);
            if (target && member &&
                (json_object_is_type(member, json_type_int) ||
                 json_object_is_type(member, json_type_string))) {
                long *given = apr_hash_get(n->map, id_key(n, target, member), APR_HASH_KEY_STRING);
                json_object_object_add(value, key, given ? json_object_new_int64(*given) : NULL);
            } else if (member) {
                rewrite(n, member, depth + 1);
            }
        }
    }
}

void cc_content_normalize_ids(apr_pool_t *pool, json_object *collection)
{
    numbering n;

    n.pool = pool;
    n.map = apr_hash_make(pool);
    n.count = apr_hash_make(pool);
    assign(&n, collection, 0);
    rewrite(&n, collection, 0);
}

const char *cc_content_hash(apr_pool_t *pool, json_object *top)
{
    json_object *copy = NULL, *alone;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0, i;
    const char *text;
    char *hex;

    json_object_deep_copy(top, &copy, NULL);
    json_object_object_del(copy, "hash");
    alone = cc_json_owned(pool, json_object_new_array());
    json_object_array_add(alone, copy);
    cc_content_normalize_ids(pool, alone);
    text = json_object_to_json_string_ext(copy,
                                          JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    EVP_Digest(text, strlen(text), digest, &digest_len, EVP_sha1(), NULL);
    hex = apr_palloc(pool, (size_t)digest_len * 2 + 1);
    for (i = 0; i < digest_len; i++)
        apr_snprintf(hex + (size_t)2 * i, 3, "%02x", digest[i]);
    return hex;
}
