package postgres

import "github.com/jackc/pgx/v5/pgxpool"

// Pool lets the tests ask the store's own connections.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }
