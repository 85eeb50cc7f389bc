# sdnc: the two commands a user needs are `make run` and `make test`.
SHELL := /bin/bash
NODE_STAMP := node_modules/.sdnc-installed
TOPOLOGY ?= topology/eu-continuum.yaml

.PHONY: deps system-deps build run test typecheck lint bench clean

# npm dependencies, installed once per package-lock change.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

deps: $(NODE_STAMP)

# Open vSwitch, Chromium and the other system packages integration tests use (root on Debian).
system-deps:
	bash scripts/install-system-deps.sh

build: deps
	npx tsc -p tsconfig.json
	node scripts/build-web.mjs

# Builds and starts the controller; it prints its API, docs, web view and events URLs once it listens.
# e.g. `make run TOPOLOGY=topology/mini.yaml ARGS="--http-port 9090 --data-dir /var/lib/sdnc"`.
run: build
	node dist/src/cli/main.js serve --topology $(TOPOLOGY) $(ARGS)

typecheck: deps
	npx tsc -p tsconfig.json --noEmit
	npx tsc -p tsconfig.web.json --noEmit

lint: deps
	npx biome check src test bench

test: deps system-deps typecheck lint
	npx vitest run

# Benchmarks print ratios against baselines measured in the same run; `make bench GROUPS=path` runs one group.
bench: build
	npx tsx bench/run-all.ts $(GROUPS)

clean:
	rm -rf dist

# Mininet emulation (root): the delay relay stands in for netem, which this kernel lacks.
.PHONY: emulate
RELAY := emulation/relay/delay-relay
EMULATE_TOPOLOGY ?= topology/mini.yaml

$(RELAY): emulation/relay/delay-relay.c emulation/relay/frame-ring.h
	cc -O2 -Wall -Wextra -o $@ $<

# Relay and network-builder tests, then every scenario against the controller of this checkout.
emulate: system-deps build $(RELAY)
	/usr/bin/python3 -m unittest discover -s test/integration/emulation
	/usr/bin/python3 emulation/run_scenarios.py --topology $(EMULATE_TOPOLOGY)
