# dnslab: build, test, run, install.  `make run` and `make test` install any
# missing Debian packages first (scripts/deps.sh prints what it installs).
PREFIX  ?= /usr/local
DATADIR ?= $(PREFIX)/share/dnslab
CC      ?= cc
PKGS    := ldns libuv openssl yaml-0.1 libedit
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter -Wno-format-truncation
CSTD    := -std=c11 -D_GNU_SOURCE
OPT     ?= -O2 -g
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) -Isrc $(CFLAGS)
LDLIBS_ALL = -lldns -luv -lssl -lcrypto -lyaml -ledit $(LDLIBS)

SRC      := $(sort $(wildcard src/*/*.c))
LIB_SRC  := $(filter-out src/main.c,$(SRC))
B        := build
OBJ      := $(LIB_SRC:%.c=$(B)/obj/%.o)
AOBJ     := $(LIB_SRC:%.c=$(B)/asan/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
ASAN     := -fsanitize=address,undefined -fno-omit-frame-pointer
export DNSLAB_DATADIR_BUILD := $(CURDIR)

.PHONY: all deps deps-test deps-bench run serve test unit cli fuzz fuzz-build bench install uninstall clean

all: $(B)/dnslab

deps:
	@sh scripts/deps.sh build
deps-test:
	@sh scripts/deps.sh build test
deps-bench:
	@sh scripts/deps.sh build test bench

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -DDNSLAB_DATADIR='"$(DATADIR)"' -MMD -MP -c $< -o $@

$(B)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC/SAN  $<"
	@$(CC) $(CFLAGS_ALL) $(ASAN) -DDNSLAB_DATADIR='"$(DATADIR)"' -MMD -MP -c $< -o $@

$(B)/libdnslab.a: $(OBJ)
	@rm -f $@; ar rcs $@ $^

$(B)/libdnslab-asan.a: $(AOBJ)
	@rm -f $@; ar rcs $@ $^

$(B)/dnslab: $(B)/obj/src/main.o $(B)/libdnslab.a
	$(CC) $(OPT) -o $@ $^ $(LDLIBS_ALL)

# The test suite runs the sanitized build so leaks and UB fail tests.
$(B)/asan/dnslab: $(B)/asan/src/main.o $(B)/libdnslab-asan.a
	$(CC) $(OPT) $(ASAN) -o $@ $^ $(LDLIBS_ALL)

$(B)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(B)/libdnslab-asan.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(ASAN) -Itests/unit -o $@ $< $(B)/libdnslab-asan.a $(LDLIBS_ALL) -lcmocka

# make run: the first lab (SESSION=dnssec101 ... for another); make serve:
# the lab internet alone.  ARGS go to the command (e.g. ARGS="--port 5301").
SESSION ?= dns101
run: deps $(B)/dnslab
	@$(B)/dnslab $(SESSION) $(ARGS)

serve: deps $(B)/dnslab
	$(B)/dnslab serve $(ARGS)

unit: $(UNIT_BIN)
cli: $(B)/dnslab $(B)/asan/dnslab

test: deps-test
	@$(MAKE) --no-print-directory $(B)/dnslab $(B)/asan/dnslab $(UNIT_BIN) fuzz-build-if-possible
	@sh tests/run.sh

# libFuzzer targets (clang).  `make fuzz` runs each for FUZZ_SECONDS.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := $(CSTD) -O1 -g -Isrc -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
              -DDNSLAB_DATADIR='"$(DATADIR)"'
$(B)/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) $(LDLIBS_ALL)
fuzz-build: $(FUZZ_BIN)
.PHONY: fuzz-build-if-possible
fuzz-build-if-possible:
	@if echo 'int LLVMFuzzerTestOneInput(const char *d, long n){return 0;}' | \
	    clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory fuzz-build; \
	else echo "note: clang with libFuzzer not available; the fuzz corpus replay is skipped"; fi
fuzz: deps-test fuzz-build
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p $(B)/fuzz-corpus/$$n; \
	  echo "fuzzing $$n for $(FUZZ_SECONDS) s (new inputs go to $(B)/fuzz-corpus/$$n)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 $(B)/fuzz-corpus/$$n tests/fuzz/corpus || exit 1; done

bench: deps-bench $(B)/dnslab
	@sh bench/qps.sh

install: $(B)/dnslab
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR) $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(B)/dnslab $(DESTDIR)$(PREFIX)/bin/dnslab
	cp -R zones labs $(DESTDIR)$(DATADIR)/
	install -m 0644 docs/dnslab.1 $(DESTDIR)$(PREFIX)/share/man/man1/dnslab.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/dnslab $(DESTDIR)$(PREFIX)/share/man/man1/dnslab.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(B)

-include $(OBJ:.o=.d) $(AOBJ:.o=.d)
