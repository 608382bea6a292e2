/* core/files: removing a directory tree. */
#include "check_concerto.h"

#include "core/files.h"

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>

static void touch(const char *path)
{
    apr_file_t *f = NULL;

    ck_assert_int_eq(apr_file_open(&f, path, APR_FOPEN_CREATE | APR_FOPEN_WRITE,
                                   APR_FPROT_OS_DEFAULT, cc_test_pool),
                     APR_SUCCESS);
    apr_file_close(f);
}

START_TEST(removes_a_tree_and_a_file)
{
    const char *base = cc_test_tmpdir(cc_test_pool);
    const char *top = apr_pstrcat(cc_test_pool, base, "/top", NULL);
    const char *deep = apr_pstrcat(cc_test_pool, top, "/a/b", NULL);
    const char *lone = apr_pstrcat(cc_test_pool, base, "/lone.txt", NULL);
    apr_finfo_t info;

    ck_assert_int_eq(apr_dir_make_recursive(deep, APR_FPROT_OS_DEFAULT, cc_test_pool), APR_SUCCESS);
    touch(apr_pstrcat(cc_test_pool, deep, "/x", NULL));
    touch(apr_pstrcat(cc_test_pool, top, "/.hidden", NULL));
    touch(lone);
    cc_remove_tree(cc_test_pool, top);
    ck_assert_int_ne(apr_stat(&info, top, APR_FINFO_TYPE, cc_test_pool), APR_SUCCESS);
    cc_remove_tree(cc_test_pool, lone);
    ck_assert_int_ne(apr_stat(&info, lone, APR_FINFO_TYPE, cc_test_pool), APR_SUCCESS);
    cc_remove_tree(cc_test_pool, lone); /* gone already: nothing happens */
    ck_assert_int_eq(apr_stat(&info, base, APR_FINFO_TYPE, cc_test_pool), APR_SUCCESS);
}
END_TEST

TCase *tcase_core_files(void)
{
    TCase *tc = cc_test_tcase("core/files");

    tcase_add_test(tc, removes_a_tree_and_a_file);
    return tc;
}
