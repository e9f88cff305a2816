-- bangfu's tables on PostgreSQL: the same records as the bbolt engine keeps,
-- each row a JSON document beside the columns it is found by.
CREATE TABLE meta (key text PRIMARY KEY, value bytea NOT NULL);

CREATE TABLE classes (
	id        bigserial PRIMARY KEY,
	grade     int NOT NULL,
	number    int NOT NULL,
	graduated int NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX classes_current ON classes (grade, number) WHERE graduated = 0;

CREATE TABLE students (
	id       bigserial PRIMARY KEY,
	class_id bigint NOT NULL,
	name     text NOT NULL,
	doc      jsonb NOT NULL
);
CREATE INDEX students_class ON students (class_id, id);
CREATE INDEX students_name ON students (name, id);

CREATE TABLE people (id bigserial PRIMARY KEY, doc jsonb NOT NULL);
CREATE TABLE accounts (
	platform  text NOT NULL,
	user_id   text NOT NULL,
	person_id bigint NOT NULL,
	PRIMARY KEY (platform, user_id)
);

CREATE TABLE groups (platform text NOT NULL, chat_id text NOT NULL, doc jsonb NOT NULL, PRIMARY KEY (platform, chat_id));
CREATE TABLE invites (code text PRIMARY KEY, doc jsonb NOT NULL);

-- Sessions, contacts, praise and comments: one numbering (#37) for all.
CREATE SEQUENCE record_no;
CREATE TABLE records (
	no         bigint PRIMARY KEY,
	kind       text NOT NULL,
	student_id bigint NOT NULL,
	author_id  bigint NOT NULL,
	at         timestamptz NOT NULL,
	semester   text,
	doc        jsonb NOT NULL
);
CREATE INDEX records_student ON records (student_id, kind, at, no);
CREATE INDEX records_time ON records (kind, at);
CREATE UNIQUE INDEX records_one_comment ON records (student_id, author_id, semester) WHERE kind = 'comment';

CREATE TABLE meetings (id bigserial PRIMARY KEY, at timestamptz NOT NULL, doc jsonb NOT NULL);
CREATE INDEX meetings_at ON meetings (at, id);

CREATE TABLE audit (
	seq      bigserial PRIMARY KEY,
	at       timestamptz NOT NULL,
	actor_id bigint NOT NULL,
	kind     text NOT NULL DEFAULT '',
	doc      jsonb NOT NULL
);
CREATE INDEX audit_at ON audit (at, seq);
CREATE INDEX audit_undo ON audit (actor_id, seq) WHERE kind <> '';

CREATE TABLE processed (msg_key text PRIMARY KEY, at timestamptz NOT NULL);

CREATE TABLE outbox (id bigserial PRIMARY KEY, not_before timestamptz NOT NULL, doc jsonb NOT NULL);
CREATE INDEX outbox_due ON outbox (not_before, id);
CREATE TABLE outbox_keys (key text PRIMARY KEY, at timestamptz NOT NULL);

CREATE TABLE replies (id bigserial PRIMARY KEY, doc jsonb NOT NULL);

CREATE TABLE platform_state (platform text NOT NULL, name text NOT NULL, value bytea, PRIMARY KEY (platform, name));
