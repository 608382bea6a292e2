-- Logins to the admin interface and the API (issue 7, accounts). A cookie
-- session and an API client are both known by a random token that only its
-- holder has: the database keeps the token's SHA-256 (hex), so a copy of the
-- database opens no session. Times are Unix seconds.
CREATE TABLE admin_session (
    id @ID@,
    token_hash VARCHAR(64) NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES concerto_user (id) ON DELETE CASCADE,
    csrf_token VARCHAR(64) NOT NULL,
    created BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    expires BIGINT NOT NULL,
    totp_passed SMALLINT DEFAULT 0 NOT NULL
);
CREATE INDEX admin_session_user ON admin_session (user_id);

CREATE TABLE api_client (
    id @ID@,
    name VARCHAR(64) NOT NULL,
    token_hash VARCHAR(64) NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES concerto_user (id) ON DELETE CASCADE,
    created BIGINT NOT NULL,
    last_used BIGINT
);

-- The TOTP time step of the last code accepted, so that a code cannot be
-- used twice within its window.
ALTER TABLE concerto_user ADD COLUMN totp_last_step BIGINT;
