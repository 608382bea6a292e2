/* concertoctl status and passwd. */
#include "cli.h"

#include "core/random.h"
#include "store/dbparams.h"
#include "store/admin_sessions.h"
#include "store/migrate.h"
#include "store/sessions.h"
#include "store/users.h"

#include <apr_time.h>
#include <stdio.h>
#include <stdlib.h>

int cli_cmd_status(cli_context *ctx, int argc, const char *const *argv)
{
    cc_db *db = NULL;
    int version = 0;
    long active = 0;

    (void)argv;
    if (argc > 1) {
        cli_error("status takes no arguments");
        return CLI_USAGE;
    }
    printf("database: %s %s\n", ctx->db_driver, cc_db_params_redact(ctx->pool, ctx->db_params));
    if (cli_connect(ctx, &db) != APR_SUCCESS)
        return CLI_FAILED;
    if (cc_schema_current(db, ctx->pool, &version) != APR_SUCCESS) {
        cli_error("cannot read the schema version: %s", db->last_error);
        cc_db_close(db);
        return CLI_FAILED;
    }
    printf("schema version: %d (this build needs %d)\n", version, cc_schema_latest());
    if (version < cc_schema_latest()) {
        printf("state: behind; run 'concertoctl setup'\n");
        cc_db_close(db);
        return CLI_SCHEMA_BEHIND;
    }
    if (cc_sessions_count_active(db, ctx->pool, (long)apr_time_sec(apr_time_now()), 300, &active) ==
        APR_SUCCESS)
        printf("active sessions: %ld\n", active);
    printf("state: %s\n", version == cc_schema_latest() ? "ready" : "newer than this build");
    cc_db_close(db);
    return CLI_OK;
}

int cli_cmd_passwd(cli_context *ctx, int argc, const char *const *argv)
{
    const char *password = getenv("CONCERTO_PASSWORD");
    int generated = 0;
    cc_db *db = NULL;
    apr_status_t rv;

    if (argc != 2) {
        cli_error("usage: passwd USER");
        return CLI_USAGE;
    }
    if (password == NULL || *password == '\0') {
        if (cc_random_password(ctx->pool, 20, &password) != APR_SUCCESS) {
            cli_error("cannot generate a password");
            return CLI_FAILED;
        }
        generated = 1;
    }
    if (cli_connect(ctx, &db) != APR_SUCCESS)
        return CLI_FAILED;
    rv = cc_user_set_password(db, ctx->pool, argv[1], password);
    if (rv == APR_SUCCESS) {
        /* Whoever used the old password is logged out. */
        cc_user_record *user = NULL;
        rv = cc_user_load(db, ctx->pool, 0, argv[1], &user);
        if (rv == APR_SUCCESS && user)
            rv = cc_admin_sessions_delete_user(db, ctx->pool, user->principal.user_id);
    }
    if (rv == APR_NOTFOUND) {
        cli_error("no user '%s'", argv[1]);
        cc_db_close(db);
        return CLI_FAILED;
    }
    if (rv != APR_SUCCESS) {
        cli_error("cannot set the password: %s", db->last_error);
        cc_db_close(db);
        return CLI_FAILED;
    }
    cc_db_close(db);
    if (generated)
        printf("concertoctl: new password for \"%s\": %s\n", argv[1], password);
    else
        printf("concertoctl: password for \"%s\" set from CONCERTO_PASSWORD\n", argv[1]);
    return CLI_OK;
}
