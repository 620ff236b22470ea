/*
 * pageproof kernel model, v6.15: reclaim of one folio (v6.15 mm/vmscan.c).
 */
#ifndef _PAGEPROOF_LINUX_VMSCAN_H
#define _PAGEPROOF_LINUX_VMSCAN_H

#include <linux/mm.h>

/*
 * v6.15 mm/vmscan.c __remove_mapping(): with the folio locked, freeze the count
 * at the references an unused cached folio has - the isolation reference plus one
 * per page for the page cache or swap cache (1 + folio_nr_pages) - or give up; a
 * folio dirtied meanwhile is unfrozen and kept; otherwise take it out of the swap
 * cache (__delete_from_swap_cache: PG_swapcache cleared) or the page cache
 * (__filemap_remove_folio: mapping NONE). The count stays frozen at 0: the caller
 * frees the folio. The i_pages xa_lock (which the folio lock already orders
 * against truncation here) and the shadow entries are not modelled. Returns 1 if
 * the folio was removed.
 */
static inline int __remove_mapping(struct folio *folio)
{
	int refcount = 1 + folio_nr_pages(folio);
	if (!folio_ref_freeze(folio, refcount))
		return 0;
	if (folio_test_dirty(folio)) {
		folio_ref_unfreeze(folio, refcount);
		return 0;
	}
	if (folio_test_swapcache(folio))
		folio_clear_swapcache(folio);
	else
		WRITE_ONCE(folio->mapping, PAGE_MAPPING_NONE);
	return 1;
}

/*
 * v6.15 mm/vmscan.c shrink_folio_list(), for one folio mapped by at most one pte,
 * with the isolation before it (isolate_lru_folios: a reference taken with
 * folio_try_get when the folio leaves the LRU). Trylock the folio or keep it;
 * under writeback, keep it (the PG_reclaim marking is left out); unmap it
 * (try_to_unmap); __remove_mapping; on success unlock and free the frozen folio
 * (free_unref_folios), else unlock and put it back (the isolation reference is
 * dropped). Swap-out of an anonymous folio (add_to_swap, pageout) is not
 * modelled: the scenario starts it in the swap cache or the page cache. Returns 1
 * if the folio was freed.
 */
static inline int reclaim_folio(struct folio *folio, struct pte *pte) /* Not a kernel function: one folio of v6.15 mm/vmscan.c shrink_folio_list */
{
	if (!folio_try_get(folio))
		return 0;
	if (!folio_trylock(folio)) {
		folio_put(folio);
		return 0;
	}
	if (folio_test_writeback(folio))
		goto keep_locked;
	if (pte != NULL)
		try_to_unmap_one(folio, pte, 0);
	if (folio_mapped(folio))
		goto keep_locked;
	if (!__remove_mapping(folio))
		goto keep_locked;
	folio_unlock(folio);
	__folio_put(folio);
	return 1;
keep_locked:
	folio_unlock(folio);
	folio_put(folio);
	return 0;
}

#endif
