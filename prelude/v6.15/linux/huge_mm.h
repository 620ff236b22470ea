/*
 * pageproof kernel model, v6.15: splitting a large folio (v6.15 mm/huge_memory.c).
 * The model's large folios have two pages (folio_page(folio, 0) and (folio, 1))
 * and are mapped by at most one pte. After the split the scenario's folio is the
 * small folio of the first page; the second page moves to the folio the scenario
 * declared for it (its __ghost_split_folio), when the scenario links the pages.
 */
#ifndef _PAGEPROOF_LINUX_HUGE_MM_H
#define _PAGEPROOF_LINUX_HUGE_MM_H

#include <linux/mm.h>

/*
 * v6.15 mm/huge_memory.c can_split_folio(): the racy pre-check that no one but
 * the mappings, the cache and the caller holds a reference: count ==
 * mapcount + extra_pins + 1, where extra_pins is one per page for the page or
 * swap cache. Returns extra_pins, or -1 if the folio cannot be split now.
 */
static inline int can_split_folio(struct folio *folio)
{
	int extra_pins = 0;
	if (folio_mapping(folio) || folio_test_swapcache(folio))
		extra_pins = folio_nr_pages(folio);
	if (folio_mapcount(folio) != folio_ref_count(folio) - extra_pins - 1)
		return -1;
	return extra_pins;
}

/*
 * v6.15 mm/huge_memory.c split_folio() -> split_huge_page_to_list_to_order() /
 * __folio_split(), to order 0, with the folio locked and one reference held by
 * the caller: a small folio is already split (0); a file folio no longer in its
 * mapping (truncated) is -EBUSY; can_split_folio or -EAGAIN; unmap_folio (ptes to
 * migration entries); freeze the count at 1 + extra_pins, else remap and
 * -EAGAIN; split: each page becomes a small folio with one temporary reference
 * plus its share of the cache references (the first keeps the caller's), and the
 * second page's compound head moves to its new folio; unfreeze; remap
 * (remove_migration_ptes, on whichever folio the pte's page now belongs to); drop
 * the new folios' temporary references (a tail nobody maps or caches is freed).
 * The anon_vma / i_mmap locks, the xa_lock and the split queue are not modelled.
 * Returns 0, -EAGAIN or -EBUSY.
 */
static inline int split_folio(struct folio *folio, struct pte *pte)
{
	if (!folio_test_large(folio))
		return 0;
	if (READ_ONCE(folio->mapping) == PAGE_MAPPING_NONE)
		return -EBUSY;
	int extra_pins = can_split_folio(folio);
	if (extra_pins < 0)
		return -EAGAIN;
	if (pte != NULL)
		try_to_unmap_one(folio, pte, 1);
	if (!folio_ref_freeze(folio, 1 + extra_pins)) {
		if (pte != NULL)
			remove_migration_pte(pte, folio, folio);
		return -EAGAIN;
	}
	int cache = 0;
	if (extra_pins > 0)
		cache = 1;
	struct page *tail = folio->__ghost_tail;
	struct folio *nf = NULL;
	WRITE_ONCE(folio->nr_pages, 1);
	if (tail != NULL) {
		nf = tail->__ghost_split_folio;
		WRITE_ONCE(nf->mapping, READ_ONCE(folio->mapping));
		atomic_set(&nf->_refcount, 1 + cache);
		WRITE_ONCE(tail->folio, nf);
	}
	folio_ref_unfreeze(folio, 1 + cache);
	if (pte != NULL)
		remove_migration_pte(pte, folio, folio);
	if (nf != NULL)
		folio_put(nf);
	return 0;
}

#endif
