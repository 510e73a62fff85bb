# The habits. `make run` starts the server on the embedded SQLite database
# with demo data; `make test` runs the whole test suite, PostgreSQL included.

.PHONY: run test lint bench build generate screenshots

run:
	go run ./cmd/juece serve --demo

test:
	bash scripts/test.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...

# The README's pictures, taken by the browser tests.
screenshots:
	JUECE_SCREENSHOTS=1 go test -count=1 ./web

build:
	go build -o bin/juece ./cmd/juece

# Benchmarks against PostgreSQL next to the raw-SQL pgbench baseline.
bench:
	bash scripts/bench.sh

generate:
	go generate ./...

# Fetch the vendored front-end files (htmx, axe-core) again with npm into
# web/static/vendor/, recording versions, licences and SHA-256 in VENDOR.md.
.PHONY: assets
assets:
	bash scripts/assets.sh
