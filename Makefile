# SPDX-License-Identifier: GPL-2.0
#
# Wrapper around kbuild for the two out-of-tree modules, plus the project's
# test, demo and install entry points.  See README.md and
# Documentation/building.rst.

VSSD_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(CURDIR)/dkms.conf)

ifeq ($(origin KDIR),undefined)
KDIR_CHOICE := $(shell $(CURDIR)/tools/build/select-kdir.sh)
KDIR := $(firstword $(KDIR_CHOICE))
KDIR_WHY := $(wordlist 2,100,$(KDIR_CHOICE))
else
KDIR_WHY := given on the command line or in the environment
endif
KSRC ?=

.PHONY: all modules nvmet-header clean distclean deps unit fuzz check check-debug demo vm-shell \
	dkms-install dkms-uninstall checkpatch shellcheck bench

all: modules

nvmet-header:
	@$(CURDIR)/tools/build/nvmet-header.sh --kdir "$(KDIR)" \
		--out "$(CURDIR)/.nvmet" $(if $(KSRC),--ksrc "$(KSRC)")

modules: nvmet-header
	@echo "vssd: building $(VSSD_VERSION) against KDIR=$(KDIR) ($(KDIR_WHY))"
	$(MAKE) -C $(KDIR) M=$(CURDIR) VSSD_VERSION=$(VSSD_VERSION) modules

# kbuild's "clean" with M= deletes build products in every directory below
# it, the debug kernel cached in .build/debug-kernel included: the same file
# patterns here, with .build and .git left alone.
clean:
	find $(CURDIR) \( -path $(CURDIR)/.build -o -path $(CURDIR)/.git \) -prune -o \
		\( -name '*.[aios]' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.d' -o -name '*.o.d' -o -name '.*.tmp' \
		-o -name '*.symtypes' -o -name 'modules.order' -o -name '*.su' \) \
		-type f -print | xargs rm -f
	rm -f $(CURDIR)/Module.symvers $(CURDIR)/modules.nsdeps
	$(MAKE) -C selftests/unit clean
	$(MAKE) -C selftests/fuzz clean

# Also the extracted nvmet.h, VM images, test logs and benchmark results.
distclean: clean
	rm -rf $(CURDIR)/.nvmet $(CURDIR)/.build

# Install the Debian packages the build and the tests need (apt-get, as root).
deps:
	$(CURDIR)/tools/deps.sh

unit:
	$(MAKE) -C selftests/unit run

# libFuzzer targets of the pure code, FUZZ_SECONDS (default 25) each.
fuzz:
	$(MAKE) -C selftests/fuzz run

# The test command: dependencies, build, unit tests, host tests, VM selftests.
# TESTS='<glob> ...' limits the run to the tests any of the globs matches.
check:
	$(CURDIR)/tools/check.sh $(if $(TESTS),--tests '$(TESTS)')

# The VM selftests on a debug kernel (KASAN, lockdep, kmemleak, UBSAN, fault
# injection), built once and cached in .build/debug-kernel (VSSD_DEBUG_CACHE).
check-debug:
	$(CURDIR)/tools/check-debug.sh $(if $(TESTS),--tests '$(TESTS)')

# The main job: set up, boot the VM, load the modules and run tools/demo.
demo:
	$(CURDIR)/tools/demo.sh

# An interactive guest with the host root mounted read-only, for debugging.
vm-shell: modules
	$(CURDIR)/tools/vm/shell.sh

dkms-install:
	$(CURDIR)/tools/build/dkms.sh install $(if $(filter command line environment,$(origin KDIR)),--kdir $(KDIR))

dkms-uninstall:
	$(CURDIR)/tools/build/dkms.sh uninstall

checkpatch:
	$(CURDIR)/tools/build/checkpatch.sh

# ShellCheck (severity warning) on every shell script of the tree.
shellcheck:
	$(CURDIR)/tools/build/shellcheck.sh

# Benchmarks in the VM: BENCH=tcp (vssd_tcp against nvmet_tcp).
bench:
	$(CURDIR)/tools/bench/run.sh $(or $(BENCH),tcp)
