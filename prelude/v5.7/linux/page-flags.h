/*
 * pageproof kernel model: page flags (v5.7 include/linux/page-flags.h).
 * Bit numbers follow v5.7's enum pageflags. Each helper is one step: a test_bit
 * or one atomic bit operation on page->flags, as in the kernel. The kernel's
 * PF_HEAD/PF_ANY policies (which flags live on the head page) are not modelled:
 * the helpers act on the page they are given.
 */
#ifndef _PAGEPROOF_LINUX_PAGE_FLAGS_H
#define _PAGEPROOF_LINUX_PAGE_FLAGS_H

#include <linux/mm_types.h>

#define PG_locked 0
#define PG_referenced 1
#define PG_uptodate 2
#define PG_dirty 3
#define PG_lru 4
#define PG_owner_priv_1 10
#define PG_arch_1 11
#define PG_private 13
#define PG_private_2 14
#define PG_writeback 15
#define PG_head 16
/* v5.7: PG_swapcache is an alias of PG_owner_priv_1 (swap-backed pages only) */
#define PG_swapcache PG_owner_priv_1
/* v5.7 include/linux/page-flags.h PAGEFLAG()/TESTPAGEFLAG(): PageX() is one test_bit */
static inline bool PageLocked(struct page *page) { return test_bit(PG_locked, &page->flags); }
static inline bool PageWriteback(struct page *page) { return test_bit(PG_writeback, &page->flags); }
static inline bool PageArch1(struct page *page) { return test_bit(PG_arch_1, &page->flags); }
static inline bool PageSwapCache(struct page *page) { return test_bit(PG_swapcache, &page->flags); }
static inline bool PagePrivate(struct page *page) { return test_bit(PG_private, &page->flags); }
static inline bool PageUptodate(struct page *page) { return test_bit(PG_uptodate, &page->flags); }
static inline bool PageHead(struct page *page) { return test_bit(PG_head, &page->flags); }
/* v5.7 include/linux/page-flags.h SETPAGEFLAG()/CLEARPAGEFLAG(): one atomic set_bit or clear_bit */
static inline void SetPageLocked(struct page *page) { set_bit(PG_locked, &page->flags); }
static inline void ClearPageLocked(struct page *page) { clear_bit(PG_locked, &page->flags); }
static inline void SetPageArch1(struct page *page) { set_bit(PG_arch_1, &page->flags); }
static inline void ClearPageArch1(struct page *page) { clear_bit(PG_arch_1, &page->flags); }
static inline void SetPageUptodate(struct page *page) { set_bit(PG_uptodate, &page->flags); }
static inline void SetPageReferenced(struct page *page) { set_bit(PG_referenced, &page->flags); }
/* v5.7 include/linux/page-flags.h TESTSETFLAG()/TESTCLEARFLAG(): one test_and_set_bit or test_and_clear_bit */
static inline bool TestSetPageLocked(struct page *page) { return test_and_set_bit(PG_locked, &page->flags); }
static inline bool TestSetPageWriteback(struct page *page) { return test_and_set_bit(PG_writeback, &page->flags); }
static inline bool TestClearPageWriteback(struct page *page) { return test_and_clear_bit(PG_writeback, &page->flags); }

/* v5.7 include/linux/page-flags.h page_has_private(): PG_private or PG_private_2 (one read of flags) */
static inline bool page_has_private(struct page *page)
{
	unsigned long f = READ_ONCE(page->flags);
	return (f & ((1 << PG_private) | (1 << PG_private_2))) != 0;
}

/* v5.7 include/linux/page-flags.h PageTail()/PageCompound(): here from the const head pointer (no step) */
static inline bool PageTail(struct page *page) { return page->compound_head_ptr != NULL; }

#endif
