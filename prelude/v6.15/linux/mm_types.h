/*
 * pageproof kernel model, v6.15: struct folio and struct page (v6.15
 * include/linux/mm_types.h, reduced to the fields the page-lifecycle protocols
 * read). The page-table entry, struct pte, is in linux/pgtable.h.
 */
#ifndef _PAGEPROOF_LINUX_MM_TYPES_H
#define _PAGEPROOF_LINUX_MM_TYPES_H

#include <linux/types.h>

/*
 * What folio->mapping points to. The kernel stores a pointer (the low bits mark
 * anonymous memory); the model only needs its kind. Unlike the v5.7 model it is
 * not constant: truncation and reclaim take a folio out of the page cache
 * (__filemap_remove_folio sets it to NONE).
 */
#define PAGE_MAPPING_NONE 0
#define PAGE_MAPPING_ANON 1
#define PAGE_MAPPING_FILE 2

struct folio {
	/* v6.15: "_refcount: Do not access this member directly": folio_ref_* */
	atomic_t _refcount = 1;
	/* folio_mapcount() = _mapcount + 1 (the model keeps one counter for the whole
	 * folio: the kernel's per-page _mapcount, _large_mapcount and
	 * _entire_mapcount are folded into it) */
	atomic_t _mapcount = -1;
	/* FOLL_PIN pins of a large folio (small folios count pins in _refcount, by
	 * GUP_PIN_COUNTING_BIAS) */
	atomic_t _pincount;
	/* PG_* bits (linux/page-flags.h) */
	unsigned long flags;
	/* PAGE_MAPPING_{NONE,ANON,FILE} */
	int mapping;
	/* fs-private data attached (buffer heads): 1 = yes; one more reference */
	int private;
	/* folio_nr_pages(): 1 for a small folio, 2 for the large folios of the model
	 * (split_folio makes it 1) */
	int nr_pages = 1;
	/* The folio's pages, for folio_page(): the kernel's folio and its first page
	 * share memory, and its tail pages follow it; the model links them (a scenario
	 * sets them where it needs folio_page() or a split; NULL otherwise) */
	struct page *__ghost_head;
	struct page *__ghost_tail;

	/* ---- ghost state: not kernel data, only the checker reads it ---------- */
	/* Ultravisor view (s390 protected virtualization): 1 = secure */
	int __ghost_secure;
	/* 1 once the ultravisor has imported the folio (so that a scenario can ask
	 * whether an import that reported success happened); a flag, not a count, so
	 * that a guest importing forever keeps the state space finite */
	int __ghost_imported;
	/* Number of device transfers (DMA) in flight on this folio */
	int __ghost_io;
	/* Set when the folio goes back to the allocator: any later access to another
	 * field is a use-after-free */
	int __ghost_freed;
};

/*
 * struct page, reduced to its link to the folio it belongs to (the kernel's
 * compound_head; for a folio's first page the page and the folio are the same
 * memory). The folio carries all the state. Not const: split_folio changes it.
 */
struct page {
	struct folio *folio;
	/* The folio a tail page becomes when its large folio is split (the model
	 * allocates nothing: the scenario declares it); NULL for a head page */
	struct folio *__ghost_split_folio;
};

#endif
