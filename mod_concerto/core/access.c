#include "access.h"

#include <string.h>

static const struct {
    unsigned bit;
    const char *name;
} role_table[] = {
    {CC_ROLE_SUPER_ADMIN, "ROLE_SUPER_ADMIN"},
    {CC_ROLE_TEST, "ROLE_TEST"},
    {CC_ROLE_TABLE, "ROLE_TABLE"},
    {CC_ROLE_TEMPLATE, "ROLE_TEMPLATE"},
    {CC_ROLE_WIZARD, "ROLE_WIZARD"},
    {CC_ROLE_FILE, "ROLE_FILE"},
};

#define ROLE_COUNT (sizeof(role_table) / sizeof(role_table[0]))

unsigned cc_role_bit(const char *name)
{
    apr_size_t i;

    for (i = 0; name && i < ROLE_COUNT; i++)
        if (!strcmp(name, role_table[i].name))
            return role_table[i].bit;
    return 0;
}

const char *cc_role_name(unsigned bit)
{
    apr_size_t i;

    for (i = 0; i < ROLE_COUNT; i++)
        if (bit == role_table[i].bit)
            return role_table[i].name;
    return NULL;
}

/* Takes the next name of a comma-separated list at *pos (blanks trimmed)
 * into *start and *len and moves *pos past it; 0 at the end of the list. */
static int next_group(const char **pos, const char **start, apr_size_t *len)
{
    const char *p = *pos, *end;

    if (p == NULL || *p == '\0')
        return 0;
    end = strchr(p, ',');
    *pos = end ? end + 1 : NULL;
    if (end == NULL)
        end = p + strlen(p);
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *start = p;
    *len = (apr_size_t)(end - p);
    return 1;
}

int cc_groups_intersect(const char *a, const char *b)
{
    const char *pa = a, *na = NULL;
    apr_size_t la = 0;

    while (next_group(&pa, &na, &la)) {
        const char *pb = b, *nb = NULL;
        apr_size_t lb = 0;
        if (la == 0)
            continue;
        while (next_group(&pb, &nb, &lb))
            if (lb == la && !memcmp(na, nb, la))
                return 1;
    }
    return 0;
}

int cc_principal_has_role(const cc_principal *who, unsigned mask)
{
    if (who == NULL)
        return 0;
    if (mask == 0 || (who->roles & CC_ROLE_SUPER_ADMIN))
        return 1;
    return (who->roles & mask) != 0;
}

int cc_access_allows(const cc_principal *who, long owner_id, int accessibility,
                     const char *object_groups)
{
    if (who == NULL)
        return 0;
    if (who->roles & CC_ROLE_SUPER_ADMIN)
        return 1;
    if (accessibility == CC_ACCESS_PUBLIC)
        return 1;
    if (owner_id > 0 && owner_id == who->user_id)
        return 1;
    return accessibility == CC_ACCESS_GROUP && cc_groups_intersect(who->groups, object_groups);
}
