/* concertoctl: the command line of mod_concerto, on the same core library
 * as the module. */
#include "cli.h"

#include "core/config.h"
#include "core/log.h"
#include "store/dbparams.h"
#include "store/migrate.h"

#include <apr_general.h>
#include <apr_strings.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char usage_text[] =
    "usage: concertoctl [options] COMMAND [ARGS]\n"
    "\n"
    "Commands:\n"
    "  setup [--owner USER[:GROUP]] [--starter DIR]\n"
    "                                create the data directory, bring the schema up to date,\n"
    "                                create the admin user and the signing secret, and load the\n"
    "                                starter content of DIR (conf/starter); safe to repeat\n"
    "  migrate                       apply pending schema migrations only\n"
    "  status                        show the database and schema state\n"
    "                                (exit 0 current, 3 behind, 1 unreachable)\n"
    "  user add NAME [--role ROLE_X ...] [--email E]\n"
    "                                create an account (password from $CONCERTO_PASSWORD, or\n"
    "                                generated and printed once)\n"
    "  user passwd NAME              set a new password ($CONCERTO_PASSWORD, or generated);\n"
    "                                ends the user's admin logins (also: passwd NAME)\n"
    "  user list                     the accounts: name, roles, locked until, TOTP\n"
    "  table list|describe NAME|drop NAME   data tables (real tables in the database)\n"
    "  table import NAME FILE.csv|- [--create items|responses|--create-from-header] [--replace]\n"
    "                                add a CSV's rows (header row names the columns), all or none\n"
    "  table export NAME [FILE.csv|-] [--crlf]   write the rows as CSV, header first\n"
    "  sessions clear [--older-than DAYS] [--max-idle SECONDS]\n"
    "                                remove sessions not updated for DAYS "
    "($CONCERTO_SESSION_FILES_\n"
    "                                EXPIRATION or 7; -1 keeps all) that ended, or still run but\n"
    "                                idled past SECONDS (3900), with DATADIR/files/sessions/HASH\n"
    "  sessions log [--idle-limit SECONDS]\n"
    "                                record the active-session count (updated within SECONDS,\n"
    "                                300) in test_session_count when it changed\n"
    "  schedule tick                 run the pending scheduled tasks\n"
    "                                (these three exit 0 done, 1 error, 75 when another run\n"
    "                                holds their lock in the database and nothing was done)\n"
    "  cat                           answer one JSON request to the CAT engine on stdin,\n"
    "                                {\"fn\": NAME, \"args\": {...}} (catR's functions and names)\n"
    "  version                       print the version\n"
    "\n"
    "Options:\n"
    "  -d, --data-dir DIR      data directory (default $CONCERTO_DATA_DIR "
    "or " CONCERTO_DEFAULT_DATA_DIR ")\n"
    "      --db DRIVER         sqlite3, pgsql, mysql, odbc or oracle (default $CONCERTO_DB_DRIVER "
    "or sqlite3)\n"
    "      --db-params PARAMS  apr_dbd connection parameters (default $CONCERTO_DB_PARAMS, else\n"
    "                          DIR/concerto.db for sqlite3 and DB_HOST, DB_PORT, DB_NAME, "
    "DB_USER,\n"
    "                          DB_PASSWORD for the others)\n"
    "  -v, --verbose           more messages\n"
    "  -h, --help              this text\n";

void cli_error(const char *fmt, ...)
{
    char message[2048];
    va_list ap;

    va_start(ap, fmt);
    apr_vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    fprintf(stderr, "concertoctl: %s\n", message);
}

static void log_to_stderr(void *baton, const char *file, int line, cc_log_level level,
                          apr_status_t status, const char *message)
{
    (void)baton;
    (void)file;
    (void)line;
    (void)status;
    fprintf(stderr, "concertoctl: %s%s\n", level <= CC_LOG_ERR ? "error: " : "", message);
}

apr_status_t cli_connect(cli_context *ctx, cc_db **db)
{
    const char *errmsg = NULL;
    apr_status_t rv = cc_db_open(ctx->pool, ctx->db_driver, ctx->db_params, db, &errmsg);

    if (rv != APR_SUCCESS)
        cli_error("%s (%s)", errmsg, cc_db_params_redact(ctx->pool, ctx->db_params));
    return rv;
}

static const char *env_default(const char *name, const char *fallback)
{
    const char *value = getenv(name);
    return (value && *value) ? value : fallback;
}

int main(int argc, const char *const *argv)
{
    static const apr_getopt_option_t options[] = {{"data-dir", 'd', 1, "data directory"},
                                                  {"db", 'D', 1, "database driver"},
                                                  {"db-params", 'P', 1, "connection parameters"},
                                                  {"verbose", 'v', 0, "verbose"},
                                                  {"help", 'h', 0, "help"},
                                                  {NULL, 0, 0, NULL}};
    cli_context ctx;
    apr_getopt_t *opt;
    const char *arg, *command, *errmsg = NULL, *params;
    apr_pool_t *pool;
    int ch, code;
    apr_status_t rv;

    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS) {
        fputs("concertoctl: cannot initialise APR\n", stderr);
        return CLI_FAILED;
    }
    atexit(apr_terminate);
    apr_pool_create(&pool, NULL);
    memset(&ctx, 0, sizeof(ctx));
    ctx.pool = pool;
    ctx.data_dir = env_default("CONCERTO_DATA_DIR", CONCERTO_DEFAULT_DATA_DIR);
    ctx.db_driver = env_default("CONCERTO_DB_DRIVER", "sqlite3");
    params = env_default("CONCERTO_DB_PARAMS", NULL);

    apr_getopt_init(&opt, pool, argc, argv);
    /* Options stop at the command; its own arguments follow it. */
    while ((rv = apr_getopt_long(opt, options, &ch, &arg)) == APR_SUCCESS) {
        switch (ch) {
        case 'd':
            ctx.data_dir = arg;
            break;
        case 'D':
            ctx.db_driver = arg;
            break;
        case 'P':
            params = arg;
            break;
        case 'v':
            ctx.verbose = 1;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return CLI_OK;
        }
    }
    if (rv != APR_EOF) {
        fputs(usage_text, stderr);
        return CLI_USAGE;
    }
    if (opt->ind >= argc) {
        cli_error("no command given");
        fputs(usage_text, stderr);
        return CLI_USAGE;
    }
    command = argv[opt->ind];
    if (!strcmp(command, "version")) {
        printf("concertoctl %s (schema version %d)\n", CONCERTO_VERSION, cc_schema_latest());
        return CLI_OK;
    }
    cc_log_set_sink(log_to_stderr, NULL, ctx.verbose ? CC_LOG_DEBUG : CC_LOG_NOTICE);
    if (!strcmp(command, "cat")) {
        /* No database: the request is answered by the engine alone. */
        code = cli_cmd_cat(&ctx, argc - opt->ind, argv + opt->ind);
        apr_pool_destroy(pool);
        return code;
    }
    ctx.db_params =
        cc_db_params_resolve(pool, ctx.db_driver, params, ctx.data_dir, NULL, NULL, &errmsg);
    if (ctx.db_params == NULL) {
        cli_error("%s", errmsg);
        return CLI_USAGE;
    }
    argc -= opt->ind;
    argv += opt->ind;
    if (!strcmp(command, "setup"))
        code = cli_cmd_setup(&ctx, argc, argv);
    else if (!strcmp(command, "migrate"))
        code = cli_cmd_migrate(&ctx, argc, argv);
    else if (!strcmp(command, "status"))
        code = cli_cmd_status(&ctx, argc, argv);
    else if (!strcmp(command, "passwd"))
        code = cli_cmd_passwd(&ctx, argc, argv);
    else if (!strcmp(command, "user"))
        code = cli_cmd_user(&ctx, argc, argv);
    else if (!strcmp(command, "table"))
        code = cli_cmd_table(&ctx, argc, argv);
    else if (!strcmp(command, "sessions"))
        code = cli_cmd_sessions(&ctx, argc, argv);
    else if (!strcmp(command, "schedule"))
        code = cli_cmd_schedule(&ctx, argc, argv);
    else {
        cli_error("unknown command '%s'", command);
        fputs(usage_text, stderr);
        code = CLI_USAGE;
    }
    apr_pool_destroy(pool);
    return code;
}
