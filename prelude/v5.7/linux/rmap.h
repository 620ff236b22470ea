/*
 * pageproof kernel model, v5.7: mapping and unmapping a page at one pte
 * (v5.7 mm/memory.c, mm/rmap.c, mm/migrate.c). As in the v6.15 model: a present
 * pte holds one reference and one mapcount; every change of a pte happens under
 * its PTL, as one store of the whole entry (linux/pgtable.h); the TLB flush and mmu notifiers are not modelled.
 */
#ifndef _PAGEPROOF_LINUX_RMAP_H
#define _PAGEPROOF_LINUX_RMAP_H

#include <linux/mm.h>

/*
 * v5.7 mm/memory.c zap_pte_range(), for one pte: under the PTL read the pte
 * (`ptent = *pte`); if it is present, clear it (ptep_get_and_clear_full; pte_clear
 * here, see linux/pgtable.h) and drop its mapcount (page_remove_rmap); after the
 * PTL, drop its reference (__tlb_remove_page, then tlb_finish_mmu ->
 * release_pages). Returns 1 if it unmapped a page.
 */
static inline int zap_pte_one(struct pte *ptep)
{
	struct page *page = NULL;
	spin_lock(&ptep->ptl);
	pte_t ptent = ptep->val;
	if (pte_present(ptent)) {
		page = pte_page(ptent);
		pte_clear(ptep);
		atomic_dec(&page->_mapcount);
	}
	spin_unlock(&ptep->ptl);
	if (page == NULL)
		return 0;
	put_page(page);
	return 1;
}

/*
 * v5.7 mm/rmap.c try_to_unmap_one(), for the one pte that maps `page`
 * (page_vma_mapped_walk reads it under the PTL and checks its page): clear it
 * (ptep_clear_flush; pte_clear here), and for migration (TTU_MIGRATION) store a
 * migration entry, writable if the old entry was (make_migration_entry,
 * set_pte_at); reclaim leaves it empty. Drop its mapcount; then put_page, as
 * try_to_unmap_one does. The caller holds the page lock and a reference. Returns 1
 * if the pte mapped it.
 */
static inline int try_to_unmap_one(struct page *page, struct pte *ptep, int migration)
{
	int hit = 0;
	spin_lock(&ptep->ptl);
	pte_t pteval = ptep->val;
	if (pte_present(pteval) && pte_page(pteval) == page) {
		pte_clear(ptep);
		if (migration)
			set_pte_at(ptep, swp_entry_to_pte(make_migration_entry(page, pte_write(pteval))));
		atomic_dec(&page->_mapcount);
		hit = 1;
	}
	spin_unlock(&ptep->ptl);
	if (hit)
		put_page(page);
	return hit;
}

/*
 * v5.7 mm/migrate.c remove_migration_pte(): under the PTL, replace a migration
 * entry by a present pte mapping `dst` (the new page after a migration, the old
 * one after a failed one), taking a reference and a mapcount (get_page,
 * page_add_*_rmap); the pte is mk_pte with the vma's read-only protection of a
 * private mapping, made writable if the migration entry is (maybe_mkwrite), and
 * stored with set_pte_at.
 */
static inline void remove_migration_pte(struct pte *ptep, struct page *dst)
{
	spin_lock(&ptep->ptl);
	pte_t old = ptep->val;
	if (is_swap_pte(old) && is_migration_entry(pte_to_swp_entry(old))) {
		get_page(dst);
		pte_t pte = mk_pte(dst, PAGE_RO);
		if (is_write_migration_entry(pte_to_swp_entry(old)))
			pte = pte_mkwrite(pte);
		atomic_inc(&dst->_mapcount);
		set_pte_at(ptep, pte);
	}
	spin_unlock(&ptep->ptl);
}

#endif
