/*
 * pageproof kernel model: the page reference API and get_user_pages
 * (v5.7 include/linux/mm.h, mm/gup.c, mm/swap.c).
 *
 * `#include <linux/mm.h>` brings in the whole model: struct page, flags,
 * page_ref_*, the page lock and writeback (linux/pagemap.h), LRU pagevecs
 * (linux/swap.h), pipes (linux/pipe_fs_i.h), unmapping, reclaim, truncation and
 * migration (linux/rmap.h, linux/vmscan.h, linux/truncate.h, linux/migrate.h),
 * device I/O (linux/dma.h) and the s390 ultravisor (asm/uv.h). THP splitting is
 * not in the v5.7 model (compound pages are fixed there; the v6.15 model splits).
 */
#ifndef _PAGEPROOF_LINUX_MM_H
#define _PAGEPROOF_LINUX_MM_H

#include <linux/types.h>
#include <linux/mm_types.h>
#include <linux/pgtable.h>
#include <linux/page-flags.h>
#include <linux/page_ref.h>

/* v5.7 include/linux/mm.h: GUP_PIN_COUNTING_BIAS; FOLL_* from include/linux/mm.h */
#define GUP_PIN_COUNTING_BIAS 1024
#define FOLL_WRITE 1
#define FOLL_GET 4
#define FOLL_PIN 262144

/*
 * v5.7 include/linux/page-flags.h compound_head(): a tail page's head, otherwise
 * the page itself. The head pointer is a const field, so this costs no step
 * (the kernel's READ_ONCE of page->compound_head cannot race: the model never
 * splits a compound page).
 */
static inline struct page *compound_head(struct page *page)
{
	struct page *head = page->compound_head_ptr;
	if (head != NULL)
		return head;
	return page;
}

/* v5.7 include/linux/mm.h page_mapcount(): _mapcount + 1 (one read; the
 * compound-mapcount part for THP is not modelled) */
static inline int page_mapcount(struct page *page)
{
	return atomic_read(&page->_mapcount) + 1;
}

/* v5.7 mm/util.c page_mapping(), simplified to "is there an address_space":
 * a file page has one, an anonymous page does not. (The kernel also returns the
 * swapper space for an anonymous page in the swap cache; the one caller here,
 * expected_page_refs, tests PageSwapCache first.) One read: truncation and
 * reclaim change the mapping. */
static inline bool page_mapping(struct page *page)
{
	return READ_ONCE(page->mapping) == PAGE_MAPPING_FILE;
}

/*
 * v5.7 include/linux/mm.h page_ref_zero_or_close_to_overflow(): the kernel tests
 * `(unsigned)count + 127u <= 127u`, i.e. count in [-127, 0]: zero (the page is
 * free or frozen) or within 127 increments of wrapping round to zero.
 * Adapted for narrowed counters (--refcount-bits N): at N <= 7 bits every negative
 * value lies within 127 of wrapping, and the kernel's test equals `count <= 0`;
 * the model uses `count <= 0` at every width so that it also fires at N = 8..31.
 * (At 32 bits that is stricter than the kernel for counts below -127, which no
 * scenario reaches.)
 */
static inline bool page_ref_zero_or_close_to_overflow(struct page *page)
{
	return page_ref_count(page) <= 0;
}

/*
 * v5.7 include/linux/mm.h get_page(): go to the head; VM_BUG_ON_PAGE if the count
 * is zero or about to overflow (the caller must already hold a reference); then
 * page_ref_inc. Two steps, as in the kernel: the read for the check and the
 * increment. (VM_BUG_ON is CONFIG_DEBUG_VM; the model always checks.)
 */
static inline void get_page(struct page *page)
{
	page = compound_head(page);
	VM_BUG_ON_PAGE(page_ref_zero_or_close_to_overflow(page), page);
	page_ref_inc(page);
}

/*
 * v5.7 include/linux/mm.h try_get_page(): like get_page, but instead of a
 * VM_BUG_ON it WARNs and refuses when the count is <= 0 (added in 2019 by
 * 88b1a17dfc3e so that pipe references cannot overflow the count). The read and
 * the increment are two separate steps: the count can change in between.
 * Precondition (kernel comment): the caller already holds a reference.
 */
static inline bool try_get_page(struct page *page)
{
	page = compound_head(page);
	if (WARN_ON_ONCE(page_ref_count(page) <= 0))
		return false;
	page_ref_inc(page);
	return true;
}

/*
 * v5.7 include/linux/mm.h get_page_unless_zero(): page_ref_add_unless(page, 1, 0),
 * one step; fails on a free or frozen page. Acts on the page given (as in v5.7).
 */
static inline bool get_page_unless_zero(struct page *page)
{
	return page_ref_add_unless(page, 1, 0);
}

/*
 * v5.7 mm/swap.c __put_page(): the page goes back to the allocator. Simplified:
 * the model only marks the page freed (no LRU removal, no destructor); any later
 * access to its fields is reported as use-after-free.
 */
static inline void __put_page(struct page *page)
{
	page->__ghost_freed = 1;
}

/*
 * v5.7 include/linux/mm.h put_page() / put_page_testzero(): go to the head,
 * decrement, free at zero. The kernel's CONFIG_DEBUG_VM check that the count was
 * not already zero is a separate read there; here it is checked on the value the
 * decrement returns (count < 0 afterwards), in the same step. Devmap pages are
 * not modelled. Freeing is a second step, as in the kernel.
 */
static inline void put_page(struct page *page)
{
	page = compound_head(page);
	int v = page_ref_dec_return(page);
	VM_BUG_ON_PAGE(v < 0, page);
	if (v == 0)
		__put_page(page);
}

/* ---- get_user_pages (v5.7 mm/gup.c) ---------------------------------------- */

/*
 * v5.7 mm/gup.c try_get_compound_head(page, refs): go to the head; WARN and fail
 * if its count is negative (note: `< 0`, not `<= 0` as in try_get_page, so a
 * count of 0 - a free or frozen page - fails quietly in the next step); then
 * page_cache_add_speculative(head, refs), which on SMP is
 * page_ref_add_unless(head, refs, 0). Two steps. Returns the head or NULL.
 */
static inline struct page *try_get_compound_head(struct page *page, int refs)
{
	struct page *head = compound_head(page);
	if (WARN_ON_ONCE(page_ref_count(head) < 0))
		return NULL;
	if (!page_ref_add_unless(head, refs, 0))
		return NULL;
	return head;
}

/*
 * v5.7 mm/gup.c try_grab_compound_head(): FOLL_GET takes `refs` references via
 * try_get_compound_head; FOLL_PIN takes refs * GUP_PIN_COUNTING_BIAS (the
 * hpage_pincount of order>1 compound pages is not modelled, and neither are the
 * NR_FOLL_PIN_* statistics).
 */
static inline struct page *try_grab_compound_head(struct page *page, int refs, unsigned int flags)
{
	if (flags & FOLL_GET)
		return try_get_compound_head(page, refs);
	if (flags & FOLL_PIN)
		return try_get_compound_head(page, refs * GUP_PIN_COUNTING_BIAS);
	WARN_ON_ONCE(1);
	return NULL;
}

/*
 * v5.7 mm/gup.c try_grab_page() (slow path, follow_page_pte, page table lock
 * held): FOLL_GET is try_get_page; FOLL_PIN WARNs and fails on a count <= 0,
 * then adds GUP_PIN_COUNTING_BIAS. Two steps each way.
 */
static inline bool try_grab_page(struct page *page, unsigned int flags)
{
	WARN_ON_ONCE((flags & (FOLL_GET | FOLL_PIN)) == (FOLL_GET | FOLL_PIN));
	if (flags & FOLL_GET)
		return try_get_page(page);
	if (flags & FOLL_PIN) {
		page = compound_head(page);
		if (WARN_ON_ONCE(page_ref_count(page) <= 0))
			return false;
		page_ref_add(page, GUP_PIN_COUNTING_BIAS);
	}
	return true;
}

/*
 * v5.7 mm/gup.c put_compound_head(page, refs, flags) for refs = 1: a pin gives
 * back GUP_PIN_COUNTING_BIAS - 1 with page_ref_sub, then the last one with
 * put_page (two steps, as in the kernel).
 */
static inline void put_compound_head(struct page *page, int refs, unsigned int flags)
{
	if (flags & FOLL_PIN)
		refs = refs * GUP_PIN_COUNTING_BIAS;
	if (refs > 1)
		page_ref_sub(page, refs - 1);
	put_page(page);
}

/* v5.7 mm/gup.c unpin_user_page(): put_compound_head(compound_head(page), 1, FOLL_PIN) */
static inline void unpin_user_page(struct page *page)
{
	put_compound_head(compound_head(page), 1, FOLL_PIN);
}

/*
 * v5.7 mm/gup.c gup_pte_range(), for one present, writable, normal pte (the
 * fast path of get_user_pages_fast / pin_user_pages_fast). Grab the page; the
 * kernel then re-reads the pte and backs out if it changed (not modelled: the
 * scenarios never unmap the page); with FOLL_PIN only, make the page accessible,
 * backing out (unpin) if that fails; mark it referenced. Returns 1 if the page
 * was taken, 0 if not (the caller would fall back to the slow path).
 */
static inline int gup_fast_one(struct page *page, unsigned int flags)
{
	struct page *head = try_grab_compound_head(page, 1, flags);
	if (head == NULL)
		return 0;
	if (flags & FOLL_PIN) {
		if (arch_make_page_accessible(page) != 0) {
			unpin_user_page(page);
			return 0;
		}
	}
	SetPageReferenced(page);
	return 1;
}

/*
 * v5.7 mm/gup.c pin_user_pages_fast() / get_user_pages_fast() for one page. The
 * kernel signature (start, nr_pages, gup_flags, pages) is replaced by the page the
 * address maps to; the return value is the number of pages taken (0 or 1).
 * pin_user_pages_fast adds FOLL_PIN (and calls arch_make_page_accessible);
 * get_user_pages_fast adds FOLL_GET (and does not).
 */
static inline int pin_user_pages_fast(struct page *page, unsigned int gup_flags)
{
	return gup_fast_one(page, gup_flags | FOLL_PIN);
}

static inline int get_user_pages_fast(struct page *page, unsigned int gup_flags) /* v5.7 mm/gup.c get_user_pages_fast(), for one page (see above) */
{
	return gup_fast_one(page, gup_flags | FOLL_GET);
}

#include <linux/pagemap.h>
#include <linux/swap.h>
#include <linux/dma.h>
#include <linux/pipe_fs_i.h>
#include <linux/rmap.h>
#include <linux/vmscan.h>
#include <linux/truncate.h>
#include <linux/migrate.h>
#include <asm/uv.h>

#endif
