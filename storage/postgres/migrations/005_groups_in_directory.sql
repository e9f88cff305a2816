-- Group chats join the directory each process keeps in memory: every
-- message in a group asks which group it is (in a county, of each school).
CREATE TRIGGER groups_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON groups
	FOR EACH STATEMENT EXECUTE FUNCTION directory_changed();
