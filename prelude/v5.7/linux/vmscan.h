/*
 * pageproof kernel model, v5.7: reclaim of one page (v5.7 mm/vmscan.c).
 */
#ifndef _PAGEPROOF_LINUX_VMSCAN_H
#define _PAGEPROOF_LINUX_VMSCAN_H

#include <linux/mm.h>

/*
 * v5.7 mm/vmscan.c __remove_mapping(): with the page locked, freeze the count at
 * the references an unused cached page has - the isolation reference plus one for
 * the page cache or swap cache (1 + compound_nr; the model's pages are order 0
 * here) - or give up; a page dirtied meanwhile is unfrozen and kept; otherwise
 * take it out of the swap cache (__delete_from_swap_cache: PG_swapcache cleared)
 * or the page cache (__delete_from_page_cache: mapping NONE). The count stays 0:
 * the caller frees the page. The xa_lock and shadow entries are not modelled.
 */
static inline int __remove_mapping(struct page *page)
{
	int refcount = 2;
	if (!page_ref_freeze(page, refcount))
		return 0;
	if (test_bit(PG_dirty, &page->flags)) {
		page_ref_unfreeze(page, refcount);
		return 0;
	}
	if (PageSwapCache(page))
		clear_bit(PG_swapcache, &page->flags);
	else
		WRITE_ONCE(page->mapping, PAGE_MAPPING_NONE);
	return 1;
}

/*
 * v5.7 mm/vmscan.c shrink_page_list(), for one page mapped by at most one pte,
 * with the isolation before it (isolate_lru_pages: get_page_unless_zero).
 * Trylock or keep; under writeback, keep; unmap (try_to_unmap); __remove_mapping;
 * on success unlock and free the frozen page (free_unref_page_list), else unlock
 * and put it back. Swap-out (add_to_swap, pageout) is not modelled. Returns 1 if
 * the page was freed.
 */
static inline int reclaim_page(struct page *page, struct pte *pte) /* Not a kernel function: one page of v5.7 mm/vmscan.c shrink_page_list */
{
	if (!get_page_unless_zero(page))
		return 0;
	if (!trylock_page(page)) {
		put_page(page);
		return 0;
	}
	if (PageWriteback(page))
		goto keep_locked;
	if (pte != NULL)
		try_to_unmap_one(page, pte, 0);
	if (page_mapcount(page) > 0)
		goto keep_locked;
	if (!__remove_mapping(page))
		goto keep_locked;
	unlock_page(page);
	__put_page(page);
	return 1;
keep_locked:
	unlock_page(page);
	put_page(page);
	return 0;
}

#endif
