/* Content import and export over HTTP (super admin; contract section 4):
 *   POST /api/admin/content/import[?dry_run=1][&convert=1][&action.CLASS.NAME=ACTION]
 *        body: the file (JSON, YAML or .concerto), or multipart with the
 *        file in field "file" and optional "instructions" (the dry run's
 *        list, edited, or {"CLASS.NAME": ACTION})
 *   GET  /api/admin/content/export?format=yml|json|concerto&test=NAME&template=NAME&
 *        table=NAME&wizard=NAME&data=1 -> an attachment */
#include "glue.h"

#include "content/export.h"
#include "content/format.h"
#include "content/import.h"
#include "content/members.h"
#include "core/json_pool.h"
#include "core/multipart.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <string.h>

static int send_doc(request_rec *r, int status, json_object *answer)
{
    return cc_send_json(
        r, status,
        apr_pstrdup(r->pool, json_object_to_json_string_ext(
                                 answer, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)));
}

/* The query string as (name, value) pairs, repeated names kept in order. */
static apr_table_t *query_pairs(request_rec *r)
{
    apr_table_t *pairs = apr_table_make(r->pool, 8);
    char *args = apr_pstrdup(r->pool, r->args ? r->args : ""), *pair, *last = NULL;

    for (pair = apr_strtok(args, "&", &last); pair; pair = apr_strtok(NULL, "&", &last)) {
        char *eq = strchr(pair, '=');
        if (eq)
            *eq++ = '\0';
        if (ap_unescape_urlencoded(pair) != OK || (eq && ap_unescape_urlencoded(eq) != OK))
            continue;
        apr_table_add(pairs, pair, eq ? eq : "");
    }
    return pairs;
}

static int is_on(const char *value)
{
    return value && (!strcmp(value, "1") || !strcmp(value, "true") || !strcmp(value, "yes"));
}

/* Format of a file sent as the body: by the name when there is one, else by
 * Content-Type, else by its first byte (zlib data starts with 0x78). */
static cc_content_format body_format(const char *name, const char *type, const char *data,
                                     apr_size_t len)
{
    if (name && *name)
        return cc_content_format_for_name(name);
    if (type && strstr(type, "json"))
        return CC_CONTENT_JSON;
    if (type && strstr(type, "yaml"))
        return CC_CONTENT_YAML;
    if (len > 0 && (unsigned char)data[0] == 0x78)
        return CC_CONTENT_COMPRESSED;
    if (len > 0 && (data[0] == '{' || data[0] == '['))
        return CC_CONTENT_JSON;
    return CC_CONTENT_YAML;
}

static int add_instructions(cc_request *req, const char *text, apr_table_t *actions)
{
    request_rec *r = req->r;
    json_object *parsed = cc_json_owned(r->pool, json_tokener_parse(text));
    size_t i;

    if (parsed && json_object_is_type(parsed, json_type_object)) {
        json_object *list = cc_member_array(parsed, "instructions");
        if (list == NULL) {
            json_object_object_foreach(parsed, key, value)
            {
                if (json_object_is_type(value, json_type_string))
                    apr_table_set(actions, key, json_object_get_string(value));
            }
            return OK;
        }
        parsed = list;
    }
    if (parsed == NULL || !json_object_is_type(parsed, json_type_array))
        return cc_send_error(req, HTTP_BAD_REQUEST,
                             "\"instructions\" must be JSON: the dry run's list of "
                             "{class_name, name, action}, or {\"CLASS.NAME\": ACTION}");
    for (i = 0; i < json_object_array_length(parsed); i++) {
        json_object *ins = json_object_array_get_idx(parsed, i);
        const char *cls = cc_member_text(r->pool, ins, "class_name");
        const char *name = cc_member_text(r->pool, ins, "name");
        const char *action = cc_member_text(r->pool, ins, "action");
        if (cls && name && action)
            apr_table_set(actions, apr_pstrcat(r->pool, cls, ".", name, NULL), action);
    }
    return OK;
}

int cc_handle_admin_content_import(cc_request *req)
{
    request_rec *r = req->r;
    const cc_principal *who = NULL;
    const char *body = NULL, *errmsg = NULL, *data, *name = NULL;
    const char *type = apr_table_get(r->headers_in, "Content-Type");
    apr_size_t len = 0;
    apr_table_t *query = query_pairs(r);
    cc_content_import_options opts;
    cc_content_plan *plan = NULL;
    apr_array_header_t *imported = NULL;
    json_object *doc = NULL, *answer, *list;
    cc_db *db = NULL;
    apr_status_t rv;
    int rc = cc_admin_require(req, CC_ROLE_SUPER_ADMIN, &who), i;

    if (rc == OK)
        rc = cc_read_body(req, &body, &len);
    if (rc != OK)
        return rc;
    memset(&opts, 0, sizeof(opts));
    opts.actions = apr_table_make(r->pool, 4);
    opts.username = who->username;
    opts.now = (long)apr_time_sec(apr_time_now());
    opts.convert = is_on(apr_table_get(query, "convert"));
    data = body;
    if (type && !strncasecmp(type, "multipart/form-data", 19)) {
        const char *boundary = NULL;
        apr_array_header_t *parts = NULL;
        const cc_multipart_part *file, *instructions;
        if (cc_multipart_boundary(r->pool, type, &boundary, &errmsg) != APR_SUCCESS ||
            cc_multipart_parse(r->pool, boundary, body, len, &parts, &errmsg) != APR_SUCCESS)
            return cc_send_error(req, HTTP_BAD_REQUEST, errmsg);
        file = cc_multipart_find(parts, "file");
        if (file == NULL)
            return cc_send_error(req, HTTP_BAD_REQUEST,
                                 "the form has no field \"file\" holding the content file");
        data = file->data;
        len = file->len;
        name = file->filename;
        type = file->content_type;
        instructions = cc_multipart_find(parts, "instructions");
        if (instructions && (rc = add_instructions(req, instructions->data, opts.actions)) != OK)
            return rc;
    } else {
        name = apr_table_get(query, "name");
    }
    {
        const apr_array_header_t *entries = apr_table_elts(query);
        const apr_table_entry_t *e = (const apr_table_entry_t *)entries->elts;
        for (i = 0; i < entries->nelts; i++)
            if (!strncmp(e[i].key, "action.", 7))
                apr_table_set(opts.actions, e[i].key + 7, e[i].val);
    }
    if (len == 0)
        return cc_send_error(req, HTTP_BAD_REQUEST, "no content file was sent");
    rv = cc_content_decode(r->pool, data, len, body_format(name, type, data, len), &doc, &errmsg);
    if (rv != APR_SUCCESS)
        return cc_send_error(req, HTTP_BAD_REQUEST, errmsg);
    rc = cc_request_db(req, &db);
    if (rc != OK)
        return rc;
    rv = cc_content_plan_make(db, r->pool, doc, &opts, &plan, &errmsg);
    if (rv != APR_SUCCESS)
        return cc_send_error(req, rv == APR_EINVAL ? HTTP_BAD_REQUEST : HTTP_INTERNAL_SERVER_ERROR,
                             errmsg);
    if (is_on(apr_table_get(query, "dry_run")))
        return send_doc(r, HTTP_OK, cc_content_plan_json(r->pool, plan));
    rv = cc_content_apply(db, r->pool, plan, &opts, &imported, &errmsg);
    if (rv != APR_SUCCESS)
        return cc_send_error(req,
                             rv == APR_EINVAL || rv == APR_EEXIST ? HTTP_UNPROCESSABLE_ENTITY
                                                                  : HTTP_INTERNAL_SERVER_ERROR,
                             errmsg);
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                  "content import by %s: %d object%s written, %d problem%s", who->username,
                  imported->nelts, imported->nelts == 1 ? "" : "s", plan->problems->nelts,
                  plan->problems->nelts == 1 ? "" : "s");
    answer = cc_json_owned(r->pool, json_object_new_object());
    list = json_object_new_array();
    for (i = 0; i < imported->nelts; i++)
        json_object_array_add(list, json_object_new_string(APR_ARRAY_IDX(imported, i, char *)));
    json_object_object_add(answer, "imported", list);
    json_object_object_add(answer, "problems",
                           json_object_get(cc_content_problems_json(r->pool, plan)));
    return send_doc(r, HTTP_OK, answer);
}

int cc_handle_admin_content_export(cc_request *req)
{
    static const char *const keys[] = {"test", "template", "table", "wizard"};
    static const char *const files[] = {"export.concerto.yml", "export.concerto.json",
                                        "export.concerto"};
    static const char *const types[] = {"application/x-yaml; charset=utf-8",
                                        "application/json; charset=utf-8",
                                        "application/octet-stream"};
    request_rec *r = req->r;
    const cc_principal *who = NULL;
    apr_table_t *query = query_pairs(r);
    const char *format_word = apr_table_get(query, "format"), *errmsg = NULL, *data = NULL;
    cc_content_format format = CC_CONTENT_YAML;
    cc_content_selection sel;
    apr_array_header_t **lists[4];
    json_object *doc = NULL;
    apr_size_t len = 0;
    cc_db *db = NULL;
    apr_status_t rv;
    int rc = cc_admin_require(req, CC_ROLE_SUPER_ADMIN, &who), i, k;

    if (rc != OK)
        return rc;
    if (format_word && cc_content_format_parse(format_word, &format) != APR_SUCCESS)
        return cc_send_error(req, HTTP_BAD_REQUEST, "format is yml, json or concerto");
    memset(&sel, 0, sizeof(sel));
    lists[0] = &sel.tests;
    lists[1] = &sel.templates;
    lists[2] = &sel.tables;
    lists[3] = &sel.wizards;
    {
        const apr_array_header_t *entries = apr_table_elts(query);
        const apr_table_entry_t *e = (const apr_table_entry_t *)entries->elts;
        for (k = 0; k < 4; k++) {
            *lists[k] = apr_array_make(r->pool, 2, sizeof(const char *));
            for (i = 0; i < entries->nelts; i++)
                if (!strcmp(e[i].key, keys[k]) && *e[i].val)
                    APR_ARRAY_PUSH(*lists[k], const char *) = e[i].val;
        }
    }
    sel.data = is_on(apr_table_get(query, "data"));
    rc = cc_request_db(req, &db);
    if (rc != OK)
        return rc;
    rv = cc_content_export(db, r->pool, &sel, &doc, &errmsg);
    if (rv == APR_NOTFOUND)
        return cc_send_error(req, HTTP_NOT_FOUND, errmsg);
    if (rv != APR_SUCCESS)
        return cc_send_error(req, HTTP_INTERNAL_SERVER_ERROR, errmsg);
    rv = cc_content_encode(r->pool, doc, format, &data, &len, &errmsg);
    if (rv != APR_SUCCESS)
        return cc_send_error(req, HTTP_INTERNAL_SERVER_ERROR, errmsg);
    r->status = HTTP_OK;
    ap_set_content_type(r, types[format]);
    apr_table_setn(r->headers_out, "Content-Disposition",
                   apr_psprintf(r->pool, "attachment; filename=\"%s\"", files[format]));
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_set_content_length(r, (apr_off_t)len);
    if (!r->header_only)
        ap_rwrite(data, (int)len, r);
    return OK;
}
