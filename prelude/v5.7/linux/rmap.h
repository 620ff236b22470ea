/*
 * pageproof kernel model, v5.7: mapping and unmapping a page at one pte
 * (v5.7 mm/memory.c, mm/rmap.c, mm/migrate.c). As in the v6.15 model: a present
 * pte holds one reference and one mapcount; every change of a pte happens under
 * its PTL; the TLB flush and mmu notifiers are not modelled.
 */
#ifndef _PAGEPROOF_LINUX_RMAP_H
#define _PAGEPROOF_LINUX_RMAP_H

#include <linux/mm.h>

/*
 * v5.7 mm/memory.c zap_pte_range(), for one pte: under the PTL clear a present
 * pte (ptep_get_and_clear_full) and drop its mapcount (page_remove_rmap); after
 * the PTL, drop its reference (__tlb_remove_page, then tlb_finish_mmu ->
 * release_pages). Returns 1 if it unmapped a page.
 */
static inline int zap_pte_one(struct pte *pte)
{
	struct page *page = NULL;
	spin_lock(&pte->ptl);
	if (pte->state == PTE_PRESENT) {
		page = pte->page;
		pte->state = PTE_NONE;
		pte->page = NULL;
		atomic_dec(&page->_mapcount);
	}
	spin_unlock(&pte->ptl);
	if (page == NULL)
		return 0;
	put_page(page);
	return 1;
}

/*
 * v5.7 mm/rmap.c try_to_unmap_one(), for the one pte that maps `page`: under the
 * PTL clear it (to none for reclaim, to a migration entry for migration, with
 * TTU_MIGRATION) and drop its mapcount; then put_page, as try_to_unmap_one does.
 * The caller holds the page lock and a reference. Returns 1 if the pte mapped it.
 */
static inline int try_to_unmap_one(struct page *page, struct pte *pte, int migration)
{
	int hit = 0;
	spin_lock(&pte->ptl);
	if (pte->state == PTE_PRESENT && pte->page == page) {
		pte->state = migration ? PTE_MIGRATION : PTE_NONE;
		if (!migration)
			pte->page = NULL;
		atomic_dec(&page->_mapcount);
		hit = 1;
	}
	spin_unlock(&pte->ptl);
	if (hit)
		put_page(page);
	return hit;
}

/*
 * v5.7 mm/migrate.c remove_migration_pte(): replace the migration entry by a
 * present pte mapping `dst` (the new page after a migration, the old one after a
 * failed one), taking a reference and a mapcount (get_page, page_add_*_rmap),
 * under the PTL.
 */
static inline void remove_migration_pte(struct pte *pte, struct page *dst)
{
	spin_lock(&pte->ptl);
	if (pte->state == PTE_MIGRATION) {
		get_page(dst);
		atomic_inc(&dst->_mapcount);
		pte->page = dst;
		pte->state = PTE_PRESENT;
	}
	spin_unlock(&pte->ptl);
}

#endif
