/*
 * pageproof kernel model, v6.15: the folio lock, writeback and page-cache lookup
 * (v6.15 include/linux/pagemap.h, mm/filemap.c, mm/page-writeback.c).
 */
#ifndef _PAGEPROOF_LINUX_PAGEMAP_H
#define _PAGEPROOF_LINUX_PAGEMAP_H

#include <linux/mm.h>

/*
 * v6.15 include/linux/pagemap.h folio_trylock(): test_and_set_bit_lock(PG_locked),
 * an ACQUIRE when it takes the lock, unordered when the bit was already set
 * (Documentation/atomic_bitops.txt); true if the caller got the lock. One step.
 */
static inline bool folio_trylock(struct folio *folio)
{
	return !test_and_set_bit_lock(PG_locked, &folio->flags);
}

/*
 * v6.15 include/linux/pagemap.h folio_lock() / mm/filemap.c __folio_lock(): a
 * sleeping lock. The kernel tries folio_trylock() and otherwise sleeps in
 * folio_wait_bit_common() until it takes the bit with test_and_set_bit_lock().
 * Modelled as one blocking step: the test_and_set_bit_lock() that takes the lock,
 * enabled only while PG_locked is clear. The failed attempts and the sleep change
 * nothing and are left out (under --model lkmm a failed test_and_set_bit_lock() is
 * an unordered read, which no execution needs); so are PG_waiters and the wait queue.
 */
static inline void folio_lock(struct folio *folio)
{
	await(!test_and_set_bit_lock(PG_locked, &folio->flags));
}

/*
 * v6.15 mm/filemap.c folio_unlock(): VM_BUG_ON_FOLIO(!folio_test_locked(folio)),
 * then folio_xor_flags_has_waiters() (include/linux/page-flags.h), a RELEASE RMW
 * that clears PG_locked and reports PG_waiters; the wake-up is not modelled. The
 * check and the clearing are one step under SC (only the holder unlocks); under
 * --model lkmm they are the kernel's two accesses.
 */
static inline void folio_unlock(struct folio *folio)
{
	__atomic {
		VM_BUG_ON_FOLIO(!folio_test_locked(folio), folio);
		xor_unlock_is_negative_byte(1 << PG_locked, &folio->flags);
	}
}

/*
 * v6.15 mm/page-writeback.c folio_wait_writeback(): while PG_writeback is set,
 * sleep. One blocking step. The caller must hold a reference or the folio lock
 * (since 3f29f6537f54, v6.11, s390 make-secure takes a reference first: waiting on
 * a folio that may be freed meanwhile is a use-after-free).
 */
static inline void folio_wait_writeback(struct folio *folio)
{
	await(!test_bit(PG_writeback, &folio->flags));
}

/*
 * v6.15 mm/page-writeback.c __folio_start_writeback(folio, keep_write):
 * folio_test_set_writeback (the xarray tags and statistics are left out), then
 * arch_make_folio_accessible(folio); too late to back out if that fails:
 * VM_BUG_ON_FOLIO. Callers hold the folio lock. (v6.15 also VM_BUG_ONs a folio
 * already under writeback; the model's write_cache_folio skips those first.)
 */
static inline void __folio_start_writeback(struct folio *folio, bool keep_write)
{
	folio_test_set_writeback(folio);
	int access_ret = arch_make_folio_accessible(folio);
	VM_BUG_ON_FOLIO(access_ret != 0, folio);
}

static inline void folio_start_writeback(struct folio *folio) /* v6.15 include/linux/page-flags.h folio_start_writeback(): __folio_start_writeback(folio, false) */
{
	__folio_start_writeback(folio, false);
}

/* v6.15 mm/filemap.c folio_end_writeback(): clear PG_writeback (BUG if it was not set) and wake waiters. One step. */
static inline void folio_end_writeback(struct folio *folio)
{
	if (!folio_test_clear_writeback(folio))
		BUG();
}

/*
 * v6.15 mm/filemap.c filemap_get_folio() -> filemap_get_entry(): find the folio
 * in the page cache and take a reference speculatively (folio_try_get); the
 * kernel then re-checks that the slot still holds it and retries. Here: the
 * scenario's folio, NULL once it left the page cache (mapping read after the
 * get, as the kernel's re-check does).
 */
static inline struct folio *filemap_get_folio(struct folio *folio)
{
	if (!folio_try_get(folio))
		return NULL;
	if (!folio_mapping(folio)) {
		folio_put(folio);
		return NULL;
	}
	return folio;
}

/*
 * Background writeback of one dirty page-cache folio, as v6.15
 * mm/page-writeback.c write_cache_pages() / writeback_iter() handle each folio
 * they find, with a typical ->writepage and the bio completion:
 *   the tagged lookup takes a reference (filemap_get_folios_tag: folio_try_get);
 *   lock the folio; if it left the page cache meanwhile, skip it; if it is
 *   already under writeback, skip it (WB_SYNC_NONE); folio_start_writeback;
 *   unlock; the batch releases its reference (folio_batch_release) while the
 *   device transfers the data; the completion calls folio_end_writeback.
 * The dirty bit and clear_page_dirty_for_io are not modelled. Returns 1 if the
 * folio was written, 0 if it was skipped.
 */
static inline int write_cache_folio(struct folio *folio) /* Not a kernel function: one folio of v6.15 mm/page-writeback.c write_cache_pages */
{
	if (!folio_try_get(folio))
		return 0;
	folio_lock(folio);
	if (!folio_mapping(folio) || folio_test_writeback(folio)) {
		folio_unlock(folio);
		folio_put(folio);
		return 0;
	}
	folio_start_writeback(folio);
	folio_unlock(folio);
	folio_put(folio);
	io_start(folio);
	io_end(folio);
	folio_end_writeback(folio);
	return 1;
}

#endif
