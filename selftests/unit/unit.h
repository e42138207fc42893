/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny TAP harness for the userspace unit tests: each UNIT_TEST is a
 * function; main() hands a table of UNIT_CASEs to unit_run(), which prints
 * "ok N - name" or "not ok N - name" after the failed expectations.
 */
#ifndef VSSD_UNIT_H
#define VSSD_UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_case {
	const char *name;
	void (*fn)(int *failed);
};

#define UNIT_TEST(name) static void unit_##name(int *unit_failed)

#define EXPECT(cond) do {						\
	if (!(cond)) {							\
		printf("#   %s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
		*unit_failed = 1;					\
	}								\
} while (0)

#define EXPECT_EQ(a, b) do {						\
	long long unit_a = (long long)(a), unit_b = (long long)(b);	\
	if (unit_a != unit_b) {						\
		printf("#   %s:%d: %s == %lld, expected %s == %lld\n",	\
		       __FILE__, __LINE__, #a, unit_a, #b, unit_b);	\
		*unit_failed = 1;					\
	}								\
} while (0)

#define UNIT_CASE(name) { #name, unit_##name }

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Run every case, print TAP lines; the exit status for main(). */
static inline int unit_run(const char *prefix, const struct unit_case *cases,
			   unsigned int n)
{
	unsigned int i;
	int failures = 0;

	for (i = 0; i < n; i++) {
		int failed = 0;

		cases[i].fn(&failed);
		printf("%s %u - %s/%s\n", failed ? "not ok" : "ok", i + 1,
		       prefix, cases[i].name);
		failures += failed;
	}
	return failures ? 1 : 0;
}

#endif /* VSSD_UNIT_H */
