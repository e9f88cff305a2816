-- Each process keeps the directory (classes, students, people and their
-- accounts) it reads on every message in memory; a change, by whichever
-- process, tells them all to forget it. The payload is the school's schema:
-- one listening connection serves every school of a county.
CREATE FUNCTION directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('bangfu_directory', current_schema());
	RETURN NULL;
END $$;

CREATE TRIGGER classes_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON classes
	FOR EACH STATEMENT EXECUTE FUNCTION directory_changed();
CREATE TRIGGER students_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON students
	FOR EACH STATEMENT EXECUTE FUNCTION directory_changed();
CREATE TRIGGER people_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON people
	FOR EACH STATEMENT EXECUTE FUNCTION directory_changed();
CREATE TRIGGER accounts_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON accounts
	FOR EACH STATEMENT EXECUTE FUNCTION directory_changed();
