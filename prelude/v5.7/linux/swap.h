/*
 * pageproof kernel model: per-CPU LRU pagevecs (v5.7 mm/swap.c).
 *
 * A page added to the LRU first sits in a per-CPU pagevec, which holds a
 * reference until the pagevec is drained. That transient reference is one of the
 * "extra references" that make gmap_make_secure's page_ref_freeze fail (-EBUSY).
 * The kernel's per-CPU pagevec is implicit; here the scenario declares one
 * `struct pagevec` (one slot is enough for one page) and passes it explicitly.
 */
#ifndef _PAGEPROOF_LINUX_SWAP_H
#define _PAGEPROOF_LINUX_SWAP_H

#include <linux/mm.h>

struct pagevec {
	struct page *page;   /* the page waiting to be put on the LRU, or NULL */
};

/*
 * v5.7 mm/swap.c lru_cache_add() / __lru_cache_add(): get_page, then add to the
 * local pagevec (draining it first if full; with one slot: if occupied).
 * The actual LRU list insertion (__pagevec_lru_add_fn) is not modelled.
 */
static inline void lru_cache_add(struct pagevec *pvec, struct page *page)
{
	get_page(page);
	struct page *old = xchg(&pvec->page, page);
	if (old != NULL)
		put_page(old);
}

/*
 * v5.7 mm/swap.c lru_add_drain() -> lru_add_drain_cpu(): move the pagevec's pages
 * to the LRU and drop the pagevec's references (release_pages). One xchg to empty
 * the slot, then put_page. lru_add_drain_all() drains every CPU's pagevecs; with
 * one pagevec in the model it is the same call.
 */
static inline void lru_add_drain(struct pagevec *pvec)
{
	if (pvec == NULL)
		return;
	struct page *page = xchg(&pvec->page, NULL);
	if (page != NULL)
		put_page(page);
}

static inline void lru_add_drain_all(struct pagevec *pvec) /* v5.7 mm/swap.c lru_add_drain_all(): here only this pagevec, as lru_add_drain */
{
	lru_add_drain(pvec);
}

#endif
