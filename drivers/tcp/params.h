/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vssd_tcp: the tunables (module parameters, Documentation/transport.rst).
 *
 * VTCP_PARAM_LIST has one entry per parameter:
 *   X(name, default, min, max, permissions, description)
 * and is expanded into the variables vtcp_<name> (params.c), their
 * declarations (below), the range each accepts and the module parameter
 * itself (params.c).  A new tunable is one entry here and its row in
 * transport.rst.
 */
#ifndef VTCP_PARAMS_H
#define VTCP_PARAMS_H

#include <vssd/tcp_wire.h>

#define VTCP_MAX_INLINE_SIZE	(128 * 1024)

#define VTCP_PARAM_LIST(X)							\
	X(inline_data_size, 16384, 0, VTCP_MAX_INLINE_SIZE, 0644,		\
	  "in-capsule data size for ports whose param_inline_data_size is "	\
	  "unset (bytes, default 16384)")					\
	X(max_h2c_data, 262144, VTCP_MIN_MAXH2CDATA, 16 * 1024 * 1024, 0644,	\
	  "MAXH2CDATA offered in ICResp: largest H2CData PDU (bytes, "		\
	  "default 262144)")							\
	X(r2t_chunk, 0, 0, 1U << 30, 0644,					\
	  "bytes asked for per R2T; 0 = the whole transfer in one R2T "		\
	  "(default 0)")							\
	X(mdts, 8, 1, 10, 0444,							\
	  "MDTS reported to hosts: largest transfer is 4 KiB << mdts "		\
	  "(default 8 = 1 MiB)")						\
	X(max_queue_size, 1024, 16, 1024, 0644,					\
	  "largest queue a host may create (entries, default 1024)")		\
	X(icreq_timeout_ms, 10000, 100, 600000, 0644,				\
	  "close connections that send no ICReq and Connect within this "	\
	  "time (ms, default 10000)")						\
	X(max_queue_data_kb, 16384, 64, 4U << 20, 0644,				\
	  "data buffer bytes one connection may hold (KiB, default 16384)")	\
	/* 0 until load, then 1/16 of RAM: vtcp_param_set() */			\
	X(max_data_mb, 0, 0, 1U << 20, 0644,					\
	  "data buffer bytes all connections together may hold (MiB, "		\
	  "default 0 = 1/16 of RAM)")						\
	X(data_timeout_ms, 15000, 100, 600000, 0644,				\
	  "longest wait for H2C data or a data buffer (ms, default 15000)")	\
	X(send_timeout_ms, 30000, 100, 600000, 0644,				\
	  "close a connection whose host takes none of the data waiting for "	\
	  "it for this long (ms, default 30000)")				\
	X(max_connections, 128, 1, 65535, 0644,					\
	  "connections one port accepts (default 128)")

#define VTCP_PARAM_DECLARE(name, def, min, max, perm, desc)			\
	extern unsigned int vtcp_##name;
VTCP_PARAM_LIST(VTCP_PARAM_DECLARE)
#undef VTCP_PARAM_DECLARE

#endif /* VTCP_PARAMS_H */
