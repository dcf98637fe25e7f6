# domc: build, demo and tests. `make demo` and `make check` work on a fresh
# Debian 12 clone: missing packages are installed with apt-get first.

CC       ?= gcc
BUILD    ?= build
CFLAGS   ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Werror=implicit-function-declaration
CPPFLAGS += -D_GNU_SOURCE -Icompiler -I$(BUILD)
LDLIBS   += -lfdt

ifeq ($(SANITIZE),1)
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=address,undefined
BUILD    := build-san
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
	clean help
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

$(BUILD)/dts.tab.o: $(BUILD)/dts.tab.c $(BUILD)/dts.lex.h
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

# Flex's generated code trips -Wextra's unused-parameter/sign-compare.
$(BUILD)/dts.lex.o: $(BUILD)/dts.lex.c $(BUILD)/dts.tab.h
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
	rm -rf build build-san

bench: $(DOMC)
	sh bench/run.sh $(DOMC)
