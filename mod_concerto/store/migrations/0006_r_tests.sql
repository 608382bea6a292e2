-- R tests (code, wizard and flow tests, issue 5). busy_until: a request
-- that runs a session's R code claims the session until then (Unix
-- seconds), so that a second answer racing it is refused instead of
-- running the same step twice; a child killed in the middle leaves a claim
-- that simply expires.
ALTER TABLE test_session ADD COLUMN busy_until BIGINT;

-- Test wizards: a wizard test (type 1) runs the wizard's source test with
-- its own variables' values as the defaults.
CREATE TABLE test_wizard (
    id @ID@,
    name VARCHAR(64) NOT NULL UNIQUE,
    description @TEXT@,
    test_id BIGINT NOT NULL REFERENCES test (id) ON DELETE CASCADE,
    owner_id BIGINT REFERENCES concerto_user (id) ON DELETE SET NULL,
    accessibility SMALLINT DEFAULT 0 NOT NULL,
    object_groups VARCHAR(1024),
    archived SMALLINT DEFAULT 0 NOT NULL,
    starter_content SMALLINT DEFAULT 0 NOT NULL,
    tags VARCHAR(1024),
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    updated_by VARCHAR(64),
    revision BIGINT DEFAULT 0 NOT NULL
);

CREATE TABLE test_wizard_step (
    id @ID@,
    wizard_id BIGINT NOT NULL REFERENCES test_wizard (id) ON DELETE CASCADE,
    title VARCHAR(255) NOT NULL,
    description @TEXT@,
    order_num INTEGER DEFAULT 0 NOT NULL,
    cols_num INTEGER DEFAULT 0 NOT NULL
);

CREATE TABLE test_wizard_param (
    id @ID@,
    wizard_id BIGINT NOT NULL REFERENCES test_wizard (id) ON DELETE CASCADE,
    step_id BIGINT NOT NULL REFERENCES test_wizard_step (id) ON DELETE CASCADE,
    variable_id BIGINT NOT NULL REFERENCES test_variable (id) ON DELETE CASCADE,
    label VARCHAR(255),
    description @TEXT@,
    hide_condition @TEXT@,
    type SMALLINT DEFAULT 0 NOT NULL,
    passable_through_url SMALLINT DEFAULT 0 NOT NULL,
    order_index INTEGER DEFAULT 0 NOT NULL,
    value @TEXT@,
    definition @TEXT@
);

CREATE INDEX test_wizard_param_wizard ON test_wizard_param (wizard_id);
