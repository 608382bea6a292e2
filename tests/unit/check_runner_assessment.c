/* runner/assessment: the native adaptive test, without HTTP or storage. */
#include "check_concerto.h"

#include "runner/assessment.h"
#include "store/datatable.h"

#include <json.h>
#include <apr_file_io.h>

#include <apr_strings.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1800000000L
#define OPTIONS_3PL                                                                                \
    "{\"type\":\"options\",\"options\":[{\"label\":\"A\",\"value\":\"1\"},{\"label\":\"B\","       \
    "\"value\":\"2\"},{\"label\":\"C\",\"value\":\"3\"},{\"label\":\"D\",\"value\":\"4\"}],"       \
    "\"scoreMap\":[{\"value\":\"1\",\"score\":1,\"trait\":\"\"}],\"defaultScore\":0}"
#define OPTIONS_LIKERT                                                                             \
    "{\"type\":\"options\",\"options\":[{\"label\":\"no\",\"value\":\"a\"},{\"label\":\"rather "   \
    "no\",\"value\":\"b\"},{\"label\":\"rather yes\",\"value\":\"c\"},{\"label\":\"yes\","         \
    "\"value\":\"d\"}],\"scoreMap\":[{\"value\":\"a\",\"score\":0},{\"value\":\"b\",\"score\":1}," \
    "{\"value\":\"c\",\"score\":2},{\"value\":\"d\",\"score\":3}]}"

/* n 3PL items (ids 101..), difficulties spread over -2..2, traits
 * alternating "num" and "voc". */
static cc_assess_item_row *rows_3pl(int n)
{
    cc_assess_item_row *rows = apr_pcalloc(cc_test_pool, sizeof(*rows) * (size_t)n);
    int i;

    for (i = 0; i < n; i++) {
        rows[i].id = apr_itoa(cc_test_pool, 101 + i);
        rows[i].trait = i % 2 ? "voc" : "num";
        rows[i].question = apr_psprintf(cc_test_pool, "Question %d?", i + 1);
        rows[i].response_options = OPTIONS_3PL;
        rows[i].p[0] = apr_psprintf(cc_test_pool, "%.3f", 0.8 + 0.05 * (i % 9));
        rows[i].p[1] = apr_psprintf(cc_test_pool, "%.3f", -2 + 4.0 * i / (n - 1));
        rows[i].p[2] = "0.2";
        rows[i].p[3] = NULL; /* 1 */
        rows[i].n_p = 4;
        rows[i].skippable = i == 0 ? "1" : "0";
    }
    return rows;
}

static cc_assessment *create(const char *settings, const cc_assess_item_row *rows, int n)
{
    const char *errmsg = NULL;
    cc_assessment *a = cc_assess_create(cc_test_pool, settings, rows, n, &errmsg);

    ck_assert_msg(a != NULL, "%s", errmsg);
    return a;
}

static const char *refused(const char *settings, const cc_assess_item_row *rows, int n)
{
    const char *errmsg = NULL;

    ck_assert_ptr_null(cc_assess_create(cc_test_pool, settings, rows, n, &errmsg));
    ck_assert_ptr_nonnull(errmsg);
    return errmsg;
}

/* The id of the only item of a page: "[{"id":123,...". */
static long page_item(const cc_assess_page *page)
{
    const char *at = strstr(page->items_json, "\"id\":");

    ck_assert_ptr_nonnull(at);
    return strtol(at + 5, NULL, 10);
}

static apr_status_t answer(const cc_assessment *a, const char **state, long item, const char *value,
                           long now, cc_assess_page *page, apr_array_header_t **responses,
                           const char **errmsg)
{
    apr_table_t *values = apr_table_make(cc_test_pool, 4);
    const char *next = NULL;
    apr_status_t rv;

    if (value)
        apr_table_set(values, apr_psprintf(cc_test_pool, "r%ld", item), value);
    apr_table_set(values, "buttonPressed", "next");
    rv = cc_assess_submit(a, cc_test_pool, *state, values, now, &next, responses, page, errmsg);
    if (rv == APR_SUCCESS)
        *state = next;
    return rv;
}

START_TEST(cat_runs_to_its_length)
{
    cc_assessment *a =
        create("{\"itemNumLimit\":\"5\",\"scoringMethod\":\"EAP\"}", rows_3pl(40), 40);
    const char *state = NULL, *errmsg = NULL;
    cc_assess_page page;
    apr_array_header_t *responses = NULL;
    long seen[5];
    int k;

    ck_assert_int_eq(cc_assess_item_count(a), 40);
    ck_assert_int_eq(cc_assess_start(a, cc_test_pool, NOW, 7, &state, &page, &errmsg), APR_SUCCESS);
    ck_assert(!page.finished);
    ck_assert_int_eq(page.answered, 0);
    ck_assert_int_eq(page.max_items, 5);
    /* The client copy has the options but not the scoring. */
    ck_assert_ptr_nonnull(strstr(page.items_json, "\"options\""));
    ck_assert_ptr_null(strstr(page.items_json, "scoreMap"));
    ck_assert_ptr_null(strstr(page.items_json, "defaultScore"));
    for (k = 0; k < 5; k++) {
        seen[k] = page_item(&page);
        ck_assert_int_eq(
            answer(a, &state, seen[k], "1", NOW + 10 * (k + 1), &page, &responses, &errmsg),
            APR_SUCCESS);
        ck_assert_int_eq(responses->nelts, 1);
        {
            cc_assess_response *r = &APR_ARRAY_IDX(responses, 0, cc_assess_response);
            ck_assert_int_eq((int)r->item_id, (int)seen[k]);
            ck_assert_str_eq(r->response, "1");
            ck_assert(r->score == 1);
            ck_assert(isfinite(r->theta) && isfinite(r->sem) && r->sem > 0);
            ck_assert(r->time_taken == 10);
        }
    }
    ck_assert(page.finished);
    ck_assert_str_eq(page.stop_reason, "maxItems");
    ck_assert_int_eq(page.answered, 5);
    ck_assert_int_eq(page.n_history, 5);
    /* All correct: the estimate climbs, and the items differ. */
    ck_assert(page.theta_history[4] > page.theta_history[0]);
    ck_assert(page.total_score == 5);
    for (k = 1; k < 5; k++)
        ck_assert(seen[k] != seen[0]);
    ck_assert_int_eq(answer(a, &state, seen[4], "1", NOW + 60, &page, &responses, &errmsg),
                     APR_EGENERAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "finished"));
}
END_TEST

/* Any child resumes from the stored state: the same answers give the same
 * items, and reading the state back shows the same page. */
START_TEST(cat_resumes_from_state)
{
    cc_assess_item_row *rows = rows_3pl(40);
    cc_assessment *a = create("{\"itemNumLimit\":6,\"nextItemRandomesque\":3}", rows, 40);
    cc_assessment *b = create("{\"itemNumLimit\":6,\"nextItemRandomesque\":3}", rows, 40);
    const char *state = NULL, *errmsg = NULL;
    cc_assess_page pa, pb, pc;
    apr_array_header_t *responses;
    int k;

    ck_assert_int_eq(cc_assess_start(a, cc_test_pool, NOW, 99, &state, &pa, &errmsg), APR_SUCCESS);
    for (k = 0; k < 6; k++) {
        const char *value = k % 2 ? "2" : "1", *sa = state, *sb = state;
        long item = page_item(&pa);
        /* Two children answer the same stored state: the same next state. */
        ck_assert_int_eq(answer(a, &sa, item, value, NOW + k, &pa, &responses, &errmsg),
                         APR_SUCCESS);
        ck_assert_int_eq(answer(b, &sb, item, value, NOW + k, &pb, &responses, &errmsg),
                         APR_SUCCESS);
        ck_assert_str_eq(sa, sb);
        ck_assert_str_eq(pa.items_json, pb.items_json);
        /* And reading it back shows the same page. */
        ck_assert_int_eq(cc_assess_current(b, cc_test_pool, sa, NOW + k, &pc, &errmsg),
                         APR_SUCCESS);
        ck_assert_str_eq(pc.items_json, pa.items_json);
        ck_assert(pc.theta == pa.theta);
        state = (k % 2) ? sb : sa;
    }
    ck_assert(pa.finished);
    /* A bank that lost the answered items cannot continue the session. */
    for (k = 0; k < 20; k++)
        rows[k].id = apr_itoa(cc_test_pool, 900 + k);
    ck_assert_int_eq(
        cc_assess_current(create("{}", rows, 20), cc_test_pool, state, NOW, &pc, &errmsg),
        APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "changed"));
}
END_TEST

#define EXPOSURE_SETTINGS                                                                          \
    "{\"itemNumLimit\":5,\"exposureMaxItems\":2,\"exposureMinSessions\":10,"                       \
    "\"exposureLimit\":0.5}"

/* The first item a new session of a gets, with the given exposure counts
 * (item ids and session counts, out of sessions). */
static long first_pick(const cc_assessment *a, long sessions, const long *ids, const long *counts,
                       int n)
{
    const char *state = NULL, *errmsg = NULL;
    cc_assess_page page;

    const cc_assessment *with = cc_assess_with_exposure(a, cc_test_pool, sessions, ids, counts, n);

    ck_assert_int_eq(cc_assess_start(with, cc_test_pool, NOW, 5, &state, &page, &errmsg),
                     APR_SUCCESS);
    ck_assert(!page.finished);
    return page_item(&page);
}

/* Exposure control: items given in too many sessions are left out of a
 * new pick, the most exposed first, up to exposureMaxItems of them. */
START_TEST(exposure_leaves_out_overexposed_items)
{
    cc_assess_item_row *rows = rows_3pl(40);
    cc_assessment *a = create(EXPOSURE_SETTINGS, rows, 40);
    long ids[3], counts[3] = {10, 8, 6};

    ck_assert(cc_assess_wants_exposure(a));
    ck_assert(!cc_assess_wants_exposure(create("{\"itemNumLimit\":5}", rows, 40)));
    ck_assert(!cc_assess_wants_exposure(
        create("{\"order\":\"manual\",\"exposureMaxItems\":2}", rows, 40)));
    ids[0] = first_pick(a, 0, NULL, NULL, 0);
    /* the best item, given in 9 of 10 sessions: the next best instead */
    ids[1] = first_pick(a, 10, ids, (long[]){9}, 1);
    ck_assert_int_ne(ids[1], ids[0]);
    /* below exposureMinSessions nothing is left out */
    ck_assert_int_eq(first_pick(a, 9, ids, (long[]){9}, 1), ids[0]);
    /* below exposureLimit neither */
    ck_assert_int_eq(first_pick(a, 10, ids, (long[]){4}, 1), ids[0]);
    ids[2] = first_pick(a, 10, ids, (long[]){10, 9}, 2);
    ck_assert(ids[2] != ids[0] && ids[2] != ids[1]);
    /* three over the limit, two may go: the two most exposed do */
    ck_assert_int_eq(first_pick(a, 10, ids, counts, 3), ids[2]);
    counts[0] = 6;
    counts[2] = 10;
    ck_assert_int_eq(first_pick(a, 10, ids, counts, 3), ids[0]);
    /* ... and when every item left is over the limit, none is left out */
    ck_assert_int_eq(first_pick(create("{\"exposureMaxItems\":5,\"exposureLimit\":0.5}", rows, 2),
                                4, (long[]){101, 102}, (long[]){4, 4}, 2),
                     first_pick(create("{}", rows, 2), 0, NULL, NULL, 0));
}
END_TEST

/* The replay of a session's answers ignores exposure: an item answered
 * before it became overexposed is still this session's answer. */
START_TEST(exposure_does_not_touch_the_replay)
{
    cc_assess_item_row *rows = rows_3pl(40);
    cc_assessment *plain = create(EXPOSURE_SETTINGS, rows, 40);
    const cc_assessment *exposed = create(EXPOSURE_SETTINGS, rows, 40);
    const char *state = NULL, *errmsg = NULL, *s_plain, *s_exposed;
    cc_assess_page page, p_plain, p_exposed;
    apr_array_header_t *responses;
    long first, second, counts[2] = {10, 10}, ids[2];

    ck_assert_int_eq(cc_assess_start(plain, cc_test_pool, NOW, 3, &state, &page, &errmsg),
                     APR_SUCCESS);
    first = page_item(&page);
    s_plain = s_exposed = state;
    ck_assert_int_eq(answer(plain, &s_plain, first, "1", NOW + 5, &p_plain, &responses, &errmsg),
                     APR_SUCCESS);
    second = page_item(&p_plain);
    /* Now the first item and the one plain would give next are overexposed. */
    ids[0] = first;
    ids[1] = second;
    exposed = cc_assess_with_exposure(exposed, cc_test_pool, 10, ids, counts, 2);
    ck_assert_msg(answer(exposed, &s_exposed, first, "1", NOW + 5, &p_exposed, &responses,
                         &errmsg) == APR_SUCCESS,
                  "%s", errmsg);
    ck_assert_int_eq(responses->nelts, 1);
    ck_assert_int_eq((int)APR_ARRAY_IDX(responses, 0, cc_assess_response).item_id, (int)first);
    ck_assert(p_exposed.theta == p_plain.theta);
    ck_assert_int_ne(page_item(&p_exposed), second);
    /* The stored item of the page stays when resumed, whatever the counts. */
    ck_assert_int_eq(cc_assess_current(plain, cc_test_pool, s_exposed, NOW + 6, &page, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(page_item(&page), page_item(&p_exposed));
    ck_assert_int_eq(
        answer(plain, &s_exposed, page_item(&page), "2", NOW + 7, &page, &responses, &errmsg),
        APR_SUCCESS);
    ck_assert_int_eq(page.answered, 2);
}
END_TEST

START_TEST(cat_stops_on_precision)
{
    cc_assessment *a = create("{\"itemNumLimit\":40,\"minAccuracy\":0.6,\"minAccuracyMinItems\":4,"
                              "\"scoringMethod\":\"BM\"}",
                              rows_3pl(40), 40);
    const char *state = NULL, *errmsg = NULL;
    cc_assess_page page;
    apr_array_header_t *responses;
    int k = 0;

    ck_assert_int_eq(cc_assess_start(a, cc_test_pool, NOW, 1, &state, &page, &errmsg), APR_SUCCESS);
    while (!page.finished && k++ < 40)
        ck_assert_int_eq(
            answer(a, &state, page_item(&page), k % 3 ? "1" : "3", NOW, &page, &responses, &errmsg),
            APR_SUCCESS);
    ck_assert(page.finished);
    ck_assert_str_eq(page.stop_reason, "minAccuracy");
    ck_assert_int_ge(page.answered, 4);
    ck_assert_int_lt(page.answered, 40);
    ck_assert(page.sem <= 0.6);
}
END_TEST

START_TEST(bad_answers_refused)
{
    cc_assess_item_row *rows = rows_3pl(20);
    cc_assessment *a = create("{\"itemNumLimit\":3}", rows, 20);
    const char *state = NULL, *errmsg = NULL, *before;
    cc_assess_page page;
    apr_array_header_t *responses;
    long item;

    ck_assert_int_eq(cc_assess_start(a, cc_test_pool, NOW, 3, &state, &page, &errmsg), APR_SUCCESS);
    item = page_item(&page);
    before = state;
    ck_assert_int_eq(answer(a, &state, item, "9", NOW, &page, &responses, &errmsg), APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "not one of the answers"));
    ck_assert_ptr_eq(state, before);
    if (item != 101) { /* only item 101 may be skipped */
        ck_assert_int_eq(answer(a, &state, item, NULL, NOW, &page, &responses, &errmsg),
                         APR_INCOMPLETE);
        ck_assert_ptr_nonnull(strstr(errmsg, "please answer"));
        /* the same page again, the state unchanged */
        ck_assert_ptr_eq(state, before);
        ck_assert_int_eq(page_item(&page), item);
        ck_assert_int_eq(page.n_items, 1);
        ck_assert_ptr_null(page.values[0]);
    }
    ck_assert_int_eq(cc_assess_submit(a, cc_test_pool, "{not json", apr_table_make(cc_test_pool, 1),
                                      NOW, &state, &responses, &page, &errmsg),
                     APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(errmsg, "stored state"));
}
END_TEST

START_TEST(time_limit_ends_the_test)
{
    cc_assessment *a = create("{\"itemNumLimit\":10,\"testTimeLimit\":60}", rows_3pl(20), 20);
    const char *state = NULL, *errmsg = NULL;
    cc_assess_page page;
    apr_array_header_t *responses;

    ck_assert_int_eq(cc_assess_start(a, cc_test_pool, NOW, 3, &state, &page, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(page.time_left, 60);
    ck_assert_int_eq(answer(a, &state, page_item(&page), "1", NOW + 61, &page, &responses, &errmsg),
                     APR_SUCCESS);
    ck_assert(page.finished);
    ck_assert_str_eq(page.stop_reason, "timeOut");
    ck_assert_int_eq(page.time_left, 0);
}
END_TEST

/* The page's isTimeout is believed only near the server's deadline, and
 * never without a time limit (it cannot be used to skip items). */
static apr_status_t timed_out_submit(const cc_assessment *a, const char **state, long now,
                                     cc_assess_page *page)
{
    apr_table_t *values = apr_table_make(cc_test_pool, 2);
    apr_array_header_t *responses;
    const char *next = NULL, *errmsg = NULL;
    apr_status_t rv;

    apr_table_set(values, "isTimeout", "1");
    rv = cc_assess_submit(a, cc_test_pool, *state, values, now, &next, &responses, page, &errmsg);
    if (rv == APR_SUCCESS)
        *state = next;
    return rv;
}

START_TEST(page_timer_checked_by_the_server)
{
    cc_assess_item_row *rows = rows_3pl(20);
    cc_assessment *limited = create("{\"testTimeLimit\":60,\"order\":\"manual\"}", rows, 20);
    cc_assessment *unlimited = create("{\"order\":\"manual\"}", rows, 20);
    const char *state = NULL, *errmsg = NULL;
    cc_assess_page page;

    /* Item 101 may be skipped: start on page 2 (item 102, required). */
    ck_assert_int_eq(cc_assess_start(unlimited, cc_test_pool, NOW, 1, &state, &page, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(timed_out_submit(unlimited, &state, NOW + 5, &page), APR_SUCCESS);
    ck_assert_int_eq(page_item(&page), 102);
    ck_assert_int_eq(timed_out_submit(unlimited, &state, NOW + 9999, &page), APR_INCOMPLETE);
    ck_assert(!page.finished);

    ck_assert_int_eq(cc_assess_start(limited, cc_test_pool, NOW, 1, &state, &page, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(timed_out_submit(limited, &state, NOW + 5, &page), APR_SUCCESS);
    ck_assert_int_eq(timed_out_submit(limited, &state, NOW + 30, &page), APR_INCOMPLETE);
    ck_assert_int_eq(timed_out_submit(limited, &state, NOW + 52, &page), APR_SUCCESS);
    ck_assert(page.finished);
    ck_assert_str_eq(page.stop_reason, "timeOut");
}
END_TEST

/* A linear GRM questionnaire: pages of 2, the back button, scores as
 * categories. */
START_TEST(linear_grm_questionnaire)
{
    cc_assess_item_row rows[5];
    cc_assessment *a;
    const char *state = NULL, *errmsg = NULL;
    cc_assess_page page;
    apr_array_header_t *responses;
    apr_table_t *values;
    int i;

    memset(rows, 0, sizeof(rows));
    for (i = 0; i < 5; i++) {
        rows[i].id = apr_itoa(cc_test_pool, i + 1);
        rows[i].question = "How much?";
        rows[i].response_options = OPTIONS_LIKERT;
        rows[i].p[0] = "1.2";
        rows[i].p[1] = "-1";
        rows[i].p[2] = "0";
        rows[i].p[3] = "1";
        rows[i].n_p = 4;
    }
    rows[4].fixed_index = "1"; /* shown first */
    a = create("{\"order\":\"manual\",\"model\":\"GRM\",\"itemsPerPage\":2,\"canGoBack\":true}",
               rows, 5);
    ck_assert_int_eq(cc_assess_start(a, cc_test_pool, NOW, 1, &state, &page, &errmsg), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(page.items_json, "{\"id\":5,"));
    ck_assert_ptr_nonnull(strstr(page.items_json, "{\"id\":1,"));
    ck_assert(!page.can_go_back);
    values = apr_table_make(cc_test_pool, 4);
    apr_table_set(values, "r5", "d");
    apr_table_set(values, "r1", "c");
    apr_table_set(values, "buttonPressed", "next");
    ck_assert_int_eq(cc_assess_submit(a, cc_test_pool, state, values, NOW + 5, &state, &responses,
                                      &page, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(responses->nelts, 2);
    ck_assert(APR_ARRAY_IDX(responses, 0, cc_assess_response).score == 3);
    ck_assert_int_eq(page.page, 2);
    ck_assert(page.can_go_back);
    ck_assert_ptr_nonnull(strstr(page.items_json, "{\"id\":2,"));
    values = apr_table_make(cc_test_pool, 4);
    apr_table_set(values, "buttonPressed", "back");
    ck_assert_int_eq(cc_assess_submit(a, cc_test_pool, state, values, NOW + 6, &state, &responses,
                                      &page, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(page.page, 1);
    ck_assert_int_eq(page.answered, 2);
    for (i = 0; i < 3 && !page.finished; i++) {
        values = apr_table_make(cc_test_pool, 4);
        apr_table_set(values, "r5", "a");
        apr_table_set(values, "r1", "a");
        apr_table_set(values, "r2", "b");
        apr_table_set(values, "r3", "b");
        apr_table_set(values, "r4", "c");
        apr_table_set(values, "buttonPressed", "next");
        ck_assert_int_eq(cc_assess_submit(a, cc_test_pool, state, values, NOW + 7 + i, &state,
                                          &responses, &page, &errmsg),
                         APR_SUCCESS);
    }
    ck_assert(page.finished);
    ck_assert_str_eq(page.stop_reason, "maxItems");
    ck_assert_int_eq(page.answered, 5);
    /* Re-answered items replaced their first answers: 0+0+1+1+2. */
    ck_assert(page.total_score == 4);
}
END_TEST

START_TEST(bad_settings_and_items_named)
{
    cc_assess_item_row *rows = rows_3pl(5);
    const char *msg;

    ck_assert_ptr_nonnull(strstr(refused("{\"model\":\"4PL\"}", rows, 5), "model"));
    ck_assert_ptr_nonnull(strstr(refused("{\"scoringMethod\":\"MAP\"}", rows, 5), "scoringMethod"));
    ck_assert_ptr_nonnull(strstr(refused("{\"order\":\"sideways\"}", rows, 5), "order"));
    ck_assert_ptr_nonnull(strstr(refused("{\"itemNumLimit\":\"ten\"}", rows, 5), "itemNumLimit"));
    ck_assert_ptr_nonnull(strstr(refused("[]", rows, 5), "settings"));
    ck_assert_ptr_nonnull(strstr(refused("{}", rows, 0), "no items"));
    ck_assert_ptr_nonnull(strstr(
        refused("{\"contentBalancing\":[{\"name\":\"num\",\"proportion\":1}]}", rows, 5), "voc"));
    rows[3].p[1] = "hard";
    msg = refused("{}", rows, 5);
    ck_assert_ptr_nonnull(strstr(msg, "item 104"));
    rows[3].p[1] = "0";
    rows[2].p[0] = "-1";
    ck_assert_ptr_nonnull(strstr(refused("{}", rows, 5), "item 103"));
    rows[2].p[0] = "1";
    rows[1].response_options = "{\"options\":[]}";
    ck_assert_ptr_nonnull(strstr(refused("{}", rows, 5), "item 102"));
}
END_TEST

START_TEST(content_balancing_by_trait)
{
    cc_assessment *a =
        create("{\"itemNumLimit\":6,\"contentBalancing\":[{\"name\":\"num\",\"proportion\":0.5},"
               "{\"name\":\"voc\",\"proportion\":0.5}]}",
               rows_3pl(30), 30);
    const char *state = NULL, *errmsg = NULL;
    cc_assess_page page;
    apr_array_header_t *responses;
    int num = 0, k;

    ck_assert_int_eq(cc_assess_start(a, cc_test_pool, NOW, 5, &state, &page, &errmsg), APR_SUCCESS);
    for (k = 0; k < 6; k++) {
        long item = page_item(&page);
        num += (item - 101) % 2 == 0;
        ck_assert_int_eq(answer(a, &state, item, "1", NOW, &page, &responses, &errmsg),
                         APR_SUCCESS);
        ck_assert_str_eq(APR_ARRAY_IDX(responses, 0, cc_assess_response).trait,
                         (item - 101) % 2 ? "voc" : "num");
    }
    ck_assert(page.finished);
    ck_assert_int_eq(num, 3);
}
END_TEST

/* The starter content (conf/starter) through the data tables and the
 * runner: demo-cat's items and settings, taken to the end by a simulated
 * participant. */
static int column(const cc_datatable *dt, const char *name)
{
    int c;

    for (c = 0; c < dt->ncols; c++)
        if (!strcmp(dt->cols[c].name, name))
            return c;
    return -1;
}

/* The value of the option that scores 1, from the item's scoreMap. */
static const char *correct_value(const char *options)
{
    json_object *root = json_tokener_parse(options), *map, *entry, *v;
    const char *value = NULL;
    size_t k;

    ck_assert_ptr_nonnull(root);
    ck_assert(json_object_object_get_ex(root, "scoreMap", &map));
    for (k = 0; k < json_object_array_length(map); k++) {
        entry = json_object_array_get_idx(map, k);
        if (json_object_object_get_ex(entry, "score", &v) && json_object_get_double(v) == 1 &&
            json_object_object_get_ex(entry, "value", &v))
            value = apr_pstrdup(cc_test_pool, json_object_get_string(v));
    }
    json_object_put(root);
    ck_assert_ptr_nonnull(value);
    return value;
}

START_TEST(demo_cat_from_starter_content)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_dt_import_options opts;
    cc_datatable *dt = NULL;
    cc_rows *rows = NULL;
    cc_assess_item_row *items;
    json_object *tests, *settings;
    const char *errmsg = NULL, *state = NULL;
    apr_int64_t imported = 0;
    cc_assessment *a;
    cc_assess_page page;
    apr_array_header_t *responses;
    apr_file_t *csv = NULL;
    int r, k, numeracy = 0, steps = 0;

    ck_assert_msg(apr_file_open(&csv, "conf/starter/demo-cat-items.csv", APR_FOPEN_READ,
                                APR_FPROT_OS_DEFAULT, cc_test_pool) == APR_SUCCESS,
                  "conf/starter/demo-cat-items.csv (run from the repository root)");
    memset(&opts, 0, sizeof(opts));
    opts.create = CC_DT_PRESET_ITEMS;
    ck_assert_msg(cc_datatable_import(db, cc_test_pool, "demo_cat_items", cc_csv_read_file, csv,
                                      &opts, &imported, &errmsg) == APR_SUCCESS,
                  "%s", errmsg);
    apr_file_close(csv);
    ck_assert_int_ge((int)imported, 100);
    ck_assert_int_eq(cc_datatable_describe(db, cc_test_pool, "demo_cat_items", &dt, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_datatable_rows(db, cc_test_pool, dt, 0, 10000, &rows, &errmsg),
                     APR_SUCCESS);
    items = apr_pcalloc(cc_test_pool, sizeof(*items) * (size_t)rows->nrows);
    for (r = 0; r < rows->nrows; r++) {
        const char *const *v = rows->values[r];
        items[r].id = v[column(dt, "id")];
        items[r].fixed_index = v[column(dt, "fixedIndex")];
        items[r].trait = v[column(dt, "trait")];
        items[r].question = v[column(dt, "question")];
        items[r].response_options = v[column(dt, "responseOptions")];
        items[r].skippable = v[column(dt, "skippable")];
        items[r].instructions = v[column(dt, "instructions")];
        for (k = 0; k < 4; k++)
            items[r].p[k] = v[column(dt, apr_psprintf(cc_test_pool, "p%d", k + 1))];
        items[r].n_p = 4;
    }
    tests = json_object_from_file("conf/starter/tests.json");
    ck_assert_ptr_nonnull(tests);
    settings = json_object_object_get(
        json_object_array_get_idx(json_object_object_get(tests, "tests"), 0), "settings");
    a = cc_assess_create(cc_test_pool, json_object_to_json_string(settings), items, rows->nrows,
                         &errmsg);
    json_object_put(tests);
    ck_assert_msg(a != NULL, "%s", errmsg);
    ck_assert_int_eq(cc_assess_start(a, cc_test_pool, NOW, 2026, &state, &page, &errmsg),
                     APR_SUCCESS);
    while (!page.finished) {
        long id = page_item(&page);
        for (r = 0; r < rows->nrows && strtol(items[r].id, NULL, 10) != id; r++)
            ;
        ck_assert_int_lt(r, rows->nrows);
        numeracy += !strcmp(items[r].trait, "numeracy");
        /* Right two times out of three: an able, not perfect, participant.
         * Every third answer is first a value the item does not offer,
         * which is refused, then a wrong option. */
        if (steps % 3 == 2) {
            ck_assert_int_eq(answer(a, &state, id, "x-wrong", NOW + 20 * (steps + 1), &page,
                                    &responses, &errmsg),
                             APR_EINVAL);
            ck_assert_ptr_nonnull(strstr(errmsg, "not one of the answers"));
        }
        ck_assert_int_eq(answer(a, &state, id,
                                steps % 3 != 2 ? correct_value(items[r].response_options)
                                : strcmp(correct_value(items[r].response_options), "1") ? "1"
                                                                                        : "2",
                                NOW + 20 * (steps + 1), &page, &responses, &errmsg),
                         APR_SUCCESS);
        steps++;
        ck_assert_int_le(steps, 25);
    }
    ck_assert_int_ge(steps, 8);
    ck_assert(!strcmp(page.stop_reason, "minAccuracy") || !strcmp(page.stop_reason, "maxItems"));
    if (!strcmp(page.stop_reason, "minAccuracy"))
        ck_assert(page.sem <= 0.35);
    ck_assert(page.theta > 0); /* two thirds right on items chosen near theta */
    /* Content balancing 0.7 / 0.3 by trait. */
    ck_assert_int_ge(numeracy * 10, steps * 5);
}
END_TEST

/* The wizard's itemSet keeps only that set's items (in their order). */
START_TEST(item_set_filters_the_bank)
{
    cc_assess_item_row *rows = rows_3pl(20);
    cc_assessment *a;
    cc_assess_page page;
    const char *state = NULL, *errmsg = NULL;
    int i;

    for (i = 0; i < 20; i++)
        rows[i].item_set = i < 15 ? "long" : "short";
    a = create("{\"itemSet\":\"short\",\"order\":\"manual\",\"itemsPerPage\":10}", rows, 20);
    ck_assert_int_eq(cc_assess_item_count(a), 5);
    ck_assert_int_eq(cc_assess_start(a, cc_test_pool, NOW, 1, &state, &page, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(page.n_items, 5);
    ck_assert_int_eq(page_item(&page), 116);
    ck_assert_int_eq(cc_assess_item_count(create("{\"itemSet\":\"\"}", rows, 20)), 20);
    ck_assert_str_eq(refused("{\"itemSet\":\"none\"}", rows, 20),
                     "setting itemSet: no item of the bank is in set \"none\"");
}
END_TEST

/* Only a linear test with Back shows an item twice in one session. */
START_TEST(items_revisited_only_with_back)
{
    cc_assess_item_row *rows = rows_3pl(20);

    ck_assert_int_eq(cc_assess_items_revisited(create("{}", rows, 20)), 0);
    ck_assert_int_eq(cc_assess_items_revisited(create("{\"canGoBack\":true}", rows, 20)), 0);
    ck_assert_int_eq(
        cc_assess_items_revisited(create("{\"order\":\"manual\",\"canGoBack\":true}", rows, 20)),
        1);
    ck_assert_int_eq(cc_assess_items_revisited(create("{\"order\":\"manual\"}", rows, 20)), 0);
}
END_TEST

TCase *tcase_runner_assessment(void)
{
    TCase *tc = cc_test_tcase("runner/assessment");

    tcase_add_test(tc, cat_runs_to_its_length);
    tcase_add_test(tc, cat_resumes_from_state);
    tcase_add_test(tc, exposure_leaves_out_overexposed_items);
    tcase_add_test(tc, exposure_does_not_touch_the_replay);
    tcase_add_test(tc, cat_stops_on_precision);
    tcase_add_test(tc, bad_answers_refused);
    tcase_add_test(tc, time_limit_ends_the_test);
    tcase_add_test(tc, page_timer_checked_by_the_server);
    tcase_add_test(tc, linear_grm_questionnaire);
    tcase_add_test(tc, bad_settings_and_items_named);
    tcase_add_test(tc, content_balancing_by_trait);
    tcase_add_test(tc, demo_cat_from_starter_content);
    tcase_add_test(tc, item_set_filters_the_bank);
    tcase_add_test(tc, items_revisited_only_with_back);
    return tc;
}
