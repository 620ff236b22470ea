/*
 * pageproof kernel model: struct page (v5.7 include/linux/mm_types.h, reduced to
 * the fields the page-lifecycle protocols read).
 */
#ifndef _PAGEPROOF_LINUX_MM_TYPES_H
#define _PAGEPROOF_LINUX_MM_TYPES_H

#include <linux/types.h>

/*
 * What page->mapping points to. The kernel stores a pointer (with the low bit set
 * for anonymous memory); the model only needs its kind. Truncation, reclaim and
 * migration (linux/truncate.h, linux/vmscan.h, linux/migrate.h) take a page out
 * of the page cache: mapping NONE.
 */
#define PAGE_MAPPING_NONE 0
#define PAGE_MAPPING_ANON 1
#define PAGE_MAPPING_FILE 2

struct page {
	/* v5.7: "Usage count. Do not use directly": get_page/put_page/page_ref_* */
	atomic_t _refcount = 1;
	/* -1 = not mapped; page_mapcount() = _mapcount + 1 */
	atomic_t _mapcount = -1;
	/* PG_* bits (linux/page-flags.h) */
	unsigned long flags;
	/* PAGE_MAPPING_{NONE,ANON,FILE} */
	int mapping;
	/*
	 * Tail pages of a compound page point at their head (the kernel encodes this
	 * as page->compound_head with bit 0 set). NULL for head and ordinary pages.
	 * const: the model never splits or assembles compound pages.
	 */
	const struct page *compound_head_ptr;

	/* ---- ghost state: not kernel data, only the checker reads it ---------- */
	/* Ultravisor view (s390 protected virtualization): 1 = secure (guest-owned, encrypted) */
	int __ghost_secure;
	/* Number of device transfers (DMA) in flight on this page */
	int __ghost_io;
	/* Set by the final put_page: any later access to another field is a use-after-free */
	int __ghost_freed;
};

#endif
