#include "settings.h"

#include "core/json_pool.h"
#include "store/settings.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <string.h>

static json_object *setting_json(const char *key, const char *value, const char *exposed)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "key", json_object_new_string(key));
    json_object_object_add(o, "value", value ? json_object_new_string(value) : NULL);
    json_object_object_add(o, "exposed", json_object_new_boolean(cc_admin_number(exposed) != 0));
    return o;
}

apr_status_t cc_admin_settings_list(cc_db *db, apr_pool_t *pool, json_object **out,
                                    cc_admin_error *err)
{
    cc_rows *rows = NULL;
    json_object *items;
    int i;

    if (cc_db_select(db, pool, &rows,
                     "SELECT skey, svalue, exposed FROM administration_setting ORDER BY skey", 0,
                     NULL) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "reading the settings");
    items = json_object_new_array();
    for (i = 0; i < rows->nrows; i++)
        json_object_array_add(
            items, setting_json(rows->values[i][0], rows->values[i][1], rows->values[i][2]));
    *out = cc_json_owned(pool, json_object_new_object());
    json_object_object_add(*out, "items", items);
    return APR_SUCCESS;
}

apr_status_t cc_admin_setting_put(cc_db *db, apr_pool_t *pool, const char *key, json_object *in,
                                  json_object **out, cc_admin_error *err)
{
    static const cc_field value_field = {"value", CC_FIELD_TEXT, CC_FIELD_WRITE, 0, 0};
    json_object *v = NULL;
    const char *value = NULL, *args[] = {key}, *exposed = NULL;
    const char *p;

    for (p = key; *p; p++)
        if (!apr_isalnum(*p) && !strchr("_.-", *p))
            break;
    if (*key == '\0' || *p || strlen(key) > 128)
        return cc_admin_fail(err, 404, NULL,
                             "a setting's key has 1 to 128 letters, digits, '_', '.' or '-'");
    if (!json_object_object_get_ex(in, "value", &v))
        return cc_admin_fail(err, 422, "value", "send the setting's new value as \"value\"");
    if (cc_admin_field_value(pool, &value_field, v, &value, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (cc_setting_set(db, pool, key, value) != APR_SUCCESS ||
        cc_db_select_value(db, pool, &exposed,
                           "SELECT exposed FROM administration_setting WHERE skey = %s", 1,
                           args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "saving the setting");
    *out = cc_json_owned(pool, setting_json(key, value, exposed));
    return APR_SUCCESS;
}
