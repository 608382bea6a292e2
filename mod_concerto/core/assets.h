/* The runner page's static files (mod_concerto/www), compiled into the
 * module by www/embed.sh. */
#ifndef CC_ASSETS_H
#define CC_ASSETS_H

#include <apr.h>

typedef struct cc_asset {
    const char *name;         /* "runner.js" */
    const char *content_type; /* with charset */
    const char *hash;         /* 16 hex digits of the content's SHA-256 */
    const unsigned char *data;
    apr_size_t size; /* bytes, without the terminating NUL the table adds */
} cc_asset;

/* Generated; ends with a NULL name. */
extern const cc_asset cc_assets[];

/* The asset with this name, or NULL. */
const cc_asset *cc_asset_find(const char *name);

#endif
