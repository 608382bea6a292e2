#include "dbparams.h"

#include "db.h"

#include <apr_lib.h>
#include <strings.h>
#include <apr_strings.h>
#include <stdlib.h>

const char *cc_env_process(void *baton, const char *name)
{
    (void)baton;
    return getenv(name);
}

/* Characters on which apr_dbd's mysql, odbc and oracle drivers split. */
#define UNQUOTABLE " ,;|\t\r\n"

static const char *env_or(cc_env_lookup_fn *env, void *baton, const char *name,
                          const char *fallback)
{
    const char *value = env(baton, name);
    return (value && *value) ? value : fallback;
}

/* libpq conninfo quoting: single quotes, backslash before ' and \. */
static const char *pg_quote(apr_pool_t *pool, const char *value)
{
    apr_size_t len = strlen(value);
    char *out = apr_palloc(pool, 2 * len + 3);
    char *o = out;

    *o++ = '\'';
    for (; *value; value++) {
        if (*value == '\'' || *value == '\\')
            *o++ = '\\';
        *o++ = *value;
    }
    *o++ = '\'';
    *o = '\0';
    return out;
}

const char *cc_db_params_resolve(apr_pool_t *pool, const char *driver, const char *params,
                                 const char *data_dir, cc_env_lookup_fn *env, void *env_baton,
                                 const char **errmsg)
{
    const char *host, *name, *user, *password, *port;
    cc_dialect dialect;

    if (params && *params)
        return params;
    if (!env)
        env = cc_env_process;
    host = env_or(env, env_baton, "DB_HOST", "localhost");
    name = env_or(env, env_baton, "DB_NAME", "concerto");
    user = env_or(env, env_baton, "DB_USER", "concerto");
    password = env_or(env, env_baton, "DB_PASSWORD", "");
    if (cc_db_dialect_for(driver, &dialect) != APR_SUCCESS) {
        *errmsg = apr_psprintf(pool, "unknown database driver '%s'", driver);
        return NULL;
    }
    if (!strcmp(driver, "sqlite3"))
        return apr_pstrcat(pool, data_dir, "/concerto.db", NULL);
    port = env_or(env, env_baton, "DB_PORT", !strcmp(driver, "mysql") ? "3306" : "5432");
    if (port[strspn(port, "0123456789")] != '\0' || strlen(port) > 5) {
        *errmsg = apr_psprintf(pool, "DB_PORT '%s' is not a port number", port);
        return NULL;
    }
    if (!strcmp(driver, "pgsql"))
        return apr_psprintf(pool, "host=%s port=%s dbname=%s user=%s password=%s",
                            pg_quote(pool, host), pg_quote(pool, port), pg_quote(pool, name),
                            pg_quote(pool, user), pg_quote(pool, password));
    /* The other drivers split their parameters on these characters, with no
     * quoting: refuse values that would be cut rather than connect wrongly. */
    if (host[strcspn(host, UNQUOTABLE)] || name[strcspn(name, UNQUOTABLE)] ||
        user[strcspn(user, UNQUOTABLE)] || password[strcspn(password, UNQUOTABLE)]) {
        *errmsg = apr_psprintf(pool,
                               "a DB_* value contains a space, comma or other separator, which "
                               "the %s driver cannot take; give the connection parameters "
                               "explicitly",
                               driver);
        return NULL;
    }
    if (!strcmp(driver, "mysql"))
        return apr_psprintf(pool, "host=%s,port=%s,dbname=%s,user=%s,pass=%s", host, port, name,
                            user, password);
    if (!strcmp(driver, "odbc"))
        return apr_psprintf(pool, "datasource=%s,user=%s,password=%s", name, user, password);
    return apr_psprintf(pool, "server=%s,user=%s,pass=%s", name, user, password);
}

static int is_separator(char c)
{
    return c == ' ' || c == ',' || c == ';' || c == '\t';
}

static int is_secret_key(const char *key, apr_size_t len)
{
    static const char *const keys[] = {"password", "pass", "pwd", "sslpassword", NULL};
    int k;

    for (k = 0; keys[k]; k++)
        if (strlen(keys[k]) == len && !strncasecmp(key, keys[k], len))
            return 1;
    return 0;
}

/* The end of a value at v: a quoted string (libpq style) or a bare word. */
static const char *value_end(const char *v)
{
    if (*v == '\'') {
        for (v++; *v && *v != '\''; v++)
            if (*v == '\\' && v[1])
                v++;
        return *v ? v + 1 : v;
    }
    while (*v && !is_separator(*v))
        v++;
    return v;
}

const char *cc_db_params_redact(apr_pool_t *pool, const char *params)
{
    const char *p = params;
    char *out = "";

    /* key [spaces] = [spaces] value, separated by spaces, commas or ';'
     * (libpq, apr_dbd_mysql, ODBC); keys compared without case. */
    while (*p) {
        const char *key = p, *v;
        apr_size_t key_len;
        while (apr_isalnum(*p) || *p == '_')
            p++;
        key_len = (apr_size_t)(p - key);
        v = p;
        while (*v == ' ')
            v++;
        if (key_len > 0 && *v == '=') {
            v++;
            while (*v == ' ')
                v++;
            if (is_secret_key(key, key_len)) {
                out = apr_pstrcat(pool, out, apr_pstrmemdup(pool, key, (apr_size_t)(v - key)),
                                  "***", NULL);
                p = value_end(v);
                continue;
            }
            p = value_end(v);
            out = apr_pstrcat(pool, out, apr_pstrmemdup(pool, key, (apr_size_t)(p - key)), NULL);
            continue;
        }
        if (p == key)
            p++;
        out = apr_pstrcat(pool, out, apr_pstrmemdup(pool, key, (apr_size_t)(p - key)), NULL);
    }
    return out;
}
