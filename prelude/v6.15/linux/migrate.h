/*
 * pageproof kernel model, v6.15: migration of one folio (v6.15 mm/migrate.c).
 */
#ifndef _PAGEPROOF_LINUX_MIGRATE_H
#define _PAGEPROOF_LINUX_MIGRATE_H

#include <linux/mm.h>

/* v6.15 mm/migrate.c folio_expected_refs(): 1 (the isolation reference), plus one per page if in a mapping (page or swap cache), plus one for fs-private data */
static inline int folio_expected_refs(struct folio *folio)
{
	int refs = 1;
	if (folio_mapping(folio) || folio_test_swapcache(folio))
		refs = refs + folio_nr_pages(folio);
	if (READ_ONCE(folio->private))
		refs++;
	return refs;
}

/*
 * v6.15 mm/migrate.c __folio_migrate_mapping(mapping, newfolio, folio,
 * expected): an anonymous folio outside the swap cache is only checked - its
 * count must be `expected` (no freeze: with the ptes turned into migration
 * entries nobody can find it; gup-fast re-checks the pte) - else -EAGAIN. A
 * cached folio is frozen at `expected` (else -EAGAIN) under the i_pages lock;
 * the new folio takes the cache's references and the cache slot; the old one is
 * unfrozen with them removed. Dirty state and statistics are not modelled.
 * Returns 0 (MIGRATEPAGE_SUCCESS) or -EAGAIN.
 */
static inline int __folio_migrate_mapping(struct folio *newfolio, struct folio *folio, int expected)
{
	int nr = folio_nr_pages(folio);
	if (!folio_mapping(folio) && !folio_test_swapcache(folio)) {
		if (folio_ref_count(folio) != expected)
			return -EAGAIN;
		return 0;
	}
	if (!folio_ref_freeze(folio, expected))
		return -EAGAIN;
	folio_ref_add(newfolio, nr);
	WRITE_ONCE(newfolio->mapping, READ_ONCE(folio->mapping));
	WRITE_ONCE(folio->mapping, PAGE_MAPPING_NONE);
	folio_ref_unfreeze(folio, expected - nr);
	return 0;
}

/*
 * v6.15 mm/migrate.c migrate_pages() -> migrate_folio_unmap() / migrate_folio_move(),
 * for one folio mapped by at most one pte, moved to `newfolio` (allocated by the
 * caller with its one reference, unlocked, unmapped). Isolate it (a reference,
 * isolate_folio_to_list: folio_try_get), lock it (MIGRATE_SYNC: folio_lock), wait
 * for writeback (MIGRATE_SYNC), turn its pte into a migration entry
 * (try_to_migrate), lock the new folio (whose pages, __ghost_head, the scenario
 * links); __folio_migrate_mapping; the migration
 * pte then maps the new folio on success, the old one on failure
 * (remove_migration_ptes); unlock both; on success the new folio's allocation
 * reference is dropped and the old folio is freed by dropping the isolation
 * reference (migrate_folio_done). The copy of the contents and the retries of
 * migrate_pages are not modelled. Returns 0 or -EAGAIN.
 */
static inline int migrate_folio_one(struct folio *folio, struct folio *newfolio, struct pte *pte) /* Not a kernel function: one folio of v6.15 mm/migrate.c migrate_pages */
{
	if (!folio_try_get(folio))
		return -EAGAIN;
	folio_lock(folio);
	folio_wait_writeback(folio);
	if (pte != NULL)
		try_to_unmap_one(folio, pte, 1);
	folio_lock(newfolio);
	int rc = __folio_migrate_mapping(newfolio, folio, folio_expected_refs(folio));
	if (pte != NULL)
		remove_migration_pte(pte, folio, rc == 0 ? newfolio : folio);
	folio_unlock(newfolio);
	folio_unlock(folio);
	if (rc == 0)
		folio_put(newfolio);
	folio_put(folio);
	return rc;
}

#endif
