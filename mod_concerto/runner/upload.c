/* A participant's file (Concerto's /upload): the runner request that
 * stores it in the session's folder. */
#include "runner/service.h"

#include "core/log.h"
#include "core/multipart.h"
#include "core/token.h"
#include "runner/service_internal.h"
#include "store/sessions.h"

#include <apr_file_io.h>
#include <apr_strings.h>
#include <json.h>
#include <string.h>

/* {result:-1, error} with the refusal's status, as Concerto's upload. */
static int upload_refused(apr_pool_t *pool, cc_run_result *out, int http_status,
                          const char *message)
{
    json_object *root = json_object_new_object();

    cc_run_refuse(out, http_status, CC_RUN_ERROR, message);
    json_object_object_add(root, "result", json_object_new_int(-1));
    json_object_object_add(root, "error", json_object_new_string(message));
    out->json = apr_pstrdup(pool, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
    return 0;
}

/* The test grants uploads (settings "sessionFilesAccess": true), or the
 * token carries the grant (CC_TOKEN_SESSION_FILES, Concerto's claim). */
static int uploads_allowed(cc_db *db, apr_pool_t *pool, const cc_session *s,
                           const cc_token_check *check)
{
    const char *args[] = {apr_ltoa(pool, s->test_id)}, *settings = NULL;
    json_object *root, *grant;
    int allowed;

    if (check->claims.flags & CC_TOKEN_SESSION_FILES)
        return 1;
    if (cc_db_select_value(db, pool, &settings, "SELECT settings FROM test WHERE id = %s", 1,
                           args) != APR_SUCCESS ||
        settings == NULL || (root = json_tokener_parse(settings)) == NULL)
        return 0;
    allowed = json_object_object_get_ex(root, "sessionFilesAccess", &grant) &&
              json_object_get_boolean(grant);
    json_object_put(root);
    return allowed;
}

/* Written next to its final name, then renamed: a reader never sees half
 * a file, and two uploads of one name leave one whole file. */
static apr_status_t store_file(apr_pool_t *pool, const char *dir, const char *name,
                               const char *data, apr_size_t len, const char **path,
                               const char **errmsg)
{
    char *tmp = apr_pstrcat(pool, dir, "/.upload-XXXXXX", NULL);
    apr_file_t *f = NULL;
    apr_size_t written = 0;
    apr_status_t rv;

    *path = apr_pstrcat(pool, dir, "/", name, NULL);
    rv = apr_dir_make_recursive(dir,
                                APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_UEXECUTE |
                                    APR_FPROT_GREAD | APR_FPROT_GEXECUTE,
                                pool);
    if (rv == APR_SUCCESS)
        rv = apr_file_mktemp(&f, tmp,
                             APR_FOPEN_CREATE | APR_FOPEN_READ | APR_FOPEN_WRITE | APR_FOPEN_EXCL |
                                 APR_FOPEN_BINARY,
                             pool);
    if (rv == APR_SUCCESS) {
        rv = apr_file_write_full(f, data, len, &written);
        if (apr_file_close(f) != APR_SUCCESS && rv == APR_SUCCESS)
            rv = APR_EGENERAL;
        if (rv == APR_SUCCESS)
            rv = apr_file_rename(tmp, *path, pool);
        if (rv != APR_SUCCESS)
            apr_file_remove(tmp, pool);
    }
    if (rv != APR_SUCCESS) {
        char buf[120];
        *errmsg = apr_psprintf(pool, "%s: %s", *path, apr_strerror(rv, buf, sizeof(buf)));
        cc_log(CC_LOG_MARK, CC_LOG_ERR, rv, "upload cannot be stored: %s", *errmsg);
    }
    return rv;
}

apr_status_t cc_run_upload(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                           const char *file_name, const char *data, apr_size_t len,
                           const char *data_dir, long now, cc_run_result *out)
{
    cc_token_key key;
    cc_token_check check;
    cc_session *s = NULL;
    const char *name, *path = NULL, *errmsg = NULL, *new_token = NULL;
    json_object *root;

    memset(&check, 0, sizeof(check));
    if (!cc_run_open_session_checked(db, pool, hash, token, now, &key, &s, out, &check)) {
        upload_refused(pool, out, out->http_status, out->message);
        return APR_SUCCESS;
    }
    if (s->status != CC_SESSION_RUNNING) {
        upload_refused(pool, out, 409, "this session has already ended");
        return APR_SUCCESS;
    }
    if (!uploads_allowed(db, pool, s, &check)) {
        upload_refused(pool, out, 403, "this test does not accept files");
        return APR_SUCCESS;
    }
    if (data == NULL) {
        upload_refused(pool, out, 400, "no file was sent (a part named \"file\" is needed)");
        return APR_SUCCESS;
    }
    name = cc_safe_file_name(pool, file_name);
    /* The hash was found in the database: 40 hex characters, no path. */
    if (store_file(pool, apr_pstrcat(pool, data_dir, "/files/sessions/", s->hash, NULL), name, data,
                   len, &path, &errmsg) != APR_SUCCESS) {
        upload_refused(pool, out, 503, "the file cannot be stored on the server");
        return APR_SUCCESS;
    }
    /* The renewed token keeps the grants of the one it replaces. */
    if (!cc_run_sign_token_with(pool, &key, hash, now, check.claims.flags, &new_token, out))
        return APR_SUCCESS;
    root = json_object_new_object();
    json_object_object_add(root, "result", json_object_new_int(0));
    json_object_object_add(root, "file_path", json_object_new_string(path));
    json_object_object_add(root, "name", json_object_new_string(name));
    json_object_object_add(root, "token", json_object_new_string(new_token));
    out->json = apr_pstrdup(pool, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
    out->http_status = 200;
    out->code = 0;
    return APR_SUCCESS;
}
