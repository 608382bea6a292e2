/* Tests and what hangs off them: variables, flow nodes with their ports,
 * and connections (spec 1.2). A write to any child bumps the test's
 * revision (store/revision.h), so runner caches see it. */
#ifndef CC_ADMIN_TESTS_H
#define CC_ADMIN_TESTS_H

#include "entity.h"

extern const cc_kind cc_kind_test;
extern const cc_kind cc_kind_test_variable;
extern const cc_kind cc_kind_test_node;
extern const cc_kind cc_kind_test_port;
extern const cc_kind cc_kind_test_connection;

/* Variable types and node types as Concerto numbers them. */
enum { CC_VAR_PARAM = 0, CC_VAR_RETURN = 1, CC_VAR_BRANCH = 2 };
enum { CC_NODE_REGULAR = 0, CC_NODE_BEGIN = 1, CC_NODE_FINISH = 2 };
enum { CC_TEST_TYPE_CODE = 0, CC_TEST_TYPE_WIZARD = 1, CC_TEST_TYPE_FLOW = 2 };

/* A new test (slug made from the name when not given), with its `out`
 * branch variable and, for a flow test, its begin and finish nodes. */
apr_status_t cc_admin_test_create(cc_db *db, apr_pool_t *pool, json_object *in,
                                  const cc_admin_actor *actor, long now, long *id,
                                  cc_admin_error *err);
/* PUT: the slug is checked too (409 when another test has it). */
apr_status_t cc_admin_test_update(cc_db *db, apr_pool_t *pool, long id, json_object *in,
                                  const cc_admin_actor *actor, long now, cc_admin_error *err);
/* 409 while a node of another flow runs it; its own flow goes with it. */
apr_status_t cc_admin_test_delete(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                                  cc_admin_error *err);
/* The test with its "variables". */
apr_status_t cc_admin_test_get(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                               json_object **out, cc_admin_error *err);

/* Children of test_id (the caller may see it; it is checked). kind is one
 * of the child kinds above; for ports parent_id is the node's id and
 * test_id its flow test. id 0: the collection. */
apr_status_t cc_admin_test_child_list(cc_db *db, apr_pool_t *pool, const cc_kind *kind,
                                      long test_id, const cc_list_query *lq,
                                      const cc_admin_actor *actor, json_object **out,
                                      cc_admin_error *err);
apr_status_t cc_admin_test_child_get(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long test_id,
                                     long id, const cc_admin_actor *actor, json_object **out,
                                     cc_admin_error *err);
apr_status_t cc_admin_test_child_create(cc_db *db, apr_pool_t *pool, const cc_kind *kind,
                                        long test_id, json_object *in, const cc_admin_actor *actor,
                                        long now, long *id, cc_admin_error *err);
apr_status_t cc_admin_test_child_update(cc_db *db, apr_pool_t *pool, const cc_kind *kind,
                                        long test_id, long id, json_object *in,
                                        const cc_admin_actor *actor, long now, cc_admin_error *err);
apr_status_t cc_admin_test_child_delete(cc_db *db, apr_pool_t *pool, const cc_kind *kind,
                                        long test_id, long id, const cc_admin_actor *actor,
                                        long now, cc_admin_error *err);
/* PUT /tests/{tid}/nodes/{nid}/ports/{pid}. */
apr_status_t cc_admin_test_port_update(cc_db *db, apr_pool_t *pool, long test_id, long node_id,
                                       long port_id, json_object *in, const cc_admin_actor *actor,
                                       long now, cc_admin_error *err);

/* A slug from a name: lower case, runs of other characters as one '-',
 * at most 64 characters; "test" when nothing is left. */
const char *cc_admin_slugify(apr_pool_t *pool, const char *name);

#endif
