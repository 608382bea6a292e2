/* libFuzzer target: content files (content/format.c) and template inserts
 * (content/inserts.c). The first byte picks the format; the rest is the
 * file. Whatever decodes is written out again as YAML and JSON and read
 * back, its ids normalized and its objects hashed. The input as text must
 * also come back unchanged from our insert syntax to Concerto's and back. */
#include "content/format.h"
#include "content/ids.h"
#include "content/inserts.h"

#include <apr_general.h>
#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

static apr_pool_t *root;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    apr_initialize();
    apr_pool_create(&root, NULL);
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    apr_pool_t *pool;
    json_object *doc = NULL, *back = NULL, *collection = NULL;
    const char *errmsg = NULL, *out = NULL, *text, *theirs;
    apr_size_t len = 0;
    apr_array_header_t *escaped = NULL;
    cc_content_format format;

    if (size < 1)
        return 0;
    apr_pool_create(&pool, root);
    format = (cc_content_format)(data[0] % 3);
    if (cc_content_decode(pool, (const char *)data + 1, size - 1, format, &doc, &errmsg) ==
        APR_SUCCESS) {
        if (cc_content_encode(pool, doc, CC_CONTENT_JSON, &out, &len, &errmsg) != APR_SUCCESS ||
            cc_content_decode(pool, out, len, CC_CONTENT_JSON, &back, &errmsg) != APR_SUCCESS)
            abort(); /* json-c must read what it wrote */
        if (cc_content_encode(pool, doc, CC_CONTENT_YAML, &out, &len, &errmsg) == APR_SUCCESS)
            (void)cc_content_decode(pool, out, len, CC_CONTENT_YAML, &back, &errmsg);
        if (json_object_object_get_ex(doc, "collection", &collection) &&
            json_object_is_type(collection, json_type_array)) {
            size_t i;
            for (i = 0; i < json_object_array_length(collection); i++)
                if (json_object_is_type(json_object_array_get_idx(collection, i), json_type_object))
                    (void)cc_content_hash(pool, json_object_array_get_idx(collection, i));
            cc_content_normalize_ids(pool, collection);
        }
    }
    text = apr_pstrmemdup(pool, (const char *)data + 1, size - 1);
    theirs = cc_inserts_to_concerto(pool, text, &escaped);
    if (strcmp(cc_inserts_from_concerto(pool, theirs, escaped), text) != 0)
        abort(); /* an export must come back as it was */
    apr_pool_destroy(pool);
    return 0;
}
