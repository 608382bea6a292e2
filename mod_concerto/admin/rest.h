/* The REST API's dispatcher, core side: a request below /api/admin/ as
 * path segments, method, query and body, answered by the entity kinds'
 * files. The glue authenticates (the area says which role), reads the
 * body, calls cc_rest_handle and writes the answer. */
#ifndef CC_ADMIN_REST_H
#define CC_ADMIN_REST_H

#include "entity.h"

/* Which role a kind needs (the glue maps these to core/access.h roles). */
typedef enum {
    CC_AREA_UNKNOWN = 0, /* no such kind: 404 */
    CC_AREA_TEST,
    CC_AREA_TEMPLATE,
    CC_AREA_TABLE,
    CC_AREA_WIZARD,
    CC_AREA_FILE,
    CC_AREA_SUPER_ADMIN
} cc_admin_area;

#define CC_REST_MAX_SEGMENTS 6

typedef struct cc_rest_request {
    const char *method;
    const char *segs[CC_REST_MAX_SEGMENTS]; /* below /api/admin/, decoded */
    int nsegs;
    const char *query; /* may be NULL */
    const char *body;  /* may be NULL */
    apr_size_t len;
    const char *content_type; /* may be NULL */
    const cc_admin_actor *actor;
    long now;
    const char *data_dir; /* the platform's data directory (files) */
    int idle_seconds;     /* a running session idle longer is not active */
} cc_rest_request;

typedef struct cc_rest_answer {
    int status;        /* 200, 201, 204 */
    json_object *json; /* the body, or NULL with text */
    const char *text;
    apr_size_t text_len;
    const char *content_type; /* of text */
    const char *filename;     /* a download's name, or NULL */
} cc_rest_answer;

/* The area of the first segment (kind); CC_AREA_UNKNOWN when none. */
cc_admin_area cc_rest_area(const char *kind);

/* Split "a/b/c" (the path below /api/admin/) into req->segs; 0 when it has
 * more than CC_REST_MAX_SEGMENTS segments or an empty one. */
int cc_rest_split(apr_pool_t *pool, const char *path, cc_rest_request *req);

/* Answer the request: APR_SUCCESS and *answer, or *err (a status from
 * 400 to 500 and a sentence). */
apr_status_t cc_rest_handle(cc_db *db, apr_pool_t *pool, const cc_rest_request *req,
                            cc_rest_answer *answer, cc_admin_error *err);

/* The CSV of a request body: the body itself, or the part "file" of a
 * multipart/form-data body. */
apr_status_t cc_rest_csv_body(apr_pool_t *pool, const cc_rest_request *req, const char **csv,
                              apr_size_t *len, cc_admin_error *err);

#endif
