/* store/starter_rtest: code and flow tests of the starter format. */
#include "check_concerto.h"

#include "store/starter.h"

#include <apr_file_io.h>
#include <apr_strings.h>
#include <string.h>

#define NOW 1800000000L

static void put(const char *dir, const char *name, const char *text)
{
    apr_file_t *f = NULL;
    const char *path = apr_pstrcat(cc_test_pool, dir, "/", name, NULL);

    ck_assert_int_eq(apr_file_open(&f, path,
                                   APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_TRUNCATE,
                                   APR_FPROT_OS_DEFAULT, cc_test_pool),
                     APR_SUCCESS);
    ck_assert_int_eq(apr_file_puts(text, f), APR_SUCCESS);
    apr_file_close(f);
}

/* A starter directory with no tables or templates and these tests. */
static const char *starter_dir(const char *tests)
{
    const char *dir = cc_test_tmpdir(cc_test_pool);

    ck_assert_int_eq(apr_dir_make(apr_pstrcat(cc_test_pool, dir, "/templates", NULL),
                                  APR_FPROT_OS_DEFAULT, cc_test_pool),
                     APR_SUCCESS);
    put(dir, "templates/templates.json", "{\"templates\":[]}");
    put(dir, "node.R", "y <- as.numeric(x) + 1\n.branch <- if (y > 2) \"big\" else \"small\"\n");
    put(dir, "tests.json",
        apr_pstrcat(cc_test_pool, "{\"format\":\"mod_concerto-starter/1\",\"tests\":[", tests, "]}",
                    NULL));
    return dir;
}

#define NODE_TEST                                                                                  \
    "{\"slug\":\"n\",\"name\":\"n\",\"type\":\"code\",\"visibility\":\"subtest\","                 \
    "\"code\":\"node.R\",\"variables\":[{\"name\":\"x\",\"type\":\"input\",\"value\":\"1\"},"      \
    "{\"name\":\"y\",\"type\":\"return\"},{\"name\":\".branch\",\"type\":\"return\"},"             \
    "{\"name\":\"big\",\"type\":\"branch\"},{\"name\":\"small\",\"type\":\"branch\"}]}"

#define FLOW_HEAD                                                                                  \
    "{\"slug\":\"f\",\"name\":\"f\",\"type\":\"flow\",\"variables\":["                             \
    "{\"name\":\"start\",\"type\":\"input\",\"value\":\"5\"},{\"name\":\"y\",\"type\":\"return\"}" \
    "],"

#define FLOW_NODES                                                                                 \
    "\"nodes\":[{\"key\":\"b\",\"type\":\"begin\"},"                                               \
    "{\"key\":\"a\",\"type\":\"regular\",\"test\":\"n\",\"ports\":["                               \
    "{\"name\":\"x\",\"type\":\"input\",\"pointer\":true,\"pointerVariable\":\"start\"},"          \
    "{\"name\":\"extra\",\"type\":\"input\",\"dynamic\":true,\"value\":\"list()\","                \
    "\"string\":false}]},"                                                                         \
    "{\"key\":\"e\",\"type\":\"finish\",\"title\":\"End\"}],"

static long port_count(cc_db *db, const char *where)
{
    return cc_test_count(db, cc_test_pool, "test_node_port p JOIN test_node n ON n.id = p.node_id",
                         where);
}

START_TEST(flow_follows_the_node_rules)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *dir = starter_dir(
        NODE_TEST
        "," FLOW_HEAD FLOW_NODES
        "\"connections\":[{\"from\":\"b\",\"fromPort\":null,\"to\":\"a\",\"toPort\":null},"
        "{\"from\":\"a\",\"fromPort\":\"small\",\"to\":\"a\",\"toPort\":null},"
        "{\"from\":\"a\",\"fromPort\":\"big\",\"to\":\"e\",\"toPort\":null},"
        "{\"from\":\"a\",\"fromPort\":\"y\",\"to\":\"e\",\"toPort\":\"y\"},"
        "{\"from\":\"b\",\"fromPort\":\"start\",\"to\":\"a\",\"toPort\":\"extra\","
        "\"returnFunction\":\"list(s = start)\"}]}");
    const char *errmsg = NULL;
    cc_starter_report r;

    ck_assert_msg(cc_starter_load(db, cc_test_pool, dir, NOW, &r, &errmsg) == APR_SUCCESS, "%s",
                  errmsg);
    ck_assert_int_eq(r.tests_created, 2);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test",
                                   "name = 'n' AND type = 0 AND visibility = 2 AND "
                                   "code LIKE '%%.branch <-%%' AND starter_content = 1"),
                     1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test",
                                   "name = 'f' AND type = 2 AND visibility = 0 AND code IS NULL"),
                     1);
    /* Every new test gets the branch out. */
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_variable", "name = 'out' AND type = 2"),
                     2);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_variable", NULL), 9);
    /* Begin: the flow's input as a return; finish: its return as an input. */
    ck_assert_int_eq(port_count(db, "n.type = 1"), 1);
    ck_assert_int_eq(port_count(db, "n.type = 1 AND p.name = 'start' AND p.type = 1 AND "
                                    "p.variable_id = (SELECT id FROM test_variable WHERE "
                                    "name = 'start' AND type = 0) AND p.value = '5'"),
                     1);
    ck_assert_int_eq(port_count(db, "n.type = 2"), 1);
    ck_assert_int_eq(port_count(db, "n.type = 2 AND p.name = 'y' AND p.type = 0 AND "
                                    "p.variable_id IS NOT NULL"),
                     1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_node",
                                   "type = 2 AND title = 'End' AND pos_x = 15500 AND "
                                   "source_test_id = flow_test_id"),
                     1);
    /* Regular node: one port per variable of its test (6) plus the dynamic one. */
    ck_assert_int_eq(port_count(db, "n.type = 0"), 7);
    ck_assert_int_eq(port_count(db, "n.type = 0 AND p.variable_id IS NOT NULL AND "
                                    "p.variable_id IN (SELECT v.id FROM test_variable v JOIN test "
                                    "t ON t.id = v.test_id WHERE t.name = 'n' AND v.name = p.name "
                                    "AND v.type = p.type)"),
                     6);
    ck_assert_int_eq(port_count(db, "p.name = 'x' AND p.pointer = 1 AND p.pointer_variable = "
                                    "'start' AND p.value = '1' AND p.default_value = 1 AND "
                                    "p.is_string = 1 AND p.exposed = 0"),
                     1);
    ck_assert_int_eq(port_count(db, "p.name = 'extra' AND p.dynamic = 1 AND p.variable_id IS NULL "
                                    "AND p.is_string = 0 AND p.value = 'list()' AND "
                                    "p.default_value = 0"),
                     1);
    ck_assert_int_eq(port_count(db, "p.type = 2 AND p.exposed = 1 AND p.pointer = 0"), 3);
    ck_assert_int_eq(port_count(db, "p.type <> 2 AND p.exposed = 1"), 1); /* the dynamic one */
    /* Connections: port-less from begin, branch ports, data edges. */
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_node_connection", NULL), 5);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_node_connection",
                                   "source_port_id IS NULL AND destination_port_id IS NULL AND "
                                   "return_function IS NULL"),
                     1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool,
                                   "test_node_connection c JOIN test_node_port s ON s.id = "
                                   "c.source_port_id JOIN test_node d ON d.id = "
                                   "c.destination_node_id",
                                   "s.name = 'small' AND s.type = 2 AND d.id = s.node_id AND "
                                   "c.destination_port_id IS NULL"),
                     1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool,
                                   "test_node_connection c JOIN test_node_port s ON s.id = "
                                   "c.source_port_id JOIN test_node_port d ON d.id = "
                                   "c.destination_port_id",
                                   "s.name = 'y' AND s.type = 1 AND d.name = 'y' AND d.type = 0 "
                                   "AND c.return_function = 'y' AND "
                                   "c.default_return_function = 1"),
                     1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_node_connection",
                                   "return_function = 'list(s = start)' AND "
                                   "default_return_function = 0"),
                     1);
    /* Loading again keeps both; an edited node survives. */
    cc_test_exec(db, "UPDATE test_node SET title = 'edited' WHERE type = 0");
    ck_assert_int_eq(cc_starter_load(db, cc_test_pool, dir, NOW, &r, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(r.tests_created, 0);
    ck_assert_int_eq(r.tests_kept, 2);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_node", NULL), 3);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_node", "title = 'edited'"), 1);
}
END_TEST

/* Each mistake is named, and the test it is in is not half written. */
static void refused(const char *tests, const char *expect)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *errmsg = NULL;
    cc_starter_report r;

    ck_assert_int_ne(cc_starter_load(db, cc_test_pool, starter_dir(tests), NOW, &r, &errmsg),
                     APR_SUCCESS);
    ck_assert_msg(errmsg && strstr(errmsg, expect), "expected \"%s\" in \"%s\"", expect,
                  errmsg ? errmsg : "(null)");
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test", "type = 2"), 0);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_node", NULL), 0);
}

START_TEST(mistakes_explained)
{
    const char *b_to_a = "\"connections\":[{\"from\":\"b\",\"to\":\"a\"}";

    refused("{\"slug\":\"x\",\"name\":\"x\",\"type\":\"quiz\"}", "not assessment, code or flow");
    refused("{\"slug\":\"x\",\"name\":\"x\",\"type\":\"code\"}", "names its R file");
    refused("{\"slug\":\"x\",\"name\":\"x\",\"type\":\"code\",\"code\":\"../node.R\"}",
            "inside the directory");
    refused("{\"slug\":\"x\",\"name\":\"x\",\"type\":\"code\",\"code\":\"node.R\","
            "\"variables\":[{\"name\":\"v\",\"type\":\"output\"}]}",
            "variable 1 needs a name and a type");
    refused(FLOW_HEAD FLOW_NODES "\"connections\":[]}", "there is no test n");
    refused(NODE_TEST "," FLOW_HEAD "\"nodes\":[{\"key\":\"b\",\"type\":\"begin\"}]}",
            "one begin node and one finish node");
    refused(NODE_TEST "," FLOW_HEAD "\"nodes\":[{\"key\":\"b\",\"type\":\"begin\"},{\"key\":\"e\","
                      "\"type\":\"finish\"},{\"key\":\"a\",\"type\":\"regular\",\"test\":\"n\","
                      "\"ports\":[{\"name\":\"z\",\"type\":\"input\"}]}]}",
            "port z (input) matches no variable");
    refused(NODE_TEST "," FLOW_HEAD "\"nodes\":[{\"key\":\"b\",\"type\":\"begin\"},{\"key\":\"b\","
                      "\"type\":\"finish\"}]}",
            "the key is used twice");
    refused(NODE_TEST "," FLOW_HEAD FLOW_NODES
                      "\"connections\":[{\"from\":\"b\",\"to\":\"nowhere\"}]}",
            "keys of nodes listed above");
    refused(apr_pstrcat(cc_test_pool, NODE_TEST "," FLOW_HEAD FLOW_NODES, b_to_a,
                        ",{\"from\":\"a\",\"fromPort\":\"y\",\"to\":\"e\"}]}", NULL),
            "an execution edge goes from a branch port");
    refused(apr_pstrcat(cc_test_pool, NODE_TEST "," FLOW_HEAD FLOW_NODES, b_to_a,
                        ",{\"from\":\"a\",\"fromPort\":\"big\",\"to\":\"e\",\"toPort\":\"nope\"}]}",
                        NULL),
            "toPort nope");
}
END_TEST

TCase *tcase_store_starter_rtest(void)
{
    TCase *tc = cc_test_tcase("store/starter_rtest");

    tcase_add_test(tc, flow_follows_the_node_rules);
    tcase_add_test(tc, mistakes_explained);
    return tc;
}
