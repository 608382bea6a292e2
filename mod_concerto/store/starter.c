#include "starter.h"

#include "core/json_pool.h"
#include "datatable.h"
#include "starter_rtest.h"

#include <apr_file_io.h>
#include <apr_strings.h>
#include <json.h>
#include <string.h>

static json_object *load_json(apr_pool_t *pool, const char *path, const char **errmsg)
{
    json_object *root = json_object_from_file(path);

    if (root == NULL) {
        *errmsg = apr_psprintf(pool, "%s: %s", path, json_util_get_last_err());
        return NULL;
    }
    return cc_json_owned(pool, root);
}

const char *cc_starter_member_string(json_object *obj, const char *key)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v) || v == NULL ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

apr_status_t cc_starter_read_text(apr_pool_t *pool, const char *dir, const char *name,
                                  const char **out, const char **errmsg)
{
    const char *path;
    apr_file_t *file = NULL;
    apr_finfo_t info;
    char *text;
    apr_size_t len;
    apr_status_t rv;

    *out = NULL;
    if (name == NULL)
        return APR_SUCCESS;
    if (strstr(name, "..") || name[0] == '/') {
        *errmsg = apr_psprintf(pool, "%s: file names must stay inside the directory", name);
        return APR_EINVAL;
    }
    path = apr_pstrcat(pool, dir, "/", name, NULL);
    rv = apr_file_open(&file, path, APR_FOPEN_READ, APR_FPROT_OS_DEFAULT, pool);
    if (rv == APR_SUCCESS)
        rv = apr_file_info_get(&info, APR_FINFO_SIZE, file);
    if (rv == APR_SUCCESS) {
        len = (apr_size_t)info.size;
        text = apr_palloc(pool, len + 1);
        rv = apr_file_read_full(file, text, len, NULL);
        text[len] = '\0';
        *out = text;
    }
    if (file)
        apr_file_close(file);
    if (rv != APR_SUCCESS) {
        char buf[128];
        *errmsg = apr_psprintf(pool, "%s: %s", path, apr_strerror(rv, buf, sizeof(buf)));
    }
    return rv;
}

static apr_status_t load_table(cc_db *db, apr_pool_t *pool, const char *dir, json_object *table,
                               cc_starter_report *report, const char **errmsg)
{
    const char *name = cc_starter_member_string(table, "name"),
               *csv = cc_starter_member_string(table, "csv");
    json_object *columns = NULL;
    cc_datatable *existing = NULL;
    cc_dt_column *cols;
    int n, k, ncols = 0;
    apr_status_t rv;

    if (name == NULL || !json_object_object_get_ex(table, "columns", &columns) ||
        !json_object_is_type(columns, json_type_array)) {
        *errmsg = "tests.json: a table needs a name and columns";
        return APR_EINVAL;
    }
    if (cc_datatable_describe(db, pool, name, &existing, errmsg) == APR_SUCCESS) {
        report->tables_kept++;
        return APR_SUCCESS;
    }
    n = (int)json_object_array_length(columns);
    cols = apr_pcalloc(pool, sizeof(cc_dt_column) * (size_t)(n + 1));
    for (k = 0; k < n; k++) {
        json_object *col = json_object_array_get_idx(columns, (size_t)k), *nullable = NULL;
        const char *col_name = cc_starter_member_string(col, "name"),
                   *type = cc_starter_member_string(col, "type");
        if (col_name == NULL || type == NULL) {
            *errmsg = apr_psprintf(pool, "tests.json: table %s: column %d needs a name and a type",
                                   name, k + 1);
            return APR_EINVAL;
        }
        if (!strcmp(col_name, "id"))
            continue; /* every data table has it */
        rv = cc_dt_type_parse(pool, type, &cols[ncols], errmsg);
        if (rv != APR_SUCCESS)
            return rv;
        cols[ncols].name = col_name;
        cols[ncols].nullable = json_object_object_get_ex(col, "nullable", &nullable) &&
                               json_object_get_boolean(nullable);
        ncols++;
    }
    rv = cc_datatable_create(db, pool, name, cc_starter_member_string(table, "description"), cols,
                             ncols, "starter", errmsg);
    if (rv != APR_SUCCESS)
        return rv;
    report->tables_created++;
    if (csv) {
        apr_file_t *file = NULL;
        apr_int64_t rows = 0;
        cc_dt_import_options opts;
        const char *path = apr_pstrcat(pool, dir, "/", csv, NULL);
        memset(&opts, 0, sizeof(opts));
        rv = apr_file_open(&file, path, APR_FOPEN_READ, APR_FPROT_OS_DEFAULT, pool);
        if (rv != APR_SUCCESS) {
            *errmsg = apr_psprintf(pool, "%s cannot be opened", path);
            return rv;
        }
        rv = cc_datatable_import(db, pool, name, cc_csv_read_file, file, &opts, &rows, errmsg);
        apr_file_close(file);
        if (rv != APR_SUCCESS) {
            *errmsg = apr_psprintf(pool, "%s: %s", path, *errmsg);
            return rv;
        }
        report->rows_imported += (long)rows;
    }
    return APR_SUCCESS;
}

static apr_status_t exists(cc_db *db, apr_pool_t *pool, const char *sql, const char *key,
                           int *found)
{
    const char *value = NULL;
    const char *args[] = {key, NULL};
    apr_status_t rv = cc_db_select_value(db, pool, &value, sql, 1, args);

    *found = rv == APR_SUCCESS && value != NULL;
    return rv;
}

static apr_status_t load_templates(cc_db *db, apr_pool_t *pool, const char *dir, long now,
                                   cc_starter_report *report, const char **errmsg)
{
    const char *tdir = apr_pstrcat(pool, dir, "/templates", NULL);
    json_object *root = load_json(pool, apr_pstrcat(pool, tdir, "/templates.json", NULL), errmsg),
                *list = NULL;
    int k;

    if (root == NULL)
        return APR_EINVAL;
    if (!json_object_object_get_ex(root, "templates", &list) ||
        !json_object_is_type(list, json_type_array)) {
        *errmsg = "templates/templates.json: no \"templates\" list";
        return APR_EINVAL;
    }
    for (k = 0; k < (int)json_object_array_length(list); k++) {
        json_object *t = json_object_array_get_idx(list, (size_t)k);
        const char *name = cc_starter_member_string(t, "name"), *html, *css, *js, *head;
        const char *now_text = apr_ltoa(pool, now);
        int found = 0;
        apr_status_t rv;
        if (name == NULL) {
            *errmsg =
                apr_psprintf(pool, "templates/templates.json: template %d has no name", k + 1);
            return APR_EINVAL;
        }
        rv = exists(db, pool, "SELECT id FROM view_template WHERE name = %s", name, &found);
        if (rv != APR_SUCCESS) {
            *errmsg = db->last_error;
            return rv;
        }
        if (found) {
            report->templates_kept++;
            continue;
        }
        if ((rv = cc_starter_read_text(pool, tdir, cc_starter_member_string(t, "html"), &html,
                                       errmsg)) ||
            (rv = cc_starter_read_text(pool, tdir, cc_starter_member_string(t, "css"), &css,
                                       errmsg)) ||
            (rv = cc_starter_read_text(pool, tdir, cc_starter_member_string(t, "js"), &js,
                                       errmsg)) ||
            (rv = cc_starter_read_text(pool, tdir, cc_starter_member_string(t, "head"), &head,
                                       errmsg)))
            return rv;
        {
            const char *args[] = {name,     cc_starter_member_string(t, "description"),
                                  head,     html,
                                  css,      js,
                                  now_text, now_text,
                                  NULL};
            rv = cc_db_query(db, pool, NULL,
                             "INSERT INTO view_template (name, description, head, html, css, js, "
                             "accessibility, starter_content, created, updated, updated_by) "
                             "VALUES (%s, %s, %s, %s, %s, %s, 2, 1, %s, %s, 'starter')",
                             8, args);
        }
        if (rv != APR_SUCCESS) {
            *errmsg = db->last_error;
            return rv;
        }
        report->templates_created++;
    }
    return APR_SUCCESS;
}

static apr_status_t load_test(cc_db *db, apr_pool_t *pool, json_object *test, long now,
                              cc_starter_report *report, const char **errmsg)
{
    const char *slug = cc_starter_member_string(test, "slug"),
               *name = cc_starter_member_string(test, "name");
    const char *now_text = apr_ltoa(pool, now);
    json_object *settings = NULL;
    int found = 0;
    apr_status_t rv;

    if (slug == NULL || name == NULL || !json_object_object_get_ex(test, "settings", &settings) ||
        !json_object_is_type(settings, json_type_object)) {
        *errmsg = "tests.json: a test needs a slug, a name and settings";
        return APR_EINVAL;
    }
    rv = exists(db, pool, "SELECT id FROM test WHERE slug = %s", slug, &found);
    if (rv == APR_SUCCESS && found) {
        report->tests_kept++;
        return APR_SUCCESS;
    }
    if (rv == APR_SUCCESS) {
        const char *args[] = {name,
                              slug,
                              cc_starter_member_string(test, "description"),
                              apr_itoa(pool, CC_TEST_TYPE_ASSESSMENT),
                              json_object_to_json_string_ext(settings, JSON_C_TO_STRING_PLAIN),
                              now_text,
                              now_text,
                              NULL};
        rv = cc_db_query(db, pool, NULL,
                         "INSERT INTO test (name, slug, description, type, settings, "
                         "accessibility, starter_content, created, updated, updated_by) "
                         "VALUES (%s, %s, %s, %s, %s, 2, 1, %s, %s, 'starter')",
                         7, args);
    }
    if (rv != APR_SUCCESS) {
        *errmsg = db->last_error;
        return rv;
    }
    report->tests_created++;
    return APR_SUCCESS;
}

apr_status_t cc_starter_load(cc_db *db, apr_pool_t *pool, const char *dir, long now,
                             cc_starter_report *report, const char **errmsg)
{
    json_object *root, *list = NULL;
    const char *format;
    apr_status_t rv;
    int k;

    memset(report, 0, sizeof(*report));
    root = load_json(pool, apr_pstrcat(pool, dir, "/tests.json", NULL), errmsg);
    if (root == NULL)
        return APR_EINVAL;
    format = cc_starter_member_string(root, "format");
    if (format == NULL || strcmp(format, "mod_concerto-starter/1") != 0) {
        *errmsg =
            apr_psprintf(pool, "%s/tests.json: format is not \"mod_concerto-starter/1\"", dir);
        return APR_EINVAL;
    }
    json_object_object_get_ex(root, "tables", &list);
    for (k = 0; list && k < (int)json_object_array_length(list); k++) {
        rv = load_table(db, pool, dir, json_object_array_get_idx(list, (size_t)k), report, errmsg);
        if (rv != APR_SUCCESS)
            return rv;
    }
    rv = load_templates(db, pool, dir, now, report, errmsg);
    if (rv != APR_SUCCESS)
        return rv;
    list = NULL;
    json_object_object_get_ex(root, "tests", &list);
    for (k = 0; list && k < (int)json_object_array_length(list); k++) {
        json_object *test = json_object_array_get_idx(list, (size_t)k);
        const char *type = cc_starter_member_string(test, "type");
        int created = 0;
        if (type == NULL || !strcmp(type, "assessment")) {
            rv = load_test(db, pool, test, now, report, errmsg);
        } else if (!strcmp(type, "code") || !strcmp(type, "flow")) {
            /* Listed after the tests their nodes run. */
            rv = cc_starter_rtest_load(db, pool, dir, test, now, &created, errmsg);
            if (rv == APR_SUCCESS && created)
                report->tests_created++;
            else if (rv == APR_SUCCESS)
                report->tests_kept++;
        } else {
            *errmsg = apr_psprintf(
                pool, "tests.json: test %d: type %s is not assessment, code or flow", k + 1, type);
            rv = APR_EINVAL;
        }
        if (rv != APR_SUCCESS)
            return rv;
    }
    return APR_SUCCESS;
}
