/*
 * pageproof kernel model, v6.15: truncation (v6.15 mm/truncate.c, mm/filemap.c).
 */
#ifndef _PAGEPROOF_LINUX_TRUNCATE_H
#define _PAGEPROOF_LINUX_TRUNCATE_H

#include <linux/mm.h>

/*
 * v6.15 mm/filemap.c filemap_remove_folio(): with the folio locked, take it out
 * of the page cache (__filemap_remove_folio under the i_pages lock: mapping
 * NONE), then drop the page cache's references (filemap_free_folio:
 * folio_put_refs(folio, nr_pages)). The xa_lock, the shadow entry and the
 * accounting are not modelled.
 */
static inline void filemap_remove_folio(struct folio *folio)
{
	int nr = folio_nr_pages(folio);
	WRITE_ONCE(folio->mapping, PAGE_MAPPING_NONE);
	folio_put_refs(folio, nr);
}

/*
 * v6.15 mm/truncate.c truncate_inode_folio(): with the folio locked and still in
 * this mapping: unmap it wherever it is mapped (unmap_mapping_folio ->
 * zap_pte_range; here the one pte the scenario gives, NULL for none),
 * truncate_cleanup_folio (invalidate fs-private data: not modelled), then
 * filemap_remove_folio.
 */
static inline int truncate_inode_folio(struct folio *folio, struct pte *pte)
{
	if (pte != NULL)
		zap_pte_one(pte);
	filemap_remove_folio(folio);
	return 0;
}

/*
 * v6.15 mm/truncate.c truncate_inode_pages_range(), for one folio: the lookup
 * takes a reference (find_lock_entries / filemap_get_folio: folio_try_get), lock
 * the folio, skip it if it already left the page cache; wait for writeback (the
 * second pass does; the first pass skips folios under writeback and comes back);
 * truncate_inode_folio; unlock; release the lookup's reference
 * (folio_batch_release). The i_size update and the partial-folio zeroing are not
 * modelled.
 */
static inline void truncate_folio(struct folio *folio, struct pte *pte) /* Not a kernel function: one folio of v6.15 mm/truncate.c truncate_inode_pages_range */
{
	if (!folio_try_get(folio))
		return;
	folio_lock(folio);
	if (folio_mapping(folio)) {
		folio_wait_writeback(folio);
		truncate_inode_folio(folio, pte);
	}
	folio_unlock(folio);
	folio_put(folio);
}

#endif
