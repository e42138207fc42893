/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the libFuzzer targets: an input cursor that yields zeros once
 * the input is used up (so every input is a valid program of operations),
 * and an assertion that aborts, which libFuzzer reports as a crash with the
 * input saved.
 */
#ifndef VSSD_FUZZ_H
#define VSSD_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <vssd/pure.h>

struct fuzz_input {
	const u8 *data;
	size_t len;
	size_t at;
};

static inline void fuzz_input_init(struct fuzz_input *in, const u8 *data,
				   size_t len)
{
	in->data = data;
	in->len = len;
	in->at = 0;
}

static inline int fuzz_done(const struct fuzz_input *in)
{
	return in->at >= in->len;
}

static inline u8 fuzz_u8(struct fuzz_input *in)
{
	return in->at < in->len ? in->data[in->at++] : 0;
}

static inline u16 fuzz_u16(struct fuzz_input *in)
{
	u16 lo = fuzz_u8(in);

	return lo | (u16)fuzz_u8(in) << 8;
}

static inline u32 fuzz_u32(struct fuzz_input *in)
{
	u32 lo = fuzz_u16(in);

	return lo | (u32)fuzz_u16(in) << 16;
}

/* Copy @n bytes of input into @dst; zeros past the end of the input. */
static inline void fuzz_bytes(struct fuzz_input *in, void *dst, size_t n)
{
	size_t have = in->at < in->len ? in->len - in->at : 0;

	if (have > n)
		have = n;
	memcpy(dst, in->data + in->at, have);
	memset((u8 *)dst + have, 0, n - have);
	in->at += have;
}

#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant violated: %s\n",	\
			__FILE__, __LINE__, #cond);			\
		abort();						\
	}								\
} while (0)

/*
 * Each target defines this; the Makefile links libFuzzer's entry point
 * (LLVMFuzzerTestOneInput) to it.
 */
int vssd_fuzz_one(const u8 *data, size_t size);

#endif /* VSSD_FUZZ_H */
