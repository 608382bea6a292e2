-- The Concerto data model (spec section 1) that the runner, the R bridge and
-- the admin interface stand on. Portable SQL; @ID@ (an auto-increment key)
-- and @TEXT@ (unbounded text) are replaced per dialect. Times are Unix
-- seconds (UTC) in BIGINT columns, the same on every database.

CREATE TABLE concerto_user (
    id @ID@,
    username VARCHAR(64) NOT NULL UNIQUE,
    email VARCHAR(255),
    password_hash VARCHAR(255) NOT NULL,
    failed_auth_streak INTEGER DEFAULT 0 NOT NULL,
    locked_until BIGINT,
    totp_enabled SMALLINT DEFAULT 0 NOT NULL,
    totp_secret VARCHAR(128),
    accessibility SMALLINT DEFAULT 0 NOT NULL,
    object_groups VARCHAR(1024),
    archived SMALLINT DEFAULT 0 NOT NULL,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    updated_by VARCHAR(64)
);

CREATE TABLE role (
    id @ID@,
    name VARCHAR(64) NOT NULL,
    role VARCHAR(64) NOT NULL UNIQUE
);

CREATE TABLE user_role (
    user_id BIGINT NOT NULL REFERENCES concerto_user (id) ON DELETE CASCADE,
    role_id BIGINT NOT NULL REFERENCES role (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);

CREATE TABLE view_template (
    id @ID@,
    name VARCHAR(64) NOT NULL UNIQUE,
    description @TEXT@,
    head @TEXT@,
    html @TEXT@,
    css @TEXT@,
    js @TEXT@,
    owner_id BIGINT REFERENCES concerto_user (id) ON DELETE SET NULL,
    accessibility SMALLINT DEFAULT 0 NOT NULL,
    object_groups VARCHAR(1024),
    archived SMALLINT DEFAULT 0 NOT NULL,
    starter_content SMALLINT DEFAULT 0 NOT NULL,
    tags VARCHAR(1024),
    lock_user_id BIGINT REFERENCES concerto_user (id) ON DELETE SET NULL,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    updated_by VARCHAR(64)
);

CREATE TABLE test (
    id @ID@,
    name VARCHAR(64) NOT NULL UNIQUE,
    slug VARCHAR(64) NOT NULL UNIQUE,
    description @TEXT@,
    type SMALLINT DEFAULT 0 NOT NULL,
    visibility SMALLINT DEFAULT 0 NOT NULL,
    code @TEXT@,
    config_override @TEXT@,
    protected SMALLINT DEFAULT 0 NOT NULL,
    base_template_id BIGINT REFERENCES view_template (id) ON DELETE SET NULL,
    source_wizard_id BIGINT,
    owner_id BIGINT REFERENCES concerto_user (id) ON DELETE SET NULL,
    accessibility SMALLINT DEFAULT 0 NOT NULL,
    object_groups VARCHAR(1024),
    archived SMALLINT DEFAULT 0 NOT NULL,
    starter_content SMALLINT DEFAULT 0 NOT NULL,
    tags VARCHAR(1024),
    lock_user_id BIGINT REFERENCES concerto_user (id) ON DELETE SET NULL,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    updated_by VARCHAR(64)
);

CREATE TABLE test_variable (
    id @ID@,
    test_id BIGINT NOT NULL REFERENCES test (id) ON DELETE CASCADE,
    name VARCHAR(64) NOT NULL,
    type SMALLINT NOT NULL,
    description @TEXT@,
    value @TEXT@,
    passable_through_url SMALLINT DEFAULT 0 NOT NULL,
    parent_variable_id BIGINT REFERENCES test_variable (id) ON DELETE SET NULL,
    UNIQUE (test_id, name, type)
);

CREATE TABLE test_node (
    id @ID@,
    flow_test_id BIGINT NOT NULL REFERENCES test (id) ON DELETE CASCADE,
    source_test_id BIGINT NOT NULL REFERENCES test (id),
    title VARCHAR(255),
    type SMALLINT DEFAULT 0 NOT NULL,
    pos_x INTEGER DEFAULT 0 NOT NULL,
    pos_y INTEGER DEFAULT 0 NOT NULL
);

CREATE TABLE test_node_port (
    id @ID@,
    node_id BIGINT NOT NULL REFERENCES test_node (id) ON DELETE CASCADE,
    variable_id BIGINT REFERENCES test_variable (id) ON DELETE CASCADE,
    name VARCHAR(64) NOT NULL,
    type SMALLINT NOT NULL,
    value @TEXT@,
    is_string SMALLINT DEFAULT 1 NOT NULL,
    default_value SMALLINT DEFAULT 1 NOT NULL,
    dynamic SMALLINT DEFAULT 0 NOT NULL,
    exposed SMALLINT DEFAULT 0 NOT NULL,
    pointer SMALLINT DEFAULT 0 NOT NULL,
    pointer_variable VARCHAR(64),
    UNIQUE (node_id, type, name)
);

CREATE TABLE test_node_connection (
    id @ID@,
    flow_test_id BIGINT NOT NULL REFERENCES test (id) ON DELETE CASCADE,
    source_node_id BIGINT NOT NULL REFERENCES test_node (id),
    source_port_id BIGINT REFERENCES test_node_port (id),
    destination_node_id BIGINT NOT NULL REFERENCES test_node (id),
    destination_port_id BIGINT REFERENCES test_node_port (id),
    return_function @TEXT@,
    default_return_function SMALLINT DEFAULT 1 NOT NULL
);

CREATE TABLE data_table (
    id @ID@,
    name VARCHAR(64) NOT NULL UNIQUE,
    description @TEXT@,
    owner_id BIGINT REFERENCES concerto_user (id) ON DELETE SET NULL,
    accessibility SMALLINT DEFAULT 0 NOT NULL,
    object_groups VARCHAR(1024),
    archived SMALLINT DEFAULT 0 NOT NULL,
    starter_content SMALLINT DEFAULT 0 NOT NULL,
    tags VARCHAR(1024),
    lock_user_id BIGINT REFERENCES concerto_user (id) ON DELETE SET NULL,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    updated_by VARCHAR(64)
);

CREATE TABLE test_session (
    id @ID@,
    hash VARCHAR(64) NOT NULL UNIQUE,
    test_id BIGINT NOT NULL REFERENCES test (id) ON DELETE CASCADE,
    status SMALLINT DEFAULT 0 NOT NULL,
    time_limit INTEGER DEFAULT 0 NOT NULL,
    params @TEXT@,
    error @TEXT@,
    client_ip VARCHAR(45),
    client_browser VARCHAR(512),
    debug SMALLINT DEFAULT 0 NOT NULL,
    version INTEGER DEFAULT 0 NOT NULL,
    last_submit_id VARCHAR(64),
    state @TEXT@,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL
);

CREATE INDEX test_session_status_updated ON test_session (status, updated);

CREATE TABLE test_session_log (
    id @ID@,
    session_id BIGINT REFERENCES test_session (id) ON DELETE CASCADE,
    test_id BIGINT REFERENCES test (id) ON DELETE CASCADE,
    type SMALLINT NOT NULL,
    message @TEXT@,
    ip VARCHAR(45),
    browser VARCHAR(512),
    created BIGINT NOT NULL
);

CREATE TABLE test_session_count (
    id @ID@,
    session_count INTEGER NOT NULL,
    created BIGINT NOT NULL
);

CREATE TABLE administration_setting (
    id @ID@,
    skey VARCHAR(128) NOT NULL UNIQUE,
    svalue @TEXT@,
    exposed SMALLINT DEFAULT 0 NOT NULL
);

CREATE TABLE scheduled_task (
    id @ID@,
    type SMALLINT NOT NULL,
    status SMALLINT DEFAULT 0 NOT NULL,
    description @TEXT@,
    output @TEXT@,
    info @TEXT@,
    created BIGINT NOT NULL,
    updated BIGINT NOT NULL
);
