/* runner/cache: the per-process cache of built tests. */
#include "check_concerto.h"

#include "runner/cache.h"

#include <apr_strings.h>
#include <apr_thread_proc.h>
#include <string.h>

/* A value that knows the version it was published under, so that a reader
 * can tell a torn or freed one. */
typedef struct fake_test {
    long id;
    char version[32];
} fake_test;

static cc_test_cache_entry *put(cc_test_cache *cache, const char *source, long id, const char *slug,
                                const char *version)
{
    cc_test_cache_entry *e = NULL;
    fake_test *value;

    ck_assert_int_eq(cc_test_cache_prepare(cache, &e), APR_SUCCESS);
    value = apr_pcalloc(cc_test_cache_entry_pool(e), sizeof(*value));
    value->id = id;
    apr_cpystrn(value->version, version, sizeof(value->version));
    cc_test_cache_publish(cache, e, source, id, slug, version, value);
    return e;
}

START_TEST(hit_replace_and_release)
{
    cc_test_cache *cache = NULL;
    cc_test_cache_entry *first, *found, *second;

    ck_assert_int_eq(cc_test_cache_create(cc_test_pool, 8, &cache), APR_SUCCESS);
    ck_assert_ptr_null(cc_test_cache_find(cache, "db1", NULL, 1));
    first = put(cache, "db1", 1, "alpha", "1:0/5:0/-:-");
    found = cc_test_cache_find(cache, "db1", NULL, 1);
    ck_assert_ptr_eq(found, first);
    ck_assert_str_eq(cc_test_cache_entry_version(found), "1:0/5:0/-:-");
    ck_assert_int_eq(((const fake_test *)cc_test_cache_entry_value(found))->id, 1);
    cc_test_cache_release(found);
    found = cc_test_cache_find(cache, "db1", "alpha", 0);
    ck_assert_ptr_eq(found, first);
    cc_test_cache_release(found);
    /* Another database, another slug: not this entry. */
    ck_assert_ptr_null(cc_test_cache_find(cache, "db2", NULL, 1));
    ck_assert_ptr_null(cc_test_cache_find(cache, "db1", "beta", 0));
    /* A newer build replaces it; the old one lives while referenced. */
    second = put(cache, "db1", 1, "alpha", "1:1/5:0/-:-");
    ck_assert_int_eq(cc_test_cache_size(cache), 1);
    ck_assert_int_eq(cc_test_cache_pools(cache), 2);
    ck_assert_str_eq(((const fake_test *)cc_test_cache_entry_value(first))->version, "1:0/5:0/-:-");
    cc_test_cache_release(first);
    ck_assert_int_eq(cc_test_cache_pools(cache), 1);
    found = cc_test_cache_find(cache, "db1", NULL, 1);
    ck_assert_ptr_eq(found, second);
    ck_assert_str_eq(cc_test_cache_entry_version(found), "1:1/5:0/-:-");
    cc_test_cache_release(found);
    cc_test_cache_release(second);
    ck_assert_int_eq(cc_test_cache_pools(cache), 1);
    /* The slug moved to another test: the entry that had it goes. */
    cc_test_cache_release(put(cache, "db1", 2, "alpha", "2:0/5:0/-:-"));
    ck_assert_int_eq(cc_test_cache_size(cache), 1);
    found = cc_test_cache_find(cache, "db1", "alpha", 0);
    ck_assert_int_eq(((const fake_test *)cc_test_cache_entry_value(found))->id, 2);
    cc_test_cache_release(found);
    ck_assert_ptr_null(cc_test_cache_find(cache, "db1", NULL, 1));
}
END_TEST

START_TEST(unpublished_entry_is_freed)
{
    cc_test_cache *cache = NULL;
    cc_test_cache_entry *e = NULL;

    ck_assert_int_eq(cc_test_cache_create(cc_test_pool, 2, &cache), APR_SUCCESS);
    ck_assert_int_eq(cc_test_cache_prepare(cache, &e), APR_SUCCESS);
    ck_assert_int_eq(cc_test_cache_pools(cache), 1);
    cc_test_cache_release(e); /* a build that failed */
    ck_assert_int_eq(cc_test_cache_pools(cache), 0);
    ck_assert_int_eq(cc_test_cache_size(cache), 0);
}
END_TEST

START_TEST(least_recently_used_goes)
{
    cc_test_cache *cache = NULL;
    cc_test_cache_entry *e;
    long id;

    ck_assert_int_eq(cc_test_cache_create(cc_test_pool, 3, &cache), APR_SUCCESS);
    for (id = 1; id <= 3; id++)
        cc_test_cache_release(put(cache, "db", id, NULL, "v"));
    e = cc_test_cache_find(cache, "db", NULL, 1); /* 2 is now the least recent */
    ck_assert_ptr_nonnull(e);
    cc_test_cache_release(e);
    cc_test_cache_release(put(cache, "db", 4, NULL, "v"));
    ck_assert_int_eq(cc_test_cache_size(cache), 3);
    ck_assert_int_eq(cc_test_cache_pools(cache), 3);
    ck_assert_ptr_null(cc_test_cache_find(cache, "db", NULL, 2));
    for (id = 1; id <= 4; id++) {
        if (id == 2)
            continue;
        e = cc_test_cache_find(cache, "db", NULL, id);
        ck_assert_msg(e != NULL, "test %ld was evicted", id);
        cc_test_cache_release(e);
    }
    /* An evicted entry still in use stays until released. */
    e = cc_test_cache_find(cache, "db", NULL, 1);
    cc_test_cache_release(put(cache, "db", 5, NULL, "v"));
    cc_test_cache_release(put(cache, "db", 6, NULL, "v"));
    cc_test_cache_release(put(cache, "db", 7, NULL, "v"));
    ck_assert_ptr_null(cc_test_cache_find(cache, "db", NULL, 1));
    ck_assert_int_eq(cc_test_cache_pools(cache), 4);
    ck_assert_int_eq(((const fake_test *)cc_test_cache_entry_value(e))->id, 1);
    cc_test_cache_release(e);
    ck_assert_int_eq(cc_test_cache_pools(cache), 3);
}
END_TEST

typedef struct hammer {
    cc_test_cache *cache;
    int seed;
    int bad;  /* values that did not match their entry */
    int hits; /* finds that returned an entry */
} hammer;

/* Finds, checks and replaces entries of 6 tests in a cache of 4, as
 * request threads of one child would. */
static void *APR_THREAD_FUNC hammer_thread(apr_thread_t *thread, void *data)
{
    hammer *h = data;
    unsigned int x = (unsigned int)h->seed;
    int k;

    for (k = 0; k < 3000; k++) {
        long id;
        cc_test_cache_entry *e;
        x = x * 1103515245u + 12345u;
        id = (long)((x >> 16) % 6) + 1;
        e = cc_test_cache_find(h->cache, "db", NULL, id);
        if (e) {
            const fake_test *v = cc_test_cache_entry_value(e);
            h->hits++;
            if (v->id != id || strcmp(v->version, cc_test_cache_entry_version(e)) != 0)
                h->bad++;
            cc_test_cache_release(e);
        }
        if (e == NULL || (x >> 8) % 5 == 0) {
            char version[32];
            apr_snprintf(version, sizeof(version), "%ld:%d", id, k);
            cc_test_cache_release(put(h->cache, "db", id, NULL, version));
        }
    }
    /* A plain return: apr_thread_exit's pthread_exit unwinding trips
     * AddressSanitizer's stack checks. */
    (void)thread;
    return NULL;
}

START_TEST(threads_hammering)
{
    cc_test_cache *cache = NULL;
    apr_thread_t *threads[4];
    hammer work[4];
    int t;

    ck_assert_int_eq(cc_test_cache_create(cc_test_pool, 4, &cache), APR_SUCCESS);
    for (t = 0; t < 4; t++) {
        work[t].cache = cache;
        work[t].seed = t + 1;
        work[t].bad = work[t].hits = 0;
        ck_assert_int_eq(
            apr_thread_create(&threads[t], NULL, hammer_thread, &work[t], cc_test_pool),
            APR_SUCCESS);
    }
    for (t = 0; t < 4; t++) {
        apr_status_t rv;
        ck_assert_int_eq(apr_thread_join(&rv, threads[t]), APR_SUCCESS);
        ck_assert_int_eq(work[t].bad, 0);
        ck_assert_int_gt(work[t].hits, 0);
    }
    ck_assert_int_le(cc_test_cache_size(cache), 4);
    /* Every reference was given back: only the cached entries remain. */
    ck_assert_int_eq(cc_test_cache_pools(cache), cc_test_cache_size(cache));
}
END_TEST

START_TEST(token_keys_by_database)
{
    cc_test_cache *cache = NULL;
    cc_token_key a, b, got;
    int k;

    ck_assert_int_eq(cc_test_cache_create(cc_test_pool, 2, &cache), APR_SUCCESS);
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    memset(a.bytes, 'a', sizeof(a.bytes));
    memset(b.bytes, 'b', sizeof(b.bytes));
    ck_assert(!cc_test_cache_token_key(cache, "db-a", &got));
    /* An unready key is not kept. */
    cc_test_cache_keep_token_key(cache, "db-a", &a);
    ck_assert(!cc_test_cache_token_key(cache, "db-a", &got));
    a.ready = b.ready = 1;
    cc_test_cache_keep_token_key(cache, "db-a", &a);
    cc_test_cache_keep_token_key(cache, "db-b", &b);
    ck_assert(cc_test_cache_token_key(cache, "db-a", &got));
    ck_assert(!memcmp(got.bytes, a.bytes, sizeof(a.bytes)) && got.ready);
    ck_assert(cc_test_cache_token_key(cache, "db-b", &got));
    ck_assert(!memcmp(got.bytes, b.bytes, sizeof(b.bytes)));
    ck_assert(!cc_test_cache_token_key(cache, NULL, &got));
    /* Bounded: databases past the limit are not kept. */
    for (k = 0; k < CC_TOKEN_KEYS_KEPT + 4; k++)
        cc_test_cache_keep_token_key(cache, apr_psprintf(cc_test_pool, "more-%d", k), &a);
    ck_assert(cc_test_cache_token_key(cache, "more-0", &got));
    ck_assert(!cc_test_cache_token_key(
        cache, apr_psprintf(cc_test_pool, "more-%d", CC_TOKEN_KEYS_KEPT), &got));
}
END_TEST

TCase *tcase_runner_cache(void)
{
    TCase *tc = cc_test_tcase("runner/cache");

    tcase_add_test(tc, hit_replace_and_release);
    tcase_add_test(tc, unpublished_entry_is_freed);
    tcase_add_test(tc, least_recently_used_goes);
    tcase_add_test(tc, threads_hammering);
    tcase_add_test(tc, token_keys_by_database);
    return tc;
}
