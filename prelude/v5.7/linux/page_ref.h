/*
 * pageproof kernel model: raw reference-count operations
 * (include/linux/page_ref.h; v5.7 and the stored v6.x tree agree on these
 * bodies apart from the folio wrappers and the page_ref tracepoints, which are
 * left out). Each is exactly one atomic_t operation on page->_refcount, so one step.
 * They act on the page they are given; get_page() and friends (linux/mm.h)
 * first go to the compound head.
 */
#ifndef _PAGEPROOF_LINUX_PAGE_REF_H
#define _PAGEPROOF_LINUX_PAGE_REF_H

#include <linux/mm_types.h>

/* v5.7 include/linux/page_ref.h page_ref_count: atomic_read of _refcount */
static inline int page_ref_count(struct page *page) { return atomic_read(&page->_refcount); }
/* page_count: the count of the compound head (v5.7 include/linux/page_ref.h) */
static inline int page_count(struct page *page) { return page_ref_count(compound_head(page)); }
/*
 * Not a kernel function: page_ref_count for a caller that holds no reference (a
 * speculative lookup). struct page memory is type-stable in the kernel, so this
 * read is legal even after the page was freed, and then sees 0. The model's
 * freed pages would otherwise report the read as a use-after-free; see
 * page_ref_add_unless below for the same device. One step.
 */
static inline int page_ref_count_speculative(struct page *page)
{
	int c;
	__atomic {
		c = page->__ghost_freed ? 0 : atomic_read(&page->_refcount);
	}
	return c;
}
/* v5.7 include/linux/page_ref.h set_page_count: atomic_set of _refcount */
static inline void set_page_count(struct page *page, int v) { atomic_set(&page->_refcount, v); }
/* v5.7 include/linux/page_ref.h page_ref_add() .. page_ref_dec_and_test(): one atomic_t operation each (the tracepoints are left out) */
static inline void page_ref_add(struct page *page, int nr) { atomic_add(nr, &page->_refcount); }
static inline void page_ref_sub(struct page *page, int nr) { atomic_sub(nr, &page->_refcount); }
static inline void page_ref_inc(struct page *page) { atomic_inc(&page->_refcount); }
static inline void page_ref_dec(struct page *page) { atomic_dec(&page->_refcount); }
static inline int page_ref_inc_return(struct page *page) { return atomic_inc_return(&page->_refcount); }
static inline int page_ref_dec_return(struct page *page) { return atomic_dec_return(&page->_refcount); }
static inline int page_ref_sub_and_test(struct page *page, int nr) { return atomic_sub_and_test(nr, &page->_refcount); }
static inline int page_ref_dec_and_test(struct page *page) { return atomic_dec_and_test(&page->_refcount); }

/*
 * v5.7 include/linux/page_ref.h page_ref_add_unless: atomic_add_unless(&_refcount, nr, u), one step.
 * Modelling device: struct page memory is never returned to the allocator in the
 * kernel (it is type-stable), so a speculative get on a page that has been freed
 * is legal and simply sees a zero count. The model marks a freed page with
 * __ghost_freed, and the checker flags any access to a freed object's fields; so
 * the speculative operations look at __ghost_freed first (in the same step) and
 * fail, exactly as the add_unless would on a count of 0.
 */
static inline bool page_ref_add_unless(struct page *page, int nr, int u)
{
	bool ok;
	__atomic {
		/* a freed page's count is 0: add_unless(.., 0) refuses it without a look */
		ok = !(u == 0 && page->__ghost_freed) && atomic_add_unless(&page->_refcount, nr, u);
	}
	return ok;
}

/*
 * v5.7 include/linux/page_ref.h page_ref_freeze: one cmpxchg of _refcount from `count` to 0. Success means no
 * one else holds a reference beyond the `count` the caller accounted for, and
 * that the count stays 0 (frozen) until page_ref_unfreeze: get_page_unless_zero
 * and page_ref_add_unless fail on it.
 */
static inline int page_ref_freeze(struct page *page, int count)
{
	return atomic_cmpxchg(&page->_refcount, count, 0) == count;
}

/*
 * v5.7 include/linux/page_ref.h page_ref_unfreeze: the kernel checks (CONFIG_DEBUG_VM) that the count is still
 * 0, then does atomic_set_release(count). Simplified: the debug check and the
 * store are one step - an xchg whose old value is checked (the count is frozen,
 * so no correct code can change it in between; an incorrect get_page() on the
 * frozen page is caught by get_page's own VM_BUG_ON).
 */
static inline void page_ref_unfreeze(struct page *page, int count)
{
	VM_BUG_ON(count == 0);
	int old = atomic_xchg(&page->_refcount, count);
	VM_BUG_ON_PAGE(old != 0, page);
}

#endif
