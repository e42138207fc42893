// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_hostile: a raw NVMe/TCP host that sends malformed and hostile PDUs to
 * a target and checks that each one gets the answer the protocol demands:
 * a C2HTermReq with the right FES and field offset followed by the close,
 * or an error status in a CapsuleResp while the connection keeps working.
 * The cases live in tcp_hostile_{frame,data,limits,auth}.c, the client in
 * tcp_client.c.
 *
 * usage: tcp_hostile ADDR PORT SUBNQN [CASE...]
 * Needs a subsystem that allows any host with namespace 1 of at least
 * 64 MiB and 512-byte blocks (auth_never_done, run only when named: one
 * that allows HOSTNQN with a DH-HMAC-CHAP key).  Prints one TAP line per
 * case.
 */
#include <stdio.h>
#include <string.h>

#include "tcp_client.h"

/*
 * Without case names every case runs but those of tables that need a target
 * set up for them (named_only: the authentication cases need a subsystem
 * that holds a key for HOSTNQN).
 */
static const struct {
	const struct test_case *cases;
	const unsigned int *n;
	bool named_only;
} tables[] = {
	{ tcp_frame_cases, &tcp_frame_cases_n, false },
	{ tcp_data_cases, &tcp_data_cases_n, false },
	{ tcp_limit_cases, &tcp_limit_cases_n, false },
	{ tcp_auth_cases, &tcp_auth_cases_n, true },
};

int main(int argc, char **argv)
{
	unsigned int run = 0, failed = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: %s ADDR PORT SUBNQN [CASE...]\n", argv[0]);
		return 2;
	}
	g_addr = argv[1];
	g_port = argv[2];
	g_nqn = argv[3];
	crc32c_init();
	for (unsigned int t = 0; t < ARRAY_SIZE(tables); t++) {
		for (unsigned int i = 0; i < *tables[t].n; i++) {
			const struct test_case *tc = &tables[t].cases[i];
			bool pick = argc == 4 && !tables[t].named_only;

			for (int a = 4; a < argc; a++)
				pick |= !strcmp(argv[a], tc->name);
			if (!pick)
				continue;
			g_why[0] = 0;
			run++;
			switch (tc->fn()) {
			case 0:
				printf("ok %u - %s\n", run, tc->name);
				break;
			case CASE_SKIPPED:
				printf("ok %u - %s # SKIP %s\n", run, tc->name, g_why);
				break;
			default:
				failed++;
				printf("not ok %u - %s: %s\n", run, tc->name, g_why);
			}
			fflush(stdout);
		}
	}
	printf("# %u cases, %u failed\n", run, failed);
	return failed ? 1 : 0;
}
