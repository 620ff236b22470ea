/*
 * pageproof kernel model, v6.15: basic constants.
 *
 * The v6.15 model is written in the scenario language (docs/format.md), like the
 * v5.7 one beside it; each function cites the kernel function it follows and says
 * what it leaves out. Sources read: torvalds/linux as stored by the search index.
 * Its copies are of mixed versions, dated by their contents (docs/kernel-model.md,
 * "Sources"): arch/s390/kernel/uv.c as of v6.14/v6.15 (make_hva_secure with
 * folio_walk, s390_wiggle_split_folio(mm, folio, split)); mm/gup.c, mm/vmscan.c,
 * mm/migrate.c, include/linux/page_ref.h as of v6.9-v6.13, checked against the
 * later patch mails where those files changed. "v6.15" below means the code as it
 * was in that release as far as those sources show it.
 */
#ifndef _PAGEPROOF_LINUX_TYPES_H
#define _PAGEPROOF_LINUX_TYPES_H

#define NULL 0
#define true 1
#define false 0

/* include/uapi/asm-generic/errno-base.h numbers */
#define EIO 5
#define ENXIO 6
#define E2BIG 7
#define ENOMEM 12
#define EAGAIN 11
#define EFAULT 14
#define EBUSY 16
#define EINVAL 22

#endif
