/* admin/files.c: paths stay below DATA/files/; list, upload, delete. */
#include "admin_fixture.h"

#include "admin/files.h"

#include <apr_file_io.h>
#include <unistd.h>

static const char *body(void)
{
    return "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../x y.txt\"\r\n\r\n"
           "hello\r\n--B\r\nContent-Disposition: form-data; "
           "name=\"note\"\r\n\r\nplain\r\n--B--\r\n";
}

START_TEST(paths_are_confined)
{
    const char *dir = cc_test_tmpdir(cc_test_pool), *full = NULL;
    cc_admin_error err = {0, NULL, NULL};
    int exists = 0, is_dir = 0;

    ck_assert_int_eq(
        cc_admin_files_resolve(cc_test_pool, dir, "a/b", &full, &exists, &is_dir, &err),
        APR_SUCCESS);
    ck_assert_str_eq(full, apr_pstrcat(cc_test_pool, dir, "/files/a/b", NULL));
    ck_assert_int_ne(
        cc_admin_files_resolve(cc_test_pool, dir, "a/../../etc", &full, &exists, &is_dir, &err),
        APR_SUCCESS);
    ck_assert_str_eq(err.field, "path");
    ck_assert_int_ne(
        cc_admin_files_resolve(cc_test_pool, dir, "a\\b", &full, &exists, &is_dir, &err),
        APR_SUCCESS);
    ck_assert_int_ne(
        cc_admin_files_resolve(cc_test_pool, dir, "a//b", &full, &exists, &is_dir, &err),
        APR_SUCCESS);
    ck_assert_int_eq(apr_dir_make_recursive(apr_pstrcat(cc_test_pool, dir, "/files", NULL),
                                            APR_FPROT_OS_DEFAULT, cc_test_pool),
                     APR_SUCCESS);
    ck_assert_int_eq(symlink("/etc", apr_pstrcat(cc_test_pool, dir, "/files/out", NULL)), 0);
    ck_assert_int_ne(
        cc_admin_files_resolve(cc_test_pool, dir, "out/passwd", &full, &exists, &is_dir, &err),
        APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(err.message, "link"));
}
END_TEST

START_TEST(upload_list_delete)
{
    const char *dir = cc_test_tmpdir(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    json_object *out = NULL, *items = NULL;

    ck_assert_int_eq(cc_admin_files_list(cc_test_pool, dir, "", &out, &err), APR_SUCCESS);
    ck_assert_int_ne(cc_admin_files_list(cc_test_pool, dir, "nope", &out, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 404);
    ck_assert_int_eq(cc_admin_files_upload(cc_test_pool, dir, "img",
                                           "multipart/form-data; "
                                           "boundary=B",
                                           body(), strlen(body()), &out, &err),
                     APR_SUCCESS);
    json_object_object_get_ex(out, "saved", &items);
    ck_assert_int_eq((int)json_object_array_length(items), 1);
    ck_assert_str_eq(admin_fixture_str(json_object_array_get_idx(items, 0), "name"), "x_y.txt");
    ck_assert_int_eq(cc_admin_files_list(cc_test_pool, dir, "img", &out, &err), APR_SUCCESS);
    json_object_object_get_ex(out, "items", &items);
    ck_assert_int_eq(admin_fixture_int(json_object_array_get_idx(items, 0), "size"), 5);
    ck_assert_int_ne(cc_admin_files_delete(cc_test_pool, dir, "img", &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 409);
    ck_assert_int_eq(cc_admin_files_delete(cc_test_pool, dir, "img/x_y.txt", &err), APR_SUCCESS);
    ck_assert_int_eq(cc_admin_files_delete(cc_test_pool, dir, "img", &err), APR_SUCCESS);
    ck_assert_int_ne(cc_admin_files_delete(cc_test_pool, dir, "/", &err), APR_SUCCESS);
    ck_assert_int_ne(cc_admin_files_upload(cc_test_pool, dir, "", "text/plain", "x", 1, &out, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 400);
}
END_TEST

TCase *tcase_admin_files(void)
{
    TCase *tc = cc_test_tcase("admin/files");

    tcase_add_test(tc, paths_are_confined);
    tcase_add_test(tc, upload_list_delete);
    return tc;
}
