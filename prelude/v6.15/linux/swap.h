/*
 * pageproof kernel model, v6.15: the per-CPU LRU batches (v6.15 mm/swap.c).
 *
 * A folio added to the LRU first sits in a per-CPU folio_batch, which holds a
 * reference until the batch is drained - one of the "extra references" that make
 * make-secure's folio_ref_freeze fail (-EBUSY). The scenario declares one
 * `struct folio_batch` (one slot) and passes it explicitly.
 */
#ifndef _PAGEPROOF_LINUX_SWAP_H
#define _PAGEPROOF_LINUX_SWAP_H

#include <linux/mm.h>

struct folio_batch {
	struct folio *folio;   /* the folio waiting to be put on the LRU, or NULL */
};

/*
 * v6.15 mm/swap.c folio_add_lru(): folio_get, then add to the local batch
 * (draining it first if full; with one slot: if occupied). The LRU list insertion
 * (lru_add) is not modelled.
 */
static inline void folio_add_lru(struct folio_batch *fbatch, struct folio *folio)
{
	folio_get(folio);
	struct folio *old = xchg(&fbatch->folio, folio);
	if (old != NULL)
		folio_put(old);
}

/*
 * v6.15 mm/swap.c lru_add_drain() -> lru_add_drain_cpu(): move the batch's folios
 * to the LRU and drop the batch's references (folios_put). One xchg to empty the
 * slot, then folio_put. lru_add_drain_all() drains every CPU's batches; with one
 * batch in the model it is the same call.
 */
static inline void lru_add_drain(struct folio_batch *fbatch)
{
	if (fbatch == NULL)
		return;
	struct folio *folio = xchg(&fbatch->folio, NULL);
	if (folio != NULL)
		folio_put(folio);
}

static inline void lru_add_drain_all(struct folio_batch *fbatch) /* v6.15 mm/swap.c lru_add_drain_all(): here only this batch, as lru_add_drain */
{
	lru_add_drain(fbatch);
}

#endif
