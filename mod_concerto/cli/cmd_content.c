/* concertoctl content import|export (spec 5.3, 5.4). */
#include "cli.h"

#include "content/export.h"
#include "content/files.h"
#include "content/import.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <stdio.h>
#include <string.h>

static const char import_usage[] =
    "usage: content import PATH [--convert] [--dry-run] [--sc] [--action CLASS.NAME=ACTION ...]";
static const char export_usage[] =
    "usage: content export PATH [--format yml|json|concerto] [--sc] [--data]\n"
    "       [--test NAME ...] [--template NAME ...] [--table NAME ...] [--wizard NAME ...]";

static void print_plan(const cc_content_plan *plan)
{
    int i;

    for (i = 0; i < plan->instructions->nelts; i++) {
        const cc_content_instruction *ins =
            APR_ARRAY_IDX(plan->instructions, i, cc_content_instruction *);
        printf("%-7s %s \"%s\": %s\n", cc_content_action_name(ins->action), ins->class_name,
               ins->name, ins->reason);
    }
}

static void print_problems(const cc_content_plan *plan)
{
    int i;

    for (i = 0; i < plan->problems->nelts; i++) {
        const cc_content_problem *p = &APR_ARRAY_IDX(plan->problems, i, cc_content_problem);
        printf("problem %s \"%s\": %s\n", p->class_name, p->name, p->message);
    }
}

int cli_content_import(cli_context *ctx, cc_db *db, const char *path, int sc,
                       const cc_content_import_options *opts, int dry_run)
{
    json_object *doc = NULL;
    cc_content_plan *plan = NULL;
    apr_array_header_t *imported = NULL;
    const char *errmsg = NULL;
    apr_status_t rv;

    rv = cc_content_read_path(ctx->pool, path, sc, &doc, &errmsg);
    if (rv == APR_SUCCESS)
        rv = cc_content_plan_make(db, ctx->pool, doc, opts, &plan, &errmsg);
    if (rv == APR_SUCCESS && !dry_run)
        rv = cc_content_apply(db, ctx->pool, plan, opts, &imported, &errmsg);
    if (rv != APR_SUCCESS) {
        cli_error("content import: %s", errmsg ? errmsg : "failed");
        return CLI_FAILED;
    }
    print_plan(plan);
    print_problems(plan);
    if (dry_run)
        printf("concertoctl: dry run: nothing was written\n");
    else
        printf("concertoctl: imported %d object%s from %s, %d problem%s\n", imported->nelts,
               imported->nelts == 1 ? "" : "s", path, plan->problems->nelts,
               plan->problems->nelts == 1 ? "" : "s");
    return CLI_OK;
}

static int cmd_import(cli_context *ctx, int argc, const char *const *argv)
{
    cc_content_import_options opts;
    const char *path = NULL;
    int i, sc = 0, dry_run = 0, code;
    cc_db *db = NULL;

    memset(&opts, 0, sizeof(opts));
    opts.actions = apr_table_make(ctx->pool, 4);
    opts.username = "concertoctl";
    opts.now = (long)apr_time_sec(apr_time_now());
    for (i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--convert"))
            opts.convert = 1;
        else if (!strcmp(argv[i], "--dry-run"))
            dry_run = 1;
        else if (!strcmp(argv[i], "--sc"))
            sc = 1;
        else if (!strcmp(argv[i], "--action") && i + 1 < argc && strchr(argv[i + 1], '=')) {
            char *key = apr_pstrdup(ctx->pool, argv[++i]), *eq = strchr(key, '=');
            *eq = '\0';
            apr_table_set(opts.actions, key, eq + 1);
        } else if (argv[i][0] != '-' && path == NULL)
            path = argv[i];
        else {
            cli_error("content import: unexpected argument '%s'\n%s", argv[i], import_usage);
            return CLI_USAGE;
        }
    }
    if (path == NULL) {
        cli_error("content import: no PATH given\n%s", import_usage);
        return CLI_USAGE;
    }
    if (cli_connect(ctx, &db) != APR_SUCCESS)
        return CLI_FAILED;
    code = cli_content_import(ctx, db, path, sc, &opts, dry_run);
    cc_db_close(db);
    return code;
}

static int cmd_export(cli_context *ctx, int argc, const char *const *argv)
{
    cc_content_selection sel;
    cc_content_format format = CC_CONTENT_YAML;
    const char *path = NULL, *errmsg = NULL, *format_word = NULL;
    json_object *doc = NULL;
    cc_db *db = NULL;
    int i, sc = 0;
    apr_status_t rv;

    memset(&sel, 0, sizeof(sel));
    sel.tests = apr_array_make(ctx->pool, 2, sizeof(const char *));
    sel.templates = apr_array_make(ctx->pool, 2, sizeof(const char *));
    sel.tables = apr_array_make(ctx->pool, 2, sizeof(const char *));
    sel.wizards = apr_array_make(ctx->pool, 2, sizeof(const char *));
    for (i = 2; i < argc; i++) {
        apr_array_header_t *list = !strcmp(argv[i], "--test")       ? sel.tests
                                   : !strcmp(argv[i], "--template") ? sel.templates
                                   : !strcmp(argv[i], "--table")    ? sel.tables
                                   : !strcmp(argv[i], "--wizard")   ? sel.wizards
                                                                    : NULL;
        if (list && i + 1 < argc)
            APR_ARRAY_PUSH(list, const char *) = argv[++i];
        else if (!strcmp(argv[i], "--format") && i + 1 < argc)
            format_word = argv[++i];
        else if (!strcmp(argv[i], "--sc"))
            sc = 1;
        else if (!strcmp(argv[i], "--data"))
            sel.data = 1;
        else if (argv[i][0] != '-' && path == NULL)
            path = argv[i];
        else {
            cli_error("content export: unexpected argument '%s'\n%s", argv[i], export_usage);
            return CLI_USAGE;
        }
    }
    if (path == NULL) {
        cli_error("content export: no PATH given\n%s", export_usage);
        return CLI_USAGE;
    }
    if (format_word && cc_content_format_parse(format_word, &format) != APR_SUCCESS) {
        cli_error("content export: --format is yml, json or concerto, not '%s'", format_word);
        return CLI_USAGE;
    }
    if (format_word == NULL && !sc) {
        size_t n = strlen(path);
        if ((n > 5 && !strcmp(path + n - 5, ".json")) ||
            (n > 9 && !strcmp(path + n - 9, ".concerto")))
            format = cc_content_format_for_name(path);
    }
    if (cli_connect(ctx, &db) != APR_SUCCESS)
        return CLI_FAILED;
    rv = cc_content_export(db, ctx->pool, &sel, &doc, &errmsg);
    cc_db_close(db);
    if (rv == APR_SUCCESS)
        rv = cc_content_write_path(ctx->pool, doc, path, format, sc, &errmsg);
    if (rv != APR_SUCCESS) {
        cli_error("content export: %s", errmsg ? errmsg : "failed");
        return CLI_FAILED;
    }
    printf("concertoctl: exported %d object%s to %s\n",
           (int)json_object_array_length(json_object_object_get(doc, "collection")),
           json_object_array_length(json_object_object_get(doc, "collection")) == 1 ? "" : "s",
           path);
    return CLI_OK;
}

int cli_cmd_content(cli_context *ctx, int argc, const char *const *argv)
{
    if (argc >= 2 && !strcmp(argv[1], "import"))
        return cmd_import(ctx, argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "export"))
        return cmd_export(ctx, argc, argv);
    cli_error("content: import or export?\n%s\n%s", import_usage, export_usage);
    return CLI_USAGE;
}
