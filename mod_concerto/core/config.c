#include "config.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <errno.h>
#include <stdlib.h>

cc_config *cc_config_create(apr_pool_t *pool, const char *section_path)
{
    cc_config *cfg = apr_pcalloc(pool, sizeof(*cfg));
#define CC_CONFIG_UNSET(type, name, unset, dflt) cfg->name = unset;
    CC_CONFIG_FIELDS(CC_CONFIG_UNSET)
#undef CC_CONFIG_UNSET
    cfg->section_path = section_path ? apr_pstrdup(pool, section_path) : NULL;
    return cfg;
}

cc_config *cc_config_merge(apr_pool_t *pool, const cc_config *base, const cc_config *add)
{
    cc_config *cfg = apr_pcalloc(pool, sizeof(*cfg));
#define CC_CONFIG_MERGE(type, name, unset, dflt)                                                   \
    cfg->name = (add->name != (unset)) ? add->name : base->name;
    CC_CONFIG_FIELDS(CC_CONFIG_MERGE)
#undef CC_CONFIG_MERGE
    cfg->section_path = add->section_path ? add->section_path : base->section_path;
    return cfg;
}

#define CC_CONFIG_GETTER(type, name, unset, dflt)                                                  \
    type cc_config_##name(const cc_config *cfg)                                                    \
    {                                                                                              \
        return (cfg == NULL || cfg->name == (unset)) ? (dflt) : cfg->name;                         \
    }
CC_CONFIG_FIELDS(CC_CONFIG_GETTER)
#undef CC_CONFIG_GETTER

const char *cc_parse_size(apr_pool_t *pool, const char *text, apr_off_t min, apr_off_t max,
                          apr_off_t *out)
{
    char *end = NULL;
    long long value;
    long long unit = 1;

    errno = 0;
    value = strtoll(text, &end, 10);
    if (end == text || errno != 0 || value < 0)
        return apr_psprintf(pool, "'%s' is not a size in bytes (examples: 65536, 512K, 10M)", text);
    if (*end != '\0') {
        switch (apr_toupper(*end)) {
        case 'K':
            unit = 1024;
            break;
        case 'M':
            unit = 1024LL * 1024;
            break;
        case 'G':
            unit = 1024LL * 1024 * 1024;
            break;
        default:
            unit = 0;
            break;
        }
        if (unit == 0 || end[1] != '\0')
            return apr_psprintf(pool, "'%s' is not a size in bytes (examples: 65536, 512K, 10M)",
                                text);
    }
    if (value > max / unit || value * unit < min || value * unit > max)
        return apr_psprintf(
            pool, "size '%s' is out of range (%" APR_OFF_T_FMT " to %" APR_OFF_T_FMT " bytes)",
            text, min, max);
    *out = (apr_off_t)(value * unit);
    return NULL;
}

const char *cc_parse_seconds(apr_pool_t *pool, const char *text, int min, int max, int *out)
{
    char *end = NULL;
    long value;

    errno = 0;
    value = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0)
        return apr_psprintf(pool, "'%s' is not a whole number of seconds", text);
    if (value < min || value > max)
        return apr_psprintf(pool, "%ld seconds is out of range (%d to %d)", value, min, max);
    *out = (int)value;
    return NULL;
}

const char *cc_parse_flag(apr_pool_t *pool, const char *text, int *out)
{
    if (!strcasecmp(text, "on")) {
        *out = 1;
        return NULL;
    }
    if (!strcasecmp(text, "off")) {
        *out = 0;
        return NULL;
    }
    return apr_psprintf(pool, "'%s' must be On or Off", text);
}

const char *cc_parse_url_path(apr_pool_t *pool, const char *text, const char **out)
{
    const char *c;
    apr_size_t len = strlen(text);

    if (text[0] != '/')
        return apr_psprintf(pool, "'%s' must be a URL path starting with '/'", text);
    for (c = text; *c; c++) {
        if (apr_iscntrl(*c) || *c == ' ' || *c == '?' || *c == '#' || *c == '%')
            return apr_psprintf(pool, "'%s' contains a character not allowed in a URL path", text);
    }
    /* Store without a trailing slash so that prefix checks are uniform. */
    while (len > 1 && text[len - 1] == '/')
        len--;
    *out = (len == 1) ? "" : apr_pstrmemdup(pool, text, len);
    return NULL;
}
