/* runner/view: the participant's pages from templates, without a database. */
#include "check_concerto.h"

#include "runner/view.h"

#include <apr_hash.h>
#include <apr_strings.h>
#include <math.h>
#include <string.h>

static apr_hash_t *library;

static apr_status_t lookup(void *baton, apr_pool_t *pool, const char *name, const cc_template **tpl,
                           const char **errmsg)
{
    (void)baton;
    (void)pool;
    (void)errmsg;
    *tpl = apr_hash_get(library, name, APR_HASH_KEY_STRING);
    return *tpl ? APR_SUCCESS : APR_NOTFOUND;
}

static void put(const char *name, const char *html, const char *css)
{
    cc_template *tpl = apr_pcalloc(cc_test_pool, sizeof(*tpl));

    tpl->name = name;
    tpl->html = html;
    tpl->css = css;
    apr_hash_set(library, name, APR_HASH_KEY_STRING, tpl);
}

/* Small templates with every insert, so that each value can be checked. */
static const cc_view_source *small_library(void)
{
    static cc_view_source src = {lookup, NULL};

    library = apr_hash_make(cc_test_pool);
    put("cc-start", "<h1>{{title}}</h1>{{{instructions}}}<b>{{startButtonLabel}}</b>", "S{}");
    put("cc-item-page",
        "[{{title}}|{{progressText}}|{{progressValue}}/{{progressMax}}|{{alert}}|{{{items}}}|"
        "{{{backButton}}}|{{nextButtonLabel}}]",
        "P{}");
    put("cc-item", "<q{{itemId}} n={{optionCount}}>{{{question}}}:{{{options}}}</q>", NULL);
    put("cc-option", "({{value}}={{{label}}} {{checked}})", NULL);
    put("cc-back-button", "<back>{{backButtonLabel}}</back>", NULL);
    put("cc-results",
        "{{resultsTitle}};{{theta}};{{sem}};{{totalScore}}/{{maxScore}};{{itemsAdministered}};"
        "{{stopReasonText}};{{{traitTable}}};{{{plotSvg}}}",
        "R{}");
    put("cc-trait-table", "<t>{{{rows}}}</t>", NULL);
    put("cc-trait-row", "<r>{{trait}} {{theta}} {{score}}/{{maxScore}}</r>", NULL);
    return &src;
}

static json_object *settings_of(const char *json)
{
    json_object *settings = json_tokener_parse(json);

    ck_assert_ptr_nonnull(settings);
    return settings;
}

START_TEST(start_page)
{
    const cc_view_source *src = small_library();
    json_object *settings = settings_of("{\"title\":\"A & B\",\"instructions\":\"<p>go</p>\"}");
    cc_template out;
    const char *errmsg = NULL;

    ck_assert_int_eq(cc_view_intro(cc_test_pool, settings, src, &out, &errmsg), APR_SUCCESS);
    ck_assert_str_eq(out.html, "<h1>A &amp; B</h1><p>go</p><b>Start</b>");
    ck_assert_str_eq(out.css, "S{}");
    /* A template the settings name but nobody wrote: the error says which. */
    json_object_object_add(settings, "startTemplate", json_object_new_string("mine"));
    ck_assert_int_eq(cc_view_intro(cc_test_pool, settings, src, &out, &errmsg), APR_NOTFOUND);
    ck_assert_str_eq(errmsg, "the template \"mine\" (setting startTemplate) does not exist");
    json_object_put(settings);
}
END_TEST

static const char *two_items =
    "[{\"id\":7,\"question\":\"<i>Q7</i>\",\"responseOptions\":{\"options\":["
    "{\"label\":\"yes\",\"value\":\"1\"},{\"label\":\"no\",\"value\":\"0\"}]}},"
    "{\"id\":8,\"question\":\"Q8\",\"responseOptions\":{\"options\":["
    "{\"label\":\"<b>a</b>\",\"value\":\"a\"}]}}]";

START_TEST(item_pages)
{
    const cc_view_source *src = small_library();
    json_object *settings = settings_of("{\"title\":\"T\",\"lastPageButtonLabel\":\"Finish\"}");
    const char *values[] = {"0", NULL};
    cc_assess_page page;
    cc_template out;
    const char *errmsg = NULL;

    memset(&page, 0, sizeof(page));
    page.items_json = two_items;
    page.values = values;
    page.n_items = 2;
    page.linear = 1;
    page.page = 2;
    page.n_pages = 2;
    page.can_go_back = 1;
    ck_assert_int_eq(
        cc_view_page(cc_test_pool, settings, &page, "Answer <all>", src, &out, &errmsg),
        APR_SUCCESS);
    ck_assert_str_eq(out.html, "[T|Page 2 of 2|1/2|Answer &lt;all&gt;|"
                               "<q7 n=2><i>Q7</i>:(1=yes )\n(0=no checked)</q>\n"
                               "<q8 n=1>Q8:(a=<b>a</b> )</q>|<back>Back</back>|Finish]");
    ck_assert_str_eq(out.css, "P{}");
    /* An adaptive test: progress by questions, no back button, no page info
     * when showPageInfo is off. */
    page.linear = 0;
    page.can_go_back = 0;
    page.answered = 4;
    page.max_items = 25;
    page.n_items = 1;
    page.items_json = "[{\"id\":9,\"question\":\"Q9\",\"responseOptions\":{\"options\":[]}}]";
    ck_assert_int_eq(cc_view_page(cc_test_pool, settings, &page, NULL, src, &out, &errmsg),
                     APR_SUCCESS);
    ck_assert_str_eq(out.html, "[T|Question 5 (at most 25)|4/25||<q9 n=0>Q9:</q>||Next]");
    json_object_object_add(settings, "showPageInfo", json_object_new_string("0"));
    ck_assert_int_eq(cc_view_page(cc_test_pool, settings, &page, NULL, src, &out, &errmsg),
                     APR_SUCCESS);
    ck_assert_str_eq(out.html, "[T||4/25||<q9 n=0>Q9:</q>||Next]");
    json_object_put(settings);
}
END_TEST

/* optionsRandomOrder: a fixed order per session and item, every option
 * once, pinned options (fixedIndex) in place. */
START_TEST(options_in_random_order)
{
    const cc_view_source *src = small_library();
    json_object *settings = settings_of("{}");
    const char *values[] = {NULL};
    cc_assess_page page;
    cc_template out;
    const char *errmsg = NULL, *first = NULL;
    int seed, moved = 0;

    put("cc-item-page", "{{{items}}}", NULL);
    put("cc-item", "{{{options}}}", NULL);
    put("cc-option", "{{value}}", NULL);
    memset(&page, 0, sizeof(page));
    page.items_json = "[{\"id\":5,\"responseOptions\":{\"optionsRandomOrder\":\"1\","
                      "\"options\":[{\"value\":\"a\",\"fixedIndex\":\"1\"},{\"value\":\"b\"},"
                      "{\"value\":\"c\"},{\"value\":\"d\"},{\"value\":\"e\"}]}}]";
    page.values = values;
    page.n_items = 1;
    for (seed = 1; seed <= 20; seed++) {
        page.seed = (unsigned long long)seed;
        ck_assert_int_eq(cc_view_page(cc_test_pool, settings, &page, NULL, src, &out, &errmsg),
                         APR_SUCCESS);
        ck_assert_int_eq((int)strlen(out.html), 9);
        ck_assert(out.html[0] == 'a');
        ck_assert(strchr(out.html, 'b') && strchr(out.html, 'c') && strchr(out.html, 'd') &&
                  strchr(out.html, 'e'));
        moved += strcmp(out.html, "a\nb\nc\nd\ne") != 0;
        if (seed == 7)
            first = apr_pstrdup(cc_test_pool, out.html);
    }
    ck_assert_int_gt(moved, 10);
    page.seed = 7;
    ck_assert_int_eq(cc_view_page(cc_test_pool, settings, &page, NULL, src, &out, &errmsg),
                     APR_SUCCESS);
    ck_assert_str_eq(out.html, first);
    json_object_put(settings);
}
END_TEST

START_TEST(results_page)
{
    const cc_view_source *src = small_library();
    json_object *settings = settings_of("{}");
    double theta[] = {0.3, -1.234}, sem[] = {0.9, 0.5}, score[] = {1, 0};
    cc_assess_trait traits[] = {{"numeracy", 0.5, 0.6, 1, 1, 1}, {"vocabulary", -2, 0.7, 0, 1, 1}};
    cc_assess_page page;
    cc_template out;
    const char *errmsg = NULL;

    memset(&page, 0, sizeof(page));
    page.finished = 1;
    page.stop_reason = "minAccuracy";
    page.theta = -1.234;
    page.sem = 0.5;
    page.total_score = 1;
    page.max_score = 2;
    page.answered = 2;
    page.theta_history = theta;
    page.sem_history = sem;
    page.score_history = score;
    page.n_history = 2;
    page.traits = traits;
    page.n_traits = 2;
    ck_assert_int_eq(cc_view_page(cc_test_pool, settings, &page, NULL, src, &out, &errmsg),
                     APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(out.html, "Your results;\xe2\x88\x92"
                                           "1.23;0.50;1/2;2;"
                                           "The test ended as soon as your result was precise "
                                           "enough.;<t><r>Numeracy 0.50 1/1</r>\n"
                                           "<r>Vocabulary \xe2\x88\x92"
                                           "2.00 0/1</r></t>;<svg"));
    ck_assert_str_eq(out.css, "R{}");
    /* One trait: no table. */
    page.n_traits = 0;
    ck_assert_int_eq(cc_view_page(cc_test_pool, settings, &page, NULL, src, &out, &errmsg),
                     APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(out.html, "enough.;;<svg"));
    json_object_put(settings);
}
END_TEST

TCase *tcase_runner_view(void)
{
    TCase *tc = cc_test_tcase("runner/view");

    tcase_add_test(tc, start_page);
    tcase_add_test(tc, item_pages);
    tcase_add_test(tc, options_in_random_order);
    tcase_add_test(tc, results_page);
    return tc;
}
