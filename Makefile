# domc: build, demo and tests. `make demo` and `make check` work on a fresh
# Debian 12 clone: missing packages are installed with apt-get first.

CC       ?= gcc
BUILD    ?= build
CFLAGS   ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Werror=implicit-function-declaration
CPPFLAGS += -D_GNU_SOURCE -Icompiler -I$(BUILD)
LDLIBS   += -lfdt -pthread

ifeq ($(SANITIZE),1)
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=address,undefined
BUILD    := build-san
endif
# domc's helper threads under ThreadSanitizer (make check SANITIZE=thread
# DOMC_THREADS=2 starts them in every test, whatever its size).
ifeq ($(SANITIZE),thread)
CFLAGS   += -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=thread
BUILD    := build-tsan
endif

DOMC     := $(BUILD)/domc
SHARED   ?= $(abspath ../shared)
CORPUS   ?= $(SHARED)/corpus
export DOMC_CACHE ?= /var/cache/domc-tests

# Debian packages the build and the tests need, by a file each provides.
DEPS_BUILD := /usr/bin/flex:flex /usr/bin/bison:bison /usr/include/stdio.h:libc6-dev \
	      /usr/include/libfdt.h:libfdt-dev /usr/bin/cc:gcc \
	      /usr/bin/make:make
DEPS_TEST  := /usr/bin/dtc:device-tree-compiler /usr/bin/xz:xz-utils \
	      /usr/bin/cpp:cpp /usr/bin/python3:python3-minimal \
	      /usr/bin/sha256sum:coreutils /usr/bin/valgrind:valgrind \
	      /usr/lib/python3/dist-packages/jsonschema:python3-jsonschema

SRCS     := $(wildcard compiler/*.c)
OBJS     := $(SRCS:compiler/%.c=$(BUILD)/%.o) $(BUILD)/dts.tab.o $(BUILD)/dts.lex.o

.PHONY: all deps deps-test demo check check-linux xen-patches-check boot-check \
	clean help bench
all: $(DOMC)

help:
	@echo "make            build $(DOMC)"
	@echo "make demo       compile examples/qemu-virt-2domu.dts and show the result"
	@echo "make check      the whole test suite (CORPUS=dir for dtc's tests)"
	@echo "make check-linux    compare with dtc on every Linux 6.1 arm/arm64 board"
	@echo "make xen-patches-check  apply and build xen-patches/4.17 on Debian's Xen"
	@echo "make boot-check     boot patched and stock Xen under QEMU, compare IDs"
	@echo "make clean      remove build output"

# Installs only what is missing, so a configured machine never calls apt.
define need_pkgs
missing=""; for d in $(1); do f=$${d%%:*}; p=$${d##*:}; \
	[ -e $$f ] || missing="$$missing $$p"; done; \
if [ -n "$$missing" ]; then \
	echo "installing:$$missing"; \
	if [ "$$(id -u)" != 0 ]; then echo "run as root or install:$$missing" >&2; exit 1; fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
		|| { echo "apt-get install$$missing failed" >&2; exit 1; }; \
fi
endef

$(BUILD)/.deps-build:
	@$(call need_pkgs,$(DEPS_BUILD))
	@mkdir -p $(BUILD) && touch $@

deps: $(BUILD)/.deps-build

deps-test: $(BUILD)/.deps-build
	@$(call need_pkgs,$(DEPS_TEST))

$(BUILD)/dts.tab.c $(BUILD)/dts.tab.h: grammar/dts.y | $(BUILD)/.deps-build
	bison -Wall -Werror --defines=$(BUILD)/dts.tab.h -o $(BUILD)/dts.tab.c $<

$(BUILD)/dts.lex.c $(BUILD)/dts.lex.h: grammar/dts.l | $(BUILD)/.deps-build
	flex --header-file=$(BUILD)/dts.lex.h -o $(BUILD)/dts.lex.c $<

$(BUILD)/dts.tab.o: $(BUILD)/dts.tab.c $(BUILD)/dts.lex.h $(wildcard compiler/*.h)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

# Flex's generated code trips -Wextra's unused-parameter/sign-compare.
$(BUILD)/dts.lex.o: $(BUILD)/dts.lex.c $(BUILD)/dts.tab.h $(wildcard compiler/*.h)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -Wno-unused-parameter -Wno-sign-compare -Wno-unused-function -c -o $@ $<

$(BUILD)/%.o: compiler/%.c $(wildcard compiler/*.h) $(BUILD)/dts.tab.h $(BUILD)/dts.lex.h | $(BUILD)/.deps-build
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(DOMC): $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

demo: $(DOMC)
	@sh examples/demo.sh $(DOMC)

check: $(DOMC) deps-test
	@sh tests/run.sh $(DOMC) "$(CORPUS)"

# The Linux arm/arm64 board corpus (linux-source-6.1, cached outside the clone).
check-linux: $(DOMC) deps-test
	@sh tests/linux-corpus.sh $(DOMC)

# Applies xen-patches/4.17 to Debian's Xen 4.17 and cross-builds it.
xen-patches-check:
	@bash xen-patches/check.sh

# Boots the stock and patched Xen under QEMU with domc-compiled scenarios.
boot-check: $(DOMC) xen-patches-check
	@bash tests/boot/run.sh $(DOMC)

clean:
	rm -rf build build-san build-tsan

bench: $(DOMC)
	sh bench/run.sh $(DOMC)

# ---- robustness (issue 8): libFuzzer harnesses, valgrind, hostile inputs.
# `make fuzz-smoke` runs each harness 60 s; `make fuzz FUZZ_SECONDS=N`
# longer (corpora kept in build-fuzz/corpus/). tests/fuzz/README.md.
FUZZ_CC      ?= clang
FUZZ_BUILD   := build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_JOBS    ?= 1
FUZZ_CFLAGS  := -std=c11 -g -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZERS      := dts dtb pipeline
FUZZ_OBJS    := $(patsubst compiler/%.c,$(FUZZ_BUILD)/%.o,$(filter-out compiler/main.c,$(SRCS))) \
	$(FUZZ_BUILD)/dts.tab.o $(FUZZ_BUILD)/dts.lex.o
FUZZ_BINS    := $(FUZZERS:%=$(FUZZ_BUILD)/fuzz_%)
.SECONDARY: $(FUZZ_OBJS)

.PHONY: fuzz-build fuzz-smoke fuzz check-valgrind check-hostile clean-fuzz
$(FUZZ_BUILD)/.deps:
	@$(call need_pkgs,/usr/bin/clang:clang)
	@mkdir -p $(FUZZ_BUILD) && touch $@
$(FUZZ_BUILD)/%.o: compiler/%.c $(wildcard compiler/*.h) $(BUILD)/dts.tab.h $(BUILD)/dts.lex.h | $(FUZZ_BUILD)/.deps
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<
$(FUZZ_BUILD)/dts.%.o: $(BUILD)/dts.%.c $(BUILD)/dts.tab.h $(BUILD)/dts.lex.h | $(FUZZ_BUILD)/.deps
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<
$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(CPPFLAGS) -Itests/fuzz $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(LDLIBS)
fuzz-build: $(FUZZ_BINS) $(DOMC)
fuzz-smoke: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(DOMC) 60 $(FUZZ_JOBS)
fuzz: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(DOMC) $(FUZZ_SECONDS) $(FUZZ_JOBS)
# tests/hostile.sh also runs tests/fuzz/regressions/; make check runs it first.
check-hostile: $(DOMC) deps-test
	@sh tests/hostile.sh $(DOMC)
check: check-hostile
# The whole suite with every domc run under valgrind (tests/valgrind-domc.sh).
check-valgrind: $(DOMC) deps-test
	@DOMC_REAL=$(abspath $(DOMC)) HOSTILE_LIGHT=1 sh tests/hostile.sh tests/valgrind-domc.sh
	@DOMC_REAL=$(abspath $(DOMC)) DOMC_TIMEOUT=$${DOMC_TIMEOUT:-600} \
		sh tests/run.sh tests/valgrind-domc.sh "$(CORPUS)"
ifeq ($(SANITIZE),1)
# a sanitizer report must fail the test that triggered it, never pass as
# exit 1 ("errors in the input")
export UBSAN_OPTIONS ?= halt_on_error=1:print_stacktrace=1:exitcode=97
export ASAN_OPTIONS ?= exitcode=98
# gcc's -Wformat-truncation misfires on vsnprintf under the sanitizers
WARN += -Wno-format-truncation
endif
clean-fuzz:
	rm -rf $(FUZZ_BUILD)
clean: clean-fuzz
