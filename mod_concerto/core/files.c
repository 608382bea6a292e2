#include "files.h"

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <string.h>

void cc_remove_tree(apr_pool_t *pool, const char *path)
{
    apr_dir_t *dir;
    apr_finfo_t entry;

    if (apr_dir_open(&dir, path, pool) != APR_SUCCESS) {
        apr_file_remove(path, pool);
        return;
    }
    while (apr_dir_read(&entry, APR_FINFO_NAME | APR_FINFO_TYPE, dir) == APR_SUCCESS) {
        const char *child;
        if (!strcmp(entry.name, ".") || !strcmp(entry.name, ".."))
            continue;
        child = apr_pstrcat(pool, path, "/", entry.name, NULL);
        if (entry.filetype == APR_DIR)
            cc_remove_tree(pool, child);
        else
            apr_file_remove(child, pool);
    }
    apr_dir_close(dir);
    apr_dir_remove(path, pool);
}
