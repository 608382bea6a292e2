/* Ids inside a content file and the objects' hashes.
 *
 * Every object of a file (top objects and their children) has a
 * class_name and an id; references between them are ids under fixed
 * member names (a port's `variable` is a TestVariable id, a node's
 * `sourceTest` a Test id...). cc_content_ref_class says which.
 *
 * Normalizing renumbers each class 1, 2, 3... in document order and
 * rewrites the references, so that an export does not depend on the
 * database's ids: exporting, importing into an empty database and
 * exporting again gives the same bytes. A reference to an object that is
 * not in the document becomes null.
 *
 * The hash of a top object (the `hash` member, Concerto's "skip unchanged
 * objects") is the SHA-1, in hex, of the object's plain JSON after its own
 * ids are normalized on their own (the object alone, `hash` left out). It
 * covers every member written, names of referenced objects included
 * (sourceTestName, baseTemplateName...), and no id of the database, so it
 * stays the same across a round trip and whatever else is exported. */
#ifndef CC_CONTENT_IDS_H
#define CC_CONTENT_IDS_H

#include <apr_pools.h>
#include <json.h>

/* The class an id under member key refers to; NULL when key is no
 * reference. `id` itself is the class of the object holding it. */
const char *cc_content_ref_class(const char *key);

/* Renumber a collection (array of top objects) in place. */
void cc_content_normalize_ids(apr_pool_t *pool, json_object *collection);

/* 40 hex digits. */
const char *cc_content_hash(apr_pool_t *pool, json_object *top);

#endif
