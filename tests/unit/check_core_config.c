/* core/config: defaults, merge of every field, and the value parsers. */
#include "check_concerto.h"

#include "core/config.h"

#include <string.h>

/* Generic comparison of a field's value, whatever its type. */
static int str_same(const char *a, const char *b)
{
    return (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;
}
static int num_same(long long a, long long b)
{
    return a == b;
}
#define SAME(a, b) _Generic((a), const char * : str_same, default : num_same)((a), (b))

/* Two distinct set (non-sentinel) values for any field type. */
#define BASE_VALUE(x, name) _Generic((x), const char * : "base-" #name, default : 11)
#define ADD_VALUE(x, name) _Generic((x), const char * : "add-" #name, default : 22)

START_TEST(create_gives_defaults)
{
    cc_config *cfg = cc_config_create(cc_test_pool, "/loc");

    ck_assert_str_eq(cfg->section_path, "/loc");
#define CHECK_DEFAULT(type, name, unset, dflt)                                                     \
    ck_assert_msg(SAME(cfg->name, (type)(unset)), "%s is not unset after create", #name);          \
    ck_assert_msg(SAME(cc_config_##name(cfg), (type)(dflt)), "cc_config_%s: not the default",      \
                  #name);                                                                          \
    ck_assert_msg(SAME(cc_config_##name(NULL), (type)(dflt)), "cc_config_%s(NULL)", #name);
    CC_CONFIG_FIELDS(CHECK_DEFAULT)
#undef CHECK_DEFAULT
}
END_TEST

START_TEST(documented_defaults)
{
    cc_config *cfg = cc_config_create(cc_test_pool, NULL);

    ck_assert_ptr_null(cfg->section_path);
    ck_assert_str_eq(cc_config_data_dir(cfg), CONCERTO_DEFAULT_DATA_DIR);
    ck_assert_str_eq(cc_config_db_driver(cfg), "sqlite3");
    ck_assert_ptr_null(cc_config_db_params(cfg));
    ck_assert_ptr_null(cc_config_base_url(cfg));
    ck_assert_int_eq(cc_config_max_body_size(cfg), 1024 * 1024);
    ck_assert_int_eq(cc_config_monitoring(cfg), 1);
    ck_assert_int_eq(cc_config_session_idle_time(cfg), 300);
    ck_assert_int_eq(cc_config_session_max_idle(cfg), 3900);
    ck_assert_int_eq(cc_config_r_enabled(cfg), 0);
    ck_assert_int_eq(cc_config_r_timeout(cfg), 30);
}
END_TEST

/* For every field of CC_CONFIG_FIELDS: add wins, unset falls back to base,
 * both unset stays unset (and the getter gives the default). */
START_TEST(merge_every_field)
{
    int fields = 0;

#define CHECK_MERGE(type, name, unset, dflt)                                                       \
    {                                                                                              \
        cc_config *base = cc_config_create(cc_test_pool, "/base");                                 \
        cc_config *add = cc_config_create(cc_test_pool, "/add");                                   \
        cc_config *merged;                                                                         \
        type base_value = BASE_VALUE(base->name, name);                                            \
        type add_value = ADD_VALUE(add->name, name);                                               \
        ck_assert_msg(!SAME(base_value, (type)(unset)) && !SAME(add_value, (type)(unset)) &&       \
                          !SAME(base_value, add_value),                                            \
                      "test values for %s are not distinct", #name);                               \
        merged = cc_config_merge(cc_test_pool, base, add);                                         \
        ck_assert_msg(SAME(merged->name, (type)(unset)), "%s: both unset, merged set", #name);     \
        ck_assert_msg(SAME(cc_config_##name(merged), (type)(dflt)), "%s: default lost", #name);    \
        base->name = base_value;                                                                   \
        merged = cc_config_merge(cc_test_pool, base, add);                                         \
        ck_assert_msg(SAME(merged->name, base_value), "%s: unset add hid base", #name);            \
        ck_assert_msg(SAME(cc_config_##name(merged), base_value), "%s: getter", #name);            \
        add->name = add_value;                                                                     \
        merged = cc_config_merge(cc_test_pool, base, add);                                         \
        ck_assert_msg(SAME(merged->name, add_value), "%s: add did not win", #name);                \
        base->name = (type)(unset);                                                                \
        merged = cc_config_merge(cc_test_pool, base, add);                                         \
        ck_assert_msg(SAME(merged->name, add_value), "%s: add over unset base", #name);            \
        ck_assert_msg(SAME(base->name, (type)(unset)) && SAME(add->name, add_value),               \
                      "%s: merge changed its inputs", #name);                                      \
        fields++;                                                                                  \
    }
    CC_CONFIG_FIELDS(CHECK_MERGE)
#undef CHECK_MERGE
    ck_assert_int_ge(fields, 7);
}
END_TEST

START_TEST(merge_section_path)
{
    cc_config *base = cc_config_create(cc_test_pool, "/base");
    cc_config *add = cc_config_create(cc_test_pool, "/add");
    cc_config *none = cc_config_create(cc_test_pool, NULL);

    ck_assert_str_eq(cc_config_merge(cc_test_pool, base, add)->section_path, "/add");
    ck_assert_str_eq(cc_config_merge(cc_test_pool, base, none)->section_path, "/base");
}
END_TEST

#define KB ((apr_off_t)1024)
#define GB (KB * KB * KB)

START_TEST(parse_size_valid)
{
    apr_off_t out = 0;

    ck_assert_ptr_null(cc_parse_size(cc_test_pool, "512K", KB, GB, &out));
    ck_assert_int_eq(out, 512 * 1024);
    ck_assert_ptr_null(cc_parse_size(cc_test_pool, "10M", KB, GB, &out));
    ck_assert_int_eq(out, 10 * 1024 * 1024);
    ck_assert_ptr_null(cc_parse_size(cc_test_pool, "1G", KB, GB, &out));
    ck_assert_int_eq(out, GB);
    ck_assert_ptr_null(cc_parse_size(cc_test_pool, "10m", KB, GB, &out));
    ck_assert_int_eq(out, 10 * 1024 * 1024);
    ck_assert_ptr_null(cc_parse_size(cc_test_pool, "65536", KB, GB, &out));
    ck_assert_int_eq(out, 65536);
    /* The bounds themselves are allowed. */
    ck_assert_ptr_null(cc_parse_size(cc_test_pool, "1024", KB, GB, &out));
    ck_assert_int_eq(out, 1024);
    ck_assert_ptr_null(cc_parse_size(cc_test_pool, "1073741824", KB, GB, &out));
    ck_assert_int_eq(out, GB);
}
END_TEST

START_TEST(parse_size_invalid)
{
    static const char *const bad[] = {"",     "bad", "K",   "10MB", "10X",
                                      "1.5M", "-1",  "-1K", "12 K", "0x10"};
    static const char *const out_of_range[] = {
        "1023", "0", "2G", "1025M", "1073741825", "99999999999G", "9223372036854775807K"};
    apr_size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        apr_off_t out = 42;
        const char *msg = cc_parse_size(cc_test_pool, bad[i], KB, GB, &out);
        ck_assert_msg(msg != NULL, "'%s' accepted as a size", bad[i]);
        ck_assert_msg(strstr(msg, "not a size") != NULL, "'%s': %s", bad[i], msg);
        ck_assert_int_eq(out, 42);
    }
    for (i = 0; i < sizeof(out_of_range) / sizeof(out_of_range[0]); i++) {
        apr_off_t out = 42;
        const char *msg = cc_parse_size(cc_test_pool, out_of_range[i], KB, GB, &out);
        ck_assert_msg(msg != NULL, "'%s' accepted as a size", out_of_range[i]);
        ck_assert_msg(strstr(msg, "out of range") != NULL && strstr(msg, out_of_range[i]),
                      "'%s': %s", out_of_range[i], msg);
        ck_assert_int_eq(out, 42);
    }
    /* A number too big for strtoll at all is not a size. */
    {
        apr_off_t out = 42;
        const char *msg = cc_parse_size(cc_test_pool, "99999999999999999999", KB, GB, &out);
        ck_assert_ptr_nonnull(msg);
        ck_assert_int_eq(out, 42);
    }
}
END_TEST

START_TEST(parse_seconds)
{
    static const char *const bad[] = {"", "abc", "5s", "1.5", "99999999999999999999", "3 0"};
    int out = 0;
    const char *msg;
    apr_size_t i;

    ck_assert_ptr_null(cc_parse_seconds(cc_test_pool, "300", 1, 86400, &out));
    ck_assert_int_eq(out, 300);
    ck_assert_ptr_null(cc_parse_seconds(cc_test_pool, "1", 1, 86400, &out));
    ck_assert_int_eq(out, 1);
    ck_assert_ptr_null(cc_parse_seconds(cc_test_pool, "86400", 1, 86400, &out));
    ck_assert_int_eq(out, 86400);

    out = 7;
    msg = cc_parse_seconds(cc_test_pool, "0", 1, 86400, &out);
    ck_assert_ptr_nonnull(msg);
    ck_assert_ptr_nonnull(strstr(msg, "out of range"));
    msg = cc_parse_seconds(cc_test_pool, "86401", 1, 86400, &out);
    ck_assert_ptr_nonnull(msg);
    ck_assert_ptr_nonnull(strstr(msg, "86401"));
    msg = cc_parse_seconds(cc_test_pool, "-5", 1, 86400, &out);
    ck_assert_ptr_nonnull(msg);
    /* Past int on a 64-bit long: still refused, not truncated. */
    msg = cc_parse_seconds(cc_test_pool, "4294967596", 1, 86400, &out);
    ck_assert_ptr_nonnull(msg);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        msg = cc_parse_seconds(cc_test_pool, bad[i], 1, 86400, &out);
        ck_assert_msg(msg != NULL, "'%s' accepted as seconds", bad[i]);
        ck_assert_msg(strstr(msg, "whole number") != NULL, "'%s': %s", bad[i], msg);
    }
    ck_assert_int_eq(out, 7);
}
END_TEST

START_TEST(parse_flag)
{
    int out = -1;
    const char *msg;

    ck_assert_ptr_null(cc_parse_flag(cc_test_pool, "on", &out));
    ck_assert_int_eq(out, 1);
    ck_assert_ptr_null(cc_parse_flag(cc_test_pool, "Off", &out));
    ck_assert_int_eq(out, 0);
    ck_assert_ptr_null(cc_parse_flag(cc_test_pool, "ON", &out));
    ck_assert_int_eq(out, 1);
    ck_assert_ptr_null(cc_parse_flag(cc_test_pool, "off", &out));
    ck_assert_int_eq(out, 0);

    out = 5;
    msg = cc_parse_flag(cc_test_pool, "maybe", &out);
    ck_assert_ptr_nonnull(msg);
    ck_assert_ptr_nonnull(strstr(msg, "maybe"));
    ck_assert_ptr_nonnull(strstr(msg, "On or Off"));
    ck_assert_ptr_nonnull(cc_parse_flag(cc_test_pool, "", &out));
    ck_assert_ptr_nonnull(cc_parse_flag(cc_test_pool, "1", &out));
    ck_assert_ptr_nonnull(cc_parse_flag(cc_test_pool, "onn", &out));
    ck_assert_int_eq(out, 5);
}
END_TEST

START_TEST(parse_url_path)
{
    static const char *const refused[] = {"",      "relative", "concerto/", "/a?b",
                                          "/a#b",  "/a b",     "/a%20b",    "/a\tb",
                                          "/a\nb", "/a\rb",    "/\x7f"};
    const char *out = NULL;
    apr_size_t i;

    ck_assert_ptr_null(cc_parse_url_path(cc_test_pool, "/concerto/", &out));
    ck_assert_str_eq(out, "/concerto");
    ck_assert_ptr_null(cc_parse_url_path(cc_test_pool, "/concerto", &out));
    ck_assert_str_eq(out, "/concerto");
    ck_assert_ptr_null(cc_parse_url_path(cc_test_pool, "/a/b///", &out));
    ck_assert_str_eq(out, "/a/b");
    ck_assert_ptr_null(cc_parse_url_path(cc_test_pool, "/", &out));
    ck_assert_str_eq(out, "");
    ck_assert_ptr_null(cc_parse_url_path(cc_test_pool, "///", &out));
    ck_assert_str_eq(out, "");

    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        const char *msg;
        out = "unchanged";
        msg = cc_parse_url_path(cc_test_pool, refused[i], &out);
        ck_assert_msg(msg != NULL, "url path #%d accepted", (int)i);
        ck_assert_str_eq(out, "unchanged");
    }
    ck_assert_ptr_nonnull(
        strstr(cc_parse_url_path(cc_test_pool, "relative", &out), "starting with '/'"));
}
END_TEST

TCase *tcase_core_config(void)
{
    TCase *tc = cc_test_tcase("core/config");

    tcase_add_test(tc, create_gives_defaults);
    tcase_add_test(tc, documented_defaults);
    tcase_add_test(tc, merge_every_field);
    tcase_add_test(tc, merge_section_path);
    tcase_add_test(tc, parse_size_valid);
    tcase_add_test(tc, parse_size_invalid);
    tcase_add_test(tc, parse_seconds);
    tcase_add_test(tc, parse_flag);
    tcase_add_test(tc, parse_url_path);
    return tc;
}
