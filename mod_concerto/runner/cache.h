/* A per-process cache of built tests, shared by the threads of one child.
 *
 * An entry is found by database (its source text, see cc_db.source) and
 * test id or slug. It holds what the caller built in the entry's own pool,
 * and a version text (the caller's: the revisions of the test and of the
 * tables it was built from, store/revision.h) that the caller compares
 * with the database's before using the value. A value is never written
 * after it is published: threads read it at the same time.
 *
 * Entries are counted: find and prepare give a reference, release drops
 * it. A replaced or evicted entry leaves the cache at once and its pool is
 * destroyed when its last reference goes. At most `capacity` entries are
 * kept; the least recently found goes first. */
#ifndef CC_RUNNER_CACHE_H
#define CC_RUNNER_CACHE_H

#include "core/token.h"

#include <apr_pools.h>

/* Tests kept per process; the least recently used goes first. A built
 * demo-cat (169 items) holds about 0.2 MB (measured by the cache's
 * author), so a full cache stays near 12 MB per child. */
#define CC_TEST_CACHE_CAPACITY 64

typedef struct cc_test_cache cc_test_cache;
typedef struct cc_test_cache_entry cc_test_cache_entry;

/* The cache lives in a subpool of parent (with its own allocator, safe for
 * threads) and goes with it. */
apr_status_t cc_test_cache_create(apr_pool_t *parent, int capacity, cc_test_cache **out);

/* The entry of test slug (when not NULL) or id in database source, with a
 * reference; NULL when there is none. */
cc_test_cache_entry *cc_test_cache_find(cc_test_cache *cache, const char *source, const char *slug,
                                        long id);

/* A new entry, not in the cache yet, with a reference; build the value in
 * its pool (cc_test_cache_entry_pool), then publish it or release it. */
apr_status_t cc_test_cache_prepare(cc_test_cache *cache, cc_test_cache_entry **out);
apr_pool_t *cc_test_cache_entry_pool(const cc_test_cache_entry *entry);

/* Makes entry the one of (source, id) and slug, replacing any entry that
 * had either. The caller keeps its reference. */
void cc_test_cache_publish(cc_test_cache *cache, cc_test_cache_entry *entry, const char *source,
                           long id, const char *slug, const char *version, const void *value);

const char *cc_test_cache_entry_version(const cc_test_cache_entry *entry);
const void *cc_test_cache_entry_value(const cc_test_cache_entry *entry);

void cc_test_cache_release(cc_test_cache_entry *entry);

/* The token signing key of database source, kept once read: setup makes
 * the secret once and nothing changes it (store/secret.h), so it needs no
 * version. Returns 1 and fills *key when this process has it. At most
 * CC_TOKEN_KEYS_KEPT databases' keys are kept; others are read each time. */
#define CC_TOKEN_KEYS_KEPT 16
int cc_test_cache_token_key(cc_test_cache *cache, const char *source, cc_token_key *key);
void cc_test_cache_keep_token_key(cc_test_cache *cache, const char *source,
                                  const cc_token_key *key);

/* Entries in the cache now, and entries whose pool still exists (in the
 * cache or retired and still referenced): for tests and monitoring. */
int cc_test_cache_size(cc_test_cache *cache);
int cc_test_cache_pools(cc_test_cache *cache);

/* The cache of this process, set once before requests are served (httpd
 * child_init); NULL where there is none (concertoctl, most tests): every
 * request then builds its test. */
void cc_test_cache_set_process(cc_test_cache *cache);
cc_test_cache *cc_test_cache_process(void);

#endif
