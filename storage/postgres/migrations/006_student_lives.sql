-- A record's write checks, on the server and after the student's lock, that
-- the student is still on the register: a write sent as one batch with its
-- commit can only be stopped by a statement that fails there.
CREATE FUNCTION student_lives(student bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM students WHERE id = student) THEN
		RAISE EXCEPTION 'student % is not on the register', student USING ERRCODE = 'no_data_found';
	END IF;
END $$;
