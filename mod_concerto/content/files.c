/* Content files and directories, and the source-control layout. */
#include "files.h"

#include "content/members.h"
#include "core/json_pool.h"

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <stdlib.h>
#include <string.h>

#define DIR_PERMS APR_FPROT_OS_DEFAULT

static apr_status_t read_file(apr_pool_t *pool, const char *path, const char **data,
                              apr_size_t *len, const char **errmsg)
{
    apr_file_t *f = NULL;
    apr_finfo_t info;
    char *buf;
    apr_status_t rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, pool);
    char why[128];

    if (rv == APR_SUCCESS)
        rv = apr_file_info_get(&info, APR_FINFO_SIZE, f);
    if (rv == APR_SUCCESS && (apr_size_t)info.size > CC_CONTENT_MAX_BYTES) {
        apr_file_close(f);
        *errmsg = apr_psprintf(pool, "%s is larger than 256 MiB", path);
        return APR_EINVAL;
    }
    if (rv == APR_SUCCESS) {
        buf = apr_palloc(pool, (apr_size_t)info.size + 1);
        *len = (apr_size_t)info.size;
        rv = *len ? apr_file_read_full(f, buf, *len, NULL) : APR_SUCCESS;
        buf[*len] = '\0';
        *data = buf;
    }
    if (f)
        apr_file_close(f);
    if (rv != APR_SUCCESS)
        *errmsg =
            apr_psprintf(pool, "cannot read %s: %s", path, apr_strerror(rv, why, sizeof(why)));
    return rv;
}

static apr_status_t write_file(apr_pool_t *pool, const char *path, const char *data, apr_size_t len,
                               const char **errmsg)
{
    apr_file_t *f = NULL;
    char why[128];
    apr_status_t rv = apr_file_open(
        &f, path, APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_TRUNCATE | APR_FOPEN_BINARY,
        APR_FPROT_OS_DEFAULT, pool);
    if (rv == APR_SUCCESS)
        rv = len ? apr_file_write_full(f, data, len, NULL) : APR_SUCCESS;
    if (f && apr_file_close(f) != APR_SUCCESS && rv == APR_SUCCESS)
        rv = APR_EGENERAL;
    if (rv != APR_SUCCESS)
        *errmsg =
            apr_psprintf(pool, "cannot write %s: %s", path, apr_strerror(rv, why, sizeof(why)));
    return rv;
}

static int usable_file_name(const char *name)
{
    return name && *name && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
           strchr(name, '/') == NULL && strlen(name) < 200;
}

/* Each (relative path, object, member) moved out of or into the YAML. */
typedef apr_status_t source_fn(apr_pool_t *pool, const char *dir, const char *rel, json_object *obj,
                               const char *member, const char **errmsg);

static apr_status_t each_source(apr_pool_t *pool, json_object *doc, const char *dir, source_fn *fn,
                                const char **errmsg)
{
    static const char *const parts[] = {"html", "css", "js", NULL};
    json_object *collection = cc_member_array(doc, "collection");
    apr_status_t rv = APR_SUCCESS;
    size_t i, k, j;

    for (i = 0; rv == APR_SUCCESS && collection && i < json_object_array_length(collection); i++) {
        json_object *obj = json_object_array_get_idx(collection, i);
        const char *cls = cc_member_text(pool, obj, "class_name");
        const char *name = cc_member_text(pool, obj, "name");
        if (cls == NULL || !usable_file_name(name))
            continue;
        if (!strcmp(cls, "Test")) {
            json_object *nodes = cc_member_array(obj, "nodes");
            rv = fn(pool, dir, apr_psprintf(pool, "src/test/%s/%s.r", name, name), obj, "code",
                    errmsg);
            for (k = 0; rv == APR_SUCCESS && nodes && k < json_object_array_length(nodes); k++) {
                json_object *node = json_object_array_get_idx(nodes, k);
                json_object *ports = cc_member_array(node, "ports");
                const char *title = cc_member_text(pool, node, "title");
                const char *folder = apr_psprintf(pool, "%s_%s", title ? title : "",
                                                  cc_member_text(pool, node, "id"));
                if (!usable_file_name(folder))
                    continue;
                for (j = 0; rv == APR_SUCCESS && ports && j < json_object_array_length(ports);
                     j++) {
                    json_object *port = json_object_array_get_idx(ports, j);
                    const char *pname = cc_member_text(pool, port, "name");
                    if (cc_member_long(port, "type", -1) != 0 || !usable_file_name(pname))
                        continue;
                    rv = fn(
                        pool, dir,
                        apr_psprintf(pool, "src/test/%s/nodes/%s/ports/%s.r", name, folder, pname),
                        port, "value", errmsg);
                }
            }
        } else if (!strcmp(cls, "ViewTemplate")) {
            for (k = 0; rv == APR_SUCCESS && parts[k]; k++)
                rv =
                    fn(pool, dir, apr_psprintf(pool, "src/template/%s/%s.%s", name, name, parts[k]),
                       obj, parts[k], errmsg);
        } else if (!strcmp(cls, "DataTable")) {
            rv = fn(pool, dir, apr_psprintf(pool, "src/table/%s.yaml", name), obj, "data", errmsg);
        }
    }
    return rv;
}

static apr_status_t move_out(apr_pool_t *pool, const char *dir, const char *rel, json_object *obj,
                             const char *member, const char **errmsg)
{
    json_object *value = NULL;
    const char *path = apr_pstrcat(pool, dir, "/", rel, NULL), *data;
    apr_size_t len;
    apr_status_t rv;
    char *folder = apr_pstrdup(pool, path);

    if (!json_object_object_get_ex(obj, member, &value) || value == NULL)
        return APR_SUCCESS; /* null stays in the YAML */
    *strrchr(folder, '/') = '\0';
    rv = apr_dir_make_recursive(folder, DIR_PERMS, pool);
    if (rv != APR_SUCCESS) {
        *errmsg = apr_psprintf(pool, "cannot create the directory %s", folder);
        return rv;
    }
    if (json_object_is_type(value, json_type_string)) {
        data = json_object_get_string(value);
        len = (apr_size_t)json_object_get_string_len(value);
    } else {
        json_object *wrapper = cc_json_owned(pool, json_object_new_object());
        json_object_object_add(wrapper, member, json_object_get(value));
        rv = cc_content_yaml_emit(pool, wrapper, &data, &len, errmsg);
        if (rv != APR_SUCCESS)
            return rv;
    }
    rv = write_file(pool, path, data, len, errmsg);
    if (rv == APR_SUCCESS)
        json_object_object_del(obj, member);
    return rv;
}

static apr_status_t move_in(apr_pool_t *pool, const char *dir, const char *rel, json_object *obj,
                            const char *member, const char **errmsg)
{
    const char *path = apr_pstrcat(pool, dir, "/", rel, NULL), *data;
    apr_finfo_t info;
    apr_size_t len;
    apr_status_t rv;

    if (json_object_object_get_ex(obj, member, NULL) ||
        apr_stat(&info, path, APR_FINFO_TYPE, pool) != APR_SUCCESS || info.filetype != APR_REG)
        return APR_SUCCESS;
    rv = read_file(pool, path, &data, &len, errmsg);
    if (rv != APR_SUCCESS)
        return rv;
    if (!strcmp(member, "data")) {
        json_object *wrapper = NULL, *rows = NULL;
        rv = cc_content_yaml_parse(pool, data, len, &wrapper, errmsg);
        if (rv != APR_SUCCESS) {
            *errmsg = apr_psprintf(pool, "%s: %s", path, *errmsg);
            return rv;
        }
        if (json_object_object_get_ex(wrapper, "data", &rows))
            json_object_object_add(obj, member, json_object_get(rows));
    } else {
        json_object_object_add(obj, member, json_object_new_string_len(data, (int)len));
    }
    return APR_SUCCESS;
}

static int is_content_name(const char *name)
{
    size_t n = strlen(name);
    return (n > 9 && !strcmp(name + n - 9, ".concerto")) ||
           (n > 14 && !strcmp(name + n - 14, ".concerto.json")) ||
           (n > 13 && !strcmp(name + n - 13, ".concerto.yml"));
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static apr_status_t read_one(apr_pool_t *pool, const char *path, json_object **doc,
                             const char **errmsg)
{
    const char *data;
    apr_size_t len;
    apr_status_t rv = read_file(pool, path, &data, &len, errmsg);

    if (rv == APR_SUCCESS)
        rv = cc_content_decode(pool, data, len, cc_content_format_for_name(path), doc, errmsg);
    if (rv != APR_SUCCESS && *doc == NULL && strncmp(*errmsg, "cannot read", 11) != 0)
        *errmsg = apr_psprintf(pool, "%s: %s", path, *errmsg);
    return rv;
}

apr_status_t cc_content_read_path(apr_pool_t *pool, const char *path, int sc, json_object **doc,
                                  const char **errmsg)
{
    apr_finfo_t info;
    apr_dir_t *dir = NULL;
    apr_array_header_t *names;
    json_object *joined = NULL, *collection;
    apr_status_t rv;
    int i;

    *doc = NULL;
    if (!strncmp(path, "file://", 7))
        path += 7;
    if (apr_stat(&info, path, APR_FINFO_TYPE, pool) != APR_SUCCESS) {
        *errmsg = apr_psprintf(pool, "%s: no such file or directory", path);
        return APR_ENOENT;
    }
    if (info.filetype != APR_DIR)
        return read_one(pool, path, doc, errmsg);
    names = apr_array_make(pool, 4, sizeof(const char *));
    if (apr_stat(&info, apr_pstrcat(pool, path, "/" CC_CONTENT_SC_FILE, NULL), APR_FINFO_TYPE,
                 pool) == APR_SUCCESS) {
        APR_ARRAY_PUSH(names, const char *) = CC_CONTENT_SC_FILE;
    } else if (apr_dir_open(&dir, path, pool) == APR_SUCCESS) {
        apr_finfo_t entry;
        while (apr_dir_read(&entry, APR_FINFO_NAME | APR_FINFO_TYPE, dir) == APR_SUCCESS)
            if (entry.filetype == APR_REG && is_content_name(entry.name))
                APR_ARRAY_PUSH(names, const char *) = apr_pstrdup(pool, entry.name);
        apr_dir_close(dir);
        qsort(names->elts, (size_t)names->nelts, sizeof(const char *), by_text);
    }
    if (names->nelts == 0) {
        *errmsg = apr_psprintf(pool,
                               "%s: no content file in this directory (%s, *.concerto, "
                               "*.concerto.json or *.concerto.yml)",
                               path, CC_CONTENT_SC_FILE);
        return APR_ENOENT;
    }
    for (i = 0; i < names->nelts; i++) {
        json_object *one = NULL;
        rv = read_one(pool,
                      apr_pstrcat(pool, path, "/", APR_ARRAY_IDX(names, i, const char *), NULL),
                      &one, errmsg);
        if (rv != APR_SUCCESS)
            return rv;
        if (joined == NULL) {
            joined = one;
            continue;
        }
        collection = cc_member_array(one, "collection");
        {
            json_object *into = cc_member_array(joined, "collection");
            size_t k;
            for (k = 0; into && collection && k < json_object_array_length(collection); k++)
                json_object_array_add(into,
                                      json_object_get(json_object_array_get_idx(collection, k)));
        }
    }
    if (sc && (rv = each_source(pool, joined, path, move_in, errmsg)) != APR_SUCCESS)
        return rv;
    *doc = joined;
    return APR_SUCCESS;
}

apr_status_t cc_content_write_path(apr_pool_t *pool, json_object *doc, const char *path,
                                   cc_content_format format, int sc, const char **errmsg)
{
    const char *data;
    apr_size_t len;
    apr_status_t rv;

    if (sc) {
        rv = apr_dir_make_recursive(path, DIR_PERMS, pool);
        if (rv != APR_SUCCESS) {
            *errmsg = apr_psprintf(pool, "cannot create the directory %s", path);
            return rv;
        }
        rv = each_source(pool, doc, path, move_out, errmsg);
        if (rv != APR_SUCCESS)
            return rv;
        path = apr_pstrcat(pool, path, "/" CC_CONTENT_SC_FILE, NULL);
        format = CC_CONTENT_YAML;
    }
    rv = cc_content_encode(pool, doc, format, &data, &len, errmsg);
    if (rv != APR_SUCCESS)
        return rv;
    return write_file(pool, path, data, len, errmsg);
}
