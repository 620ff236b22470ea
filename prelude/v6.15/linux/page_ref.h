/*
 * pageproof kernel model, v6.15: raw folio reference-count operations
 * (v6.15 include/linux/page_ref.h). Each is exactly one atomic_t operation on
 * folio->_refcount, so one step. The page_ref tracepoints are left out.
 */
#ifndef _PAGEPROOF_LINUX_PAGE_REF_H
#define _PAGEPROOF_LINUX_PAGE_REF_H

#include <linux/mm_types.h>

/* v6.15 include/linux/page_ref.h folio_ref_count(): atomic_read of _refcount */
static inline int folio_ref_count(struct folio *folio) { return atomic_read(&folio->_refcount); }
/* v6.15 include/linux/page_ref.h folio_ref_add() .. folio_ref_sub_and_test(): one atomic_t operation each */
static inline void folio_ref_add(struct folio *folio, int nr) { atomic_add(nr, &folio->_refcount); }
static inline void folio_ref_sub(struct folio *folio, int nr) { atomic_sub(nr, &folio->_refcount); }
static inline void folio_ref_inc(struct folio *folio) { atomic_inc(&folio->_refcount); }
static inline int folio_ref_dec_return(struct folio *folio) { return atomic_dec_return(&folio->_refcount); }
static inline int folio_ref_sub_return(struct folio *folio, int nr) { return atomic_sub_return(nr, &folio->_refcount); }

/*
 * v6.15 include/linux/page_ref.h folio_ref_add_unless(): atomic_add_unless of
 * _refcount, one step. As in the v5.7 model: folio memory (struct page) is
 * type-stable, so a speculative get on a folio that was freed is legal and sees a
 * count of 0; the model marks freed folios with __ghost_freed and lets this
 * speculative operation look at it first, in the same step, and fail.
 */
static inline bool folio_ref_add_unless(struct folio *folio, int nr, int u)
{
	bool ok;
	__atomic {
		ok = !(u == 0 && folio->__ghost_freed) && atomic_add_unless(&folio->_refcount, nr, u);
	}
	return ok;
}

/*
 * v6.15 include/linux/page_ref.h folio_ref_try_add() (gup-fast's get; it was
 * folio_ref_try_add_rcu before v6.11): folio_ref_add_unless(folio, count, 0),
 * one step. The kernel's VM_BUG_ON for a count of 0 on !CONFIG_SMP is left out.
 */
static inline bool folio_ref_try_add(struct folio *folio, int count)
{
	return folio_ref_add_unless(folio, count, 0);
}

/*
 * v6.15 include/linux/page_ref.h folio_ref_freeze(): one cmpxchg of _refcount
 * from `count` to 0. Success means no one holds a reference beyond the `count`
 * the caller accounted for, and the count stays 0 (frozen) until
 * folio_ref_unfreeze: folio_try_get and folio_ref_try_add fail on it.
 */
static inline bool folio_ref_freeze(struct folio *folio, int count)
{
	return atomic_cmpxchg(&folio->_refcount, count, 0) == count;
}

/*
 * v6.15 include/linux/page_ref.h folio_ref_unfreeze(): the CONFIG_DEBUG_VM check
 * that the count is still 0, then atomic_set_release(count). As in the v5.7 model
 * the check and the store are one step (an xchg whose old value is checked).
 */
static inline void folio_ref_unfreeze(struct folio *folio, int count)
{
	VM_BUG_ON(count == 0);
	int old = atomic_xchg(&folio->_refcount, count);
	VM_BUG_ON_FOLIO(old != 0, folio);
}

#endif
