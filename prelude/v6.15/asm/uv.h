/*
 * pageproof kernel model, v6.15: s390 protected virtualization
 * (v6.15 arch/s390/include/asm/uv.h, arch/s390/kernel/uv.c, arch/s390/kvm/pv.c,
 * arch/s390/mm/fault.c).
 *
 * As in the v5.7 model: the ultravisor owns a protected guest's memory; a folio
 * is shared or secure (__ghost_secure); the guest's first touch of a shared page
 * makes the host import it (make_hva_secure); the host exports it again
 * (arch_make_folio_accessible) before I/O. PG_arch_1 is the kernel's "may be
 * secure" hint. Each ultravisor call is one indivisible step.
 *
 * What changed since v5.7 and is modelled: the import works on folios and holds a
 * reference of its own across the whole attempt (folio_get under the PTL, kept
 * through the wait for writeback: 3f29f6537f54, v6.11); it freezes the count with
 * that reference counted (expected_folio_refs + 1) while the PTL is held
 * (d8dfda5af0be, v6.14); a folio under writeback is -EBUSY, not -EAGAIN; large
 * folios are split first (-E2BIG -> s390_wiggle_split_folio; eef88fe45ac9 v6.11,
 * d8dfda5af0be v6.14); the UV call is tried once (busy -> -EAGAIN).
 * Simplified: the ultravisor calls succeed when the page state allows; the gmap
 * translation, the mmap_lock and the export before import of a shared page of
 * another VM (should_export_before_import: one protected VM here) are left out.
 */
#ifndef _PAGEPROOF_ASM_UV_H
#define _PAGEPROOF_ASM_UV_H

#include <linux/mm.h>

/* ---- ultravisor calls ----------------------------------------------------- */

/* v6.15 arch/s390/kernel/uv.c uv_pin_shared(): pin the page in the shared state; fails (-EINVAL) if it is secure */
static inline int uv_pin_shared(struct folio *folio)
{
	int rc;
	__atomic {
		rc = folio->__ghost_secure ? -EINVAL : 0;
	}
	return rc;
}

/* v6.15 arch/s390/kernel/uv.c uv_convert_from_secure(): export - the page becomes shared (also fine on a shared page) */
static inline int uv_convert_from_secure(struct folio *folio)
{
	__atomic {
		folio->__ghost_secure = 0;
	}
	return 0;
}

/*
 * The import (UVC_CMD_CONV_TO_SEC_STOR, issued by __make_folio_secure via
 * __uv_call): the page becomes secure; no device transfer may be in flight.
 */
static inline int uv_convert_to_secure(struct folio *folio) /* Not a kernel function: the ultravisor's convert-to-secure (firmware), issued by v6.15 arch/s390/kernel/uv.c __make_folio_secure */
{
	__atomic {
		folio->__ghost_secure = 1;
		folio->__ghost_imported = 1;
		__violation_if(folio->__ghost_io, "io-on-secure", "folio made secure while I/O on it is in flight");
	}
	return 0;
}

/* ---- make-secure (import) path -------------------------------------------- */

/*
 * v6.15 arch/s390/kernel/uv.c expected_folio_refs(): the references an otherwise
 * idle folio has: one per mapping, plus one for the swap cache, or for a
 * page-cache folio one for the cache and one more for fs-private data.
 */
static inline int expected_folio_refs(struct folio *folio)
{
	int res = folio_mapcount(folio);
	if (folio_test_swapcache(folio)) {
		res++;
	} else if (folio_mapping(folio)) {
		res++;
		if (READ_ONCE(folio->private))
			res++;
	}
	return res;
}

/*
 * v6.15 arch/s390/kernel/uv.c __make_folio_secure(): the caller holds the folio
 * lock and exactly one extra reference. Under writeback: -EBUSY. Freeze the count
 * at expected_folio_refs + 1 or -EBUSY; set PG_arch_1 (set_bit); the import UV
 * call (tried once; busy would be -EAGAIN, not modelled: it succeeds); unfreeze.
 */
static inline int __make_folio_secure(struct folio *folio)
{
	if (folio_test_writeback(folio))
		return -EBUSY;
	int expected = expected_folio_refs(folio) + 1;
	if (!folio_ref_freeze(folio, expected))
		return -EBUSY;
	set_bit(PG_arch_1, &folio->flags);
	int rc = uv_convert_to_secure(folio);
	folio_ref_unfreeze(folio, expected);
	if (rc != 0)
		return -EINVAL;
	return 0;
}

/* v6.15 arch/s390/kernel/uv.c make_folio_secure(): folio_trylock or -EAGAIN; __make_folio_secure; unlock (the export before import is not modelled) */
static inline int make_folio_secure(struct folio *folio)
{
	if (!folio_trylock(folio))
		return -EAGAIN;
	int rc = __make_folio_secure(folio);
	folio_unlock(folio);
	return rc;
}

/*
 * v6.15 arch/s390/kernel/uv.c s390_wiggle_split_folio(mm, folio, split): called
 * with a reference held and no mmap_lock. Wait for writeback, drain the LRU
 * batches, and if asked, lock the folio and split it: a result other than -EBUSY
 * is returned as is (0 on a successful split); otherwise -EAGAIN. The mm
 * argument is replaced by the LRU batch to drain and the pte the split remaps.
 */
static inline int s390_wiggle_split_folio(struct folio *folio, bool split, struct folio_batch *fbatch, struct pte *pte)
{
	folio_wait_writeback(folio);
	lru_add_drain_all(fbatch);
	if (split) {
		folio_lock(folio);
		int rc = split_folio(folio, pte);
		folio_unlock(folio);
		if (rc != -EBUSY)
			return rc;
	}
	return -EAGAIN;
}

/*
 * v6.15 arch/s390/kernel/uv.c make_hva_secure(mm, hva, uvcb): find the folio
 * mapped at the address with the PTL held (folio_walk_start: one ptep_get of the
 * entry; not present: -ENXIO), take
 * a reference (folio_get); hugetlb -EFAULT, large -E2BIG, read-only -ENXIO,
 * else make_folio_secure - all under the PTL; drop the PTL (folio_walk_end); on
 * -E2BIG or -EBUSY, s390_wiggle_split_folio (splitting on -E2BIG); drop the
 * reference. Note: in v6.15 a successful split returns 0 here although nothing
 * was imported (fixed in v6.16 by 3ec8a8330a1a, which returns -EAGAIN).
 * Signature: (mm, hva, uvcb) is replaced by the pte the address resolves to, and
 * the LRU batch to drain.
 */
static inline int make_hva_secure(struct pte *ptep, struct folio_batch *fbatch)
{
	int rc;
	spin_lock(&ptep->ptl);
	pte_t pte = ptep_get(ptep);
	if (!pte_present(pte)) {
		spin_unlock(&ptep->ptl);
		return -ENXIO;
	}
	struct folio *folio = page_folio(pte_page(pte));
	folio_get(folio);
	if (folio_test_hugetlb(folio))
		rc = -EFAULT;
	else if (folio_test_large(folio))
		rc = -E2BIG;
	else if (!pte_write(pte))
		rc = -ENXIO;
	else
		rc = make_folio_secure(folio);
	spin_unlock(&ptep->ptl);
	if (rc == -E2BIG || rc == -EBUSY)
		rc = s390_wiggle_split_folio(folio, rc == -E2BIG, fbatch, ptep);
	folio_put(folio);
	return rc;
}

/*
 * The guest touches a shared page: the host imports it, retrying on -EAGAIN as
 * v6.15's callers do (arch/s390/kvm/pv.c kvm_s390_pv_make_secure via
 * handle_pv_sclp / unpack_one / the secure-storage fault path). At most `tries`
 * attempts, so the scenario stays finite; returns the last rc.
 */
static inline int guest_import(struct pte *pte, struct folio_batch *fbatch, int tries) /* Not a kernel function: the retry loops of v6.15 arch/s390/kvm/pv.c around make_hva_secure */
{
	int rc = -EAGAIN;
	for (int i = 0; i < tries && rc == -EAGAIN; i++)
		rc = make_hva_secure(pte, fbatch);
	return rc;
}

/* ---- make-accessible (export) path ---------------------------------------- */

/*
 * v6.15 arch/s390/kernel/uv.c arch_make_folio_accessible(): to be called with the
 * folio locked or with an extra reference. A large folio cannot be secure: 0.
 * PG_arch_1 clear: 0. Otherwise pin it shared, or if that fails (it is secure)
 * export it; on success clear PG_arch_1.
 */
static inline int arch_make_folio_accessible(struct folio *folio)
{
	if (folio_test_large(folio))
		return 0;
	if (!test_bit(PG_arch_1, &folio->flags))
		return 0;
	int rc = uv_pin_shared(folio);
	if (rc == 0) {
		clear_bit(PG_arch_1, &folio->flags);
		return 0;
	}
	rc = uv_convert_from_secure(folio);
	if (rc == 0) {
		clear_bit(PG_arch_1, &folio->flags);
		return 0;
	}
	return rc;
}

/* ---- host CPU access ------------------------------------------------------- */

/*
 * v6.15 arch/s390/mm/fault.c do_secure_storage_access(), kernel-fault case: the
 * host CPU touched a secure folio. Take a reference (folio_try_get; the code that
 * touched the page holds one), export via arch_make_folio_accessible, drop the
 * reference; BUG if the export failed.
 */
static inline void do_secure_storage_access(struct folio *folio)
{
	if (!folio_try_get(folio))
		return;
	int rc = arch_make_folio_accessible(folio);
	folio_put(folio);
	if (rc != 0)
		BUG();
}

/*
 * The host CPU reads or writes the folio: on a secure folio the access faults,
 * the handler exports it, and the access is retried (at most `tries` times).
 */
static inline bool host_cpu_access(struct folio *folio, int tries) /* Not a kernel function: a host CPU access, with the v6.15 arch/s390/mm/fault.c do_secure_storage_access recovery */
{
	for (int i = 0; i < tries; i++) {
		bool faults;
		__atomic {
			faults = folio->__ghost_secure;
		}
		if (!faults)
			return true;
		do_secure_storage_access(folio);
	}
	return false;
}

#endif
