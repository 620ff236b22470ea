/*
 * pageproof kernel model: s390 protected virtualization
 * (v5.7 arch/s390/include/asm/uv.h, arch/s390/kernel/uv.c, arch/s390/mm/fault.c).
 *
 * The ultravisor (firmware) owns a protected guest's memory. A page is shared
 * (the host may access it) or secure (encrypted, owned by the guest). The guest's
 * first touch of a shared page makes the host import it (gmap_make_secure); the
 * host exports it again (uv_convert_from_secure) before doing I/O on it.
 * __ghost_secure is the ultravisor's view; PG_arch_1 is the kernel's "may be
 * secure" hint, which can over-indicate (it is set before the import).
 *
 * Ultravisor calls are firmware: each is one indivisible step (`__atomic`).
 * Simplified: the ultravisor calls always succeed when the page state allows
 * (no busy/partial completion), and the gmap address translation, mmap_sem and
 * the page-table lock are not modelled (the page is always mapped).
 */
#ifndef _PAGEPROOF_ASM_UV_H
#define _PAGEPROOF_ASM_UV_H

#include <linux/mm.h>

/* ---- ultravisor calls ----------------------------------------------------- */

/*
 * v5.7 arch/s390/kernel/uv.c uv_pin_shared(): ask the ultravisor to pin the page
 * in the shared state. Fails (-EINVAL) if the page is secure.
 */
static inline int uv_pin_shared(struct page *page)
{
	int rc;
	__atomic {
		rc = page->__ghost_secure ? -EINVAL : 0;
	}
	return rc;
}

/*
 * v5.7 arch/s390/kernel/uv.c uv_convert_from_secure(): export - the page becomes
 * shared (its contents encrypted, the guest loses nothing). Succeeds also on a
 * page that is already shared (the kernel treats rc 0x107 as success).
 */
static inline int uv_convert_from_secure(struct page *page)
{
	__atomic {
		page->__ghost_secure = 0;
	}
	return 0;
}

/*
 * v5.7 arch/s390/kernel/uv.c uv_destroy_page(): the guest is gone; the ultravisor
 * clears the page and makes it shared. Same effect on __ghost_secure as an export.
 */
static inline int uv_destroy_page(struct page *page)
{
	__atomic {
		page->__ghost_secure = 0;
	}
	return 0;
}

/*
 * The import (UVC_CMD_CONV_TO_SEC_STOR, issued by make_secure_pte via uv_call):
 * the page becomes secure. Here the model also checks the other half of the
 * property: no device transfer may be in flight on a page that becomes secure.
 */
static inline int uv_convert_to_secure(struct page *page) /* Not a kernel function: the ultravisor's convert-to-secure (firmware), issued by v5.7 arch/s390/kernel/uv.c make_secure_pte */
{
	__atomic {
		page->__ghost_secure = 1;
		__violation_if(page->__ghost_io, "io-on-secure", "page made secure while I/O on it is in flight");
	}
	return 0;
}

/* ---- make-secure (import) path -------------------------------------------- */

/*
 * v5.7 arch/s390/kernel/uv.c expected_page_refs(): the references an idle page
 * has: one per mapping, plus one for the swap cache, or for a file page one for
 * the page cache and one more for fs-private data.
 */
static inline int expected_page_refs(struct page *page)
{
	int res = page_mapcount(page);
	if (PageSwapCache(page)) {
		res++;
	} else if (page_mapping(page)) {
		res++;
		if (page_has_private(page))
			res++;
	}
	return res;
}

/*
 * v5.7 arch/s390/kernel/uv.c make_secure_pte() (called with the page locked and
 * the pte lock held): -ENXIO if the pte no longer maps this page (modelled as:
 * the page is not mapped); -EAGAIN if the page is under writeback; freeze the
 * count at its expected value or fail with -EBUSY; with the count frozen set
 * PG_arch_1 and ask the ultravisor to import; unfreeze. (The ultravisor's -ENXIO
 * for rc 0x10a and -EINVAL are not modelled: the import succeeds.)
 */
static inline int make_secure_pte(struct page *page)
{
	if (page_mapcount(page) == 0)
		return -ENXIO;
	if (PageWriteback(page))
		return -EAGAIN;
	int expected = expected_page_refs(page);
	if (!page_ref_freeze(page, expected))
		return -EBUSY;
	SetPageArch1(page);
	int rc = uv_convert_to_secure(page);
	page_ref_unfreeze(page, expected);
	if (rc != 0)
		return -EINVAL;
	return 0;
}

/*
 * v5.7 arch/s390/kernel/uv.c gmap_make_secure(), the body both entry points below
 * share. follow_page(vma, uaddr, FOLL_WRITE) finds the page - without taking a
 * reference - with a pte: under its PTL, dropped again; without one, `page` is the
 * page and it stays mapped. Lock the page, make_secure_pte (with a pte: under the
 * PTL, after checking that the pte still maps that page, else -ENXIO), unlock.
 * Then: -EAGAIN (writeback): wait for the writeback to end and return -EAGAIN;
 * -EBUSY (extra references): the first time, drain the local LRU pagevec and try
 * again at once; the second time, drain all CPUs' pagevecs and return -EAGAIN;
 * -ENXIO: fault the page in (gmap_fault; not modelled) and return -EAGAIN. The
 * caller retries on -EAGAIN. The vma lookup and mmap_sem are not modelled.
 */
static inline int __gmap_make_secure(struct page *page, struct pte *ptep, struct pagevec *pvec)
{
	bool local_drain = false;
	int rc;
again:
	if (ptep != NULL) {
		spin_lock(&ptep->ptl);
		pte_t pte = ptep->val;
		page = pte_present(pte) ? pte_page(pte) : NULL;
		spin_unlock(&ptep->ptl);
		if (page == NULL)
			return -EAGAIN;
	}
	lock_page(page);
	if (ptep != NULL) {
		spin_lock(&ptep->ptl);
		pte_t pte = ptep->val;
		if (!pte_present(pte) || pte_page(pte) != page)
			rc = -ENXIO;
		else
			rc = make_secure_pte(page);
		spin_unlock(&ptep->ptl);
	} else {
		rc = make_secure_pte(page);
	}
	unlock_page(page);
	if (rc == -EAGAIN) {
		wait_on_page_writeback(page);
	} else if (rc == -EBUSY) {
		if (local_drain) {
			lru_add_drain_all(pvec);
			return -EAGAIN;
		}
		lru_add_drain(pvec);
		local_drain = true;
		goto again;
	} else if (rc == -ENXIO) {
		return -EAGAIN;
	}
	return rc;
}

/*
 * v5.7 arch/s390/kernel/uv.c gmap_make_secure(). Signature: the (gmap, gaddr,
 * uvcb) triple is replaced by the page it resolves to, which stays mapped, and the
 * per-CPU pagevec is passed explicitly (NULL: nothing to drain).
 */
static inline int gmap_make_secure(struct page *page, struct pagevec *pvec)
{
	return __gmap_make_secure(page, NULL, pvec);
}

/*
 * v5.7 arch/s390/kernel/uv.c gmap_make_secure(), reached through the pte of the
 * guest address, for scenarios in which the page can be unmapped and freed under
 * it (follow_page took no reference). Later kernels hold the PTL across the whole
 * attempt and a reference across the wait (docs/scenarios.md, scenarios/v5.7/).
 */
static inline int gmap_make_secure_at(struct pte *pte, struct pagevec *pvec)
{
	return __gmap_make_secure(NULL, pte, pvec);
}

/*
 * The guest touches a shared page: the host imports it, retrying on -EAGAIN as
 * v5.7's callers do (arch/s390/kvm: handle_pv_sclp / kvm_s390_pv_unpack /
 * the secure-storage-access fault path loop on -EAGAIN). At most `tries`
 * attempts, so the scenario stays finite; returns the last rc.
 */
static inline int guest_import(struct page *page, struct pagevec *pvec, int tries) /* Not a kernel function: the retry loops of v5.7 arch/s390/kvm around gmap_make_secure */
{
	int rc = -EAGAIN;
	for (int i = 0; i < tries && rc == -EAGAIN; i++)
		rc = gmap_make_secure(page, pvec);
	return rc;
}

/* ---- make-accessible (export) path ---------------------------------------- */

/*
 * v5.7 arch/s390/kernel/uv.c arch_make_page_accessible(): to be called with the
 * page locked or with an extra reference (either keeps make-secure away). If
 * PG_arch_1 is clear, nothing to do. Otherwise ask the ultravisor to pin the page
 * shared; if that fails (the page is secure) export it; on success clear
 * PG_arch_1. Simplified: the PageHuge() early return is left out (hugetlb pages
 * never get PG_arch_1 from make-secure).
 */
static inline int arch_make_page_accessible(struct page *page)
{
	if (!PageArch1(page))
		return 0;
	int rc = uv_pin_shared(page);
	if (rc == 0) {
		ClearPageArch1(page);
		return 0;
	}
	rc = uv_convert_from_secure(page);
	if (rc == 0) {
		ClearPageArch1(page);
		return 0;
	}
	return rc;
}

/* ---- host CPU access ------------------------------------------------------- */

/*
 * v5.7 arch/s390/mm/fault.c do_secure_storage_access(), kernel-fault case: the
 * host CPU touched a secure page. Take a reference with try_get_page (its caller
 * - the code that touched the page - holds one), export via
 * arch_make_page_accessible, drop the reference; BUG if the export failed.
 * (The user-fault case uses follow_page(FOLL_GET) instead; same protocol.)
 */
static inline void do_secure_storage_access(struct page *page)
{
	if (!try_get_page(page))
		return;
	int rc = arch_make_page_accessible(page);
	put_page(page);
	if (rc != 0)
		BUG();
}

/*
 * The host CPU reads or writes the page: on a secure page the access faults, the
 * handler exports the page, and the access is retried. Always safe: the point of
 * the thread is that this recovery exists for the CPU and not for devices.
 * `tries` bounds the retries (the guest may re-import between them).
 */
static inline bool host_cpu_access(struct page *page, int tries) /* Not a kernel function: a host CPU access, with the v5.7 arch/s390/mm/fault.c do_secure_storage_access recovery */
{
	for (int i = 0; i < tries; i++) {
		bool faults;
		__atomic {
			faults = page->__ghost_secure;
		}
		if (!faults)
			return true;
		do_secure_storage_access(page);
	}
	return false;
}

#endif
