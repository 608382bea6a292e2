/* core/multipart: multipart/form-data bodies and safe file names. */
#include "check_concerto.h"

#include "core/multipart.h"

#include <apr_strings.h>
#include <string.h>

static apr_array_header_t *parse_ok(const char *boundary, const char *body, apr_size_t len)
{
    apr_array_header_t *parts = NULL;
    const char *errmsg = NULL;

    ck_assert_msg(cc_multipart_parse(cc_test_pool, boundary, body, len, &parts, &errmsg) ==
                      APR_SUCCESS,
                  "%s", errmsg);
    return parts;
}

static const char *parse_error(const char *boundary, const char *body)
{
    apr_array_header_t *parts = NULL;
    const char *errmsg = NULL;

    ck_assert_int_eq(
        cc_multipart_parse(cc_test_pool, boundary, body, strlen(body), &parts, &errmsg),
        APR_EINVAL);
    ck_assert_ptr_nonnull(errmsg);
    return errmsg;
}

START_TEST(boundary_from_content_type)
{
    const char *b = NULL, *errmsg = NULL;

    ck_assert_int_eq(
        cc_multipart_boundary(cc_test_pool, "multipart/form-data; boundary=abc123", &b, &errmsg),
        APR_SUCCESS);
    ck_assert_str_eq(b, "abc123");
    ck_assert_int_eq(cc_multipart_boundary(cc_test_pool,
                                           "Multipart/Form-Data; charset=x; boundary=\"a b;c\"", &b,
                                           &errmsg),
                     APR_SUCCESS);
    ck_assert_str_eq(b, "a b;c");
    /* an unclosed quote before the boundary (found by fuzzing: read past the end) */
    ck_assert_int_eq(
        cc_multipart_boundary(cc_test_pool, "multipart/form-data; x=\"a; b", &b, &errmsg),
        APR_EINVAL);
    ck_assert_int_eq(cc_multipart_boundary(cc_test_pool, "application/json", &b, &errmsg),
                     APR_EINVAL);
    ck_assert_int_eq(cc_multipart_boundary(cc_test_pool, NULL, &b, &errmsg), APR_EINVAL);
    ck_assert_int_eq(cc_multipart_boundary(cc_test_pool, "multipart/form-data", &b, &errmsg),
                     APR_EINVAL);
    ck_assert_int_eq(
        cc_multipart_boundary(cc_test_pool, "multipart/form-data; boundary=", &b, &errmsg),
        APR_EINVAL);
    ck_assert_int_eq(
        cc_multipart_boundary(cc_test_pool,
                              apr_pstrcat(cc_test_pool, "multipart/form-data; boundary=",
                                          "0123456789012345678901234567890123456789012345678901"
                                          "2345678901234567890",
                                          NULL),
                              &b, &errmsg),
        APR_EINVAL);
}
END_TEST

START_TEST(fields_and_a_binary_file)
{
    static const char body[] = "preamble\r\n"
                               "--XyZ\r\n"
                               "Content-Disposition: form-data; name=\"token\"\r\n"
                               "\r\n"
                               "t.k\r\n"
                               "--XyZ\r\n"
                               "Content-Disposition: form-data; name=\"file\"; "
                               "filename=\"../../etc/pa ss\\\"wd.png\"\r\n"
                               "Content-Type: image/png\r\n"
                               "\r\n"
                               "\x89PNG\r\n\0\x01--XyZ-not\r\n"
                               "--XyZ--\r\n"
                               "epilogue";
    apr_array_header_t *parts = parse_ok("XyZ", body, sizeof(body) - 1);
    const cc_multipart_part *file = cc_multipart_find(parts, "file");

    ck_assert_int_eq(parts->nelts, 2);
    ck_assert_str_eq(cc_multipart_find(parts, "token")->data, "t.k");
    ck_assert_ptr_null(cc_multipart_find(parts, "token")->filename);
    ck_assert_ptr_nonnull(file);
    ck_assert_str_eq(file->filename, "../../etc/pa ss\"wd.png");
    ck_assert_str_eq(file->content_type, "image/png");
    ck_assert_int_eq(file->len, 17);
    ck_assert(memcmp(file->data, "\x89PNG\r\n\0\x01--XyZ-not", 17) == 0);
    ck_assert_ptr_null(cc_multipart_find(parts, "name"));
    /* starting right at the boundary, an empty part */
    parts = parse_ok("b", "--b\r\nContent-Disposition: form-data; name=e\r\n\r\n\r\n--b--", 54);
    ck_assert_int_eq(parts->nelts, 1);
    ck_assert_str_eq(cc_multipart_find(parts, "e")->data, "");
    ck_assert_int_eq(cc_multipart_find(parts, "e")->len, 0);
}
END_TEST

START_TEST(malformed_bodies_refused)
{
    int k;
    const char *many = "";

    parse_error("b", "");
    parse_error("b", "no boundary here");
    parse_error("b", "--b\r\nContent-Disposition: form-data; name=x\r\n\r\nvalue");
    parse_error("b", "--b\r\nContent-Disposition: form-data; name=x\r\nno blank line");
    parse_error("b", "--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--");
    parse_error("b", "--b\r\nContent-Disposition: attachment; name=x\r\n\r\nv\r\n--b--");
    parse_error("b", "--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--");
    parse_error("b", "--bX\r\nContent-Disposition: form-data; name=x\r\n\r\nv\r\n--b--");
    parse_error("b", "--b");
    for (k = 0; k <= CC_MULTIPART_MAX_PARTS; k++)
        many = apr_pstrcat(cc_test_pool, many,
                           "--b\r\nContent-Disposition: form-data; name=x\r\n\r\nv\r\n", NULL);
    ck_assert_ptr_nonnull(
        strstr(parse_error("b", apr_pstrcat(cc_test_pool, many, "--b--", NULL)), "parts"));
}
END_TEST

START_TEST(safe_file_names)
{
    char *longname = apr_pcalloc(cc_test_pool, 300);
    const char *safe;

    ck_assert_str_eq(cc_safe_file_name(cc_test_pool, "photo.jpg"), "photo.jpg");
    ck_assert_str_eq(cc_safe_file_name(cc_test_pool, "../../etc/passwd"), "passwd");
    ck_assert_str_eq(cc_safe_file_name(cc_test_pool, "C:\\Users\\x\\my file (1).pdf"),
                     "my_file__1_.pdf");
    ck_assert_str_eq(cc_safe_file_name(cc_test_pool, ".."), "upload");
    ck_assert_str_eq(cc_safe_file_name(cc_test_pool, "dir/"), "upload");
    ck_assert_str_eq(cc_safe_file_name(cc_test_pool, ".htaccess"), "htaccess");
    ck_assert_str_eq(cc_safe_file_name(cc_test_pool, NULL), "upload");
    ck_assert_str_eq(cc_safe_file_name(cc_test_pool, "\xc3\xa4rger.txt"), "__rger.txt");
    ck_assert_str_eq(cc_safe_file_name(cc_test_pool, "a\nb;c$(rm).sh"), "a_b_c__rm_.sh");
    memset(longname, 'x', 250);
    strcpy(longname + 250, ".pdf");
    safe = cc_safe_file_name(cc_test_pool, longname);
    ck_assert_int_eq(strlen(safe), CC_SAFE_NAME_MAX);
    ck_assert_str_eq(safe + CC_SAFE_NAME_MAX - 4, ".pdf");
}
END_TEST

TCase *tcase_core_multipart(void)
{
    TCase *tc = cc_test_tcase("core/multipart");

    tcase_add_test(tc, boundary_from_content_type);
    tcase_add_test(tc, fields_and_a_binary_file);
    tcase_add_test(tc, malformed_bodies_refused);
    tcase_add_test(tc, safe_file_names);
    return tc;
}
