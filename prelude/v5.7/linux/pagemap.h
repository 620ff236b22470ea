/*
 * pageproof kernel model: the page lock and writeback
 * (v5.7 include/linux/pagemap.h, mm/filemap.c, mm/page-writeback.c).
 */
#ifndef _PAGEPROOF_LINUX_PAGEMAP_H
#define _PAGEPROOF_LINUX_PAGEMAP_H

#include <linux/mm.h>

/*
 * v5.7 include/linux/pagemap.h trylock_page(): test_and_set_bit_lock(PG_locked),
 * an ACQUIRE when it takes the lock, unordered when the bit was already set
 * (Documentation/atomic_bitops.txt); true if the caller got the lock. One step.
 */
static inline bool trylock_page(struct page *page)
{
	return !test_and_set_bit_lock(PG_locked, &page->flags);
}

/*
 * v5.7 include/linux/pagemap.h lock_page() / mm/filemap.c __lock_page(): a
 * sleeping lock. The kernel tries trylock_page() and otherwise sleeps in
 * wait_on_page_bit_common(EXCLUSIVE) until it takes the bit with
 * test_and_set_bit_lock(). Modelled as one blocking step: the
 * test_and_set_bit_lock() that takes the lock, enabled only while PG_locked is
 * clear. A waiter is blocked (not scheduled), not spinning; its failed attempts
 * change nothing and are left out (under --model lkmm a failed one is an
 * unordered read), and so are PG_waiters and the wake-up queue.
 */
static inline void lock_page(struct page *page)
{
	await(!test_and_set_bit_lock(PG_locked, &page->flags));
}

/*
 * v5.7 mm/filemap.c unlock_page(): VM_BUG_ON_PAGE(!PageLocked(page)), then
 * clear_bit_unlock_is_negative_byte(PG_locked), a RELEASE RMW that also reports
 * PG_waiters; the wake-up is not modelled. The check and the clearing are one step
 * under SC (only the holder unlocks); under --model lkmm they are the kernel's two
 * accesses.
 */
static inline void unlock_page(struct page *page)
{
	__atomic {
		VM_BUG_ON_PAGE(!PageLocked(page), page);
		clear_bit_unlock_is_negative_byte(PG_locked, &page->flags);
	}
}

/*
 * v5.7 include/linux/pagemap.h wait_on_page_writeback(): if PG_writeback is set,
 * sleep until it is cleared. One blocking step.
 */
static inline void wait_on_page_writeback(struct page *page)
{
	await(!test_bit(PG_writeback, &page->flags));
}

/*
 * v5.7 mm/page-writeback.c __test_set_page_writeback(page, keep_write), as
 * reached through set_page_writeback(): TestSetPageWriteback (the xarray tag and
 * statistics updates are left out), then arch_make_page_accessible(page); if that
 * fails it is too late to back out, so VM_BUG_ON_PAGE. Returns whether PG_writeback
 * was already set. Callers hold the page lock.
 */
static inline int __test_set_page_writeback(struct page *page, bool keep_write)
{
	int ret = TestSetPageWriteback(page);
	int access_ret = arch_make_page_accessible(page);
	VM_BUG_ON_PAGE(access_ret != 0, page);
	return ret;
}

static inline void set_page_writeback(struct page *page) /* v5.7 include/linux/page-flags.h set_page_writeback() */
{
	__test_set_page_writeback(page, false);
}

/*
 * v5.7 mm/filemap.c end_page_writeback(): clear PG_writeback (BUG if it was not
 * set) and wake waiters. PG_reclaim rotation is left out. One step.
 */
static inline void end_page_writeback(struct page *page)
{
	if (!TestClearPageWriteback(page))
		BUG();
}

/*
 * v5.7 mm/filemap.c find_get_page() -> find_get_entry(): look the page up in the
 * page cache and take a reference speculatively (page_cache_get_speculative: a
 * get that refuses a count of 0); on a free or frozen page, repeat the lookup.
 * The xarray walk and the re-check that the slot still holds the page are not
 * modelled: the scenario's page stays in the cache. Spins while the count is
 * frozen (each retry is a step that changes nothing).
 */
static inline struct page *find_get_page(struct page *page)
{
	while (!get_page_unless_zero(page))
		cpu_relax();
	return page;
}

/*
 * Writeback of one dirty page-cache page, as v5.7 mm/page-writeback.c
 * write_cache_pages() does it for each page it finds (WB_SYNC_NONE background
 * writeback) followed by a typical ->writepage (e.g. fs/buffer.c
 * __block_write_full_page) and the bio completion:
 *   lock the page; if it is already under writeback, skip it ("continue_unlock";
 *   WB_SYNC_ALL would wait_on_page_writeback instead); set_page_writeback;
 *   unlock the page; the device transfers the data (io_start/io_end); the
 *   completion calls end_page_writeback.
 * Simplified: the dirty bit, clear_page_dirty_for_io and the reference the
 * pagevec lookup holds around ->writepage (dropped before the transfer completes)
 * are not modelled: PG_writeback is the only "I/O pending" marker here.
 * Returns 1 if the page was written, 0 if it was skipped.
 */
static inline int write_cache_page(struct page *page)
{
	lock_page(page);
	if (PageWriteback(page)) {
		unlock_page(page);
		return 0;
	}
	set_page_writeback(page);
	unlock_page(page);
	io_start(page);
	io_end(page);
	end_page_writeback(page);
	return 1;
}

#endif
