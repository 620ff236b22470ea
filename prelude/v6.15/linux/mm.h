/*
 * pageproof kernel model, v6.15: the folio reference API and get_user_pages
 * (v6.15 include/linux/mm.h, mm/gup.c, mm/swap.c).
 *
 * `#include <linux/mm.h>` brings in the whole v6.15 model: struct folio, flags,
 * folio_ref_*, the folio lock and writeback (linux/pagemap.h), the LRU batches
 * (linux/swap.h), unmapping (linux/rmap.h), reclaim, truncation, migration and
 * splitting (linux/vmscan.h, linux/truncate.h, linux/migrate.h,
 * linux/huge_mm.h), device I/O (linux/dma.h) and the s390 ultravisor (asm/uv.h).
 * Pipes and splice are not in the v6.15 model (the v5.7 one has them).
 */
#ifndef _PAGEPROOF_LINUX_MM_H
#define _PAGEPROOF_LINUX_MM_H

#include <linux/types.h>
#include <linux/mm_types.h>
#include <linux/pgtable.h>
#include <linux/page-flags.h>
#include <linux/page_ref.h>

/* v6.15 include/linux/mm.h GUP_PIN_COUNTING_BIAS; FOLL_* from include/linux/mm_types.h */
#define GUP_PIN_COUNTING_BIAS 1024
#define FOLL_WRITE 1
#define FOLL_GET 4
#define FOLL_PIN 262144

/* v6.15 include/linux/page-flags.h page_folio(): the folio a page belongs to; one read (a split can change it) */
static inline struct folio *page_folio(struct page *page) { return READ_ONCE(page->folio); }
/* v6.15 include/linux/mm.h folio_page(): the folio's n-th page (n is 0 or 1 in the model; see struct folio) */
static inline struct page *folio_page(struct folio *folio, int n) { return n == 0 ? folio->__ghost_head : folio->__ghost_tail; }

/* v6.15 include/linux/mm.h folio_mapcount(): _mapcount + 1, one read (see struct folio) */
static inline int folio_mapcount(struct folio *folio) { return atomic_read(&folio->_mapcount) + 1; }
/* v6.15 include/linux/mm.h folio_mapped(): folio_mapcount() >= 1 */
static inline bool folio_mapped(struct folio *folio) { return folio_mapcount(folio) >= 1; }

/* v6.15 mm/util.c folio_mapping(), simplified to "is there an address_space": a
 * page-cache folio has one; an anonymous one does not (the kernel also returns the
 * swap cache's space for a swap-cache folio; expected_folio_refs tests that first).
 * One read: truncation and reclaim change the mapping. */
static inline bool folio_mapping(struct folio *folio)
{
	return READ_ONCE(folio->mapping) == PAGE_MAPPING_FILE;
}

/*
 * v6.15 include/linux/mm.h folio_get(): VM_BUG_ON_FOLIO if the count is zero or
 * about to overflow (the caller must hold a reference), then folio_ref_inc. Two
 * steps, as in the kernel. The kernel's overflow test is `(unsigned)count + 127u
 * <= 127u`; the model uses `count <= 0` (see the v5.7 model's
 * page_ref_zero_or_close_to_overflow for why).
 */
static inline void folio_get(struct folio *folio)
{
	VM_BUG_ON_FOLIO(folio_ref_count(folio) <= 0, folio);
	folio_ref_inc(folio);
}

/*
 * v6.15 include/linux/mm.h folio_try_get(): folio_ref_add_unless(folio, 1, 0),
 * one step; fails on a free or frozen folio. This is the speculative get of
 * page-cache and LRU lookups (folio_try_get_rcu was folded into it in v6.10).
 */
static inline bool folio_try_get(struct folio *folio)
{
	return folio_ref_add_unless(folio, 1, 0);
}

/*
 * v6.15 mm/swap.c __folio_put(): the folio goes back to the allocator.
 * Simplified: the model only marks it freed (no LRU removal, no memcg
 * uncharge, no large-folio destructor); any later access to its fields is a
 * use-after-free.
 */
static inline void __folio_put(struct folio *folio)
{
	folio->__ghost_freed = 1;
}

/*
 * v6.15 include/linux/mm.h folio_put(): folio_put_testzero (one decrement), free
 * at zero. The kernel's CONFIG_DEBUG_VM check that the count was not already zero
 * is checked on the value the decrement returns, in the same step. Freeing is a
 * second step.
 */
static inline void folio_put(struct folio *folio)
{
	int v = folio_ref_dec_return(folio);
	VM_BUG_ON_FOLIO(v < 0, folio);
	if (v == 0)
		__folio_put(folio);
}

/* v6.15 include/linux/mm.h folio_put_refs(): folio_ref_sub_and_test(refs), free at zero (as folio_put) */
static inline void folio_put_refs(struct folio *folio, int refs)
{
	int v = folio_ref_sub_return(folio, refs);
	VM_BUG_ON_FOLIO(v < 0, folio);
	if (v == 0)
		__folio_put(folio);
}

/* ---- get_user_pages (v6.15 mm/gup.c) -------------------------------------- */

/*
 * v6.15 mm/gup.c try_get_folio(page, refs): take `refs` references on the page's
 * folio with folio_ref_try_add (fails on a free or frozen folio), then re-check that
 * the page still belongs to that folio - a split in between moved it - and if not,
 * give the references back and start again.
 */
static inline struct folio *try_get_folio(struct page *page, int refs)
{
	struct folio *folio;
retry:
	folio = page_folio(page);
	if (!folio_ref_try_add(folio, refs))
		return NULL;
	if (page_folio(page) != folio) {
		folio_put_refs(folio, refs);
		goto retry;
	}
	return folio;
}

/*
 * v6.15 mm/gup.c try_grab_folio_fast() (gup-fast, interrupts off, no PTL):
 * FOLL_GET: try_get_folio(refs). FOLL_PIN: try_get_folio(refs), then for a large
 * folio add refs to _pincount, for a small one add refs * (BIAS - 1) more to the
 * count, so that a pin is worth BIAS references. The kernel's zero-folio and
 * longterm-pinnable checks are left out.
 */
static inline struct folio *try_grab_folio_fast(struct page *page, int refs, unsigned int flags)
{
	if (flags & FOLL_GET)
		return try_get_folio(page, refs);
	struct folio *folio = try_get_folio(page, refs);
	if (folio == NULL)
		return NULL;
	if (folio_test_large(folio))
		atomic_add(refs, &folio->_pincount);
	else
		folio_ref_add(folio, refs * (GUP_PIN_COUNTING_BIAS - 1));
	return folio;
}

/*
 * v6.15 mm/gup.c try_grab_folio() (the slow path, follow_page_pte, PTL held):
 * WARN and fail (-ENOMEM) if the count is <= 0 - the caller found the folio
 * mapped under the PTL, so it must hold references; a frozen count here is a
 * bug. FOLL_GET adds refs; FOLL_PIN adds refs and _pincount for a large folio,
 * refs * BIAS for a small one. Returns 0 or -ENOMEM.
 */
static inline int try_grab_folio(struct folio *folio, int refs, unsigned int flags)
{
	if (WARN_ON_ONCE(folio_ref_count(folio) <= 0))
		return -ENOMEM;
	if (flags & FOLL_GET) {
		folio_ref_add(folio, refs);
	} else if (flags & FOLL_PIN) {
		if (folio_test_large(folio)) {
			folio_ref_add(folio, refs);
			atomic_add(refs, &folio->_pincount);
		} else {
			folio_ref_add(folio, refs * GUP_PIN_COUNTING_BIAS);
		}
	}
	return 0;
}

/*
 * v6.15 mm/gup.c gup_put_folio(): give back what try_grab_folio took: a pin of a
 * large folio decrements _pincount and one reference, a pin of a small one BIAS
 * references; then folio_put_refs.
 */
static inline void gup_put_folio(struct folio *folio, int refs, unsigned int flags)
{
	if (flags & FOLL_PIN) {
		if (folio_test_large(folio))
			atomic_sub(refs, &folio->_pincount);
		else
			refs = refs * GUP_PIN_COUNTING_BIAS;
	}
	folio_put_refs(folio, refs);
}

/* v6.15 mm/gup.c unpin_folio(): gup_put_folio(folio, 1, FOLL_PIN) */
static inline void unpin_folio(struct folio *folio)
{
	gup_put_folio(folio, 1, FOLL_PIN);
}

/* v6.15 mm/gup.c unpin_user_page(): gup_put_folio(page_folio(page), 1, FOLL_PIN) */
static inline void unpin_user_page(struct page *page)
{
	gup_put_folio(page_folio(page), 1, FOLL_PIN);
}

/*
 * v6.15 mm/gup.c gup_fast_pte_range(), for one pte. Read the pte without a lock,
 * once, as one word (ptep_get_lockless); refuse it unless it is present and, for
 * FOLL_WRITE, writable (pte_access_permitted); grab its page's folio
 * (try_grab_folio_fast); re-read the pte (ptep_get) and back out if the word changed
 * (an unmap, migration or split in between); with FOLL_PIN only, make the folio
 * accessible (arch_make_folio_accessible), backing out if that fails; mark it
 * referenced. Returns the folio taken, or NULL (the caller falls back to the slow
 * path). The pmd re-check, the special/devmap tests and the unshare test are not
 * modelled (the model's ptes map ordinary, exclusive pages).
 */
static inline struct folio *gup_fast_pte_one(struct pte *ptep, unsigned int flags)
{
	pte_t pte = ptep_get_lockless(ptep);
	if (!pte_access_permitted(pte, flags & FOLL_WRITE))
		return NULL;
	struct page *page = pte_page(pte);
	struct folio *folio = try_grab_folio_fast(page, 1, flags);
	if (folio == NULL)
		return NULL;
	if (pte_val(pte) != pte_val(ptep_get(ptep))) {
		gup_put_folio(folio, 1, flags);
		return NULL;
	}
	if ((flags & FOLL_PIN) && arch_make_folio_accessible(folio) != 0) {
		gup_put_folio(folio, 1, flags);
		return NULL;
	}
	folio_set_referenced(folio);
	return folio;
}

/*
 * v6.15 mm/gup.c follow_page_pte() (the slow path of __get_user_pages, one pte):
 * take the PTL and read the pte (ptep_get); a non-present or (for FOLL_WRITE)
 * read-only pte fails (the kernel would fault the page in and retry - not modelled:
 * NULL); the page's folio (stable under the PTL: a split must unmap first);
 * try_grab_folio; with FOLL_PIN, arch_make_folio_accessible, unpinning on failure;
 * drop the PTL.
 */
static inline struct folio *follow_page_pte(struct pte *ptep, unsigned int flags)
{
	struct folio *folio = NULL;
	spin_lock(&ptep->ptl);
	pte_t pte = ptep_get(ptep);
	if (pte_present(pte) && (!(flags & FOLL_WRITE) || pte_write(pte))) {
		folio = page_folio(pte_page(pte));
		if (try_grab_folio(folio, 1, flags) != 0) {
			folio = NULL;
		} else if ((flags & FOLL_PIN) && arch_make_folio_accessible(folio) != 0) {
			gup_put_folio(folio, 1, flags);
			folio = NULL;
		}
	}
	spin_unlock(&ptep->ptl);
	return folio;
}

/*
 * v6.15 mm/gup.c pin_user_pages_fast() / get_user_pages_fast() for one address:
 * gup-fast, and if it fails the slow path (__gup_longterm_locked ->
 * __get_user_pages -> follow_page_pte). The kernel signature (start, nr_pages,
 * gup_flags, pages) is replaced by the pte the address maps to, and the result is
 * the folio taken (NULL: none) instead of a count and a pages[] array.
 */
static inline struct folio *pin_user_pages_fast(struct pte *pte, unsigned int gup_flags)
{
	struct folio *folio = gup_fast_pte_one(pte, gup_flags | FOLL_PIN);
	if (folio == NULL)
		folio = follow_page_pte(pte, gup_flags | FOLL_PIN);
	return folio;
}

static inline struct folio *get_user_pages_fast(struct pte *pte, unsigned int gup_flags) /* v6.15 mm/gup.c get_user_pages_fast(), for one address (see pin_user_pages_fast) */
{
	struct folio *folio = gup_fast_pte_one(pte, gup_flags | FOLL_GET);
	if (folio == NULL)
		folio = follow_page_pte(pte, gup_flags | FOLL_GET);
	return folio;
}

#include <linux/pagemap.h>
#include <linux/swap.h>
#include <linux/rmap.h>
#include <linux/vmscan.h>
#include <linux/truncate.h>
#include <linux/migrate.h>
#include <linux/huge_mm.h>
#include <linux/dma.h>
#include <asm/uv.h>

#endif
