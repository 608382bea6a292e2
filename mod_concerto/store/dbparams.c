#include "dbparams.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <stdlib.h>

const char *cc_env_process(void *baton, const char *name)
{
    (void)baton;
    return getenv(name);
}

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
    const char *host, *name, *user, *password;

    if (params && *params)
        return params;
    if (!env)
        env = cc_env_process;
    host = env_or(env, env_baton, "DB_HOST", "localhost");
    name = env_or(env, env_baton, "DB_NAME", "concerto");
    user = env_or(env, env_baton, "DB_USER", "concerto");
    password = env_or(env, env_baton, "DB_PASSWORD", "");
    if (!strcmp(driver, "sqlite3"))
        return apr_pstrcat(pool, data_dir, "/concerto.db", NULL);
    if (!strcmp(driver, "pgsql"))
        return apr_psprintf(pool, "host=%s port=%s dbname=%s user=%s password=%s",
                            pg_quote(pool, host),
                            pg_quote(pool, env_or(env, env_baton, "DB_PORT", "5432")),
                            pg_quote(pool, name), pg_quote(pool, user), pg_quote(pool, password));
    /* apr_dbd_mysql splits on spaces and commas: values cannot hold them. */
    if (!strcmp(driver, "mysql"))
        return apr_psprintf(pool, "host=%s,port=%s,dbname=%s,user=%s,pass=%s", host,
                            env_or(env, env_baton, "DB_PORT", "3306"), name, user, password);
    if (!strcmp(driver, "odbc"))
        return apr_psprintf(pool, "datasource=%s,user=%s,password=%s", name, user, password);
    if (!strcmp(driver, "oracle"))
        return apr_psprintf(pool, "server=%s,user=%s,pass=%s", name, user, password);
    *errmsg = apr_psprintf(pool, "unknown database driver '%s'", driver);
    return NULL;
}

const char *cc_db_params_redact(apr_pool_t *pool, const char *params)
{
    static const char *const keys[] = {"password=", "pass=", "pwd=", NULL};
    char *out = apr_pstrdup(pool, params);
    int k;

    for (k = 0; keys[k]; k++) {
        apr_size_t from = 0;
        char *at;
        while ((at = strstr(out + from, keys[k])) != NULL) {
            apr_size_t value_at = (apr_size_t)(at - out) + strlen(keys[k]);
            const char *end = out + value_at;
            if (*end == '\'') {
                for (end++; *end && *end != '\''; end++)
                    if (*end == '\\' && end[1])
                        end++;
                if (*end)
                    end++;
            } else {
                while (*end && *end != ' ' && *end != ',')
                    end++;
            }
            out = apr_pstrcat(pool, apr_pstrmemdup(pool, out, value_at), "***", end, NULL);
            from = value_at + 3;
        }
    }
    return out;
}
