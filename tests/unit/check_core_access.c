/* core/access: Concerto's access rule and the role bits, as a table of
 * cases (spec 1.1: super admin, public, owner, group sharing a group). */
#include "check_concerto.h"

#include "core/access.h"

#include <stddef.h>

static const cc_principal super_admin = {1, "root", CC_ROLE_SUPER_ADMIN, NULL, 0};
static const cc_principal editor = {7, "ed", CC_ROLE_TEST | CC_ROLE_TABLE, "lab, clinic", 0};
static const cc_principal loner = {9, "lo", CC_ROLE_TEST, NULL, 0};

static const struct access_case {
    const cc_principal *who;
    long owner_id;
    int accessibility;
    const char *object_groups;
    int allowed;
    const char *why;
} access_cases[] = {
    {NULL, 7, CC_ACCESS_PUBLIC, NULL, 0, "nobody logged in sees nothing, not even public"},
    {&super_admin, 7, CC_ACCESS_PRIVATE, NULL, 1, "super admin sees another's private object"},
    {&super_admin, 0, CC_ACCESS_GROUP, "x", 1, "super admin sees a group object of no group"},
    {&editor, 3, CC_ACCESS_PUBLIC, NULL, 1, "public is for everyone"},
    {&editor, 7, CC_ACCESS_PRIVATE, NULL, 1, "the owner sees a private object"},
    {&editor, 3, CC_ACCESS_PRIVATE, "lab", 0, "private: a shared group does not help"},
    {&editor, 3, CC_ACCESS_GROUP, "lab", 1, "group object in one of the user's groups"},
    {&editor, 3, CC_ACCESS_GROUP, " other ,clinic ", 1, "group names are trimmed"},
    {&editor, 3, CC_ACCESS_GROUP, "labs,clin", 0, "names match whole, not as prefixes"},
    {&editor, 3, CC_ACCESS_GROUP, "Lab", 0, "names are case-sensitive"},
    {&editor, 3, CC_ACCESS_GROUP, NULL, 0, "group object without groups"},
    {&editor, 3, CC_ACCESS_GROUP, ",,", 0, "empty names never match"},
    {&loner, 3, CC_ACCESS_GROUP, "lab", 0, "a user in no group"},
    {&loner, 0, CC_ACCESS_PRIVATE, NULL, 0, "no owner: nobody owns it"},
    {&loner, 9, CC_ACCESS_GROUP, NULL, 1, "the owner of a group object"},
    {&loner, 3, 5, NULL, 0, "an unknown accessibility counts as private"},
};

START_TEST(access_rule_table)
{
    const struct access_case *c = &access_cases[_i];

    ck_assert_msg(cc_access_allows(c->who, c->owner_id, c->accessibility, c->object_groups) ==
                      c->allowed,
                  "case %d (%s): expected %s", _i, c->why, c->allowed ? "allowed" : "refused");
}
END_TEST

START_TEST(roles)
{
    const cc_principal empty = {2, "none", 0, NULL, 0};

    ck_assert_int_eq(cc_principal_has_role(NULL, 0), 0);
    ck_assert_int_eq(cc_principal_has_role(NULL, CC_ROLE_TEST), 0);
    ck_assert_int_eq(cc_principal_has_role(&empty, 0), 1);
    ck_assert_int_eq(cc_principal_has_role(&empty, CC_ROLE_TEST), 0);
    ck_assert_int_eq(cc_principal_has_role(&editor, CC_ROLE_TABLE), 1);
    ck_assert_int_eq(cc_principal_has_role(&editor, CC_ROLE_WIZARD | CC_ROLE_TEST), 1);
    ck_assert_int_eq(cc_principal_has_role(&editor, CC_ROLE_WIZARD), 0);
    ck_assert_int_eq(cc_principal_has_role(&editor, CC_ROLE_SUPER_ADMIN), 0);
    ck_assert_int_eq(cc_principal_has_role(&super_admin, CC_ROLE_FILE), 1);
    ck_assert_int_eq(cc_principal_has_role(&super_admin, CC_ROLE_SUPER_ADMIN), 1);
}
END_TEST

START_TEST(role_names)
{
    unsigned bit;

    ck_assert_uint_eq(cc_role_bit("ROLE_SUPER_ADMIN"), CC_ROLE_SUPER_ADMIN);
    ck_assert_uint_eq(cc_role_bit("ROLE_FILE"), CC_ROLE_FILE);
    ck_assert_uint_eq(cc_role_bit("ROLE_file"), 0);
    ck_assert_uint_eq(cc_role_bit("TEST"), 0);
    ck_assert_uint_eq(cc_role_bit(NULL), 0);
    for (bit = 1; bit <= CC_ROLE_ALL; bit <<= 1) {
        ck_assert_ptr_nonnull(cc_role_name(bit));
        ck_assert_uint_eq(cc_role_bit(cc_role_name(bit)), bit);
    }
    ck_assert_ptr_null(cc_role_name(CC_ROLE_TEST | CC_ROLE_TABLE));
    ck_assert_ptr_null(cc_role_name(0x40));
    ck_assert_ptr_null(cc_role_name(0));
}
END_TEST

START_TEST(groups_intersect)
{
    ck_assert_int_eq(cc_groups_intersect("a", "a"), 1);
    ck_assert_int_eq(cc_groups_intersect("a,b,c", "x,c"), 1);
    ck_assert_int_eq(cc_groups_intersect("a,b", "ab"), 0);
    ck_assert_int_eq(cc_groups_intersect("", ""), 0);
    ck_assert_int_eq(cc_groups_intersect(NULL, "a"), 0);
    ck_assert_int_eq(cc_groups_intersect("a", NULL), 0);
    ck_assert_int_eq(cc_groups_intersect("a,", ",a"), 1);
    ck_assert_int_eq(cc_groups_intersect(" , ", " , "), 0);
}
END_TEST

TCase *tcase_core_access(void)
{
    TCase *tc = cc_test_tcase("core/access");

    tcase_add_loop_test(tc, access_rule_table, 0,
                        (int)(sizeof(access_cases) / sizeof(access_cases[0])));
    tcase_add_test(tc, roles);
    tcase_add_test(tc, role_names);
    tcase_add_test(tc, groups_intersect);
    return tc;
}
