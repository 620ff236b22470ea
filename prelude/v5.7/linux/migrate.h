/*
 * pageproof kernel model, v5.7: migration of one page (v5.7 mm/migrate.c).
 */
#ifndef _PAGEPROOF_LINUX_MIGRATE_H
#define _PAGEPROOF_LINUX_MIGRATE_H

#include <linux/mm.h>

/*
 * v5.7 mm/migrate.c expected_page_refs(mapping, page), renamed here because
 * arch/s390/kernel/uv.c has a function of the same name and the model has one
 * namespace: 1 (the isolation reference), plus one for the page cache, plus one
 * for fs-private data.
 */
static inline int migrate_expected_page_refs(struct page *page)
{
	int refs = 1;
	if (page_mapping(page)) {
		refs++;
		if (page_has_private(page))
			refs++;
	}
	return refs;
}

/*
 * v5.7 mm/migrate.c migrate_page_move_mapping(mapping, newpage, page,
 * extra_count): an anonymous page outside the swap cache is only checked - its
 * count must be what is expected - else -EAGAIN. A cached page is frozen at the
 * expected count (else -EAGAIN) under the i_pages lock; the new page takes the
 * cache's reference and slot; the old one is unfrozen with it removed. Returns 0
 * (MIGRATEPAGE_SUCCESS) or -EAGAIN.
 */
static inline int migrate_page_move_mapping(struct page *newpage, struct page *page, int extra_count)
{
	int expected = migrate_expected_page_refs(page) + extra_count;
	if (!page_mapping(page)) {
		if (page_count(page) != expected)
			return -EAGAIN;
		return 0;
	}
	if (!page_ref_freeze(page, expected))
		return -EAGAIN;
	page_ref_add(newpage, 1);
	WRITE_ONCE(newpage->mapping, READ_ONCE(page->mapping));
	WRITE_ONCE(page->mapping, PAGE_MAPPING_NONE);
	page_ref_unfreeze(page, expected - 1);
	return 0;
}

/*
 * v5.7 mm/migrate.c migrate_pages() -> unmap_and_move() -> __unmap_and_move(),
 * for one page mapped by at most one pte, moved to `newpage` (allocated with its
 * one reference). Isolate it (get_page_unless_zero), lock it (MIGRATE_SYNC:
 * lock_page), wait for writeback, unmap it to a migration entry (try_to_unmap
 * with TTU_MIGRATION), lock the new page, migrate_page_move_mapping; the
 * migration pte then maps the new page on success, the old one on failure
 * (remove_migration_ptes); unlock both; on success drop the new page's allocation
 * reference and free the old page by dropping the isolation reference. The copy
 * of the contents and the retries are not modelled. Returns 0 or -EAGAIN.
 */
static inline int migrate_page_one(struct page *page, struct page *newpage, struct pte *pte) /* Not a kernel function: one page of v5.7 mm/migrate.c migrate_pages */
{
	if (!get_page_unless_zero(page))
		return -EAGAIN;
	lock_page(page);
	wait_on_page_writeback(page);
	if (pte != NULL)
		try_to_unmap_one(page, pte, 1);
	lock_page(newpage);
	int rc = migrate_page_move_mapping(newpage, page, 0);
	if (pte != NULL)
		remove_migration_pte(pte, rc == 0 ? newpage : page);
	unlock_page(newpage);
	unlock_page(page);
	if (rc == 0)
		put_page(newpage);
	put_page(page);
	return rc;
}

#endif
