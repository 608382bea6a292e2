-- What a repeated submit needs: the answer that was sent for the last
-- submit id, so that the same page comes back without advancing the test.
ALTER TABLE test_session ADD COLUMN last_response @TEXT@;

CREATE INDEX test_session_log_session ON test_session_log (session_id, created);
