/* Per-directory configuration of the platform, independent of httpd.
 *
 * Every field is listed once in CC_CONFIG_FIELDS; the struct, the unset
 * record, the merge and the typed getters are all generated from that list,
 * so adding a field cannot leave the merge or a default behind. */
#ifndef CC_CONFIG_H
#define CC_CONFIG_H

#include <apr_pools.h>

#ifndef CONCERTO_DEFAULT_DATA_DIR
#define CONCERTO_DEFAULT_DATA_DIR "/var/lib/concerto"
#endif

#define CC_UNSET_INT (-1)
#define CC_UNSET_OFF ((apr_off_t)-1)

/* X(type, name, unset sentinel, default value) */
#define CC_CONFIG_FIELDS(X)                                                                        \
    X(const char *, data_dir, NULL, CONCERTO_DEFAULT_DATA_DIR)                                     \
    X(const char *, db_driver, NULL, "sqlite3")                                                    \
    X(const char *, db_params, NULL, NULL)                                                         \
    X(const char *, base_url, NULL, NULL)                                                          \
    X(apr_off_t, max_body_size, CC_UNSET_OFF, (apr_off_t)1024 * 1024)                              \
    X(int, monitoring, CC_UNSET_INT, 1)                                                            \
    X(int, session_idle_time, CC_UNSET_INT, 300)                                                   \
    X(int, session_max_idle, CC_UNSET_INT, 3900)                                                   \
    X(int, login_max_failures, CC_UNSET_INT, 3)                                                    \
    X(int, login_lockout, CC_UNSET_INT, 300)                                                       \
    X(int, admin_session_idle, CC_UNSET_INT, 3600)                                                 \
    X(int, admin_session_lifetime, CC_UNSET_INT, 43200)                                            \
    X(int, r_enabled, CC_UNSET_INT, 0)                                                             \
    X(int, r_timeout, CC_UNSET_INT, 30)                                                            \
    X(const char *, r_library, NULL, NULL)                                                         \
    X(int, r_memory_limit_mb, CC_UNSET_INT, 512)

typedef struct cc_config {
#define CC_CONFIG_MEMBER(type, name, unset, dflt) type name;
    CC_CONFIG_FIELDS(CC_CONFIG_MEMBER)
#undef CC_CONFIG_MEMBER
    /* Where this record came from (a <Location> path or a directory), used to
     * find the URL prefix when ConcertoBaseURL is not given. Not merged. */
    const char *section_path;
} cc_config;

/* A record with every field unset. */
cc_config *cc_config_create(apr_pool_t *pool, const char *section_path);
/* Fields set in add win over base. */
cc_config *cc_config_merge(apr_pool_t *pool, const cc_config *base, const cc_config *add);

#define CC_CONFIG_GETTER_DECL(type, name, unset, dflt) type cc_config_##name(const cc_config *cfg);
CC_CONFIG_FIELDS(CC_CONFIG_GETTER_DECL)
#undef CC_CONFIG_GETTER_DECL

/* Value parsers shared by the directives and concertoctl. Each returns NULL
 * on success or a message that says what is wrong with the value. */
const char *cc_parse_size(apr_pool_t *pool, const char *text, apr_off_t min, apr_off_t max,
                          apr_off_t *out);
const char *cc_parse_seconds(apr_pool_t *pool, const char *text, int min, int max, int *out);
const char *cc_parse_flag(apr_pool_t *pool, const char *text, int *out);
const char *cc_parse_url_path(apr_pool_t *pool, const char *text, const char **out);

#endif
