/*
 * pageproof kernel model, v6.15: a device transfer (DMA / channel I/O) on a folio.
 * Not a kernel function: where the model states the property of the s390
 * protected-virtualization protocol, as in the v5.7 model (linux/dma.h there):
 * a device must never touch a folio the ultravisor holds secure, and the
 * ultravisor's convert-to-secure checks that no transfer is in flight.
 */
#ifndef _PAGEPROOF_LINUX_DMA_H
#define _PAGEPROOF_LINUX_DMA_H

#include <linux/mm_types.h>

static inline void io_start(struct folio *folio) /* Not a kernel function: the start of a device transfer (the property's check) */
{
	__atomic {
		__violation_if(folio->__ghost_secure, "io-on-secure", "I/O on a folio the ultravisor holds secure");
		folio->__ghost_io = folio->__ghost_io + 1;
	}
}

static inline void io_end(struct folio *folio) /* Not a kernel function: the end of a device transfer */
{
	__atomic {
		folio->__ghost_io = folio->__ghost_io - 1;
	}
}

#endif
