# SPDX-License-Identifier: GPL-2.0
#
# make            build kmod/llkm.ko and user/llctl
# make run        deps + build, boot a guest, insmod, llctl info, then a
#                 profile and a trace summary of a small workload
# make check      deps + build + lint + host unit tests + guest selftests on
#                 the host kernel, Debian 13's and sid's (LLKM_KERNELS)
# make check-debug  the guest selftests on a KASAN/lockdep/kmemleak/UBSAN
#                 kernel built once from linux-source-6.1 (docs/hardening.md)
# make matrix     the guest selftests on bookworm, trixie and sid kernels,
#                 each built in its suite's chroot (MATRIX)
# make arm64      cross-build llkm.ko, llctl and the guest suite for arm64:
#                 build/arm64/llkm.ko, build/arm64/llctl, build/arm64/kselftest
#                 (deps first; README "arm64")
# make deps       install the Debian packages the project needs
# make install    llctl, its man pages, bash completion, udev rule (DESTDIR, PREFIX);
#                 make uninstall removes exactly those; the module: DKMS
#
# Knobs: KDIR (kernel build tree), W (kernel warning level), V=1 (full
# command lines), LINUX_SOURCE_TAR.
#
# Nothing that make deps installs is looked up while make reads this file:
# a target that needs the packages runs deps, then the rest in a new make,
# which reads it again once they are there.
include quiet.mk

VERSION := $(shell cat VERSION)

# The kernel to build against: the running one's headers, else the newest
# installed (this host runs a kernel without modules; the guest runs Debian's).
KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	if [ -d $$d ]; then echo $$d; else \
	ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1; fi)
W ?= 1
MATRIX ?= bookworm trixie sid

# kselftest_harness.h, checkpatch.pl and run_kselftest.sh come from Debian's
# linux-source package, unpacked here at build time, never committed.
# LINUX_SOURCE_TAR: that tarball; empty, the newest one in /usr/src, looked
# up when it is needed (after make deps), not when make starts.
LINUX_SOURCE_TAR ?=
KSRC := build/ksrc

# Debian packages: what each is for is in docs/install.md ("Dependencies").
DEPS := build-essential pkg-config kmod cpio xz-utils perl \
	linux-image-amd64 linux-headers-amd64 linux-source-6.1 sparse \
	qemu-system-x86 busybox-static mmdebstrap \
	libnl-3-dev libnl-genl-3-dev libpfm4-dev libjson-c-dev libck-dev \
	libseccomp-dev strace libbabeltrace-dev libpopt-dev uuid-dev babeltrace2 \
	jq python3 linux-perf libdw-dev libelf-dev libxml2-utils \
	libyaml-dev libmicrohttpd-dev prometheus pahole libbpf-dev
DEPS += libssl-dev
DEPS += libzstd-dev
DEPS += dkms man-db groff-base
DEPS += shellcheck
# reports: demangling (libiberty), the pictures rendered to PNG in tests
# (rsvg-convert), and a Rust program for the demangling test (rustc);
# node runs the flame graph's script in svg_test
DEPS += libiberty-dev librsvg2-bin rustc nodejs
# the tests make an en_US locale (localedef) to check thousands separators
DEPS += locales
# the debug-kernel tier builds a kernel (make check-debug)
DEPS += bc bison flex
# the arm64 guest (selftests/vm/run --arch arm64): the VM, and running the
# arm64 maintainer scripts of its root file system (mmdebstrap --arch=arm64)
DEPS += qemu-system-arm qemu-user-static binfmt-support arch-test

# make arm64: the cross compiler, and llctl's libraries for arm64 beside
# the amd64 ones (multiarch: dpkg --add-architecture arm64; each :arm64
# -dev package co-installs with its amd64 twin at the same version). Not
# libck-dev: only bench/ uses it. The arm64 kernel headers are not a
# package here: scripts/arm64-kdir fetches and unpacks them into the cache.
DEPS_ARM64 := gcc-aarch64-linux-gnu libc6-dev:arm64 linux-libc-dev:arm64 \
	$(addsuffix :arm64,libnl-3-dev libnl-genl-3-dev libpfm4-dev libjson-c-dev \
	libseccomp-dev libbabeltrace-dev libdw-dev libelf-dev libyaml-dev \
	libmicrohttpd-dev libbpf-dev libssl-dev libzstd-dev libpopt-dev uuid-dev \
	libiberty-dev)
DEPS += $(DEPS_ARM64)

.PHONY: all module llctl selftests deps run check matrix bench lint clean kdir \
	selftests-install ksrc install uninstall install-group check-debug \
	arm64 arm64-module arm64-llctl arm64-selftests

all: module llctl

kdir:
	@if [ -z "$(KDIR)" ] || [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "Unable to find kernel headers: install linux-headers-amd64 (make deps) or pass KDIR=" >&2; \
		exit 1; fi
	@if [ ! -d /lib/modules/$$(uname -r)/build ] && [ "$(origin KDIR)" = file ]; then \
		echo "make: no headers for the running kernel $$(uname -r), building against $(KDIR)" >&2; fi

module: kdir
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) W=$(W) LLKM_VERSION=$(VERSION) modules

llctl:
	$(Q)$(MAKE) $(S) -C user VERSION=$(VERSION)

# Unpacked once per tarball: the stamp names the one it came from.
ksrc:
	$(Q)tar=$(or $(LINUX_SOURCE_TAR),$$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)); \
	if [ -z "$$tar" ] || [ ! -f "$$tar" ]; then \
		echo "Unable to find the kernel source: install linux-source-6.1 (make deps)" >&2; exit 1; fi; \
	if [ "$$(cat $(KSRC)/.stamp 2>/dev/null)" = "$$tar" ] && \
	   [ $(KSRC)/.stamp -nt "$$tar" ]; then exit 0; fi; \
	printf '  %-7s %s\n' UNPACK "$$tar"; \
	rm -rf $(KSRC) && mkdir -p $(KSRC) && \
	tar -xJf "$$tar" -C $(KSRC) --strip-components=1 \
		--wildcards '*/tools/testing/selftests/kselftest*' \
		'*/tools/testing/selftests/run_kselftest.sh' \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' && \
	echo "$$tar" >$(KSRC)/.stamp

selftests: ksrc llctl
	$(Q)$(MAKE) $(S) -C selftests KSFT_DIR=$(CURDIR)/$(KSRC)/tools/testing/selftests

selftests-install: selftests
	$(Q)$(MAKE) $(S) -C selftests KSFT_DIR=$(CURDIR)/$(KSRC)/tools/testing/selftests \
		INSTALL_PATH=$(abspath $(INSTALL_PATH)) install

# The arm64 packages need dpkg's arm64 architecture, and apt's lists of
# it (the apt-get update that installs anything missing fetches them); the
# arm64 guest's kernel comes from them too (selftests/vm/arm64: apt-get
# download linux-image-KVER:arm64).
deps:
	@if ! dpkg --print-foreign-architectures | grep -qx arm64; then \
		echo "deps: dpkg --add-architecture arm64"; \
		dpkg --add-architecture arm64; fi; \
	missing=$$(for p in $(DEPS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
			grep -q '^install ok installed$$' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing" $$missing; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# make arm64: the module against Debian's arm64 headers (scripts/arm64-kdir,
# cached), built in a copy of its sources under build/arm64/src, since
# kbuild puts an external module's objects beside its sources; llctl with
# the cross compiler against the :arm64 -dev packages (multiarch: their
# headers are the amd64 ones, their .pc files and libraries under
# /usr/lib/aarch64-linux-gnu), its objects in build/arm64/user.
# ARM64_C=2: sparse too (selftests/lint).
ARM64_CROSS ?= aarch64-linux-gnu-
ARM64_OUT := build/arm64
ARM64_PKG_CONFIG := env PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig pkg-config
ARM64_C ?=

arm64: deps
	$(Q)$(MAKE) $(S) arm64-module arm64-llctl arm64-selftests

arm64-module:
	$(Q)kdir=$$(scripts/arm64-kdir) || exit 1; \
	mkdir -p $(ARM64_OUT)/src && \
	for f in Kbuild $$(find kmod include \( -name '*.[ch]' ! -name '*.mod.c' \) -o -name Kbuild); do \
		cmp -s $$f $(ARM64_OUT)/src/$$f || cp -p --parents $$f $(ARM64_OUT)/src/ || exit 1; \
	done; \
	$(MAKE) -C $$kdir M=$(CURDIR)/$(ARM64_OUT)/src ARCH=arm64 \
		CROSS_COMPILE=$(ARM64_CROSS) W=$(W) $(if $(ARM64_C),C=$(ARM64_C)) \
		LLKM_VERSION=$(VERSION) modules && \
	cp -p $(ARM64_OUT)/src/kmod/llkm.ko $(ARM64_OUT)/llkm.ko

arm64-llctl:
	$(Q)$(MAKE) $(S) -C user VERSION=$(VERSION) OUT=$(CURDIR)/$(ARM64_OUT)/user \
		CC=$(ARM64_CROSS)gcc PKG_CONFIG="$(ARM64_PKG_CONFIG)"
	$(Q)cp -p $(ARM64_OUT)/user/llctl $(ARM64_OUT)/llctl

# The guest suite for the arm64 guest: llkm/'s programs cross-built into
# build/arm64/selftests/llkm, then laid out as make selftests-install does,
# with the arm64 module and llctl, in build/arm64/kselftest (what
# selftests/run-guest --dir runs there).
arm64-selftests: ksrc arm64-module arm64-llctl
	$(Q)$(MAKE) $(S) -C selftests/llkm KSFT_DIR=$(CURDIR)/$(KSRC)/tools/testing/selftests \
		CC=$(ARM64_CROSS)gcc OUT=$(CURDIR)/$(ARM64_OUT)/selftests/llkm
	$(Q)$(MAKE) $(S) -C selftests KSFT_DIR=$(CURDIR)/$(KSRC)/tools/testing/selftests \
		INSTALL_PATH=$(CURDIR)/$(ARM64_OUT)/kselftest LLKM_KO=$(CURDIR)/$(ARM64_OUT)/llkm.ko \
		LLCTL=$(CURDIR)/$(ARM64_OUT)/llctl LLKM_BIN=$(CURDIR)/$(ARM64_OUT)/selftests/llkm \
		install-files >/dev/null

# What a newcomer sees work: the module loads, and llctl profiles and
# traces a small workload (selftests/llkm/workload) in the guest.
RUN_WORKLOAD := selftests/llkm/workload spin 200 faults 2000 sleep 20
run: deps
	$(Q)$(MAKE) all
	$(Q)$(MAKE) $(S) -C selftests/llkm workload
	$(Q)selftests/vm/run -- sh -c 'insmod kmod/llkm.ko && user/llctl info && \
		echo && user/llctl profile -- $(RUN_WORKLOAD) && \
		echo && user/llctl trace -- $(RUN_WORKLOAD)'

check: deps
	$(Q)$(MAKE) all selftests
	$(Q)selftests/check

# make install: what a user runs, each file where its tool looks for it.
# udev reads no rules under /usr/local: with PREFIX=/usr (a package) the rule
# goes to /usr/lib/udev/rules.d, otherwise to /etc/udev/rules.d.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UDEVRULESDIR ?= $(if $(filter /usr,$(PREFIX)),$(PREFIX)/lib/udev/rules.d,/etc/udev/rules.d)
# llctl(8) and a page per command, llctl-COMMAND(8), as git and perf have.
MANPAGES := $(wildcard docs/man/*.8)
INSTALLED = $(BINDIR)/llctl $(addprefix $(MANDIR)/man8/,$(notdir $(MANPAGES))) \
	$(BASHCOMPDIR)/llctl $(UDEVRULESDIR)/60-llkm.rules

install: llctl
	install -D -m 0755 user/llctl $(DESTDIR)$(BINDIR)/llctl
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man8/
	install -D -m 0644 user/llctl.bash-completion $(DESTDIR)$(BASHCOMPDIR)/llctl
	install -D -m 0644 kmod/60-llkm.rules $(DESTDIR)$(UDEVRULESDIR)/60-llkm.rules

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

# The group the udev rule names; never created behind the user's back.
install-group:
	getent group llkm >/dev/null || groupadd --system llkm

# The debug-kernel tier (KASAN, lockdep, kmemleak, UBSAN): docs/hardening.md.
check-debug: deps
	$(Q)$(MAKE) all selftests
	$(Q)selftests/check-debug

# Benchmarks against the tools users have, results in docs/benchmarks.md.
bench: deps
	$(MAKE) -C bench run

# Every supported kernel, each built with its own suite's compiler.
matrix: deps
	$(Q)$(MAKE) all selftests
	$(Q)selftests/matrix $(MATRIX)

lint: ksrc module llctl
	KDIR=$(KDIR) selftests/lint

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	$(MAKE) -C user clean
	$(MAKE) -C selftests clean
	$(MAKE) -C bench clean
	rm -rf build
