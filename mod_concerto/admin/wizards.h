/* Test wizards (migration 0006): the wizard with its steps and params,
 * edited as sub-resources /wizards/{id}/steps[/{sid}] and
 * /wizards/{id}/params[/{pid}]; a write to either bumps the wizard's
 * revision. A param's step must be the wizard's and its variable one of
 * the wizard's test. */
#ifndef CC_ADMIN_WIZARDS_H
#define CC_ADMIN_WIZARDS_H

#include "entity.h"

extern const cc_kind cc_kind_wizard;
extern const cc_kind cc_kind_wizard_step;
extern const cc_kind cc_kind_wizard_param;

/* The wizard with "steps" and "params" (ordered). */
apr_status_t cc_admin_wizard_get(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                                 json_object **out, cc_admin_error *err);
/* Creates: the test_id must name a test the caller may see (422). */
apr_status_t cc_admin_wizard_create(cc_db *db, apr_pool_t *pool, json_object *in,
                                    const cc_admin_actor *actor, long now, long *id,
                                    cc_admin_error *err);
/* op: 0 create (*id the new one), 1 update, 2 delete of a step or param. */
apr_status_t cc_admin_wizard_child(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long wizard_id,
                                   int op, long *id, json_object *in, const cc_admin_actor *actor,
                                   long now, cc_admin_error *err);

#endif
