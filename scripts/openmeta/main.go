// Command openmeta is the baseline of bangfu's start-up in make bench: a
// process that opens each bbolt file named as bangfu does (a write lock,
// the same options) and reads its meta bucket, then prints one line.
package main

import (
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
)

func main() {
	n := 0
	for _, path := range os.Args[1:] {
		db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, FreelistType: bolt.FreelistMapType})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer db.Close()
		err = db.View(func(tx *bolt.Tx) error {
			if b := tx.Bucket([]byte("meta")); b != nil {
				n += b.Stats().KeyN
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	fmt.Println("meta keys:", n)
}
