/* Reading and writing members of content objects. Concerto writes the same
 * field as a number, a string ("0") or a boolean depending on its version;
 * readers here accept all of them. */
#ifndef CC_CONTENT_MEMBERS_H
#define CC_CONTENT_MEMBERS_H

#include <apr_pools.h>
#include <json.h>

/* The member as text: strings as they are, numbers and booleans written
 * out ("1", "0"), NULL for null or absent; objects and arrays as plain JSON. */
const char *cc_member_text(apr_pool_t *pool, json_object *obj, const char *key);
/* As a number; fallback for null, absent or not a number. */
long cc_member_long(json_object *obj, const char *key, long fallback);
/* As a flag: true, 1, "1", "true" -> 1. */
int cc_member_flag(json_object *obj, const char *key);
/* The member if it is an array, else NULL. */
json_object *cc_member_array(json_object *obj, const char *key);

/* Add a member: text or null; a number parsed from a database column
 * (NULL -> null); a flag as a boolean. */
void cc_put_text(json_object *obj, const char *key, const char *value);
void cc_put_number(json_object *obj, const char *key, const char *value);
void cc_put_flag(json_object *obj, const char *key, const char *value);

#endif
