#include "files.h"

#include "core/json_pool.h"
#include "core/multipart.h"

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

static apr_status_t bad_path(apr_pool_t *pool, const char *path, const char *why,
                             cc_admin_error *err)
{
    return cc_admin_fail(err, 422, "path", apr_psprintf(pool, "the path \"%s\" %s", path, why));
}

apr_status_t cc_admin_files_resolve(apr_pool_t *pool, const char *data_dir, const char *path,
                                    const char **full, int *exists, int *is_dir,
                                    cc_admin_error *err)
{
    const char *at = apr_pstrcat(pool, data_dir, "/files", NULL);
    char *copy, *seg, *state = NULL;
    const char *p;
    apr_finfo_t fi;

    *exists = 0;
    *is_dir = 0;
    if (data_dir == NULL || *data_dir == '\0')
        return cc_admin_fail(err, 500, NULL, "the platform has no data directory");
    if (path == NULL)
        path = "";
    for (p = path; *p; p++)
        if (*p == '\\' || (unsigned char)*p < 0x20)
            return bad_path(pool, path, "holds a backslash or a control character", err);
    while (*path == '/')
        path++;
    copy = apr_pstrdup(pool, path);
    if (apr_stat(&fi, at, APR_FINFO_TYPE | APR_FINFO_LINK, pool) == APR_SUCCESS)
        *exists = 1, *is_dir = fi.filetype == APR_DIR;
    for (seg = apr_strtok(copy, "/", &state); seg; seg = apr_strtok(NULL, "/", &state)) {
        if (!strcmp(seg, "..") || !strcmp(seg, "."))
            return bad_path(pool, path, "may not hold \".\" or \"..\"", err);
        if (*exists && !*is_dir)
            return bad_path(pool, path, "goes through a file", err);
        at = apr_pstrcat(pool, at, "/", seg, NULL);
        *exists = apr_stat(&fi, at, APR_FINFO_TYPE | APR_FINFO_LINK, pool) == APR_SUCCESS;
        if (*exists && fi.filetype == APR_LNK)
            return bad_path(pool, path, "goes through a symbolic link", err);
        *is_dir = *exists && fi.filetype == APR_DIR;
    }
    if (strstr(path, "//"))
        return bad_path(pool, path, "has an empty segment", err);
    *full = at;
    return APR_SUCCESS;
}

static int by_name(const void *a, const void *b)
{
    json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b;

    return strcmp(json_object_get_string(json_object_object_get(x, "name")),
                  json_object_get_string(json_object_object_get(y, "name")));
}

apr_status_t cc_admin_files_list(apr_pool_t *pool, const char *data_dir, const char *path,
                                 json_object **out, cc_admin_error *err)
{
    const char *full = NULL;
    int exists = 0, is_dir = 0;
    apr_dir_t *dir = NULL;
    apr_finfo_t fi;
    json_object *items;

    if (cc_admin_files_resolve(pool, data_dir, path, &full, &exists, &is_dir, err) != APR_SUCCESS)
        return APR_EGENERAL;
    items = json_object_new_array();
    *out = cc_json_owned(pool, json_object_new_object());
    json_object_object_add(*out, "path", json_object_new_string(path ? path : ""));
    json_object_object_add(*out, "items", items);
    if (!exists && (path == NULL || *path == '\0' || !strcmp(path, "/")))
        return APR_SUCCESS; /* files/ not made yet: empty */
    if (!exists)
        return cc_admin_fail(err, 404, NULL, apr_psprintf(pool, "there is no \"%s\"", path));
    if (!is_dir)
        return bad_path(pool, path, "is a file, not a directory", err);
    if (apr_dir_open(&dir, full, pool) != APR_SUCCESS)
        return cc_admin_fail(err, 500, NULL, apr_psprintf(pool, "cannot read \"%s\"", path));
    for (;;) {
        json_object *e;
        /* INCOMPLETE: some of the wanted facts are unknown; the rest holds. */
        apr_status_t rv = apr_dir_read(
            &fi, APR_FINFO_TYPE | APR_FINFO_SIZE | APR_FINFO_MTIME | APR_FINFO_NAME, dir);
        if ((rv != APR_SUCCESS && rv != APR_INCOMPLETE) || fi.name == NULL)
            break;
        if (!strcmp(fi.name, ".") || !strcmp(fi.name, ".."))
            continue;
        e = json_object_new_object();
        json_object_object_add(e, "name", json_object_new_string(fi.name));
        json_object_object_add(e, "type",
                               json_object_new_string(fi.filetype == APR_DIR   ? "dir"
                                                      : fi.filetype == APR_LNK ? "link"
                                                                               : "file"));
        json_object_object_add(e, "size", json_object_new_int64((int64_t)fi.size));
        json_object_object_add(e, "modified",
                               json_object_new_int64((int64_t)apr_time_sec(fi.mtime)));
        json_object_array_add(items, e);
    }
    apr_dir_close(dir);
    json_object_array_sort(items, by_name);
    return APR_SUCCESS;
}

apr_status_t cc_admin_files_upload(apr_pool_t *pool, const char *data_dir, const char *path,
                                   const char *content_type, const char *body, apr_size_t len,
                                   json_object **out, cc_admin_error *err)
{
    const char *full = NULL, *boundary = NULL, *errmsg = NULL;
    apr_array_header_t *parts = NULL;
    json_object *saved;
    int exists = 0, is_dir = 0, i, n = 0;

    if (cc_admin_files_resolve(pool, data_dir, path, &full, &exists, &is_dir, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (exists && !is_dir)
        return bad_path(pool, path, "is a file, not a directory", err);
    if (cc_multipart_boundary(pool, content_type, &boundary, &errmsg) != APR_SUCCESS ||
        cc_multipart_parse(pool, boundary, body, len, &parts, &errmsg) != APR_SUCCESS)
        return cc_admin_fail(
            err, 400, NULL,
            apr_pstrcat(pool, "send the files as multipart/form-data: ", errmsg, NULL));
    if (!exists && apr_dir_make_recursive(full, APR_FPROT_OS_DEFAULT, pool) != APR_SUCCESS)
        return cc_admin_fail(err, 500, NULL,
                             apr_psprintf(pool, "cannot make the directory \"%s\"", path));
    saved = json_object_new_array();
    *out = cc_json_owned(pool, json_object_new_object());
    json_object_object_add(*out, "path", json_object_new_string(path ? path : ""));
    json_object_object_add(*out, "saved", saved);
    for (i = 0; i < parts->nelts; i++) {
        const cc_multipart_part *part = &APR_ARRAY_IDX(parts, i, cc_multipart_part);
        const char *name, *target;
        apr_file_t *f = NULL;
        apr_size_t written = 0;
        json_object *e;
        if (part->filename == NULL)
            continue;
        name = cc_safe_file_name(pool, part->filename);
        target = apr_pstrcat(pool, full, "/", name, NULL);
        if (apr_file_open(&f, target, APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_TRUNCATE,
                          APR_FPROT_OS_DEFAULT, pool) != APR_SUCCESS ||
            apr_file_write_full(f, part->data, part->len, &written) != APR_SUCCESS) {
            if (f)
                apr_file_close(f);
            return cc_admin_fail(err, 500, NULL, apr_psprintf(pool, "cannot write \"%s\"", name));
        }
        apr_file_close(f);
        e = json_object_new_object();
        json_object_object_add(e, "name", json_object_new_string(name));
        json_object_object_add(e, "size", json_object_new_int64((int64_t)part->len));
        json_object_array_add(saved, e);
        n++;
    }
    if (n == 0)
        return cc_admin_fail(err, 422, "file", "the form holds no file");
    return APR_SUCCESS;
}

apr_status_t cc_admin_files_delete(apr_pool_t *pool, const char *data_dir, const char *path,
                                   cc_admin_error *err)
{
    const char *full = NULL, *p = path ? path : "";
    int exists = 0, is_dir = 0;
    apr_status_t rv;

    while (*p == '/')
        p++;
    if (*p == '\0')
        return bad_path(pool, "", "is the top of the files: it cannot be deleted", err);
    if (cc_admin_files_resolve(pool, data_dir, path, &full, &exists, &is_dir, err) != APR_SUCCESS)
        return APR_EGENERAL;
    if (!exists)
        return cc_admin_fail(err, 404, NULL, apr_psprintf(pool, "there is no \"%s\"", path));
    rv = is_dir ? apr_dir_remove(full, pool) : apr_file_remove(full, pool);
    if (rv != APR_SUCCESS)
        return cc_admin_fail(err, is_dir ? 409 : 500, NULL,
                             is_dir ? apr_psprintf(pool, "the directory \"%s\" is not empty", path)
                                    : apr_psprintf(pool, "cannot delete \"%s\"", path));
    return APR_SUCCESS;
}
