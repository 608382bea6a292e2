/* Who is asking, and Concerto's rule for what they may see (spec 1.1).
 * Pure logic: the store fills a principal, the glue asks these questions. */
#ifndef CC_ACCESS_H
#define CC_ACCESS_H

#include <apr_pools.h>

#define CC_ROLE_SUPER_ADMIN 0x01u
#define CC_ROLE_TEST 0x02u
#define CC_ROLE_TABLE 0x04u
#define CC_ROLE_TEMPLATE 0x08u
#define CC_ROLE_WIZARD 0x10u
#define CC_ROLE_FILE 0x20u
#define CC_ROLE_ALL 0x3fu

/* Object accessibility, as Concerto's. */
#define CC_ACCESS_PRIVATE 0
#define CC_ACCESS_GROUP 1
#define CC_ACCESS_PUBLIC 2

typedef struct cc_principal {
    long user_id;
    const char *username;
    unsigned roles;     /* CC_ROLE_* bits */
    const char *groups; /* the user's object_groups, comma-separated, may be NULL */
    int via_bearer;     /* 1: an API client's bearer token (no CSRF) */
} cc_principal;

/* Concerto's access rule (spec 1.1): super admin, public (2), owner, or group (1) sharing a group.
 */
int cc_access_allows(const cc_principal *who, long owner_id, int accessibility,
                     const char *object_groups);
/* 1 when who has any of the roles in mask (super admin has all); mask 0:
 * 1 for anyone logged in. */
int cc_principal_has_role(const cc_principal *who, unsigned mask);

/* 1 when the comma-separated lists share a name (blanks around names are
 * ignored, empty names never match). */
int cc_groups_intersect(const char *a, const char *b);

/* The bit of a role name ("ROLE_TEST"), 0 for an unknown name. */
unsigned cc_role_bit(const char *name);
/* The name of one role bit, NULL when it is not exactly one known role. */
const char *cc_role_name(unsigned bit);

#endif
