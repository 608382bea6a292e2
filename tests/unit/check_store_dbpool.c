/* store/dbpool: per-settings connection pools on SQLite. */
#include "check_concerto.h"

#include "store/dbpool.h"

#include <apr_file_info.h>
#include <apr_strings.h>
#include <apr_thread_proc.h>
#include <string.h>

/* An existing (empty) SQLite database: the pools never create one. */
static const char *db_path(void)
{
    const char *path =
        apr_pstrcat(cc_test_pool, cc_test_tmpdir(cc_test_pool), "/concerto.db", NULL);
    const char *errmsg = NULL;
    cc_db *db = NULL;

    ck_assert_int_eq(cc_db_open(cc_test_pool, "sqlite3", path, &db, &errmsg), APR_SUCCESS);
    cc_db_close(db);
    return path;
}

/* A TEMP table lives only as long as its connection: it tells whether two
 * acquisitions got the same connection. */
static void mark_connection(cc_db *db)
{
    cc_test_exec(db, "CREATE TEMP TABLE this_connection (x INTEGER)");
}

static int is_marked(cc_db *db)
{
    int exists = 0;
    const char *found = NULL;

    ck_assert_int_eq(cc_db_select_value(db, cc_test_pool, &found,
                                        "SELECT name FROM sqlite_temp_master "
                                        "WHERE name = 'this_connection'",
                                        0, NULL),
                     APR_SUCCESS);
    exists = found != NULL;
    return exists;
}

START_TEST(get_same_and_different)
{
    cc_dbpool_registry *registry = NULL;
    cc_dbpool *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;

    ck_assert_int_eq(cc_dbpool_registry_create(cc_test_pool, 2, &registry), APR_SUCCESS);
    ck_assert_ptr_nonnull(registry);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", "/tmp/a.db", &a), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", apr_pstrdup(cc_test_pool, "/tmp/a.db"), &b),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", "/tmp/b.db", &c), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "pgsql", "/tmp/a.db", &d), APR_SUCCESS);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_eq(a, b);
    ck_assert_ptr_ne(a, c);
    ck_assert_ptr_ne(a, d);
    ck_assert_ptr_ne(c, d);
    /* Nothing is opened until a connection is asked for. */
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", "/nonexistent/dir/x.db", &e), APR_SUCCESS);
    ck_assert_ptr_nonnull(e);
}
END_TEST

/* The registry is used on every request: looking a pool up again must not
 * take memory from the long-lived registry pool. */
START_TEST(get_again_allocates_nothing)
{
    cc_dbpool_registry *registry = NULL;
    cc_dbpool *first = NULL, *again = NULL;
    apr_pool_t *pool;
    char *before, *after;
    int i;

    ck_assert_int_eq(apr_pool_create(&pool, cc_test_pool), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_registry_create(pool, 2, &registry), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", "/srv/concerto/data/concerto.db", &first),
                     APR_SUCCESS);
    /* apr pools hand out memory in order from the current block: two
     * allocations side by side mean nothing was taken in between. */
    before = apr_palloc(pool, 8);
    for (i = 0; i < 1000; i++) {
        ck_assert_int_eq(
            cc_dbpool_get(registry, "sqlite3", "/srv/concerto/data/concerto.db", &again),
            APR_SUCCESS);
        ck_assert_ptr_eq(again, first);
    }
    after = apr_palloc(pool, 8);
    ck_assert_msg(after > before && after - before <= 64,
                  "1000 lookups took memory from the registry pool (%p -> %p)", (void *)before,
                  (void *)after);
}
END_TEST

START_TEST(acquire_release_reuses)
{
    cc_dbpool_registry *registry = NULL;
    cc_dbpool *dbpool = NULL;
    cc_db *db = NULL, *again = NULL;
    const char *errmsg = NULL;

    ck_assert_int_eq(cc_dbpool_registry_create(cc_test_pool, 1, &registry), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", db_path(), &dbpool), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_acquire(dbpool, &db, &errmsg), APR_SUCCESS);
    ck_assert_ptr_nonnull(db);
    ck_assert_int_eq(db->dialect, CC_DIALECT_SQLITE);
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "PRAGMA foreign_keys"), "1");
    mark_connection(db);
    cc_dbpool_release(dbpool, db, 0);

    ck_assert_int_eq(cc_dbpool_acquire(dbpool, &again, &errmsg), APR_SUCCESS);
    ck_assert_ptr_eq(again, db);
    ck_assert_int_eq(is_marked(again), 1);
    cc_dbpool_release(dbpool, again, 0);
    cc_dbpool_release(dbpool, NULL, 0);
}
END_TEST

START_TEST(two_connections_at_once)
{
    cc_dbpool_registry *registry = NULL;
    cc_dbpool *dbpool = NULL;
    cc_db *one = NULL, *two = NULL;
    const char *errmsg = NULL;

    ck_assert_int_eq(cc_dbpool_registry_create(cc_test_pool, 2, &registry), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", db_path(), &dbpool), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_acquire(dbpool, &one, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_acquire(dbpool, &two, &errmsg), APR_SUCCESS);
    ck_assert_ptr_ne(one, two);
    cc_test_exec(one, "CREATE TABLE t (x TEXT)");
    cc_test_exec(one, "INSERT INTO t VALUES ('seen by both')");
    ck_assert_str_eq(cc_test_value(two, cc_test_pool, "SELECT x FROM t"), "seen by both");
    cc_dbpool_release(dbpool, one, 0);
    cc_dbpool_release(dbpool, two, 0);
}
END_TEST

START_TEST(bad_driver_errmsg)
{
    cc_dbpool_registry *registry = NULL;
    cc_dbpool *dbpool = NULL;
    cc_db *db = NULL;
    const char *errmsg = NULL;

    ck_assert_int_eq(cc_dbpool_registry_create(cc_test_pool, 1, &registry), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "nosuchdb", "x", &dbpool), APR_SUCCESS);
    ck_assert_int_ne(cc_dbpool_acquire(dbpool, &db, &errmsg), APR_SUCCESS);
    ck_assert_ptr_nonnull(errmsg);
    ck_assert_msg(strstr(errmsg, "nosuchdb") != NULL, "%s", errmsg);
    /* Asking again fails the same way, without waiting for a free slot. */
    errmsg = NULL;
    ck_assert_int_ne(cc_dbpool_acquire(dbpool, &db, &errmsg), APR_SUCCESS);
    ck_assert_ptr_nonnull(errmsg);
    ck_assert_msg(strstr(errmsg, "nosuchdb") != NULL, "%s", errmsg);
}
END_TEST

/* A SQLite file that is not there is reported, not created empty. */
START_TEST(missing_sqlite_file_errmsg)
{
    cc_dbpool_registry *registry = NULL;
    cc_dbpool *dbpool = NULL;
    cc_db *db = NULL;
    const char *errmsg = NULL;
    const char *dir = cc_test_tmpdir(cc_test_pool);
    const char *path = apr_pstrcat(cc_test_pool, dir, "/concerto.db", NULL);
    apr_finfo_t info;

    ck_assert_int_eq(cc_dbpool_registry_create(cc_test_pool, 1, &registry), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", path, &dbpool), APR_SUCCESS);
    ck_assert_int_ne(cc_dbpool_acquire(dbpool, &db, &errmsg), APR_SUCCESS);
    ck_assert_ptr_nonnull(errmsg);
    ck_assert_msg(strstr(errmsg, path) != NULL && strstr(errmsg, "concertoctl setup") != NULL, "%s",
                  errmsg);
    ck_assert_int_ne(apr_stat(&info, path, APR_FINFO_TYPE, cc_test_pool), APR_SUCCESS);

    /* The same below a directory that does not exist. */
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3",
                                   apr_pstrcat(cc_test_pool, dir, "/missing/concerto.db", NULL),
                                   &dbpool),
                     APR_SUCCESS);
    errmsg = NULL;
    ck_assert_int_ne(cc_dbpool_acquire(dbpool, &db, &errmsg), APR_SUCCESS);
    ck_assert_ptr_nonnull(errmsg);
    ck_assert_msg(strstr(errmsg, "does not exist") != NULL, "%s", errmsg);
}
END_TEST

/* With one slot: a broken connection is closed and the next acquire opens
 * a new one instead of waiting for the slot. */
START_TEST(broken_connection_replaced)
{
    cc_dbpool_registry *registry = NULL;
    cc_dbpool *dbpool = NULL;
    cc_db *db = NULL;
    const char *errmsg = NULL;

    ck_assert_int_eq(cc_dbpool_registry_create(cc_test_pool, 1, &registry), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", db_path(), &dbpool), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_acquire(dbpool, &db, &errmsg), APR_SUCCESS);
    mark_connection(db);
    cc_test_exec(db, "CREATE TABLE kept (x INTEGER)");
    cc_dbpool_release(dbpool, db, 1);

    db = NULL;
    ck_assert_int_eq(cc_dbpool_acquire(dbpool, &db, &errmsg), APR_SUCCESS);
    ck_assert_ptr_nonnull(db);
    ck_assert_int_eq(is_marked(db), 0);
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT COUNT(*) FROM kept"), "0");
    cc_dbpool_release(dbpool, db, 0);
}
END_TEST

START_TEST(schema_version_per_pool)
{
    cc_dbpool_registry *registry = NULL;
    cc_dbpool *a = NULL, *b = NULL;

    ck_assert_int_eq(cc_dbpool_registry_create(cc_test_pool, 1, &registry), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", "/tmp/a.db", &a), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", "/tmp/b.db", &b), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_schema_version(a), 0);
    cc_dbpool_set_schema_version(a, 3);
    ck_assert_int_eq(cc_dbpool_schema_version(a), 3);
    ck_assert_int_eq(cc_dbpool_schema_version(b), 0);
    cc_dbpool_get(registry, "sqlite3", "/tmp/a.db", &b);
    ck_assert_int_eq(cc_dbpool_schema_version(b), 3);
}
END_TEST

/* Destroying the registry's pool (httpd: the child exits) closes the idle
 * connections once. The pool gets an allocator that hands memory back to
 * malloc, so a second close of a destroyed connection pool is seen by
 * AddressSanitizer, and usually crashes apr_terminate otherwise. */
START_TEST(destroy_with_idle_connections)
{
    apr_allocator_t *allocator = NULL;
    apr_pool_t *pool = NULL;
    cc_dbpool_registry *registry = NULL;
    cc_dbpool *dbpool = NULL;
    cc_db *one = NULL, *two = NULL;
    const char *errmsg = NULL;
    const char *path = db_path();

    ck_assert_int_eq(apr_allocator_create(&allocator), APR_SUCCESS);
    apr_allocator_max_free_set(allocator, 1);
    ck_assert_int_eq(apr_pool_create_ex(&pool, NULL, NULL, allocator), APR_SUCCESS);
    apr_allocator_owner_set(allocator, pool);

    ck_assert_int_eq(cc_dbpool_registry_create(pool, 2, &registry), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", path, &dbpool), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_acquire(dbpool, &one, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_acquire(dbpool, &two, &errmsg), APR_SUCCESS);
    cc_test_exec(one, "CREATE TABLE t (x INTEGER)");
    cc_dbpool_release(dbpool, one, 0);
    cc_dbpool_release(dbpool, two, 0);
    apr_pool_destroy(pool);

    /* The database is intact and closed cleanly (no leftover lock). */
    {
        const char *errmsg2 = NULL;
        cc_db *db = NULL;
        ck_assert_int_eq(cc_db_open(cc_test_pool, "sqlite3", path, &db, &errmsg2), APR_SUCCESS);
        ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT COUNT(*) FROM t"), "0");
    }
}
END_TEST

/* Nothing listens on port 1: libpq is refused at once. */
#define UNREACHABLE_PGSQL "host=127.0.0.1 port=1 dbname=x connect_timeout=2"

/* A server that cannot be reached: the message says which driver and what
 * the driver said, and failing again and again changes nothing. */
START_TEST(unreachable_server_errmsg)
{
    cc_dbpool_registry *registry = NULL;
    cc_dbpool *dbpool = NULL;
    cc_db *db = NULL;
    const char *errmsg = NULL;
    char first[512];
    int i;

    ck_assert_int_eq(cc_dbpool_registry_create(cc_test_pool, 2, &registry), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "pgsql", UNREACHABLE_PGSQL, &dbpool), APR_SUCCESS);
    ck_assert_int_ne(cc_dbpool_acquire(dbpool, &db, &errmsg), APR_SUCCESS);
    ck_assert_ptr_null(db);
    ck_assert_ptr_nonnull(errmsg);
    ck_assert_msg(strstr(errmsg, "cannot connect to the pgsql database: ") == errmsg, "%s", errmsg);
    /* libpq's own words follow, naming the port. */
    ck_assert_msg(strlen(errmsg) > strlen("cannot connect to the pgsql database: ") + 10, "%s",
                  errmsg);
    ck_assert_msg(strstr(errmsg, "port 1") != NULL, "%s", errmsg);
    apr_cpystrn(first, errmsg, sizeof(first));

    /* Failed attempts take no slot: 50 more fail the same way, at once. */
    for (i = 0; i < 50; i++) {
        errmsg = NULL;
        ck_assert_int_ne(cc_dbpool_acquire(dbpool, &db, &errmsg), APR_SUCCESS);
        ck_assert_ptr_null(db);
        ck_assert_ptr_nonnull(errmsg);
        ck_assert_str_eq(errmsg, first);
    }
}
END_TEST

/* The same for a SQLite file that is not there, 50 times. */
START_TEST(missing_file_fails_repeatedly)
{
    cc_dbpool_registry *registry = NULL;
    cc_dbpool *dbpool = NULL;
    const char *path = apr_pstrcat(cc_test_pool, cc_test_tmpdir(cc_test_pool), "/never.db", NULL);
    int i;

    ck_assert_int_eq(cc_dbpool_registry_create(cc_test_pool, 1, &registry), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", path, &dbpool), APR_SUCCESS);
    for (i = 0; i < 50; i++) {
        cc_db *db = NULL;
        const char *errmsg = NULL;
        ck_assert_int_ne(cc_dbpool_acquire(dbpool, &db, &errmsg), APR_SUCCESS);
        ck_assert_ptr_null(db);
        ck_assert_ptr_nonnull(errmsg);
        ck_assert_msg(strstr(errmsg, path) != NULL && strstr(errmsg, "does not exist") != NULL,
                      "%s", errmsg);
    }
}
END_TEST

typedef struct {
    cc_dbpool *dbpool;
    apr_status_t rv;
    char errmsg[512];
} acquire_attempt;

static void *APR_THREAD_FUNC acquire_in_thread(apr_thread_t *thread, void *data)
{
    acquire_attempt *attempt = data;
    cc_db *db = NULL;
    const char *errmsg = NULL;

    attempt->rv = cc_dbpool_acquire(attempt->dbpool, &db, &errmsg);
    apr_cpystrn(attempt->errmsg, errmsg ? errmsg : "(none)", sizeof(attempt->errmsg));
    (void)thread;
    if (attempt->rv == APR_SUCCESS)
        cc_dbpool_release(attempt->dbpool, db, 0);
    /* A plain return: apr_thread_exit's pthread_exit unwinding trips
     * AddressSanitizer (stale stack poisoning) without any bug here. */
    return NULL;
}

/* A failure in one thread does not rewrite the message another thread got
 * for its own failure. */
START_TEST(errmsg_per_thread)
{
    cc_dbpool_registry *registry = NULL;
    cc_dbpool *mine = NULL;
    const char *dir = cc_test_tmpdir(cc_test_pool);
    const char *my_path = apr_pstrcat(cc_test_pool, dir, "/mine.db", NULL);
    const char *their_path = apr_pstrcat(cc_test_pool, dir, "/theirs.db", NULL);
    acquire_attempt theirs;
    apr_thread_t *thread = NULL;
    apr_status_t thread_rv = APR_EGENERAL;
    const char *errmsg = NULL;
    char copy[512];
    cc_db *db = NULL;
    int i;

    memset(&theirs, 0, sizeof(theirs));
    ck_assert_int_eq(cc_dbpool_registry_create(cc_test_pool, 2, &registry), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", my_path, &mine), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", their_path, &theirs.dbpool), APR_SUCCESS);
    ck_assert_int_ne(cc_dbpool_acquire(mine, &db, &errmsg), APR_SUCCESS);
    ck_assert_ptr_nonnull(errmsg);
    ck_assert_msg(strstr(errmsg, "mine.db") != NULL, "%s", errmsg);
    apr_cpystrn(copy, errmsg, sizeof(copy));

    for (i = 0; i < 3; i++) {
        ck_assert_int_eq(apr_thread_create(&thread, NULL, acquire_in_thread, &theirs, cc_test_pool),
                         APR_SUCCESS);
        ck_assert_int_eq(apr_thread_join(&thread_rv, thread), APR_SUCCESS);
        ck_assert_int_ne(theirs.rv, APR_SUCCESS);
        ck_assert_msg(strstr(theirs.errmsg, "theirs.db") != NULL, "%s", theirs.errmsg);
        ck_assert_str_eq(errmsg, copy);
    }
}
END_TEST

/* Pools that failed, a connection given back as broken and idle ones: the
 * registry pool goes with each closed once (seen by AddressSanitizer; the
 * allocator returns memory to malloc at once). */
START_TEST(destroy_after_failures_and_broken_release)
{
    apr_allocator_t *allocator = NULL;
    apr_pool_t *pool = NULL;
    cc_dbpool_registry *registry = NULL;
    cc_dbpool *good = NULL, *missing = NULL, *unreachable = NULL;
    cc_db *one = NULL, *two = NULL, *three = NULL;
    const char *errmsg = NULL;
    const char *path = db_path();
    int i;

    ck_assert_int_eq(apr_allocator_create(&allocator), APR_SUCCESS);
    apr_allocator_max_free_set(allocator, 1);
    ck_assert_int_eq(apr_pool_create_ex(&pool, NULL, NULL, allocator), APR_SUCCESS);
    apr_allocator_owner_set(allocator, pool);

    ck_assert_int_eq(cc_dbpool_registry_create(pool, 3, &registry), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", path, &good), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3",
                                   apr_pstrcat(cc_test_pool, path, ".missing", NULL), &missing),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_get(registry, "pgsql", UNREACHABLE_PGSQL, &unreachable),
                     APR_SUCCESS);
    for (i = 0; i < 5; i++) {
        cc_db *none = NULL;
        ck_assert_int_ne(cc_dbpool_acquire(missing, &none, &errmsg), APR_SUCCESS);
        ck_assert_int_ne(cc_dbpool_acquire(unreachable, &none, &errmsg), APR_SUCCESS);
    }
    ck_assert_int_eq(cc_dbpool_acquire(good, &one, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_acquire(good, &two, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_acquire(good, &three, &errmsg), APR_SUCCESS);
    cc_test_exec(one, "CREATE TABLE t (x INTEGER)");
    ck_assert_int_eq(cc_db_query(two, pool, NULL, "INSERT INTO t (x) VALUES (1)", 0, NULL),
                     APR_SUCCESS);
    cc_dbpool_release(good, one, 0);
    cc_dbpool_release(good, two, 1);
    cc_dbpool_release(good, three, 0);
    /* The good one is used again, then the lot goes. */
    ck_assert_int_eq(cc_dbpool_acquire(good, &one, &errmsg), APR_SUCCESS);
    ck_assert_str_eq(cc_test_value(one, pool, "SELECT COUNT(*) FROM t"), "1");
    cc_dbpool_release(good, one, 0);
    apr_pool_destroy(pool);

    {
        const char *errmsg2 = NULL;
        cc_db *db = NULL;
        ck_assert_int_eq(cc_db_open(cc_test_pool, "sqlite3", path, &db, &errmsg2), APR_SUCCESS);
        ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT COUNT(*) FROM t"), "1");
    }
}
END_TEST

static int lock_held;

static apr_status_t flag_acquire(void *baton)
{
    (void)baton;
    lock_held++;
    return APR_SUCCESS;
}

static apr_status_t flag_release(void *baton)
{
    (void)baton;
    lock_held--;
    return APR_SUCCESS;
}

/* SQLite connections get the registry's write lock; one given back inside
 * a transaction is closed, which ends the transaction and frees the lock. */
START_TEST(sqlite_write_lock_handed_out)
{
    static const cc_db_write_lock lock = {flag_acquire, flag_release, NULL};
    const char *path = db_path();
    cc_dbpool_registry *registry = NULL;
    cc_dbpool *dbpool = NULL;
    apr_dbd_transaction_t *txn = NULL;
    const char *errmsg = NULL;
    cc_db *db = NULL, *again = NULL;

    lock_held = 0;
    ck_assert_int_eq(cc_dbpool_registry_create(cc_test_pool, 1, &registry), APR_SUCCESS);
    cc_dbpool_registry_set_sqlite_write_lock(registry, &lock);
    ck_assert_int_eq(cc_dbpool_get(registry, "sqlite3", path, &dbpool), APR_SUCCESS);
    ck_assert_int_eq(cc_dbpool_acquire(dbpool, &db, &errmsg), APR_SUCCESS);
    ck_assert_ptr_eq(db->write_lock, &lock);
    mark_connection(db);
    ck_assert_int_eq(cc_db_begin(db, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert_int_eq(lock_held, 1);
    cc_dbpool_release(dbpool, db, 0);
    ck_assert_int_eq(lock_held, 0);
    ck_assert_int_eq(cc_dbpool_acquire(dbpool, &again, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(is_marked(again), 0);
    ck_assert_int_eq(again->in_transaction, 0);
    ck_assert_ptr_eq(again->write_lock, &lock);
    cc_dbpool_release(dbpool, again, 0);
}
END_TEST

TCase *tcase_store_dbpool(void)
{
    TCase *tc = cc_test_tcase("store/dbpool");

    tcase_add_test(tc, get_same_and_different);
    tcase_add_test(tc, get_again_allocates_nothing);
    tcase_add_test(tc, acquire_release_reuses);
    tcase_add_test(tc, two_connections_at_once);
    tcase_add_test(tc, bad_driver_errmsg);
    tcase_add_test(tc, missing_sqlite_file_errmsg);
    tcase_add_test(tc, broken_connection_replaced);
    tcase_add_test(tc, schema_version_per_pool);
    tcase_add_test(tc, destroy_with_idle_connections);
    tcase_add_test(tc, unreachable_server_errmsg);
    tcase_add_test(tc, missing_file_fails_repeatedly);
    tcase_add_test(tc, errmsg_per_thread);
    tcase_add_test(tc, destroy_after_failures_and_broken_release);
    tcase_add_test(tc, sqlite_write_lock_handed_out);
    return tc;
}
