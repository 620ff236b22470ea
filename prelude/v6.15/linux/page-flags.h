/*
 * pageproof kernel model, v6.15: folio flags (v6.15 include/linux/page-flags.h).
 * Each helper is one step: a test_bit or one atomic bit operation on
 * folio->flags, as in the kernel. The bit numbers are the model's own (initial
 * `.flags` values in scenarios use these), not v6.15's enum pageflags order.
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
#define PG_writeback 15
#define PG_hugetlb 17
/* v6.15: PG_swapcache is an alias of PG_owner_priv_1 (swap-backed folios only) */
#define PG_swapcache PG_owner_priv_1

/* v6.15 include/linux/page-flags.h FOLIO_TEST_FLAG(): folio_test_X() is one test_bit */
static inline bool folio_test_locked(struct folio *folio) { return test_bit(PG_locked, &folio->flags); }
static inline bool folio_test_writeback(struct folio *folio) { return test_bit(PG_writeback, &folio->flags); }
static inline bool folio_test_dirty(struct folio *folio) { return test_bit(PG_dirty, &folio->flags); }
static inline bool folio_test_swapcache(struct folio *folio) { return test_bit(PG_swapcache, &folio->flags); }
static inline bool folio_test_hugetlb(struct folio *folio) { return test_bit(PG_hugetlb, &folio->flags); }
/* v6.15 include/linux/page-flags.h FOLIO_SET_FLAG()/FOLIO_CLEAR_FLAG(): one atomic set_bit or clear_bit */
static inline void folio_set_referenced(struct folio *folio) { set_bit(PG_referenced, &folio->flags); }
static inline void folio_clear_swapcache(struct folio *folio) { clear_bit(PG_swapcache, &folio->flags); }
/* v6.15 include/linux/page-flags.h folio_test_set_writeback()/folio_test_clear_writeback(): one test_and_set_bit or test_and_clear_bit */
static inline bool folio_test_set_writeback(struct folio *folio) { return test_and_set_bit(PG_writeback, &folio->flags); }
static inline bool folio_test_clear_writeback(struct folio *folio) { return test_and_clear_bit(PG_writeback, &folio->flags); }

/* v6.15 include/linux/page-flags.h folio_test_large(): here one read of nr_pages (the kernel tests PG_head) */
static inline bool folio_test_large(struct folio *folio) { return READ_ONCE(folio->nr_pages) > 1; }
/* v6.15 include/linux/mm.h folio_nr_pages(): one read */
static inline int folio_nr_pages(struct folio *folio) { return READ_ONCE(folio->nr_pages); }

#endif
