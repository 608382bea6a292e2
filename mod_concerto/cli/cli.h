/* concertoctl: shared state of the subcommands. */
#ifndef CC_CLI_H
#define CC_CLI_H

#include "store/db.h"

#include <apr_getopt.h>

/* Exit statuses. */
enum {
    CLI_OK = 0,
    CLI_FAILED = 1,
    CLI_USAGE = 2,
    CLI_SCHEMA_BEHIND = 3,
    /* A scheduled job found its lock held by another run (sysexits'
     * EX_TEMPFAIL): nothing was done, and that is not an error. */
    CLI_LOCKED = 75
};

typedef struct cli_context {
    apr_pool_t *pool;
    const char *data_dir;
    const char *db_driver;
    const char *db_params; /* resolved */
    int verbose;
} cli_context;

/* Print "concertoctl: message" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Connect with the context's settings; prints the reason on failure. */
apr_status_t cli_connect(cli_context *ctx, cc_db **db);

int cli_cmd_setup(cli_context *ctx, int argc, const char *const *argv);
int cli_cmd_migrate(cli_context *ctx, int argc, const char *const *argv);
int cli_cmd_status(cli_context *ctx, int argc, const char *const *argv);
/* passwd USER; also `user passwd USER`. Ends the user's admin logins. */
int cli_cmd_passwd(cli_context *ctx, int argc, const char *const *argv);
int cli_cmd_user(cli_context *ctx, int argc, const char *const *argv);
int cli_cmd_table(cli_context *ctx, int argc, const char *const *argv);
int cli_cmd_sessions(cli_context *ctx, int argc, const char *const *argv);
int cli_cmd_schedule(cli_context *ctx, int argc, const char *const *argv);
/* Needs no database: ctx->db_params is not resolved. */
int cli_cmd_cat(cli_context *ctx, int argc, const char *const *argv);

#endif
