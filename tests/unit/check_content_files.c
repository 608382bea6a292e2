/* content/files: files, directories and the source-control layout. */
#include "check_concerto.h"

#include "content/files.h"
#include "content/members.h"

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <string.h>

#define FIXTURE "tests/fixtures/content/greeting.concerto.yml"

static int exists(const char *path)
{
    apr_finfo_t info;
    return apr_stat(&info, path, APR_FINFO_TYPE, cc_test_pool) == APR_SUCCESS;
}

START_TEST(source_control_layout_round_trip)
{
    const char *dir = apr_pstrcat(cc_test_pool, cc_test_tmpdir(cc_test_pool), "/sc", NULL);
    json_object *doc = NULL, *copy = NULL, *back = NULL, *bare = NULL, *tpl;
    const char *errmsg = NULL;

    ck_assert_int_eq(cc_content_read_path(cc_test_pool, FIXTURE, 0, &doc, &errmsg), APR_SUCCESS);
    json_object_deep_copy(doc, &copy, NULL);
    ck_assert_msg(cc_content_write_path(cc_test_pool, copy, dir, CC_CONTENT_JSON, 1, &errmsg) ==
                      APR_SUCCESS,
                  "%s", errmsg);
    ck_assert(exists(apr_pstrcat(cc_test_pool, dir, "/" CC_CONTENT_SC_FILE, NULL)));
    ck_assert(exists(
        apr_pstrcat(cc_test_pool, dir, "/src/template/greeting-page/greeting-page.html", NULL)));
    ck_assert(exists(
        apr_pstrcat(cc_test_pool, dir, "/src/test/greeting-source/greeting-source.r", NULL)));
    ck_assert(exists(apr_pstrcat(cc_test_pool, dir,
                                 "/src/test/greeting-flow/nodes/Greet_72/ports/title.r", NULL)));
    ck_assert(exists(apr_pstrcat(cc_test_pool, dir, "/src/table/greeting_log.yaml", NULL)));
    /* A null part has no file. */
    ck_assert(!exists(
        apr_pstrcat(cc_test_pool, dir, "/src/template/greeting-page/greeting-page.js", NULL)));

    /* Without --sc the YAML alone lacks the parts; with it they are back. */
    ck_assert_int_eq(cc_content_read_path(cc_test_pool,
                                          apr_pstrcat(cc_test_pool, "file://", dir, NULL), 0, &bare,
                                          &errmsg),
                     APR_SUCCESS);
    tpl = json_object_array_get_idx(cc_member_array(bare, "collection"), 1);
    ck_assert_ptr_null(cc_member_text(cc_test_pool, tpl, "html"));
    ck_assert_int_eq(cc_content_read_path(cc_test_pool, dir, 1, &back, &errmsg), APR_SUCCESS);
    ck_assert(json_object_equal(doc, back));
    json_object_put(copy);
}
END_TEST

START_TEST(directories_join_their_files)
{
    const char *dir = cc_test_tmpdir(cc_test_pool), *errmsg = NULL;
    json_object *doc = NULL;
    apr_file_t *f;
    int i;
    const char *names[] = {"/b.concerto.json", "/a.concerto.json", "/notes.txt"};

    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(apr_file_open(&f, apr_pstrcat(cc_test_pool, dir, names[i], NULL),
                                       APR_FOPEN_WRITE | APR_FOPEN_CREATE, APR_FPROT_OS_DEFAULT,
                                       cc_test_pool),
                         APR_SUCCESS);
        apr_file_printf(f, "{\"version\":\"5.0.27\",\"collection\":[{\"name\":\"%c\"}]}",
                        names[i][1]);
        apr_file_close(f);
    }
    ck_assert_int_eq(cc_content_read_path(cc_test_pool, dir, 0, &doc, &errmsg), APR_SUCCESS);
    ck_assert_int_eq((int)json_object_array_length(cc_member_array(doc, "collection")), 2);
    ck_assert_str_eq(
        cc_member_text(cc_test_pool,
                       json_object_array_get_idx(cc_member_array(doc, "collection"), 0), "name"),
        "a");
    ck_assert_int_eq(cc_content_read_path(cc_test_pool, "/nonexistent/x.yml", 0, &doc, &errmsg),
                     APR_ENOENT);
    ck_assert_ptr_nonnull(strstr(errmsg, "/nonexistent/x.yml"));
}
END_TEST

TCase *tcase_content_files(void)
{
    TCase *tc = cc_test_tcase("content/files");
    tcase_add_test(tc, source_control_layout_round_trip);
    tcase_add_test(tc, directories_join_their_files);
    return tc;
}
