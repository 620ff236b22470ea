/*
 * pageproof kernel model, v6.15: mapping and unmapping a folio at one pte
 * (v6.15 mm/memory.c, mm/rmap.c, mm/migrate.c).
 *
 * A present pte holds one reference and one mapcount of the folio it maps. Every
 * change of a pte happens under its PTL. The TLB flush and the mmu notifiers are
 * not modelled; the reference of a zapped pte is dropped after the PTL, as the
 * kernel's mmu_gather does after the flush.
 */
#ifndef _PAGEPROOF_LINUX_RMAP_H
#define _PAGEPROOF_LINUX_RMAP_H

#include <linux/mm.h>

/*
 * v6.15 mm/memory.c zap_pte_range(), for one pte (munmap, MADV_DONTNEED, exit,
 * and truncation's unmap_mapping_folio): under the PTL clear a present pte and
 * drop its mapcount (folio_remove_rmap_pte); after the PTL, drop its reference
 * (tlb_finish_mmu -> free_pages_and_swap_cache -> folios_put). Returns 1 if it
 * unmapped a folio. The caller's mmap_lock (or i_mmap_rwsem) is not modelled.
 */
static inline int zap_pte_one(struct pte *pte)
{
	struct folio *folio = NULL;
	spin_lock(&pte->ptl);
	if (pte->state == PTE_PRESENT) {
		folio = page_folio(pte->page);
		pte->state = PTE_NONE;
		pte->page = NULL;
		atomic_dec(&folio->_mapcount);
	}
	spin_unlock(&pte->ptl);
	if (folio == NULL)
		return 0;
	folio_put(folio);
	return 1;
}

/*
 * v6.15 mm/rmap.c try_to_unmap_one() / try_to_migrate_one(), for the one pte that
 * maps `folio` (the rmap walk finds it): under the PTL clear the pte - to none for
 * reclaim, to a migration entry for migration and split - and drop its mapcount;
 * the reference is dropped at once (folio_put, as both functions do; the caller
 * holds its own reference). The folio lock is held by the caller. Returns 1 if the
 * pte mapped the folio.
 */
static inline int try_to_unmap_one(struct folio *folio, struct pte *pte, int migration)
{
	int hit = 0;
	spin_lock(&pte->ptl);
	if (pte->state == PTE_PRESENT && page_folio(pte->page) == folio) {
		pte->state = migration ? PTE_MIGRATION : PTE_NONE;
		if (!migration)
			pte->page = NULL;
		atomic_dec(&folio->_mapcount);
		hit = 1;
	}
	spin_unlock(&pte->ptl);
	if (hit)
		folio_put(folio);
	return hit;
}

/*
 * v6.15 mm/migrate.c remove_migration_pte(): replace the migration entry by a
 * present pte, under the PTL. After a migration it maps the page of `dst` at the
 * index the old page had in `src`; after a failed migration or a split (dst ==
 * src) the same page, whose folio a split may have changed. The pte takes a
 * reference and a mapcount of that page's folio (folio_get,
 * folio_add_anon_rmap_pte / folio_add_file_rmap_pte).
 */
static inline void remove_migration_pte(struct pte *pte, struct folio *src, struct folio *dst)
{
	spin_lock(&pte->ptl);
	if (pte->state == PTE_MIGRATION) {
		struct page *page = pte->page;
		if (dst != src)
			page = folio_page(dst, page == folio_page(src, 0) ? 0 : 1);
		struct folio *folio = page_folio(page);
		folio_get(folio);
		atomic_inc(&folio->_mapcount);
		pte->page = page;
		pte->state = PTE_PRESENT;
	}
	spin_unlock(&pte->ptl);
}

#endif
