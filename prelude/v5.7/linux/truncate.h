/*
 * pageproof kernel model, v5.7: truncation (v5.7 mm/truncate.c, mm/filemap.c).
 */
#ifndef _PAGEPROOF_LINUX_TRUNCATE_H
#define _PAGEPROOF_LINUX_TRUNCATE_H

#include <linux/mm.h>

/*
 * v5.7 mm/filemap.c delete_from_page_cache(): with the page locked, take it out
 * of the page cache (__delete_from_page_cache under the i_pages lock: mapping
 * NONE), then drop the page cache's reference (page_cache_free_page: put_page).
 */
static inline void delete_from_page_cache(struct page *page)
{
	WRITE_ONCE(page->mapping, PAGE_MAPPING_NONE);
	put_page(page);
}

/*
 * v5.7 mm/truncate.c truncate_inode_page(): with the page locked and still in
 * the mapping, unmap it (unmap_mapping_pages -> zap_pte_range; here the one pte
 * the scenario gives, NULL for none), truncate_cleanup_page (not modelled), then
 * delete_from_page_cache.
 */
static inline int truncate_inode_page(struct page *page, struct pte *pte)
{
	if (pte != NULL)
		zap_pte_one(pte);
	delete_from_page_cache(page);
	return 0;
}

/*
 * v5.7 mm/truncate.c truncate_inode_pages_range(), for one page: the lookup takes
 * a reference (find_lock_entries' speculative get), lock the page, skip it if it
 * left the page cache; wait for writeback; truncate_inode_page; unlock; release
 * the lookup's reference (pagevec_release).
 */
static inline void truncate_page_one(struct page *page, struct pte *pte) /* Not a kernel function: one page of v5.7 mm/truncate.c truncate_inode_pages_range */
{
	if (!get_page_unless_zero(page))
		return;
	lock_page(page);
	if (page_mapping(page)) {
		wait_on_page_writeback(page);
		truncate_inode_page(page, pte);
	}
	unlock_page(page);
	put_page(page);
}

#endif
