-- Settings of a test run natively by the platform (type 3, the adaptive
-- assessment; Concerto's types are 0 code, 1 wizard, 2 flow): the JSON of
-- Concerto's assessment wizard parameters, read by the runner.
ALTER TABLE test ADD COLUMN settings @TEXT@;
