/* core/body: JSON and form bodies into a table of fields. */
#include "check_concerto.h"

#include "core/body.h"

#include <string.h>

static apr_table_t *parse_ok(const char *type, const char *body)
{
    apr_table_t *fields = NULL;
    const char *errmsg = NULL;
    apr_status_t rv = cc_body_parse(cc_test_pool, type, body, strlen(body), &fields, &errmsg);

    ck_assert_msg(rv == APR_SUCCESS, "'%s' refused: %s", body, errmsg ? errmsg : "?");
    ck_assert_ptr_nonnull(fields);
    return fields;
}

/* The status and message for a body that must be refused. */
static const char *parse_error(const char *type, const char *body, apr_size_t len,
                               apr_status_t expected)
{
    apr_table_t *fields = (apr_table_t *)&fields;
    const char *errmsg = NULL;
    apr_status_t rv = cc_body_parse(cc_test_pool, type, body, len, &fields, &errmsg);

    ck_assert_msg(rv == expected, "'%.*s': status %d, expected %d", (int)len, body, rv, expected);
    ck_assert_ptr_null(fields);
    ck_assert_ptr_nonnull(errmsg);
    return errmsg;
}

START_TEST(json_object)
{
    apr_table_t *f =
        parse_ok("application/json", "{\"username\":\"admin\",\"password\":\"p\\\"w \\u00e4\"}");

    ck_assert_int_eq(apr_table_elts(f)->nelts, 2);
    ck_assert_str_eq(apr_table_get(f, "username"), "admin");
    ck_assert_str_eq(apr_table_get(f, "password"), "p\"w \xc3\xa4");
    ck_assert_str_eq(apr_table_get(f, "USERNAME"), "admin");
    ck_assert_ptr_null(apr_table_get(f, "missing"));

    f = parse_ok("application/json; charset=utf-8", "  {\"a\": \"1\"}  \n");
    ck_assert_str_eq(apr_table_get(f, "a"), "1");
    f = parse_ok("Application/JSON", "{}");
    ck_assert_int_eq(apr_table_elts(f)->nelts, 0);
}
END_TEST

START_TEST(json_values_as_text)
{
    apr_table_t *f =
        parse_ok("application/json", "{\"n\": 42, \"t\": true, \"f\": 1.5, \"nested\": {\"a\": [1, "
                                     "\"x\"]}, \"list\": [], \"gone\": null, \"empty\": \"\"}");

    ck_assert_str_eq(apr_table_get(f, "n"), "42");
    ck_assert_str_eq(apr_table_get(f, "t"), "true");
    ck_assert_str_eq(apr_table_get(f, "f"), "1.5");
    ck_assert_str_eq(apr_table_get(f, "nested"), "{\"a\":[1,\"x\"]}");
    ck_assert_str_eq(apr_table_get(f, "list"), "[]");
    /* null counts as absent; "" is a value. */
    ck_assert_ptr_null(apr_table_get(f, "gone"));
    ck_assert_str_eq(apr_table_get(f, "empty"), "");
}
END_TEST

START_TEST(json_malformed)
{
    const char *msg;

    msg = parse_error("application/json", "{\"a\": ", 6, APR_EINVAL);
    ck_assert_msg(strstr(msg, "not valid JSON") != NULL, "%s", msg);
    ck_assert_msg(strstr(msg, "end of input") != NULL, "%s", msg);
    msg = parse_error("application/json", "{\"a\" 1}", 7, APR_EINVAL);
    ck_assert_msg(strstr(msg, "not valid JSON") != NULL, "%s", msg);
    msg = parse_error("application/json", "{} trailing", 11, APR_EINVAL);
    ck_assert_msg(strstr(msg, "not valid JSON") != NULL, "%s", msg);
    msg = parse_error("application/json", "", 0, APR_EINVAL);
    ck_assert_msg(strstr(msg, "not valid JSON") != NULL, "%s", msg);
    /* Valid JSON, but not an object. */
    msg = parse_error("application/json", "[1, 2]", 6, APR_EINVAL);
    ck_assert_msg(strstr(msg, "JSON object") != NULL, "%s", msg);
    msg = parse_error("application/json", "\"text\"", 6, APR_EINVAL);
    ck_assert_msg(strstr(msg, "JSON object") != NULL, "%s", msg);
    /* Only len bytes are read: a cut-off body is incomplete. */
    msg = parse_error("application/json", "{\"a\": \"1\"}", 5, APR_EINVAL);
    ck_assert_msg(strstr(msg, "not valid JSON") != NULL, "%s", msg);
}
END_TEST

START_TEST(form_fields)
{
    apr_table_t *f = parse_ok("application/x-www-form-urlencoded",
                              "username=ad%6Din&password=a+b%26c%3D%25&empty=&flag");

    ck_assert_str_eq(apr_table_get(f, "username"), "admin");
    ck_assert_str_eq(apr_table_get(f, "password"), "a b&c=%");
    ck_assert_str_eq(apr_table_get(f, "empty"), "");
    ck_assert_str_eq(apr_table_get(f, "flag"), "");

    f = parse_ok("application/x-www-form-urlencoded; charset=UTF-8", "na%C3%A4me=%c3%a4&&x=1&");
    ck_assert_str_eq(apr_table_get(f, "na\xc3\xa4me"), "\xc3\xa4");
    ck_assert_str_eq(apr_table_get(f, "x"), "1");
    ck_assert_int_eq(apr_table_elts(f)->nelts, 2);

    f = parse_ok("application/x-www-form-urlencoded", "");
    ck_assert_int_eq(apr_table_elts(f)->nelts, 0);
}
END_TEST

START_TEST(form_broken_escapes)
{
    static const char *const bodies[] = {"a=%", "a=%4", "a=%zz", "a=%4g", "%=1", "a=b%2", "a=%00"};
    apr_size_t i;

    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        const char *msg = parse_error("application/x-www-form-urlencoded", bodies[i],
                                      strlen(bodies[i]), APR_EINVAL);
        ck_assert_msg(strstr(msg, "%-escape") != NULL, "%s: %s", bodies[i], msg);
    }
}
END_TEST

START_TEST(form_decode)
{
    ck_assert_str_eq(cc_form_decode(cc_test_pool, "a+b%20c%2B", 10), "a b c+");
    ck_assert_str_eq(cc_form_decode(cc_test_pool, "%41%42", 6), "AB");
    ck_assert_str_eq(cc_form_decode(cc_test_pool, "", 0), "");
    /* Only len characters count. */
    ck_assert_str_eq(cc_form_decode(cc_test_pool, "abc%41", 3), "abc");
    ck_assert_ptr_null(cc_form_decode(cc_test_pool, "abc%41", 5));
    ck_assert_ptr_null(cc_form_decode(cc_test_pool, "%GG", 3));
    ck_assert_ptr_null(cc_form_decode(cc_test_pool, "x%00y", 5));
}
END_TEST

START_TEST(content_type_sniffing)
{
    apr_table_t *f;

    f = parse_ok(NULL, "  {\"a\": \"json\"}");
    ck_assert_str_eq(apr_table_get(f, "a"), "json");
    f = parse_ok("", "a=form&b=2");
    ck_assert_str_eq(apr_table_get(f, "a"), "form");
    ck_assert_str_eq(apr_table_get(f, "b"), "2");
    /* Sniffed as JSON, then refused as JSON. */
    parse_error(NULL, "{broken", 7, APR_EINVAL);
    parse_error(NULL, "[1]", 3, APR_EINVAL);
}
END_TEST

START_TEST(content_type_unsupported)
{
    const char *msg;

    msg = parse_error("text/plain", "a=1", 3, APR_ENOTIMPL);
    ck_assert_msg(strstr(msg, "unsupported content type 'text/plain'") != NULL, "%s", msg);
    msg = parse_error("multipart/form-data; boundary=x", "--x", 3, APR_ENOTIMPL);
    ck_assert_msg(strstr(msg, "'multipart/form-data'") != NULL, "%s", msg);
    /* Prefixes of a supported type are other types. */
    parse_error("application/jsonx", "{}", 2, APR_ENOTIMPL);
    parse_error("application/js", "{}", 2, APR_ENOTIMPL);
}
END_TEST

TCase *tcase_core_body(void)
{
    TCase *tc = cc_test_tcase("core/body");

    tcase_add_test(tc, json_object);
    tcase_add_test(tc, json_values_as_text);
    tcase_add_test(tc, json_malformed);
    tcase_add_test(tc, form_fields);
    tcase_add_test(tc, form_broken_escapes);
    tcase_add_test(tc, form_decode);
    tcase_add_test(tc, content_type_sniffing);
    tcase_add_test(tc, content_type_unsupported);
    return tc;
}
