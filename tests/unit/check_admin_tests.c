/* admin/tests.c: tests with their variables, nodes, ports and connections. */
#include "admin_fixture.h"

#include "admin/tests.h"

static long make_test(cc_db *db, const char *json)
{
    cc_admin_error err = {0, NULL, NULL};
    long id = 0;

    ck_assert_msg(cc_admin_test_create(db, cc_test_pool, admin_fixture_json(cc_test_pool, json),
                                       &admin_fixture_alice, 1000, &id, &err) == APR_SUCCESS,
                  "create %s: %s", json, err.message);
    return id;
}

static const char *revision(cc_db *db, long id)
{
    return cc_test_value(
        db, cc_test_pool,
        apr_psprintf(cc_test_pool, "SELECT revision FROM test WHERE id = %ld", id));
}

START_TEST(slugify)
{
    ck_assert_str_eq(cc_admin_slugify(cc_test_pool, "My  First Test!"), "my-first-test");
    ck_assert_str_eq(cc_admin_slugify(cc_test_pool, "--"), "test");
    ck_assert_str_eq(cc_admin_slugify(cc_test_pool, "Ünïcode x"), "n-code-x");
}
END_TEST

START_TEST(new_tests_get_out_and_flow_nodes)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    long code = make_test(db, "{\"name\":\"Code Test\",\"code\":\"x <- 1\"}");
    long flow = make_test(db, "{\"name\":\"Code-Test\",\"type\":2}");
    json_object *got = NULL, *vars = NULL;

    ck_assert_int_eq(cc_admin_test_get(db, cc_test_pool, code, &admin_fixture_alice, &got, &err),
                     APR_SUCCESS);
    ck_assert_str_eq(admin_fixture_str(got, "slug"), "code-test");
    json_object_object_get_ex(got, "variables", &vars);
    ck_assert_int_eq((int)json_object_array_length(vars), 1);
    ck_assert_str_eq(admin_fixture_str(json_object_array_get_idx(vars, 0), "name"), "out");
    ck_assert_int_eq(admin_fixture_int(json_object_array_get_idx(vars, 0), "type"), CC_VAR_BRANCH);
    /* The same slug from another name: -2. */
    ck_assert_str_eq(
        cc_test_value(db, cc_test_pool,
                      apr_psprintf(cc_test_pool, "SELECT slug FROM test WHERE id = %ld", flow)),
        "code-test-2");
    ck_assert_int_eq(
        cc_test_count(
            db, cc_test_pool, "test_node",
            apr_psprintf(cc_test_pool, "flow_test_id = %ld AND type = 1 AND pos_x = 15000", flow)),
        1);
    ck_assert_int_eq(
        cc_test_count(
            db, cc_test_pool, "test_node",
            apr_psprintf(cc_test_pool, "flow_test_id = %ld AND type = 2 AND pos_y = 15100", flow)),
        1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_node",
                                   apr_psprintf(cc_test_pool, "flow_test_id = %ld", code)),
                     0);
}
END_TEST

START_TEST(names_and_slugs_are_unique)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    long id = 0, a = make_test(db, "{\"name\":\"a\"}");

    ck_assert_int_ne(cc_admin_test_create(db, cc_test_pool,
                                          admin_fixture_json(cc_test_pool, "{\"name\":\"A\"}"),
                                          &admin_fixture_alice, 1000, &id, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 409);
    ck_assert_str_eq(err.field, "name");
    make_test(db, "{\"name\":\"b\"}");
    ck_assert_int_ne(
        cc_admin_test_update(db, cc_test_pool, a,
                             admin_fixture_json(cc_test_pool, "{\"slug\":\"b\",\"revision\":0}"),
                             &admin_fixture_alice, 1000, &err),
        APR_SUCCESS);
    ck_assert_int_eq(err.status, 409);
    ck_assert_str_eq(err.field, "slug");
    ck_assert_int_ne(
        cc_admin_test_update(db, cc_test_pool, a,
                             admin_fixture_json(cc_test_pool, "{\"slug\":\"a b\",\"revision\":0}"),
                             &admin_fixture_alice, 1000, &err),
        APR_SUCCESS);
    ck_assert_int_eq(err.status, 422);
    ck_assert_int_eq(
        cc_admin_test_update(db, cc_test_pool, a,
                             admin_fixture_json(cc_test_pool, "{\"slug\":\"a-2\",\"revision\":0}"),
                             &admin_fixture_alice, 1000, &err),
        APR_SUCCESS);
    ck_assert_str_eq(revision(db, a), "1");
}
END_TEST

START_TEST(variables_bump_the_test)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    long t = make_test(db, "{\"name\":\"t\"}"), v = 0, dup = 0;
    json_object *list = NULL;
    cc_list_query lq;

    ck_assert_int_eq(cc_admin_test_child_create(db, cc_test_pool, &cc_kind_test_variable, t,
                                                admin_fixture_json(cc_test_pool,
                                                                   "{\"name\":\"score\",\"type\":1,"
                                                                   "\"value\":\"0\"}"),
                                                &admin_fixture_alice, 1001, &v, &err),
                     APR_SUCCESS);
    ck_assert_str_eq(revision(db, t), "1");
    ck_assert_int_ne(cc_admin_test_child_create(
                         db, cc_test_pool, &cc_kind_test_variable, t,
                         admin_fixture_json(cc_test_pool, "{\"name\":\"score\",\"type\":1}"),
                         &admin_fixture_alice, 1001, &dup, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 409);
    ck_assert_int_ne(
        cc_admin_test_child_create(db, cc_test_pool, &cc_kind_test_variable, t,
                                   admin_fixture_json(cc_test_pool, "{\"name\":\"x\",\"type\":9}"),
                                   &admin_fixture_alice, 1001, &dup, &err),
        APR_SUCCESS);
    ck_assert_int_eq(err.status, 422);
    ck_assert_str_eq(err.field, "type");
    ck_assert_int_eq(
        cc_admin_test_child_update(db, cc_test_pool, &cc_kind_test_variable, t, v,
                                   admin_fixture_json(cc_test_pool, "{\"value\":\"5\"}"),
                                   &admin_fixture_alice, 1002, &err),
        APR_SUCCESS);
    ck_assert_str_eq(revision(db, t), "2");
    ck_assert_int_eq(cc_list_query_parse(cc_test_pool, "type=1", &lq, &err), APR_SUCCESS);
    ck_assert_int_eq(cc_admin_test_child_list(db, cc_test_pool, &cc_kind_test_variable, t, &lq,
                                              &admin_fixture_alice, &list, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(list, "total"), 1);
    /* Bob may not touch alice's private test. */
    ck_assert_int_ne(cc_admin_test_child_delete(db, cc_test_pool, &cc_kind_test_variable, t, v,
                                                &admin_fixture_bob, 1003, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 403);
    ck_assert_int_eq(cc_admin_test_child_delete(db, cc_test_pool, &cc_kind_test_variable, t, v,
                                                &admin_fixture_alice, 1003, &err),
                     APR_SUCCESS);
    ck_assert_str_eq(revision(db, t), "3");
}
END_TEST

START_TEST(nodes_ports_connections)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    long flow = make_test(db, "{\"name\":\"flow\",\"type\":2}");
    long inner = make_test(db, "{\"name\":\"inner\"}"),
         other = make_test(db, "{\"name\":\"o\",\"type\":2}");
    long v = 0, node = 0, conn = 0, begin;
    json_object *got = NULL, *ports = NULL, *port;
    const char *branch_port;

    ck_assert_int_eq(
        cc_admin_test_child_create(db, cc_test_pool, &cc_kind_test_variable, inner,
                                   admin_fixture_json(cc_test_pool, "{\"name\":\"item\",\"type\":0,"
                                                                    "\"value\":\"1\"}"),
                                   &admin_fixture_alice, 1001, &v, &err),
        APR_SUCCESS);
    ck_assert_int_eq(cc_admin_test_child_create(
                         db, cc_test_pool, &cc_kind_test_node, flow,
                         admin_fixture_json(cc_test_pool, apr_psprintf(cc_test_pool,
                                                                       "{\"source_test_id\":"
                                                                       "%ld,\"pos_x\":5}",
                                                                       inner)),
                         &admin_fixture_alice, 1001, &node, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_admin_test_child_get(db, cc_test_pool, &cc_kind_test_node, flow, node,
                                             &admin_fixture_alice, &got, &err),
                     APR_SUCCESS);
    json_object_object_get_ex(got, "ports", &ports);
    /* item (input) and out (branch, exposed). */
    ck_assert_int_eq((int)json_object_array_length(ports), 2);
    port = json_object_array_get_idx(ports, 0);
    ck_assert_str_eq(admin_fixture_str(port, "name"), "out");
    ck_assert_int_eq(json_object_get_boolean(json_object_object_get(port, "exposed")), 1);
    branch_port = apr_ltoa(cc_test_pool, admin_fixture_int(port, "id"));
    begin = atol(cc_test_value(db, cc_test_pool,
                               apr_psprintf(cc_test_pool,
                                            "SELECT id FROM test_node WHERE flow_test_id = %ld AND "
                                            "type = 1",
                                            flow)));
    ck_assert_int_eq(cc_admin_test_child_create(
                         db, cc_test_pool, &cc_kind_test_connection, flow,
                         admin_fixture_json(cc_test_pool, apr_psprintf(cc_test_pool,
                                                                       "{\"source_node_id\":"
                                                                       "%ld,\"destination_"
                                                                       "node_id\":%ld}",
                                                                       begin, node)),
                         &admin_fixture_alice, 1001, &conn, &err),
                     APR_SUCCESS);
    /* A node of another flow is refused, naming the field. */
    ck_assert_int_ne(
        cc_admin_test_child_create(
            db, cc_test_pool, &cc_kind_test_connection, other,
            admin_fixture_json(cc_test_pool,
                               apr_psprintf(cc_test_pool,
                                            "{\"source_node_id\":%ld,\"destination_node_id\":%ld,"
                                            "\"source_port_id\":%s}",
                                            node, node, branch_port)),
            &admin_fixture_alice, 1001, &conn, &err),
        APR_SUCCESS);
    ck_assert_int_eq(err.status, 422);
    ck_assert_str_eq(err.field, "source_node_id");
    /* Ports: PUT changes the value and bumps the flow. */
    ck_assert_int_eq(
        cc_admin_test_port_update(db, cc_test_pool, flow, node,
                                  admin_fixture_int(json_object_array_get_idx(ports, 1), "id"),
                                  admin_fixture_json(cc_test_pool, "{\"value\":\"2\","
                                                                   "\"default_value\":false}"),
                                  &admin_fixture_alice, 1002, &err),
        APR_SUCCESS);
    ck_assert_int_eq(
        cc_test_count(db, cc_test_pool, "test_node_port", "value = '2' AND default_value = 0"), 1);
    /* The inner test is used by the flow: not deleted. */
    ck_assert_int_ne(cc_admin_test_delete(db, cc_test_pool, inner, &admin_fixture_alice, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 409);
    ck_assert_ptr_nonnull(strstr(err.message, "flow"));
    /* Deleting the node takes its connection along; then the test goes. */
    ck_assert_int_eq(cc_admin_test_child_delete(db, cc_test_pool, &cc_kind_test_node, flow, node,
                                                &admin_fixture_alice, 1003, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_node_connection", NULL), 0);
    ck_assert_int_eq(cc_admin_test_delete(db, cc_test_pool, inner, &admin_fixture_alice, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_admin_test_delete(db, cc_test_pool, flow, &admin_fixture_alice, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_node",
                                   apr_psprintf(cc_test_pool, "flow_test_id = %ld", flow)),
                     0);
}
END_TEST

TCase *tcase_admin_tests(void)
{
    TCase *tc = cc_test_tcase("admin/tests");

    tcase_add_test(tc, slugify);
    tcase_add_test(tc, new_tests_get_out_and_flow_nodes);
    tcase_add_test(tc, names_and_slugs_are_unique);
    tcase_add_test(tc, variables_bump_the_test);
    tcase_add_test(tc, nodes_ports_connections);
    return tc;
}
