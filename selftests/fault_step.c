// SPDX-License-Identifier: GPL-2.0
/*
 * fault_step: one setup or I/O step of test_fault_01_alloc, run with this
 * process marked for failslab / fail_page_alloc (/proc/self/make-it-fail)
 * only around the system calls of the step itself.
 *
 * A shell marked as a whole would fail its own fork, exec and page-ins;
 * the guest's root is 9p, whose client then fails in ways that have
 * nothing to do with the modules under test.  Here everything the step
 * needs (the program's pages, buffers, the pattern, the module image) is
 * in memory and locked before the mark is set, and the mark is cleared
 * before anything is printed.
 *
 * usage:
 *   fault_step mkdir PATH
 *   fault_step write PATH VALUE
 *   fault_step symlink TARGET PATH
 *   fault_step insmod MODULE.ko [PARAMS]
 *   fault_step connect OPTIONS          (written to /dev/nvme-fabrics)
 *   fault_step rw DEVICE PATTERN BYTES  (write BYTES of PATTERN, read back)
 *   fault_step kv DEVICE NSID KEY VALUE (KV Store, then Retrieve)
 * Exit status: 0 the step worked, 1 it failed with an error (expected
 * under injected failures), 2 it reported success with wrong data (never
 * acceptable), 3 a usage or setup error of the test itself.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/types.h>

#include "../tools/vssd-kv/kvdev.h"

#define STEP_OK		0
#define STEP_FAILED	1
#define STEP_WRONG	2
#define STEP_SETUP	3

static int mark_fd = -1;

static void mark(int on)
{
	if (pwrite(mark_fd, on ? "1" : "0", 1, 0) != 1) {
		perror("make-it-fail");
		exit(STEP_SETUP);
	}
}

static int setup_error(const char *what)
{
	perror(what);
	return STEP_SETUP;
}

/* The whole file in a locked buffer. */
static void *slurp(const char *path, size_t *len)
{
	struct stat st;
	void *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		return NULL;
	buf = malloc(st.st_size ? st.st_size : 1);
	if (buf && read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	*len = st.st_size;
	return buf;
}

static int step_mkdir(const char *path)
{
	int ret;

	mark(1);
	ret = mkdir(path, 0755);
	mark(0);
	return ret ? STEP_FAILED : STEP_OK;
}

static int step_symlink(const char *target, const char *path)
{
	int ret;

	mark(1);
	ret = symlink(target, path);
	mark(0);
	return ret ? STEP_FAILED : STEP_OK;
}

static int step_write(const char *path, const char *value)
{
	size_t len = strlen(value);
	int fd, ok = 0;

	mark(1);
	fd = open(path, O_WRONLY);
	if (fd >= 0) {
		ok = write(fd, value, len) == (ssize_t)len;
		ok &= !close(fd);
	}
	mark(0);
	return ok ? STEP_OK : STEP_FAILED;
}

static int step_insmod(const char *ko, const char *params)
{
	size_t len;
	void *image = slurp(ko, &len);
	long ret;

	if (!image)
		return setup_error(ko);
	mark(1);
	ret = syscall(SYS_init_module, image, len, params);
	mark(0);
	free(image);
	return ret ? STEP_FAILED : STEP_OK;
}

static int step_connect(const char *options)
{
	char reply[256] = "";
	size_t len = strlen(options);
	ssize_t got = -1;
	int fd, ok = 0;

	mark(1);
	fd = open("/dev/nvme-fabrics", O_RDWR);
	if (fd >= 0) {
		ok = write(fd, options, len) == (ssize_t)len;
		if (ok)
			got = read(fd, reply, sizeof(reply) - 1);
		close(fd);
	}
	mark(0);
	if (!ok)
		return STEP_FAILED;
	if (got > 0)
		printf("%.*s\n", (int)got, reply);
	return STEP_OK;
}

static int step_rw(const char *dev, const char *pattern_path, const char *bytes_s)
{
	size_t len, bytes = strtoul(bytes_s, NULL, 0);
	void *pattern = slurp(pattern_path, &len);
	void *out, *back;
	int fd, ret = STEP_FAILED;

	if (!pattern || !bytes || bytes > len || bytes % 4096)
		return setup_error(pattern_path);
	if (posix_memalign(&out, 4096, bytes) || posix_memalign(&back, 4096, bytes))
		return setup_error("posix_memalign");
	memcpy(out, pattern, bytes);
	memset(back, 0, bytes);
	if (mlock(out, bytes) || mlock(back, bytes))
		return setup_error("mlock");
	mark(1);
	fd = open(dev, O_RDWR | O_DIRECT);
	if (fd >= 0) {
		if (pwrite(fd, out, bytes, 0) == (ssize_t)bytes &&
		    pread(fd, back, bytes, 0) == (ssize_t)bytes)
			ret = STEP_OK;
		close(fd);
	}
	mark(0);
	if (ret == STEP_OK && memcmp(out, back, bytes)) {
		fprintf(stderr, "fault_step: %s: %zu bytes read back differ from those written\n",
			dev, bytes);
		ret = STEP_WRONG;
	}
	return ret;
}

static int step_kv(const char *dev, const char *nsid_s, const char *key, const char *value)
{
	unsigned int klen = strlen(key), vlen = strlen(value);
	__u32 full = 0;
	char back[4096];
	struct kvdev d;
	int st_store, st_get = -1, ret = STEP_FAILED;

	if (vlen >= sizeof(back))
		return setup_error("value too long");
	memset(back, 0, sizeof(back));
	mark(1);
	if (!kvdev_open(&d, dev, strtoul(nsid_s, NULL, 0), false)) {
		st_store = kvdev_store(&d, key, klen, value, vlen, 0);
		if (!st_store)
			st_get = kvdev_retrieve(&d, key, klen, back, sizeof(back), &full);
		if (!st_store && !st_get)
			ret = STEP_OK;
		kvdev_close(&d);
	}
	mark(0);
	if (ret == STEP_OK && (full != vlen || memcmp(back, value, vlen))) {
		fprintf(stderr, "fault_step: %s: the value retrieved is not the value stored\n",
			dev);
		ret = STEP_WRONG;
	}
	return ret;
}

/*
 * Grow the stack 256 KiB below this frame, which mlockall() then locks:
 * the steps' frames, far smaller, never fault a page in while marked.
 * (The stack grows on any access below the stack pointer.)
 */
static void stack_prefault(void)
{
	char *frame = __builtin_frame_address(0);
	size_t off;

	for (off = 4096; off <= (256 << 10); off += 4096)
		frame[-(long)off] = 0;
	asm volatile("" : : "r" (frame) : "memory");
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";

	/*
	 * Stack and every mapping present and locked, symbols bound at load
	 * (-z now): no page-in and no lazy binding while marked.
	 */
	stack_prefault();
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		return setup_error("mlockall");
	mark_fd = open("/proc/self/make-it-fail", O_WRONLY);
	if (mark_fd < 0)
		return setup_error("/proc/self/make-it-fail");

	if (!strcmp(op, "mkdir") && argc == 3)
		return step_mkdir(argv[2]);
	if (!strcmp(op, "write") && argc == 4)
		return step_write(argv[2], argv[3]);
	if (!strcmp(op, "symlink") && argc == 4)
		return step_symlink(argv[2], argv[3]);
	if (!strcmp(op, "insmod") && (argc == 3 || argc == 4))
		return step_insmod(argv[2], argc == 4 ? argv[3] : "");
	if (!strcmp(op, "connect") && argc == 3)
		return step_connect(argv[2]);
	if (!strcmp(op, "rw") && argc == 5)
		return step_rw(argv[2], argv[3], argv[4]);
	if (!strcmp(op, "kv") && argc == 6)
		return step_kv(argv[2], argv[3], argv[4], argv[5]);
	fprintf(stderr, "usage: fault_step mkdir PATH | write PATH VALUE | symlink TARGET PATH |\n"
		"  insmod KO [PARAMS] | connect OPTIONS | rw DEVICE PATTERN BYTES |\n"
		"  kv DEVICE NSID KEY VALUE\n");
	return STEP_SETUP;
}
