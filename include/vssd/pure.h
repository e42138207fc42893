/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel types and helpers that vssd's pure-logic files use, so that
 * the same files build in the kernel and in the userspace unit tests
 * (selftests/unit, -DVSSD_UNIT_TEST).  Include this and nothing else from
 * the kernel in such files.
 */
#ifndef VSSD_PURE_H
#define VSSD_PURE_H

#ifdef VSSD_UNIT_TEST
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#define le16_to_cpu(x) le16toh((__force u16)(x))
#define le32_to_cpu(x) le32toh((__force u32)(x))
#define le64_to_cpu(x) le64toh((__force u64)(x))
#define cpu_to_le16(x) ((__force __le16)htole16(x))
#define cpu_to_le32(x) ((__force __le32)htole32(x))
#define cpu_to_le64(x) ((__force __le64)htole64(x))
#ifndef __force
#define __force
#endif
#ifndef BIT
#define BIT(n) (1UL << (n))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
/*
 * min_t()/max_t() as the kernel's: each argument is evaluated once, into
 * locals named per use (__COUNTER__), so that nested uses do not shadow.
 */
#define __vssd_pick(type, a, b, op, n)						\
	({ type __a##n = (a); type __b##n = (b); __a##n op __b##n ? __a##n : __b##n; })
#define __vssd_pick_n(type, a, b, op, n)	__vssd_pick(type, a, b, op, n)
#define min_t(type, a, b) __vssd_pick_n(type, a, b, <, __COUNTER__)
#define max_t(type, a, b) __vssd_pick_n(type, a, b, >, __COUNTER__)
#ifndef container_of
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#endif

/* A circular doubly linked list, the subset of linux/list.h pure code uses. */
struct list_head {
	struct list_head *next, *prev;
};

static inline void INIT_LIST_HEAD(struct list_head *head)
{
	head->next = head;
	head->prev = head;
}

static inline bool list_empty(const struct list_head *head)
{
	return head->next == head;
}

/* @entry goes first, right after @head. */
static inline void list_add(struct list_head *entry, struct list_head *head)
{
	entry->prev = head;
	entry->next = head->next;
	head->next->prev = entry;
	head->next = entry;
}

/* @entry goes last, right before @head. */
static inline void list_add_tail(struct list_head *entry, struct list_head *head)
{
	list_add(entry, head->prev);
}

static inline void list_del_init(struct list_head *entry)
{
	entry->next->prev = entry->prev;
	entry->prev->next = entry->next;
	INIT_LIST_HEAD(entry);
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)
#define list_next_entry(pos, member) list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_for_each_entry(pos, head, member)					\
	for (pos = list_first_entry(head, __typeof__(*(pos)), member);		\
	     &(pos)->member != (head); pos = list_next_entry(pos, member))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#include <stdlib.h>
static inline void *vssd_pure_zalloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

static inline void vssd_pure_free(void *p)
{
	free(p);
}

static inline u64 vssd_div64(u64 a, u64 b)
{
	return a / b;
}

static inline u64 vssd_div64_rem(u64 a, u64 b)
{
	return a % b;
}
#else
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/byteorder.h>

/* Large tables of the pure code (FTL maps): may sleep. */
static inline void *vssd_pure_zalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static inline void vssd_pure_free(void *p)
{
	kvfree(p);
}

static inline u64 vssd_div64(u64 a, u64 b)
{
	return div64_u64(a, b);
}

static inline u64 vssd_div64_rem(u64 a, u64 b)
{
	u64 rem;

	div64_u64_rem(a, b, &rem);
	return rem;
}
#endif

#endif /* VSSD_PURE_H */
