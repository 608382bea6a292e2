/* concertoctl user add|passwd|list: accounts of the admin interface. */
#include "cli.h"

#include "core/access.h"
#include "core/random.h"
#include "store/admin_sessions.h"
#include "store/users.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <apr_time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USER_USAGE                                                                                 \
    "usage: concertoctl user add NAME [--role ROLE_X ...] [--email E]\n"                           \
    "       concertoctl user passwd NAME\n"                                                        \
    "       concertoctl user list"

#define USER_NAME_MIN 3
#define USER_NAME_MAX 64

/* CONCERTO_PASSWORD, or a new one (*generated set). */
static apr_status_t new_password(cli_context *ctx, const char **password, int *generated)
{
    *password = getenv("CONCERTO_PASSWORD");
    *generated = 0;
    if (*password != NULL && **password != '\0')
        return APR_SUCCESS;
    *generated = 1;
    return cc_random_password(ctx->pool, 20, password);
}

/* NULL, or what is wrong with a user name. */
static const char *name_problem(apr_pool_t *pool, const char *name)
{
    apr_size_t len = strlen(name);
    const char *p;

    if (len < USER_NAME_MIN || len > USER_NAME_MAX)
        return apr_psprintf(pool, "a user name has %d to %d characters; \"%s\" has %lu",
                            USER_NAME_MIN, USER_NAME_MAX, name, (unsigned long)len);
    for (p = name; *p; p++)
        if (apr_isspace(*p) || apr_iscntrl(*p))
            return apr_psprintf(pool, "a user name has no blanks or control characters: \"%s\"",
                                name);
    return NULL;
}

/* "ROLE_TEST" for ROLE_TEST, role_test or TEST; NULL for no role. */
static const char *role_named(apr_pool_t *pool, const char *text)
{
    char *upper = apr_pstrdup(pool, text), *p;
    const char *name;

    for (p = upper; *p; p++)
        *p = (char)apr_toupper(*p);
    name = strncmp(upper, "ROLE_", 5) ? apr_pstrcat(pool, "ROLE_", upper, NULL) : upper;
    return cc_role_bit(name) ? name : NULL;
}

static int user_add(cli_context *ctx, int argc, const char *const *argv)
{
    apr_array_header_t *roles = apr_array_make(ctx->pool, 6, sizeof(const char *));
    const char *name = NULL, *email = NULL, *password = NULL, *problem;
    int i, generated = 0, exists = 0;
    cc_db *db = NULL;
    apr_status_t rv;

    for (i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--role") && i + 1 < argc) {
            const char *role = role_named(ctx->pool, argv[++i]);
            if (role == NULL) {
                cli_error("unknown role \"%s\"; the roles are ROLE_SUPER_ADMIN, ROLE_TEST, "
                          "ROLE_TABLE, ROLE_TEMPLATE, ROLE_WIZARD and ROLE_FILE",
                          argv[i]);
                return CLI_USAGE;
            }
            APR_ARRAY_PUSH(roles, const char *) = role;
        } else if (!strcmp(argv[i], "--email") && i + 1 < argc) {
            email = argv[++i];
        } else if (argv[i][0] != '-' && name == NULL) {
            name = argv[i];
        } else {
            cli_error("user add: unexpected \"%s\"\n" USER_USAGE, argv[i]);
            return CLI_USAGE;
        }
    }
    if (name == NULL) {
        cli_error("user add: which user?\n" USER_USAGE);
        return CLI_USAGE;
    }
    problem = name_problem(ctx->pool, name);
    if (problem) {
        cli_error("%s", problem);
        return CLI_USAGE;
    }
    APR_ARRAY_PUSH(roles, const char *) = NULL;
    if (new_password(ctx, &password, &generated) != APR_SUCCESS) {
        cli_error("cannot generate a password");
        return CLI_FAILED;
    }
    if (cli_connect(ctx, &db) != APR_SUCCESS)
        return CLI_FAILED;
    rv = cc_roles_ensure(db, ctx->pool);
    if (rv == APR_SUCCESS)
        rv = cc_user_exists(db, ctx->pool, name, &exists);
    if (rv == APR_SUCCESS && exists) {
        cli_error("there is a user \"%s\" already (change the password with 'user passwd %s')",
                  name, name);
        cc_db_close(db);
        return CLI_FAILED;
    }
    if (rv == APR_SUCCESS)
        rv = cc_user_create(db, ctx->pool, name, password, (const char *const *)roles->elts);
    if (rv == APR_SUCCESS && email)
        rv = cc_user_set_email(db, ctx->pool, name, email);
    if (rv != APR_SUCCESS) {
        cli_error("cannot create user \"%s\": %s", name, db->last_error);
        cc_db_close(db);
        return CLI_FAILED;
    }
    cc_db_close(db);
    if (generated)
        printf("concertoctl: created user \"%s\" with password: %s\n"
               "concertoctl: this password is shown only now\n",
               name, password);
    else
        printf("concertoctl: created user \"%s\" with the password from CONCERTO_PASSWORD\n", name);
    return CLI_OK;
}

static const char *roles_text(apr_pool_t *pool, unsigned roles)
{
    const char *text = "";
    unsigned bit;

    for (bit = 1; bit <= CC_ROLE_ALL; bit <<= 1)
        if (roles & bit)
            text = apr_pstrcat(pool, text, *text ? "," : "", cc_role_name(bit), NULL);
    return *text ? text : "-";
}

static int user_list(cli_context *ctx, int argc)
{
    cc_user_record *users = NULL;
    cc_db *db = NULL;
    long now = (long)apr_time_sec(apr_time_now());
    int count = 0, i;

    if (argc != 2) {
        cli_error("user list takes no arguments");
        return CLI_USAGE;
    }
    if (cli_connect(ctx, &db) != APR_SUCCESS)
        return CLI_FAILED;
    if (cc_user_list(db, ctx->pool, &users, &count) != APR_SUCCESS) {
        cli_error("cannot list the users: %s", db->last_error);
        cc_db_close(db);
        return CLI_FAILED;
    }
    printf("%-24s %-40s %-22s %s\n", "NAME", "ROLES", "LOCKED", "TOTP");
    for (i = 0; i < count; i++) {
        const cc_user_record *u = &users[i];
        char until[APR_RFC822_DATE_LEN] = "no";
        if (u->locked_until > now) {
            apr_time_exp_t tm;
            apr_size_t len = 0;
            apr_time_exp_gmt(&tm, apr_time_from_sec(u->locked_until));
            apr_strftime(until, &len, sizeof(until), "%Y-%m-%d %H:%M UTC", &tm);
        }
        printf("%-24s %-40s %-22s %s\n", u->principal.username,
               roles_text(ctx->pool, u->principal.roles), until, u->totp_enabled ? "on" : "off");
    }
    cc_db_close(db);
    return CLI_OK;
}

int cli_cmd_user(cli_context *ctx, int argc, const char *const *argv)
{
    if (argc >= 2 && !strcmp(argv[1], "add"))
        return user_add(ctx, argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "passwd"))
        return cli_cmd_passwd(ctx, argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "list"))
        return user_list(ctx, argc);
    cli_error("user: which subcommand?\n" USER_USAGE);
    return CLI_USAGE;
}
