/* concertoctl table: data tables from the command line. */
#include "cli.h"

#include "store/datatable.h"

#include <apr_file_io.h>
#include <apr_strings.h>
#include <stdio.h>

static const char table_usage[] =
    "usage: concertoctl table list\n"
    "       concertoctl table describe NAME\n"
    "       concertoctl table import NAME FILE.csv|- [--create items|responses | "
    "--create-from-header] [--replace]\n"
    "       concertoctl table export NAME [FILE.csv|-] [--crlf]\n"
    "       concertoctl table drop NAME\n";

static int table_list(cli_context *ctx, cc_db *db)
{
    apr_array_header_t *names = NULL;
    const char *errmsg = NULL;
    int i;

    if (cc_datatable_list(db, ctx->pool, &names, &errmsg) != APR_SUCCESS) {
        cli_error("%s", errmsg);
        return CLI_FAILED;
    }
    for (i = 0; i < names->nelts; i++) {
        const char *name = APR_ARRAY_IDX(names, i, const char *);
        cc_datatable *dt = NULL;
        apr_int64_t rows = 0;
        if (cc_datatable_describe(db, ctx->pool, name, &dt, &errmsg) != APR_SUCCESS ||
            cc_datatable_count(db, ctx->pool, name, &rows, &errmsg) != APR_SUCCESS) {
            printf("%s\t(%s)\n", name, errmsg);
            continue;
        }
        printf("%s\t%d columns\t%" APR_INT64_T_FMT " rows\n", name, dt->ncols, rows);
    }
    return CLI_OK;
}

static int table_describe(cli_context *ctx, cc_db *db, const char *name)
{
    cc_datatable *dt = NULL;
    const char *errmsg = NULL;
    int i;

    if (cc_datatable_describe(db, ctx->pool, name, &dt, &errmsg) != APR_SUCCESS) {
        cli_error("%s", errmsg);
        return CLI_FAILED;
    }
    for (i = 0; i < dt->ncols; i++)
        printf("%s\t%s\t%s\n", dt->cols[i].name, cc_dt_type_format(ctx->pool, &dt->cols[i]),
               i == 0                 ? "primary key"
               : dt->cols[i].nullable ? "nullable"
                                      : "not null");
    return CLI_OK;
}

static int table_import(cli_context *ctx, cc_db *db, const char *name, const char *path,
                        const cc_dt_import_options *opts)
{
    apr_file_t *in = NULL;
    const char *errmsg = NULL;
    apr_int64_t rows = 0;
    apr_status_t rv;
    int is_stdin = !strcmp(path, "-");

    if (is_stdin)
        rv = apr_file_open_stdin(&in, ctx->pool);
    else
        rv = apr_file_open(&in, path, APR_READ, APR_OS_DEFAULT, ctx->pool);
    if (rv != APR_SUCCESS) {
        char msg[120];
        cli_error("cannot open %s: %s", path, apr_strerror(rv, msg, sizeof(msg)));
        return CLI_FAILED;
    }
    rv = cc_datatable_import(db, ctx->pool, name, cc_csv_read_file, in, opts, &rows, &errmsg);
    if (!is_stdin)
        apr_file_close(in);
    if (rv != APR_SUCCESS) {
        cli_error("%s: %s; nothing was imported", is_stdin ? "stdin" : path, errmsg);
        return CLI_FAILED;
    }
    printf("concertoctl: imported %" APR_INT64_T_FMT " row%s into \"%s\"\n", rows,
           rows == 1 ? "" : "s", name);
    return CLI_OK;
}

/* To a temporary file beside path, renamed over it when complete, so that a
 * failed export leaves no half-written file. */
static int table_export(cli_context *ctx, cc_db *db, const char *name, const char *path, int crlf)
{
    apr_file_t *out = NULL;
    const char *errmsg = NULL, *tmp = NULL;
    apr_int64_t rows = 0;
    apr_status_t rv;
    char msg[120];

    if (path == NULL || !strcmp(path, "-")) {
        rv = apr_file_open_stdout(&out, ctx->pool);
        if (rv == APR_SUCCESS)
            rv = cc_datatable_export(db, ctx->pool, name, cc_csv_write_file, out, crlf, &rows,
                                     &errmsg);
        if (rv != APR_SUCCESS) {
            cli_error("%s", errmsg ? errmsg : apr_strerror(rv, msg, sizeof(msg)));
            return CLI_FAILED;
        }
        return CLI_OK;
    }
    {
        char *templ = apr_pstrcat(ctx->pool, path, ".XXXXXX", NULL);
        rv = apr_file_mktemp(&out, templ, APR_CREATE | APR_WRITE | APR_EXCL, ctx->pool);
        tmp = templ;
    }
    if (rv != APR_SUCCESS) {
        cli_error("cannot create a file beside %s: %s", path, apr_strerror(rv, msg, sizeof(msg)));
        return CLI_FAILED;
    }
    rv = cc_datatable_export(db, ctx->pool, name, cc_csv_write_file, out, crlf, &rows, &errmsg);
    if (rv == APR_SUCCESS)
        apr_file_perms_set(tmp,
                           APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD | APR_FPROT_WREAD);
    if (apr_file_close(out) != APR_SUCCESS && rv == APR_SUCCESS) {
        rv = APR_EGENERAL;
        errmsg = apr_psprintf(ctx->pool, "cannot write %s", tmp);
    }
    if (rv == APR_SUCCESS && (rv = apr_file_rename(tmp, path, ctx->pool)) != APR_SUCCESS)
        errmsg = apr_psprintf(ctx->pool, "cannot rename %s to %s: %s", tmp, path,
                              apr_strerror(rv, msg, sizeof(msg)));
    if (rv != APR_SUCCESS) {
        apr_file_remove(tmp, ctx->pool);
        cli_error("%s", errmsg);
        return CLI_FAILED;
    }
    printf("concertoctl: exported %" APR_INT64_T_FMT " row%s of \"%s\" to %s\n", rows,
           rows == 1 ? "" : "s", name, path);
    return CLI_OK;
}

int cli_cmd_table(cli_context *ctx, int argc, const char *const *argv)
{
    cc_dt_import_options opts;
    const char *positional[3] = {NULL, NULL, NULL};
    const char *sub;
    int npos = 0, crlf = 0, i, code;
    cc_db *db = NULL;

    memset(&opts, 0, sizeof(opts));
    if (argc < 2) {
        fputs(table_usage, stderr);
        return CLI_USAGE;
    }
    sub = argv[1];
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--create") && i + 1 < argc && !strcmp(sub, "import")) {
            if (cc_dt_preset_parse(argv[++i], &opts.create) != APR_SUCCESS) {
                cli_error("--create takes items or responses, not \"%s\"", argv[i]);
                return CLI_USAGE;
            }
        } else if (!strcmp(a, "--create-from-header") && !strcmp(sub, "import")) {
            opts.create_from_header = 1;
        } else if (!strcmp(a, "--replace") && !strcmp(sub, "import")) {
            opts.replace = 1;
        } else if (!strcmp(a, "--crlf") && !strcmp(sub, "export")) {
            crlf = 1;
        } else if (a[0] == '-' && a[1] == '-') {
            cli_error("table %s: unknown option %s", sub, a);
            fputs(table_usage, stderr);
            return CLI_USAGE;
        } else if (npos < 3) {
            positional[npos++] = a;
        } else {
            npos++;
        }
    }
    if (opts.create != CC_DT_PRESET_NONE && opts.create_from_header) {
        cli_error("table import: --create and --create-from-header exclude each other");
        return CLI_USAGE;
    }
    if (!((!strcmp(sub, "list") && npos == 0) ||
          ((!strcmp(sub, "describe") || !strcmp(sub, "drop")) && npos == 1) ||
          (!strcmp(sub, "import") && npos == 2) ||
          (!strcmp(sub, "export") && (npos == 1 || npos == 2)))) {
        cli_error("table: bad arguments");
        fputs(table_usage, stderr);
        return CLI_USAGE;
    }
    if (cli_connect(ctx, &db) != APR_SUCCESS)
        return CLI_FAILED;
    if (!strcmp(sub, "list")) {
        code = table_list(ctx, db);
    } else if (!strcmp(sub, "describe")) {
        code = table_describe(ctx, db, positional[0]);
    } else if (!strcmp(sub, "import")) {
        code = table_import(ctx, db, positional[0], positional[1], &opts);
    } else if (!strcmp(sub, "export")) {
        code = table_export(ctx, db, positional[0], positional[1], crlf);
    } else {
        const char *errmsg = NULL;
        code = CLI_OK;
        if (cc_datatable_drop(db, ctx->pool, positional[0], &errmsg) != APR_SUCCESS) {
            cli_error("%s", errmsg);
            code = CLI_FAILED;
        } else {
            printf("concertoctl: dropped data table \"%s\"\n", positional[0]);
        }
    }
    cc_db_close(db);
    return code;
}
