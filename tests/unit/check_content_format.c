/* content/format: JSON, YAML and .concerto bytes <-> json-c. */
#include "check_concerto.h"

#include "content/format.h"

#include <apr_strings.h>
#include <string.h>
#include <zlib.h>

static json_object *decode(const char *text, cc_content_format format)
{
    json_object *doc = NULL;
    const char *errmsg = NULL;
    ck_assert_msg(cc_content_decode(cc_test_pool, text, strlen(text), format, &doc, &errmsg) ==
                      APR_SUCCESS,
                  "%s", errmsg);
    return doc;
}

START_TEST(format_by_name)
{
    cc_content_format f;
    ck_assert_int_eq(cc_content_format_for_name("export.concerto.yml"), CC_CONTENT_YAML);
    ck_assert_int_eq(cc_content_format_for_name("a.YAML"), CC_CONTENT_YAML);
    ck_assert_int_eq(cc_content_format_for_name("Test_x.concerto"), CC_CONTENT_COMPRESSED);
    ck_assert_int_eq(cc_content_format_for_name("Test_x.concerto.json"), CC_CONTENT_JSON);
    ck_assert_int_eq(cc_content_format_for_name("upload"), CC_CONTENT_JSON);
    ck_assert_int_eq(cc_content_format_parse("compressed", &f), APR_SUCCESS);
    ck_assert_int_eq(f, CC_CONTENT_COMPRESSED);
    ck_assert_int_eq(cc_content_format_parse("xml", &f), APR_EINVAL);
}
END_TEST

/* Plain scalars take YAML's types; quoted ones stay text. */
START_TEST(yaml_scalars_and_structure)
{
    json_object *doc = decode("a: 1\nb: \"1\"\nc: true\nd: ~\ne: 1.5\nf: '0'\ng: [x, 2]\n"
                              "h: |\n  two\n  lines\ni: {k: v}\n",
                              CC_CONTENT_YAML);
    json_object *v = NULL;

    ck_assert(json_object_object_get_ex(doc, "a", &v) && json_object_is_type(v, json_type_int));
    ck_assert(json_object_object_get_ex(doc, "b", &v) && json_object_is_type(v, json_type_string));
    ck_assert(json_object_object_get_ex(doc, "c", &v) && json_object_get_boolean(v));
    ck_assert(json_object_object_get_ex(doc, "d", &v) && v == NULL);
    ck_assert(json_object_object_get_ex(doc, "e", &v) && json_object_is_type(v, json_type_double));
    ck_assert(json_object_object_get_ex(doc, "f", &v));
    ck_assert_str_eq(json_object_get_string(v), "0");
    ck_assert(json_object_object_get_ex(doc, "g", &v) && json_object_array_length(v) == 2);
    ck_assert(json_object_object_get_ex(doc, "h", &v));
    ck_assert_str_eq(json_object_get_string(v), "two\nlines\n");
    /* YAML numbers JSON cannot spell are written as JSON numbers. */
    doc = decode("a: .5\nb: +1.0\nc: 1.\n", CC_CONTENT_YAML);
    ck_assert_str_eq(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN),
                     "{\"a\":0.5,\"b\":1.0,\"c\":1.0}");
}
END_TEST

/* Text that would read back as something else is quoted; every format
 * gives back the document it was given. */
START_TEST(round_trips_every_format)
{
    const char *src = "{\"version\":\"5.0.27\",\"collection\":[{\"s\":\"123\",\"t\":\"true\","
                      "\"e\":\"\",\"n\":null,\"i\":7,\"b\":false,\"m\":\"a\\nb \\n\",\"u\":\"×÷\","
                      "\"l\":[],\"o\":{}}]}";
    json_object *doc = decode(src, CC_CONTENT_JSON);
    const char *want =
        apr_pstrdup(cc_test_pool, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN));
    cc_content_format formats[] = {CC_CONTENT_YAML, CC_CONTENT_JSON, CC_CONTENT_COMPRESSED};
    int i;

    for (i = 0; i < 3; i++) {
        const char *data = NULL, *errmsg = NULL;
        apr_size_t len = 0;
        json_object *back = NULL;
        ck_assert_int_eq(cc_content_encode(cc_test_pool, doc, formats[i], &data, &len, &errmsg),
                         APR_SUCCESS);
        ck_assert_int_eq(cc_content_decode(cc_test_pool, data, len, formats[i], &back, &errmsg),
                         APR_SUCCESS);
        ck_assert_str_eq(json_object_to_json_string_ext(back, JSON_C_TO_STRING_PLAIN), want);
    }
}
END_TEST

START_TEST(bad_input_is_refused_with_a_reason)
{
    json_object *doc = NULL;
    const char *errmsg = NULL;
    char packed[64];
    uLongf packed_len = sizeof(packed);

    ck_assert_int_eq(cc_content_decode(cc_test_pool, "{\"a\":", 5, CC_CONTENT_JSON, &doc, &errmsg),
                     APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "JSON"));
    ck_assert_int_eq(cc_content_decode(cc_test_pool, "{} x", 4, CC_CONTENT_JSON, &doc, &errmsg),
                     APR_EINVAL);
    ck_assert_int_eq(cc_content_decode(cc_test_pool, "a: [1,\n", 7, CC_CONTENT_YAML, &doc, &errmsg),
                     APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "line"));
    ck_assert_int_eq(
        cc_content_decode(cc_test_pool, "not zlib", 8, CC_CONTENT_COMPRESSED, &doc, &errmsg),
        APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, ".concerto"));
    /* Truncated zlib data. */
    ck_assert_int_eq(
        compress2((Bytef *)packed, &packed_len, (const Bytef *)"{\"version\":1}", 13, 6), Z_OK);
    ck_assert_int_eq(cc_content_decode(cc_test_pool, packed, packed_len - 4, CC_CONTENT_COMPRESSED,
                                       &doc, &errmsg),
                     APR_EINVAL);
    /* A document that is only null is no content. */
    ck_assert_int_eq(cc_content_decode(cc_test_pool, "null ", 5, CC_CONTENT_JSON, &doc, &errmsg),
                     APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "null"));
    ck_assert_int_eq(cc_content_decode(cc_test_pool, "[1, 2", 5, CC_CONTENT_JSON, &doc, &errmsg),
                     APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "incomplete"));
    ck_assert_int_eq(cc_content_decode(cc_test_pool, "!!", 2, CC_CONTENT_YAML, &doc, &errmsg),
                     APR_EINVAL);
    /* An alias loop is stopped by the depth limit, not the stack. */
    ck_assert_int_eq(
        cc_content_decode(cc_test_pool, "a: &x [*x]\n", 11, CC_CONTENT_YAML, &doc, &errmsg),
        APR_EINVAL);
}
END_TEST

TCase *tcase_content_format(void)
{
    TCase *tc = cc_test_tcase("content/format");
    tcase_add_test(tc, format_by_name);
    tcase_add_test(tc, yaml_scalars_and_structure);
    tcase_add_test(tc, round_trips_every_format);
    tcase_add_test(tc, bad_input_is_refused_with_a_reason);
    return tc;
}
