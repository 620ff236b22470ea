/*
 * pageproof kernel model: a device transfer (DMA / channel I/O) on a page.
 *
 * Not a kernel function: this is where the model states the property of the
 * s390 protected-virtualization protocol. A device must never touch a page the
 * ultravisor holds secure - unlike a CPU access, the transfer does not fault in a
 * recoverable way; it fails or corrupts data. So the check is at the start of the
 * transfer, and the ultravisor's convert-to-secure (asm/uv.h) checks that no
 * transfer is in flight.
 */
#ifndef _PAGEPROOF_LINUX_DMA_H
#define _PAGEPROOF_LINUX_DMA_H

#include <linux/mm_types.h>

static inline void io_start(struct page *page) /* Not a kernel function: the start of a device transfer (the property's check) */
{
	__atomic {
		__violation_if(page->__ghost_secure, "io-on-secure", "I/O on a page the ultravisor holds secure");
		page->__ghost_io = page->__ghost_io + 1;
	}
}

static inline void io_end(struct page *page) /* Not a kernel function: the end of a device transfer */
{
	__atomic {
		page->__ghost_io = page->__ghost_io - 1;
	}
}

#endif
