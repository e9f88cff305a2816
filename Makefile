.PHONY: test bench run

run:
	go run ./cmd/bangfu

test:
	go test ./...

# The benchmark table: figures next to the raw speed of bbolt on this machine.
bench:
	./scripts/bench.sh
