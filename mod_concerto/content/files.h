/* Content on disk: one file, a directory of them, and the source-control
 * layout (spec 5.3, `--sc`): one YAML file plus the code and markup in
 *   src/test/{name}/{name}.r                              test code
 *   src/test/{name}/nodes/{title}_{id}/ports/{port}.r     input port values
 *   src/template/{name}/{name}.{html,css,js}              template parts
 *   src/table/{name}.yaml                                 table rows ({data: [...]})
 * A member moved to a file is left out of the YAML; reading puts it back.
 * Objects whose name (or node title, port name) cannot be a file name
 * (empty, ".", "..", holding "/") keep everything in the YAML. */
#ifndef CC_CONTENT_FILES_H
#define CC_CONTENT_FILES_H

#include "content/format.h"

#include <apr_pools.h>
#include <json.h>

/* The file name written by an --sc export and looked for first on import. */
#define CC_CONTENT_SC_FILE "export.concerto.yml"

/* path: a file (format by its name), or a directory: its export.concerto.yml
 * or else every *.concerto, *.concerto.json, *.concerto.yml file in it (by
 * name), their collections joined; with sc, externalized sources of the
 * directory are merged back. A "file://" prefix is taken off. */
apr_status_t cc_content_read_path(apr_pool_t *pool, const char *path, int sc, json_object **doc,
                                  const char **errmsg);

/* Write doc to path in format (sc: path is a directory, created, with
 * the layout above). */
apr_status_t cc_content_write_path(apr_pool_t *pool, json_object *doc, const char *path,
                                   cc_content_format format, int sc, const char **errmsg);

#endif
