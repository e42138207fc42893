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

.PHONY: all modules nvmet-header modules_install clean distclean deps unit fuzz check \
	check-debug demo vm-shell dkms-install dkms-uninstall checkpatch shellcheck bench help

all: modules

# One line per target; Documentation/building.rst has the details.
help:
	@echo 'vssd $(VSSD_VERSION): make [TARGET] [VARIABLE=value ...]; the targets:'
	@echo '  all               the default: modules'
	@echo '  modules           build vssd.ko and vssd_tcp.ko against KDIR'
	@echo '  nvmet-header      extract the private nvmet.h of KDIR'"'"'s release into .nvmet/'
	@echo '  modules_install   install the built modules (kbuild: INSTALL_MOD_PATH, INSTALL_MOD_DIR), depmod'
	@echo '  clean             remove every build product: modules, unit tests, fuzzers, helpers, tools'
	@echo '  distclean         clean, and remove .nvmet/ and .build/ (logs, VM state, the debug kernel)'
	@echo '  deps              install the Debian packages the build and the tests need (apt-get, root)'
	@echo '  unit              build and run the userspace unit tests (selftests/unit)'
	@echo '  fuzz              run the libFuzzer targets, FUZZ_SECONDS (default 25) each'
	@echo '  check             the full test run: deps, build, unit, fuzz, host tests, VM selftests (TESTS=)'
	@echo '  check-debug       the VM selftests on a debug kernel (KASAN, lockdep, kmemleak; TESTS=)'
	@echo '  demo              boot a VM, load the modules and run tools/demo'
	@echo '  vm-shell          an interactive test guest with the modules ready to modprobe'
	@echo '  dkms-install      install with DKMS for KDIR'"'"'s release (root)'
	@echo '  dkms-uninstall    remove the DKMS install (root)'
	@echo '  checkpatch        the kernel'"'"'s checkpatch.pl --strict on every C file'
	@echo '  shellcheck        ShellCheck (severity warning) on every shell script'
	@echo '  bench             benchmarks in the VM (BENCH=tcp, emu, kv, zns or timing)'
	@echo '  help              this list'
	@echo 'Variables: KDIR, KSRC, TESTS, KERNELS, BENCH, FUZZ_SECONDS, INSTALL_MOD_PATH, INSTALL_MOD_DIR'
	@echo '(Documentation/building.rst).  KDIR=$(KDIR): $(KDIR_WHY).'

nvmet-header:
	@$(CURDIR)/tools/build/nvmet-header.sh --kdir "$(KDIR)" \
		--out "$(CURDIR)/.nvmet" $(if $(KSRC),--ksrc "$(KSRC)")

modules: nvmet-header
	@echo "vssd: building $(VSSD_VERSION) against KDIR=$(KDIR) ($(KDIR_WHY))"
	$(MAKE) -C $(KDIR) M=$(CURDIR) VSSD_VERSION=$(VSSD_VERSION) modules

# kbuild's modules_install for M=: both modules into
# $(INSTALL_MOD_PATH)/lib/modules/<release>/$(INSTALL_MOD_DIR) (default extra,
# as 6.1's kbuild has it; 6.12's would say updates), <release> being KDIR's,
# compressed as the kernel's own modules are (6.12: .ko.xz).  Then depmod for
# that release, unless INSTALL_MOD_PATH names a staging root.  kbuild signs
# the modules when the kernel has CONFIG_MODULE_SIG_ALL, with the key of the
# kernel's own build; distribution headers do not ship that key (sign-file
# would fail with SSL errors, and kbuild goes on), so without it the modules
# are installed unsigned.
KRELEASE = $(shell $(CURDIR)/tools/build/kdir-release.sh $(KDIR) 2>/dev/null)
SIG_KEY = $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"$$/\1/p' $(KDIR)/.config 2>/dev/null)
SIG_UNSIGNED = $(if $(SIG_KEY),$(if $(filter pkcs11:%,$(SIG_KEY)),,$(if $(wildcard \
	$(SIG_KEY) $(KDIR)/$(SIG_KEY)),,yes)))

INSTALL_MOD_DIR ?= extra

modules_install:
	@for m in vssd.ko vssd_tcp.ko; do \
		[ -f "$(CURDIR)/$$m" ] || { echo "vssd: $$m is not built: run make first" >&2; exit 1; }; \
	done
	@[ -n "$(KRELEASE)" ] || { echo "vssd: cannot tell the kernel release of KDIR=$(KDIR)" >&2; exit 1; }
	$(if $(SIG_UNSIGNED),@echo "vssd: installing unsigned modules: $(KDIR) has no signing key ($(SIG_KEY))")
	$(MAKE) -C $(KDIR) M=$(CURDIR) VSSD_VERSION=$(VSSD_VERSION) modules_install \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) $(if $(SIG_UNSIGNED),CONFIG_MODULE_SIG_ALL=)
	$(if $(INSTALL_MOD_PATH),@echo "vssd: INSTALL_MOD_PATH is set: depmod not run (for that root: depmod -b $(INSTALL_MOD_PATH) $(KRELEASE))",depmod -a $(KRELEASE))

# Every build product: kbuild's, by the file patterns of kbuild's "clean"
# with M= (which would also delete the kernel objects of the debug kernel
# cached in .build/debug-kernel), .build and .git left alone; then the
# userspace programs of selftests/ and tools/, Python's byte code caches and
# the CamelCase cache checkpatch.pl writes into the top directory.
# .nvmet/ (the extracted nvmet.h) and .build/ stay: see distclean.  A
# source tree without one of USER_DIRS (a DKMS copy may lack them) is fine.
USER_DIRS := selftests selftests/unit selftests/fuzz tools/bench tools/vssd-kv
clean:
	find $(CURDIR) \( -path $(CURDIR)/.build -o -path $(CURDIR)/.git \) -prune -o \
		\( -name '*.[aios]' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod' \
		-o -name '*.mod.c' -o -name '.*.d' -o -name '*.o.d' -o -name '.*.tmp' \
		-o -name '*.symtypes' -o -name 'modules.order' -o -name '*.su' \) \
		-type f -print0 | xargs -0 rm -f
	rm -f $(CURDIR)/Module.symvers $(CURDIR)/modules.nsdeps $(CURDIR)/.checkpatch-camelcase.*
	find $(CURDIR) \( -path $(CURDIR)/.build -o -path $(CURDIR)/.git \) -prune -o \
		-type d -name __pycache__ -prune -print0 | xargs -0 rm -rf
	for dir in $(USER_DIRS); do \
		[ ! -f $(CURDIR)/$$dir/Makefile ] || $(MAKE) -C $(CURDIR)/$$dir clean || exit; \
	done

# Also the extracted nvmet.h (.nvmet/) and .build/: test logs, VM images and
# state, benchmark results, the extracted checkpatch.pl, the apt-get log of
# tools/deps.sh, and the debug kernel of make check-debug (about an hour to
# build again).
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
	$(CURDIR)/tools/check.sh $(if $(TESTS),--tests '$(TESTS)') $(if $(KERNELS),--kernels '$(KERNELS)')

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
