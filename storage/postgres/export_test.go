package postgres

import (
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Pool lets the tests ask the store's own connections.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// OnDirectoryDropped tells f of every forgetting of the directory cache,
// and whether the cache is on after it.
func (s *Store) OnDirectoryDropped(f func(on bool)) {
	s.dir.mu.Lock()
	s.dir.forgot = f
	s.dir.mu.Unlock()
}

// DirectoryCacheOn says whether the directory cache may be read.
func (s *Store) DirectoryCacheOn() bool {
	s.dir.mu.Lock()
	defer s.dir.mu.Unlock()
	return s.dir.on
}

// RelistenSoon shortens the wait before a lost listener connects again.
func RelistenSoon() { relistenAfter.Store(int64(10 * time.Millisecond)) }
