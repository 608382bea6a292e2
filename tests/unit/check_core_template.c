/* core/template: inserts, escaping, embedding, limits. */
#include "check_concerto.h"

#include "core/template.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <stdio.h>
#include <string.h>

/* A template library for the lookup callback. */
typedef struct lib {
    const cc_template *tpl;
    int n;
    int calls;
} lib;

static apr_status_t lib_lookup(void *baton, apr_pool_t *pool, const char *name,
                               const cc_template **tpl, const char **errmsg)
{
    lib *l = baton;
    int i;

    (void)pool;
    l->calls++;
    if (strcmp(name, "broken") == 0) {
        *errmsg = "database is locked";
        return APR_EGENERAL;
    }
    for (i = 0; i < l->n; i++) {
        if (strcmp(l->tpl[i].name, name) == 0) {
            *tpl = &l->tpl[i];
            return APR_SUCCESS;
        }
    }
    /* "7" is the id of template "a". */
    if (strcmp(name, "7") == 0) {
        for (i = 0; i < l->n; i++) {
            if (strcmp(l->tpl[i].name, "a") == 0) {
                *tpl = &l->tpl[i];
                return APR_SUCCESS;
            }
        }
    }
    return APR_NOTFOUND;
}

static int trans_calls;

static const char *dict_trans(void *baton, apr_pool_t *pool, const char *key)
{
    (void)baton;
    (void)pool;
    trans_calls++;
    if (strcmp(key, "hello") == 0)
        return "Hallo <b>Welt</b>";
    if (strcmp(key, "greet") == 0)
        return "Hi {{name}}";
    if (strcmp(key, "nix.de") == 0)
        return "";
    return NULL;
}

static const char *const ann[] = {"name", "Ann", "n", "1"};

static cc_template_opts opts_pairs(const char *const *pairs, apr_size_t npairs)
{
    cc_template_opts o;

    memset(&o, 0, sizeof(o));
    o.pairs = pairs;
    o.npairs = npairs;
    return o;
}

static const char *render_ok(const cc_template_opts *o, const char *text)
{
    const char *out = NULL, *errmsg = NULL;
    apr_size_t len = (apr_size_t)-1;
    apr_status_t rv = cc_template_render_text(cc_test_pool, text, o, &out, &len, &errmsg);

    ck_assert_msg(rv == APR_SUCCESS, "'%s' failed: %s", text ? text : "(null)",
                  errmsg ? errmsg : "?");
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(len, strlen(out));
    return out;
}

static const char *render_err(const cc_template_opts *o, const char *text, apr_status_t expected)
{
    const char *out = "unchanged", *errmsg = NULL;
    apr_status_t rv = cc_template_render_text(cc_test_pool, text, o, &out, NULL, &errmsg);

    ck_assert_msg(rv == expected, "'%.60s': status %d, expected %d (%s)", text, rv, expected,
                  errmsg ? errmsg : "no message");
    ck_assert_str_eq(out, "unchanged");
    ck_assert_ptr_nonnull(errmsg);
    return errmsg;
}

/* Renders text with ann's parameters and the given missing-insert rule. */
static const char *with_ann(const char *text, int keep_missing)
{
    cc_template_opts o = opts_pairs(ann, 2);

    o.keep_missing = keep_missing;
    return render_ok(&o, text);
}

START_TEST(param_inserted_escaped)
{
    ck_assert_str_eq(with_ann("Hi {{name}}!", 0), "Hi Ann!");
    ck_assert_str_eq(with_ann("{{name}}{{n}}{{name}}", 0), "Ann1Ann");
    ck_assert_str_eq(with_ann("{{name}}", 0), "Ann");
    ck_assert_str_eq(with_ann("no inserts at all", 0), "no inserts at all");
}
END_TEST

START_TEST(each_special_character_escaped)
{
    static const char *const cases[][2] = {
        {"&", "&amp;"},
        {"<", "&lt;"},
        {">", "&gt;"},
        {"\"", "&quot;"},
        {"'", "&#39;"},
        {"a&b", "a&amp;b"},
        {"&amp;", "&amp;amp;"},
        {"<b a=\"x\" c='y'>", "&lt;b a=&quot;x&quot; c=&#39;y&#39;&gt;"},
        {"", ""},
        {"plain text 123", "plain text 123"}};
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *pairs[] = {"v", cases[i][0]};
        cc_template_opts o = opts_pairs(pairs, 1);
        ck_assert_str_eq(render_ok(&o, "[{{v}}]"),
                         apr_pstrcat(cc_test_pool, "[", cases[i][1], "]", NULL));
        /* Raw inserts leave every one of them alone. */
        ck_assert_str_eq(render_ok(&o, "[{{{v}}}]"),
                         apr_pstrcat(cc_test_pool, "[", cases[i][0], "]", NULL));
    }
}
END_TEST

START_TEST(raw_insert)
{
    const char *pairs[] = {"html", "<b>bold</b> & \"q\""};
    cc_template_opts o = opts_pairs(pairs, 1);

    ck_assert_str_eq(render_ok(&o, "<p>{{{html}}}</p>"), "<p><b>bold</b> & \"q\"</p>");
    ck_assert_str_eq(render_ok(&o, "{{html}}"), "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;q&quot;");
}
END_TEST

START_TEST(blanks_inside_braces)
{
    ck_assert_str_eq(with_ann("{{ name }}", 0), "Ann");
    ck_assert_str_eq(with_ann("{{\tname\n}}", 0), "Ann");
    ck_assert_str_eq(with_ann("{{   name}}|{{name   }}", 0), "Ann|Ann");
    ck_assert_str_eq(with_ann("{{{ name }}}", 0), "Ann");
    ck_assert_str_eq(with_ann("{{{\r\nname\t}}}", 0), "Ann");
    /* Blanks outside the braces are not part of the insert. */
    ck_assert_str_eq(with_ann("{ {name}}", 0), "{ {name}}");
    ck_assert_str_eq(with_ann("{{name} }", 0), "{{name} }");
}
END_TEST

START_TEST(name_characters)
{
    const char *pairs[] = {"a.b-c_1", "ok", "A", "upper", "9", "nine"};
    cc_template_opts o = opts_pairs(pairs, 3);

    ck_assert_str_eq(render_ok(&o, "{{a.b-c_1}}|{{A}}|{{9}}"), "ok|upper|nine");
    /* Other characters make it text, copied as written, in both modes. */
    ck_assert_str_eq(render_ok(&o, "{{foo bar}}"), "{{foo bar}}");
    ck_assert_str_eq(render_ok(&o, "{{a+b}}"), "{{a+b}}");
    ck_assert_str_eq(render_ok(&o, "{{}}"), "{{}}");
    ck_assert_str_eq(render_ok(&o, "{{ }}"), "{{ }}");
    ck_assert_str_eq(render_ok(&o, "{{{}}}"), "{{{}}}");
    ck_assert_str_eq(render_ok(&o, "{{\xc3\xa9}}"), "{{\xc3\xa9}}");
    ck_assert_str_eq(render_ok(&o, "{{x:y}}"), "{{x:y}}");
    ck_assert_str_eq(render_ok(&o, "{{A:B}}"), "{{A:B}}");
    ck_assert_str_eq(render_ok(&o, "{{$A}}"), "{{$A}}");
    /* Names are case-sensitive. */
    ck_assert_str_eq(render_ok(&o, "[{{a}}]"), "[]");
}
END_TEST

START_TEST(malformed_braces_are_text)
{
    ck_assert_str_eq(with_ann("{{name", 0), "{{name");
    ck_assert_str_eq(with_ann("{{name}", 0), "{{name}");
    ck_assert_str_eq(with_ann("x {{ name", 0), "x {{ name");
    ck_assert_str_eq(with_ann("{name}}", 0), "{name}}");
    ck_assert_str_eq(with_ann("}}{{", 0), "}}{{");
    ck_assert_str_eq(with_ann("{{", 0), "{{");
    ck_assert_str_eq(with_ann("{", 0), "{");
    ck_assert_str_eq(with_ann("a{b{c}d}e", 0), "a{b{c}d}e");
    ck_assert_str_eq(with_ann("{{{name}}", 0), "{Ann");
    ck_assert_str_eq(with_ann("{{{name}}}}", 0), "Ann}");
    ck_assert_str_eq(with_ann("{{{{name}}}}", 0), "{Ann}");
    ck_assert_str_eq(with_ann("{{name}}}", 0), "Ann}");
    ck_assert_str_eq(with_ann("{{{{", 0), "{{{{");
    ck_assert_str_eq(with_ann("{{name {{name}}", 0), "{{name Ann");
    /* CSS and JS with braces of their own survive. */
    ck_assert_str_eq(with_ann("a{color:red}@media x{b{c:d}}", 0), "a{color:red}@media x{b{c:d}}");
    ck_assert_str_eq(with_ann("var o = {a: {b: 1}};", 0), "var o = {a: {b: 1}};");
}
END_TEST

START_TEST(missing_removed_by_default)
{
    ck_assert_str_eq(with_ann("a{{x}}b{{{y}}}c{{ z }}d", 0), "abcd");
    ck_assert_str_eq(with_ann("{{x}}{{name}}", 0), "Ann");
    /* A NULL value in the pair list counts as missing, and overrides. */
    {
        const char *pairs[] = {"gone", NULL, "name", "Ann", "name", NULL};
        cc_template_opts o = opts_pairs(pairs, 3);
        ck_assert_str_eq(render_ok(&o, "[{{gone}}][{{name}}]"), "[][]");
    }
    /* A zeroed option struct and no options at all behave the same. */
    ck_assert_str_eq(render_ok(NULL, "a{{x}}b"), "ab");
}
END_TEST

START_TEST(missing_kept_when_asked)
{
    ck_assert_str_eq(with_ann("a{{ x }}b{{{y}}}c{{name}}", 1), "a{{ x }}b{{{y}}}cAnn");
    ck_assert_str_eq(with_ann("{{\tx\n}}", 1), "{{\tx\n}}");
    ck_assert_str_eq(with_ann("{{x}}{{x}}", 1), "{{x}}{{x}}");
}
END_TEST

START_TEST(params_from_table)
{
    apr_table_t *t = apr_table_make(cc_test_pool, 4);
    cc_template_opts o;
    const char *pairs[] = {"over", "pair"};

    apr_table_set(t, "Name", "T1");
    apr_table_add(t, "name", "t2");
    apr_table_add(t, "k", "first");
    apr_table_add(t, "k", "second");
    apr_table_set(t, "over", "table");
    memset(&o, 0, sizeof(o));
    o.params = t;
    ck_assert_str_eq(render_ok(&o, "{{Name}}|{{name}}|{{NAME}}|{{k}}|{{over}}"),
                     "T1|t2||first|table");
    o.pairs = pairs;
    o.npairs = 1;
    ck_assert_str_eq(render_ok(&o, "{{over}}|{{k}}"), "pair|first");
}
END_TEST

START_TEST(unicode_passes_through)
{
    const char *pairs[] = {"w", "Zo\xc3\xab <\xc3\xbc> \xf0\x9f\x98\x80"};
    cc_template_opts o = opts_pairs(pairs, 1);

    ck_assert_str_eq(render_ok(&o, "Gr\xc3\xbc\xc3\x9f"
                                   "e {{w}} \xe2\x80\x94 \xe4\xb8\xad\xe6\x96"
                                   "\x87 {{{w}}}"),
                     "Gr\xc3\xbc\xc3\x9f"
                     "e Zo\xc3\xab &lt;\xc3\xbc&gt; \xf0\x9f\x98\x80 \xe2\x80\x94 \xe4\xb8\xad"
                     "\xe6\x96\x87 Zo\xc3\xab <\xc3\xbc> \xf0\x9f\x98\x80");
    /* Bytes that are not UTF-8 are not the renderer's business either. */
    ck_assert_str_eq(render_ok(&o, "\xff\xfe{\xc3{{x}}\x80"), "\xff\xfe{\xc3\x80");
}
END_TEST

START_TEST(inserted_values_are_not_expanded)
{
    static const cc_template secret = {"secret", NULL, "SECRET", NULL, NULL};
    lib l = {&secret, 1, 0};
    const char *pairs[] = {"v",     "{{other}}",
                           "other", "X",
                           "t",     "{{template:secret}}",
                           "tr",    "{{trans:hello}}",
                           "s",     "</script><script>alert(1)</script>"};
    cc_template_opts o = opts_pairs(pairs, 5);

    o.lookup = lib_lookup;
    o.lookup_baton = &l;
    o.trans = dict_trans;
    trans_calls = 0;
    ck_assert_str_eq(render_ok(&o, "{{v}}|{{{v}}}"), "{{other}}|{{other}}");
    ck_assert_str_eq(render_ok(&o, "{{t}}|{{{t}}}"), "{{template:secret}}|{{template:secret}}");
    ck_assert_str_eq(render_ok(&o, "{{{tr}}}"), "{{trans:hello}}");
    ck_assert_int_eq(l.calls, 0);
    ck_assert_int_eq(trans_calls, 0);
    ck_assert_str_eq(render_ok(&o, "<script>var s = '{{s}}';</script>"),
                     "<script>var s = '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;';"
                     "</script>");
    /* In a whole template, the js part too. */
    {
        cc_template in = {"page", "{{s}}", "<p>{{s}}</p>", "p{content:'{{s}}'}", "x='{{s}}';"};
        cc_template out;
        const char *errmsg = NULL;
        ck_assert_int_eq(cc_template_render(cc_test_pool, &in, &o, &out, &errmsg), APR_SUCCESS);
        ck_assert_ptr_null(strstr(out.head, "</script>"));
        ck_assert_ptr_null(strstr(out.html, "</script>"));
        ck_assert_ptr_null(strstr(out.css, "</script>"));
        ck_assert_ptr_null(strstr(out.js, "</script>"));
        ck_assert_ptr_nonnull(strstr(out.js, "&lt;/script&gt;"));
    }
}
END_TEST

static const cc_template box_lib[] = {
    {"box", NULL, "<p>{{name}}</p>", "b{c:1}", "go({{{n}}});"},
    {"bare", "<meta head-is-ignored>", "just {{name}}", "", NULL},
    {"page", NULL, "<main>{{template:header}}{{body}}</main>", NULL, NULL},
    {"header", NULL, "<h1>{{title}}</h1>{{template:logo}}", "h1{x:y}", NULL},
    {"logo", NULL, "<img alt=\"{{name}}\">", NULL, "logo()"},
    {"a", NULL, "A{{template:b}}", NULL, NULL},
    {"b", NULL, "B{{template:a}}", NULL, NULL},
    {"self", NULL, "S{{template:self}}", NULL, NULL},
    {"viaid", NULL, "I{{template:7}}", NULL, NULL},
    {"lost", NULL, "L{{template:nope}}", NULL, NULL},
    {"cssembed", NULL, "x", "{{template:bare}}", NULL},
};

static cc_template_opts opts_lib(lib *l, const char *const *pairs, apr_size_t npairs)
{
    cc_template_opts o = opts_pairs(pairs, npairs);

    l->tpl = box_lib;
    l->n = (int)(sizeof(box_lib) / sizeof(box_lib[0]));
    l->calls = 0;
    o.lookup = lib_lookup;
    o.lookup_baton = l;
    return o;
}

START_TEST(embed_template)
{
    lib l;
    cc_template_opts o = opts_lib(&l, ann, 2);

    ck_assert_str_eq(render_ok(&o, "[{{template:box}}]"),
                     "[<style>b{c:1}</style><p>Ann</p><script>go(1);</script>]");
    /* Empty css and js leave their tags out; the head is not used. */
    ck_assert_str_eq(render_ok(&o, "[{{template:bare}}]"), "[just Ann]");
    ck_assert_str_eq(render_ok(&o, "{{ template: box }}"),
                     "<style>b{c:1}</style><p>Ann</p><script>go(1);</script>");
    ck_assert_str_eq(render_ok(&o, "{{template:cssembed}}"), "<style>just Ann</style>x");
    /* Missing parameters inside follow the caller's rule. */
    o.pairs = NULL;
    o.npairs = 0;
    ck_assert_str_eq(render_ok(&o, "{{template:box}}"),
                     "<style>b{c:1}</style><p></p><script>go();</script>");
    o.keep_missing = 1;
    ck_assert_str_eq(render_ok(&o, "{{template:box}}"),
                     "<style>b{c:1}</style><p>{{name}}</p><script>go({{{n}}});</script>");
}
END_TEST

START_TEST(embed_options)
{
    lib l;
    cc_template_opts o = opts_lib(&l, ann, 2);

    ck_assert_str_eq(render_ok(&o, "{{template:box,html=false}}"),
                     "<style>b{c:1}</style><script>go(1);</script>");
    ck_assert_str_eq(render_ok(&o, "{{template:box,css=false}}"),
                     "<p>Ann</p><script>go(1);</script>");
    ck_assert_str_eq(render_ok(&o, "{{template:box,js=false}}"), "<style>b{c:1}</style><p>Ann</p>");
    ck_assert_str_eq(render_ok(&o, "{{template:box,css=false,js=false}}"), "<p>Ann</p>");
    ck_assert_str_eq(render_ok(&o, "[{{template:box,html=false,css=false,js=false}}]"), "[]");
    ck_assert_str_eq(render_ok(&o, "{{ template:box , css = FALSE ,js=F }}"), "<p>Ann</p>");
    ck_assert_str_eq(render_ok(&o, "{{template:box,css=0,js=0,html=True}}"), "<p>Ann</p>");
    ck_assert_str_eq(render_ok(&o, "{{template:box,css=t,js=1,html=TRUE}}"),
                     "<style>b{c:1}</style><p>Ann</p><script>go(1);</script>");
    /* The last of repeated options counts. */
    ck_assert_str_eq(render_ok(&o, "{{template:box,css=false,js=false,css=true}}"),
                     "<style>b{c:1}</style><p>Ann</p>");
}
END_TEST

START_TEST(embed_bad_options)
{
    lib l;
    cc_template_opts o = opts_lib(&l, ann, 2);
    const char *msg;

    msg = render_err(&o, "{{template:box,html=no}}", APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(msg, "{{template:box,html=no}}"));
    ck_assert_ptr_nonnull(strstr(msg, "bad option"));
    render_err(&o, "{{template:box,size=1}}", APR_EINVAL);
    render_err(&o, "{{template:box,HTML=false}}", APR_EINVAL);
    render_err(&o, "{{template:box html=false}}", APR_EINVAL);
    render_err(&o, "{{template:box,html}}", APR_EINVAL);
    render_err(&o, "{{template:box,html=}}", APR_EINVAL);
    render_err(&o, "{{template:box,}}", APR_EINVAL);
    render_err(&o, "{{template:box,,html=false}}", APR_EINVAL);
    render_err(&o, "{{template:box,html==false}}", APR_EINVAL);
    /* Characters an insert cannot hold make it text. */
    ck_assert_str_eq(render_ok(&o, "{{template:box,html=\"false\"}}"),
                     "{{template:box,html=\"false\"}}");
    ck_assert_str_eq(render_ok(&o, "{{template:}}"), "{{template:}}");
    ck_assert_str_eq(render_ok(&o, "{{{template:box}}}"),
                     "{<style>b{c:1}</style><p>Ann</p><script>go(1);</script>}");
    ck_assert_str_eq(render_ok(&o, "{{templates:box}}"), "{{templates:box}}");
    ck_assert_int_eq(l.calls, 1);
}
END_TEST

START_TEST(embed_nested)
{
    lib l;
    const char *pairs[] = {"name", "A&B", "title", "T<1>", "body", "text"};
    cc_template_opts o = opts_lib(&l, pairs, 3);

    ck_assert_str_eq(render_ok(&o, "{{template:page}}"),
                     "<main><style>h1{x:y}</style><h1>T&lt;1&gt;</h1><img "
                     "alt=\"A&amp;B\"><script>logo()</script>text</main>");
}
END_TEST

START_TEST(embed_cycles)
{
    lib l;
    cc_template_opts o = opts_lib(&l, ann, 2);
    const char *errmsg = NULL;
    cc_template out = {"untouched", NULL, NULL, NULL, NULL};

    ck_assert_str_eq(render_err(&o, "{{template:a}}", APR_EINVAL),
                     "templates embed each other in a cycle: a -> b -> a");
    ck_assert_str_eq(render_err(&o, "x{{template:self}}", APR_EINVAL),
                     "templates embed each other in a cycle: self -> self");
    ck_assert_str_eq(render_err(&o, "{{template:page}}{{template:b}}", APR_EINVAL),
                     "templates embed each other in a cycle: b -> a -> b");
    /* The top template of a whole render starts the chain. */
    ck_assert_int_eq(cc_template_render(cc_test_pool, &box_lib[5], &o, &out, &errmsg), APR_EINVAL);
    ck_assert_str_eq(errmsg, "templates embed each other in a cycle: a -> b -> a");
    ck_assert_str_eq(out.name, "untouched");
    /* A template reached by another name (an id) is still the same one. */
    {
        cc_template top = {"a", NULL, "{{template:7}}", NULL, NULL};
        ck_assert_int_eq(cc_template_render(cc_test_pool, &top, &o, &out, &errmsg), APR_EINVAL);
        ck_assert_str_eq(errmsg, "templates embed each other in a cycle: a -> a");
    }
    ck_assert_str_eq(render_err(&o, "{{template:viaid}}", APR_EINVAL),
                     "templates embed each other in a cycle: viaid -> a -> b -> a");
    /* The same template twice side by side is no cycle. */
    ck_assert_str_eq(render_ok(&o, "{{template:bare}}{{template:bare}}"), "just Annjust Ann");
}
END_TEST

/* count templates d0 .. d(count-1), each embedding the next. */
static cc_template_opts depth_chain(lib *l, int count)
{
    cc_template *t = apr_pcalloc(cc_test_pool, sizeof(*t) * (apr_size_t)count);
    cc_template_opts o = opts_pairs(NULL, 0);
    int i;

    for (i = 0; i < count; i++) {
        t[i].name = apr_psprintf(cc_test_pool, "d%d", i);
        t[i].html = i + 1 < count ? apr_psprintf(cc_test_pool, "%d{{template:d%d}}", i, i + 1)
                                  : apr_psprintf(cc_test_pool, "%d", i);
    }
    l->tpl = t;
    l->n = count;
    l->calls = 0;
    o.lookup = lib_lookup;
    o.lookup_baton = l;
    return o;
}

START_TEST(depth_limit)
{
    lib l;
    cc_template_opts o = depth_chain(&l, 10);
    const char *msg;

    /* {{template:d0}} nests 10 deep: the default allows 8. */
    msg = render_err(&o, "{{template:d0}}", APR_EINVAL);
    ck_assert_str_eq(msg, "templates are nested more than 8 deep: d0 -> d1 -> d2 -> d3 -> d4 -> d5 "
                          "-> d6 -> d7 -> d8");
    ck_assert_str_eq(render_ok(&o, "{{template:d2}}"), "23456789");
    o.max_depth = 9;
    render_err(&o, "{{template:d0}}", APR_EINVAL);
    o.max_depth = 10;
    ck_assert_str_eq(render_ok(&o, "{{template:d0}}"), "0123456789");
    o.max_depth = 1;
    ck_assert_str_eq(render_ok(&o, "{{template:d9}}"), "9");
    render_err(&o, "{{template:d8}}", APR_EINVAL);

    /* Larger values are clamped to CC_TEMPLATE_DEPTH_LIMIT. */
    o = depth_chain(&l, CC_TEMPLATE_DEPTH_LIMIT + 6);
    o.max_depth = 100000;
    msg = render_err(&o, "{{template:d0}}", APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(msg, "more than 64 deep"));
    ck_assert_ptr_nonnull(strstr(msg, "-> d64"));
    ck_assert_ptr_null(strstr(msg, "d65"));
    ck_assert_int_eq(CC_TEMPLATE_DEPTH_LIMIT, 64);
}
END_TEST

START_TEST(embed_failures)
{
    lib l;
    cc_template_opts o = opts_lib(&l, ann, 2);

    ck_assert_str_eq(render_err(&o, "{{template:nope}}", APR_NOTFOUND),
                     "template 'nope' not found");
    ck_assert_str_eq(render_err(&o, "{{template:lost}}", APR_NOTFOUND),
                     "template 'nope' not found (embedded in lost)");
    ck_assert_str_eq(render_err(&o, "{{template:broken}}", APR_EGENERAL),
                     "template 'broken' could not be read: database is locked");
    o.lookup = NULL;
    ck_assert_str_eq(render_err(&o, "ok {{template:box}}", APR_EINVAL),
                     "{{template:box}} cannot be shown here: no template lookup was given");
    ck_assert_str_eq(render_err(NULL, "{{template:box}}", APR_EINVAL),
                     "{{template:box}} cannot be shown here: no template lookup was given");
}
END_TEST

START_TEST(lookup_once_per_name)
{
    lib l;
    cc_template_opts o = opts_lib(&l, ann, 2);
    const char *text = "", *out;
    int i;

    for (i = 0; i < 100; i++)
        text = apr_pstrcat(cc_test_pool, text, "{{template:bare}}", NULL);
    out = render_ok(&o, text);
    ck_assert_uint_eq(strlen(out), 100 * strlen("just Ann"));
    ck_assert_int_eq(l.calls, 1);
    render_ok(&o, "{{template:page}}{{template:logo}}");
    ck_assert_int_eq(l.calls, 1 + 3);
}
END_TEST

START_TEST(translations)
{
    cc_template_opts o = opts_pairs(ann, 2);

    /* Without a dictionary, the key. */
    ck_assert_str_eq(render_ok(&o, "[{{trans:hello}}]"), "[hello]");
    o.trans = dict_trans;
    trans_calls = 0;
    ck_assert_str_eq(render_ok(&o, "[{{trans:hello}}]"), "[Hallo <b>Welt</b>]");
    ck_assert_str_eq(render_ok(&o, "[{{ trans: hello }}]"), "[Hallo <b>Welt</b>]");
    ck_assert_str_eq(render_ok(&o, "[{{trans:missing.key-1}}]"), "[missing.key-1]");
    ck_assert_str_eq(render_ok(&o, "[{{trans:nix.de}}]"), "[]");
    /* Translations are not scanned again. */
    ck_assert_str_eq(render_ok(&o, "{{trans:greet}}"), "Hi {{name}}");
    ck_assert_int_eq(trans_calls, 5);
    /* Malformed ones are text. */
    ck_assert_str_eq(render_ok(&o, "{{trans:}}|{{trans:a b}}|{{Trans:hello}}"),
                     "{{trans:}}|{{trans:a b}}|{{Trans:hello}}");
    ck_assert_int_eq(trans_calls, 5);
    /* Missing keys are not "missing inserts": kept in both modes. */
    o.keep_missing = 1;
    ck_assert_str_eq(render_ok(&o, "{{trans:zzz}}"), "zzz");
}
END_TEST

START_TEST(empty_template)
{
    cc_template in = {NULL, NULL, NULL, NULL, NULL};
    cc_template out;
    const char *errmsg = NULL;

    ck_assert_str_eq(render_ok(NULL, ""), "");
    ck_assert_str_eq(render_ok(NULL, NULL), "");
    ck_assert_int_eq(cc_template_render(cc_test_pool, &in, NULL, &out, &errmsg), APR_SUCCESS);
    ck_assert_ptr_null(out.name);
    ck_assert_str_eq(out.head, "");
    ck_assert_str_eq(out.html, "");
    ck_assert_str_eq(out.css, "");
    ck_assert_str_eq(out.js, "");
}
END_TEST

START_TEST(whole_template)
{
    lib l;
    const char *pairs[] = {"t", "T&T", "name", "Ann", "color", "red"};
    cc_template_opts o = opts_lib(&l, pairs, 3);
    cc_template in = {"item", "<title>{{t}}</title>", "<div>{{template:bare}}</div>",
                      ".x{color:{{color}}}", "var n = \"{{name}}\";{{gone}}"};
    cc_template out;
    const char *errmsg = NULL;

    ck_assert_int_eq(cc_template_render(cc_test_pool, &in, &o, &out, &errmsg), APR_SUCCESS);
    ck_assert_str_eq(out.name, "item");
    ck_assert_str_eq(out.head, "<title>T&amp;T</title>");
    ck_assert_str_eq(out.html, "<div>just Ann</div>");
    ck_assert_str_eq(out.css, ".x{color:red}");
    ck_assert_str_eq(out.js, "var n = \"Ann\";");
}
END_TEST

START_TEST(size_limit)
{
    const char *pairs[] = {"v", "<<<"};
    cc_template_opts o = opts_pairs(pairs, 1);
    const char *msg, *errmsg = NULL;
    cc_template in = {"two", "123456", "abcdef", NULL, NULL};
    cc_template out = {"untouched", NULL, NULL, NULL, NULL};
    char *big;

    o.max_output = 10;
    ck_assert_str_eq(render_ok(&o, "0123456789"), "0123456789");
    msg = render_err(&o, "0123456789a", APR_ENOSPC);
    ck_assert_str_eq(msg, "the rendered template is larger than the limit of 10 bytes");
    /* Escaping counts: 3 bytes raw, 12 escaped. */
    ck_assert_str_eq(render_ok(&o, "{{{v}}}"), "<<<");
    render_err(&o, "{{v}}", APR_ENOSPC);
    /* The limit covers the parts together, and names the template. */
    ck_assert_int_eq(cc_template_render(cc_test_pool, &in, &o, &out, &errmsg), APR_ENOSPC);
    ck_assert_str_eq(errmsg, "the rendered template (two) is larger than the limit of 10 bytes");
    ck_assert_str_eq(out.name, "untouched");
    o.max_output = 12;
    ck_assert_int_eq(cc_template_render(cc_test_pool, &in, &o, &out, &errmsg), APR_SUCCESS);
    ck_assert_str_eq(out.html, "abcdef");

    /* The default is 4 MiB. */
    big = apr_palloc(cc_test_pool, CC_TEMPLATE_MAX_OUTPUT + 2);
    memset(big, 'x', CC_TEMPLATE_MAX_OUTPUT + 1);
    big[CC_TEMPLATE_MAX_OUTPUT + 1] = '\0';
    msg = render_err(NULL, big, APR_ENOSPC);
    ck_assert_ptr_nonnull(strstr(msg, "4194304 bytes"));
    big[CC_TEMPLATE_MAX_OUTPUT] = '\0';
    ck_assert_uint_eq(strlen(render_ok(NULL, big)), CC_TEMPLATE_MAX_OUTPUT);
    /* A parameter that would blow it up. */
    {
        const char *bp[] = {"b", big};
        cc_template_opts ob = opts_pairs(bp, 1);
        msg = render_err(&ob, "{{{b}}}{{{b}}}", APR_ENOSPC);
        ck_assert_ptr_nonnull(strstr(msg, "limit"));
    }
    /* Within an embedded template, the chain is named. */
    {
        lib l;
        cc_template_opts ol = opts_lib(&l, ann, 2);
        ol.max_output = 20;
        ck_assert_str_eq(render_err(&ol, "{{template:page}}", APR_ENOSPC),
                         "the rendered template (page -> header) is larger than the limit of 20 "
                         "bytes");
    }
}
END_TEST

/* Sanitizer builds are several times slower. */
#if defined(__SANITIZE_ADDRESS__)
#define PERF_LIMIT_US 1000000
#else
#define PERF_LIMIT_US 100000
#endif

START_TEST(large_template_is_fast)
{
    const char **pairs = apr_palloc(cc_test_pool, sizeof(char *) * 200);
    char *text = apr_palloc(cc_test_pool, 1100000), *t = text;
    apr_size_t expected = 0;
    cc_template_opts o;
    const char *out;
    apr_time_t start, took;
    int i;

    for (i = 0; i < 100; i++) {
        pairs[2 * i] = apr_psprintf(cc_test_pool, "param_%d", i);
        pairs[2 * i + 1] = apr_psprintf(cc_test_pool, "value <%d>", i);
    }
    o = opts_pairs(pairs, 100);
    /* 10,000 inserts, each after 100 bytes of markup: about 1 MB. */
    for (i = 0; i < 10000; i++) {
        int n = sprintf(t, "<div class=\"row\">%070d</div>{%s", i, i % 2 ? "{param_" : "{{param_");
        t += n;
        n = sprintf(t, "%d}}%s", i % 100, i % 2 ? "" : "}");
        t += n;
        expected += strlen("<div class=\"row\"></div>") + 70 +
                    (i % 2 ? strlen(pairs[2 * (i % 100) + 1]) + 6 /* < > escaped */
                           : strlen(pairs[2 * (i % 100) + 1]));
    }
    *t = '\0';
    ck_assert_uint_ge(strlen(text), 1000000);
    start = apr_time_now();
    out = render_ok(&o, text);
    took = apr_time_now() - start;
    ck_assert_uint_eq(strlen(out), expected);
    ck_assert_msg(took < PERF_LIMIT_US, "1 MB with 10,000 inserts took %ld us", (long)took);

    /* Pathological inputs stay linear: 1 MB of braces, of unclosed inserts. */
    memset(text, '{', 1000000);
    text[1000000] = '\0';
    start = apr_time_now();
    ck_assert_uint_eq(strlen(render_ok(&o, text)), 1000000);
    for (i = 0; i + 8 < 1000000; i += 8)
        memcpy(text + i, "{{{ab  :", 8);
    ck_assert_uint_eq(strlen(render_ok(&o, text)), 1000000);
    for (i = 0; i < 1000000; i++)
        text[i] = i < 2 ? '{' : 'a';
    ck_assert_uint_eq(strlen(render_ok(&o, text)), 1000000);
    memcpy(text, "{{template:x", 12);
    for (i = 12; i < 1000000; i++)
        text[i] = i % 2 ? ',' : '=';
    ck_assert_uint_eq(strlen(render_ok(&o, text)), 1000000);
    took = apr_time_now() - start;
    ck_assert_msg(took < 2 * PERF_LIMIT_US, "pathological inputs took %ld us", (long)took);
}
END_TEST

START_TEST(html_escape_function)
{
    ck_assert_str_eq(cc_html_escape(cc_test_pool, "a&b<c>d\"e'f"),
                     "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    ck_assert_str_eq(cc_html_escape(cc_test_pool, ""), "");
    ck_assert_str_eq(cc_html_escape(cc_test_pool, NULL), "");
    ck_assert_str_eq(cc_html_escape(cc_test_pool, "plain \xc3\xa4 {{x}}"), "plain \xc3\xa4 {{x}}");
    ck_assert_str_eq(cc_html_escape(cc_test_pool, "&&"), "&amp;&amp;");
}
END_TEST

START_TEST(json_escape_function)
{
    ck_assert_str_eq(cc_json_escape(cc_test_pool, "plain"), "plain");
    ck_assert_str_eq(cc_json_escape(cc_test_pool, NULL), "");
    ck_assert_str_eq(cc_json_escape(cc_test_pool, "\"\\/"), "\\\"\\\\/");
    ck_assert_str_eq(cc_json_escape(cc_test_pool, "a\nb\rc\td\x01\x1f\b\x7f"),
                     "a\\nb\\rc\\td\\u0001\\u001f\\u0008\x7f");
    ck_assert_str_eq(cc_json_escape(cc_test_pool, "</script>&'"),
                     "\\u003c/script\\u003e\\u0026\\u0027");
    /* UTF-8 passes, U+2028/2029 are escaped, broken sequences replaced. */
    ck_assert_str_eq(cc_json_escape(cc_test_pool, "\xc3\xa4\xe4\xb8\xad\xf0\x9f\x98\x80"),
                     "\xc3\xa4\xe4\xb8\xad\xf0\x9f\x98\x80");
    ck_assert_str_eq(cc_json_escape(cc_test_pool, "a\xe2\x80\xa8"
                                                  "b\xe2\x80\xa9"),
                     "a\\u2028b\\u2029");
    ck_assert_str_eq(cc_json_escape(cc_test_pool, "\xff"), "\\ufffd");
    ck_assert_str_eq(cc_json_escape(cc_test_pool, "\xc3"), "\\ufffd");
    ck_assert_str_eq(cc_json_escape(cc_test_pool, "\xc0\xaf"), "\\ufffd\\ufffd");
    ck_assert_str_eq(cc_json_escape(cc_test_pool, "\xed\xa0\x80"), "\\ufffd\\ufffd\\ufffd");
    ck_assert_str_eq(cc_json_escape(cc_test_pool, "\xe4\xb8x"), "\\ufffd\\ufffdx");
    ck_assert_str_eq(cc_json_escape(cc_test_pool, "\xf4\x90\x80\x80"),
                     "\\ufffd\\ufffd\\ufffd\\ufffd");
}
END_TEST

TCase *tcase_core_template(void)
{
    TCase *tc = cc_test_tcase("core/template");

    tcase_add_test(tc, param_inserted_escaped);
    tcase_add_test(tc, each_special_character_escaped);
    tcase_add_test(tc, raw_insert);
    tcase_add_test(tc, blanks_inside_braces);
    tcase_add_test(tc, name_characters);
    tcase_add_test(tc, malformed_braces_are_text);
    tcase_add_test(tc, missing_removed_by_default);
    tcase_add_test(tc, missing_kept_when_asked);
    tcase_add_test(tc, params_from_table);
    tcase_add_test(tc, unicode_passes_through);
    tcase_add_test(tc, inserted_values_are_not_expanded);
    tcase_add_test(tc, embed_template);
    tcase_add_test(tc, embed_options);
    tcase_add_test(tc, embed_bad_options);
    tcase_add_test(tc, embed_nested);
    tcase_add_test(tc, embed_cycles);
    tcase_add_test(tc, depth_limit);
    tcase_add_test(tc, embed_failures);
    tcase_add_test(tc, lookup_once_per_name);
    tcase_add_test(tc, translations);
    tcase_add_test(tc, empty_template);
    tcase_add_test(tc, whole_template);
    tcase_add_test(tc, size_limit);
    tcase_add_test(tc, large_template_is_fast);
    tcase_add_test(tc, html_escape_function);
    tcase_add_test(tc, json_escape_function);
    return tc;
}
