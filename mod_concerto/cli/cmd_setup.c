/* concertoctl setup and migrate. */
#include "cli.h"

#include "content/import.h"
#include "store/migrate.h"
#include "store/setup.h"
#include "store/starter.h"

#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_time.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* rwxr-x---: the owner (the Apache user) and its group only. */
#define DATA_DIR_PERMS                                                                             \
    (APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_UEXECUTE | APR_FPROT_GREAD | APR_FPROT_GEXECUTE)

static const char *const data_subdirs[] = {"files", "sessions", "logs", NULL};

static int make_data_dir(cli_context *ctx)
{
    char errbuf[256];
    apr_status_t rv = apr_dir_make_recursive(ctx->data_dir, DATA_DIR_PERMS, ctx->pool);
    int i;

    for (i = 0; rv == APR_SUCCESS && data_subdirs[i]; i++)
        rv = apr_dir_make_recursive(
            apr_pstrcat(ctx->pool, ctx->data_dir, "/", data_subdirs[i], NULL), DATA_DIR_PERMS,
            ctx->pool);
    if (rv != APR_SUCCESS) {
        cli_error("cannot create the data directory %s: %s", ctx->data_dir,
                  apr_strerror(rv, errbuf, sizeof(errbuf)));
        return CLI_FAILED;
    }
    return CLI_OK;
}

static uid_t owner_uid;
static gid_t owner_gid;

static int chown_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    if (lchown(path, owner_uid, owner_gid) != 0) {
        cli_error("cannot give %s to the owner: %s", path, strerror(errno));
        return 1;
    }
    return 0;
}

/* USER or USER:GROUP; the user's own group when none is named. */
static int give_data_dir_to(cli_context *ctx, const char *owner)
{
    char *user = apr_pstrdup(ctx->pool, owner);
    char *group = strchr(user, ':');
    struct passwd *pw;

    if (group)
        *group++ = '\0';
    pw = getpwnam(user);
    if (pw == NULL) {
        cli_error("--owner: no user '%s' on this system", user);
        return CLI_USAGE;
    }
    owner_uid = pw->pw_uid;
    owner_gid = pw->pw_gid;
    if (group) {
        struct group *gr = getgrnam(group);
        if (gr == NULL) {
            cli_error("--owner: no group '%s' on this system", group);
            return CLI_USAGE;
        }
        owner_gid = gr->gr_gid;
    }
    return nftw(ctx->data_dir, chown_entry, 16, FTW_PHYS) == 0 ? CLI_OK : CLI_FAILED;
}

/* CONCERTO_CONTENT_URL (Concerto's content_url): a local path or file://
 * URL imported after the schema is ready; "." (Concerto's default, its own
 * starter content) means nothing here, --starter loads ours. */
static int import_content_url(cli_context *ctx)
{
    const char *url = getenv("CONCERTO_CONTENT_URL");
    cc_content_import_options opts;
    cc_db *db = NULL;
    int code;

    if (url == NULL || *url == '\0' || strcmp(url, ".") == 0)
        return CLI_OK;
    if (!strncmp(url, "http://", 7) || !strncmp(url, "https://", 8)) {
        cli_error("CONCERTO_CONTENT_URL is an http(s) URL (%s): downloading content is not "
                  "supported yet; download the file and set CONCERTO_CONTENT_URL to its path",
                  url);
        return CLI_FAILED;
    }
    memset(&opts, 0, sizeof(opts));
    opts.username = "setup";
    opts.now = (long)apr_time_sec(apr_time_now());
    if (cli_connect(ctx, &db) != APR_SUCCESS)
        return CLI_FAILED;
    printf("concertoctl: importing CONCERTO_CONTENT_URL %s\n", url);
    code = cli_content_import(ctx, db, url, 1, &opts, 0);
    cc_db_close(db);
    return code;
}

int cli_cmd_setup(cli_context *ctx, int argc, const char *const *argv)
{
    const char *owner = NULL, *starter = NULL;
    cc_setup_result result;
    cc_db *db = NULL;
    int i, code;
    apr_status_t rv;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--owner") && i + 1 < argc)
            owner = argv[++i];
        else if (!strncmp(argv[i], "--owner=", 8))
            owner = argv[i] + 8;
        else if (!strcmp(argv[i], "--starter") && i + 1 < argc)
            starter = argv[++i];
        else if (!strncmp(argv[i], "--starter=", 10))
            starter = argv[i] + 10;
        else {
            cli_error("setup: unexpected argument '%s' (usage: setup [--owner USER[:GROUP]] "
                      "[--starter DIR])",
                      argv[i]);
            return CLI_USAGE;
        }
    }
    code = make_data_dir(ctx);
    if (code != CLI_OK)
        return code;
    if (cli_connect(ctx, &db) != APR_SUCCESS)
        return CLI_FAILED;
    rv = cc_setup_run(db, ctx->pool, getenv("CONCERTO_PASSWORD"), &result);
    if (rv != APR_SUCCESS) {
        cli_error("setup failed: %s", db->last_error ? db->last_error : "see the messages above");
        cc_db_close(db);
        return CLI_FAILED;
    }
    if (starter) {
        cc_starter_report report;
        const char *errmsg = NULL;
        rv = cc_starter_load(db, ctx->pool, starter, (long)apr_time_sec(apr_time_now()), &report,
                             &errmsg);
        if (rv != APR_SUCCESS) {
            cli_error("starter content: %s", errmsg ? errmsg : "failed");
            cc_db_close(db);
            return CLI_FAILED;
        }
        printf("concertoctl: starter content from %s: %d table%s (%ld rows), %d template%s, "
               "%d test%s added; %d already there\n",
               starter, report.tables_created, report.tables_created == 1 ? "" : "s",
               report.rows_imported, report.templates_created,
               report.templates_created == 1 ? "" : "s", report.tests_created,
               report.tests_created == 1 ? "" : "s",
               report.tables_kept + report.templates_kept + report.tests_kept);
    }
    cc_db_close(db);
    printf("concertoctl: data directory %s is ready\n", ctx->data_dir);
    printf("concertoctl: schema at version %d (%d migration%s applied)\n", result.schema_version,
           result.migrations_applied, result.migrations_applied == 1 ? "" : "s");
    if (result.admin_created && result.generated_password)
        printf("concertoctl: created user \"%s\" with password: %s\n"
               "concertoctl: this password is shown only now; change it with "
               "'concertoctl passwd %s'\n",
               CC_ADMIN_USER, result.generated_password, CC_ADMIN_USER);
    else if (result.admin_created)
        printf("concertoctl: created user \"%s\" with the password from CONCERTO_PASSWORD\n",
               CC_ADMIN_USER);
    if (result.secret_created)
        printf("concertoctl: generated the signing secret\n");
    code = import_content_url(ctx);
    if (code != CLI_OK)
        return code;
    if (owner)
        return give_data_dir_to(ctx, owner);
    return CLI_OK;
}

int cli_cmd_migrate(cli_context *ctx, int argc, const char *const *argv)
{
    cc_db *db = NULL;
    int applied = 0, version = 0;
    apr_status_t rv;

    (void)argv;
    if (argc > 1) {
        cli_error("migrate takes no arguments");
        return CLI_USAGE;
    }
    if (cli_connect(ctx, &db) != APR_SUCCESS)
        return CLI_FAILED;
    rv = cc_schema_migrate(db, ctx->pool, &applied);
    if (rv == APR_SUCCESS)
        rv = cc_schema_current(db, ctx->pool, &version);
    if (rv != APR_SUCCESS) {
        cli_error("migration failed: %s", db->last_error);
        cc_db_close(db);
        return CLI_FAILED;
    }
    cc_db_close(db);
    printf("concertoctl: schema at version %d (%d migration%s applied)\n", version, applied,
           applied == 1 ? "" : "s");
    return CLI_OK;
}
