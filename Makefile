# The two commands of the Local-Plus Developer Portal (see README.md).
.PHONY: start test bench

# Serve the portal at http://localhost:3000 (SQLite, guest sign-in).
start:
	bash scripts/start.sh

# Type-check, lint, unit, integration and end-to-end tests.
test:
	bash scripts/test.sh

# Baseline figures: frontend bundle size, backend start-up time and memory.
bench:
	bash scripts/bench.sh
