-- Who holds each platform session (a bot token, a login, a connection)
-- when several bangfu processes share this database.
CREATE TABLE leases (
	name    text PRIMARY KEY,
	holder  text NOT NULL,
	expires timestamptz NOT NULL
);
