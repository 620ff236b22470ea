/*
 * pageproof kernel model, v6.15: mapping and unmapping a folio at one pte
 * (v6.15 mm/memory.c, mm/rmap.c, mm/migrate.c).
 *
 * A present pte holds one reference and one mapcount of the folio it maps. Every
 * change of a pte happens under its PTL, as one store of the whole entry
 * (linux/pgtable.h). The TLB flush and the mmu notifiers are
 * not modelled; the reference of a zapped pte is dropped after the PTL, as the
 * kernel's mmu_gather does after the flush.
 */
#ifndef _PAGEPROOF_LINUX_RMAP_H
#define _PAGEPROOF_LINUX_RMAP_H

#include <linux/mm.h>

/*
 * v6.15 mm/memory.c zap_pte_range(), for one pte (munmap, MADV_DONTNEED, exit,
 * and truncation's unmap_mapping_folio): under the PTL read the pte (ptep_get); if
 * it is present, clear it (zap_present_ptes -> get_and_clear_full_ptes ->
 * ptep_get_and_clear_full; pte_clear here, see linux/pgtable.h) and drop its
 * mapcount (folio_remove_rmap_pte); after the PTL, drop its reference
 * (tlb_finish_mmu -> free_pages_and_swap_cache -> folios_put). Returns 1 if it
 * unmapped a folio. The caller's mmap_lock (or i_mmap_rwsem) is not modelled.
 */
static inline int zap_pte_one(struct pte *ptep)
{
	struct folio *folio = NULL;
	spin_lock(&ptep->ptl);
	pte_t ptent = ptep_get(ptep);
	if (pte_present(ptent)) {
		folio = page_folio(pte_page(ptent));
		pte_clear(ptep);
		atomic_dec(&folio->_mapcount);
	}
	spin_unlock(&ptep->ptl);
	if (folio == NULL)
		return 0;
	folio_put(folio);
	return 1;
}

/*
 * v6.15 mm/rmap.c try_to_unmap_one() / try_to_migrate_one(), for the one pte that
 * maps `folio` (the rmap walk finds it: page_vma_mapped_walk reads the pte under the
 * PTL and checks its page). Clear the pte (ptep_clear_flush, which returns the entry
 * just read; pte_clear here, see linux/pgtable.h); for migration and split, then
 * store a migration entry for the page, writable if the old entry was
 * (make_{writable,readable}_migration_entry, set_pte_at) - two stores, as in the
 * kernel; reclaim leaves the pte empty (the swap entry of an anonymous folio is not
 * modelled). Drop its mapcount; the reference is dropped at once (folio_put, as both
 * functions do; the caller holds its own reference). The folio lock is held by the
 * caller. Returns 1 if the pte mapped the folio.
 */
static inline int try_to_unmap_one(struct folio *folio, struct pte *ptep, int migration)
{
	int hit = 0;
	spin_lock(&ptep->ptl);
	pte_t pteval = ptep_get(ptep);
	if (pte_present(pteval) && page_folio(pte_page(pteval)) == folio) {
		struct page *subpage = pte_page(pteval);
		pte_clear(ptep);
		if (migration) {
			swp_entry_t entry;
			if (pte_write(pteval))
				entry = make_writable_migration_entry(page_to_pfn(subpage));
			else
				entry = make_readable_migration_entry(page_to_pfn(subpage));
			set_pte_at(ptep, swp_entry_to_pte(entry));
		}
		atomic_dec(&folio->_mapcount);
		hit = 1;
	}
	spin_unlock(&ptep->ptl);
	if (hit)
		folio_put(folio);
	return hit;
}

/*
 * v6.15 mm/migrate.c remove_migration_pte(): under the PTL, replace a migration
 * entry by a present pte. After a migration it maps the page of `dst` at the index
 * the old page had in `src`; after a failed migration or a split (dst == src) the
 * page the entry holds, whose folio a split may have changed. The pte takes a
 * reference and a mapcount of that page's folio (folio_get,
 * folio_add_anon_rmap_pte / folio_add_file_rmap_pte), then is built (mk_pte with
 * the vma's read-only protection of a private mapping, pte_mkwrite if the migration
 * entry is writable) and stored (set_pte_at).
 */
static inline void remove_migration_pte(struct pte *ptep, struct folio *src, struct folio *dst)
{
	spin_lock(&ptep->ptl);
	pte_t old_pte = ptep_get(ptep);
	if (is_swap_pte(old_pte) && is_migration_entry(pte_to_swp_entry(old_pte))) {
		swp_entry_t entry = pte_to_swp_entry(old_pte);
		struct page *page = pfn_swap_entry_to_page(entry);
		if (dst != src)
			page = folio_page(dst, page == folio_page(src, 0) ? 0 : 1);
		struct folio *folio = page_folio(page);
		folio_get(folio);
		pte_t pte = mk_pte(page, PAGE_RO);
		if (is_writable_migration_entry(entry))
			pte = pte_mkwrite(pte);
		atomic_inc(&folio->_mapcount);
		set_pte_at(ptep, pte);
	}
	spin_unlock(&ptep->ptl);
}

#endif
