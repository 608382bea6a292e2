/* The files of the platform's data directory (DATA/files/) for the admin
 * API: list a directory, upload into one (multipart, names made safe by
 * core/multipart.h), delete a file or an empty directory. A path is
 * relative to DATA/files/ ("" the top); "..", "." and empty segments are
 * refused, and so is any symbolic link on the way, so nothing outside
 * files/ is ever reached. */
#ifndef CC_ADMIN_FILES_H
#define CC_ADMIN_FILES_H

#include "entity.h"

/* {"path", "items":[{name, type ("file"|"dir"), size, modified}]}, by name. */
apr_status_t cc_admin_files_list(apr_pool_t *pool, const char *data_dir, const char *path,
                                 json_object **out, cc_admin_error *err);
/* Every part with a file name of the multipart body into path (made when
 * missing); {"path", "saved":[{name, size}]}. */
apr_status_t cc_admin_files_upload(apr_pool_t *pool, const char *data_dir, const char *path,
                                   const char *content_type, const char *body, apr_size_t len,
                                   json_object **out, cc_admin_error *err);
apr_status_t cc_admin_files_delete(apr_pool_t *pool, const char *data_dir, const char *path,
                                   cc_admin_error *err);

/* The absolute path of path below DATA/files/ after the checks above
 * (422 naming "path"); *exists and *is_dir tell what is there. */
apr_status_t cc_admin_files_resolve(apr_pool_t *pool, const char *data_dir, const char *path,
                                    const char **full, int *exists, int *is_dir,
                                    cc_admin_error *err);

#endif
