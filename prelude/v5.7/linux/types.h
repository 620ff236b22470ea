/*
 * pageproof kernel model: basic constants.
 *
 * The kernel model is written in the scenario language (docs/format.md). Each
 * function cites the kernel function it follows and says what it leaves out.
 * Sources read: torvalds/linux as stored by the search index (a v6.x tree of the
 * folio era: include/linux/page_ref.h, arch/s390/kernel/uv.c), and the v5.7-era
 * code as quoted in the 2019-2021 patch mails (s390 protected virtualization
 * series, "fs/splice: add missing callback for inaccessible pages" v1/v2, Apr
 * 2020, and "mm/gup: Remove try_get_page()" Aug 2021). "v5.7" below means the
 * code as it was in that release.
 */
#ifndef _PAGEPROOF_LINUX_TYPES_H
#define _PAGEPROOF_LINUX_TYPES_H

#define NULL 0
#define true 1
#define false 0

/* include/uapi/asm-generic/errno-base.h numbers */
#define EIO 5
#define ENXIO 6
#define EAGAIN 11
#define EFAULT 14
#define EBUSY 16
#define EINVAL 22

#endif
