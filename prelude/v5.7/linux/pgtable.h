/*
 * pageproof kernel model, v5.7: one page-table entry as one word, and the accessors
 * that build, test and write it (v5.7 arch/s390/include/asm/pgtable.h,
 * include/linux/swapops.h). The same representation as the v6.15 model (see its
 * linux/pgtable.h for the layout: s390's bits, reduced; pte_t, swp_entry_t and
 * pgprot_t are the word itself), with v5.7's accesses: the entry is read as `*ptep`
 * (ptep->val in the model; ptep_get() came later) and s390's set_pte_at() and
 * pte_clear() store it with a plain assignment. Every access of the v5.7 model's
 * entry is made under its PTL, so none is a data race under --model lkmm.
 */
#ifndef _PAGEPROOF_LINUX_PGTABLE_H
#define _PAGEPROOF_LINUX_PGTABLE_H

#include <linux/types.h>

/* v5.7 arch/s390/include/asm/page.h PAGE_SHIFT */
#define PAGE_SHIFT 12

/* v5.7 arch/s390/include/asm/pgtable.h: the pte bits the model uses */
#define _PAGE_PRESENT 0x001
#define _PAGE_READ 0x010
#define _PAGE_WRITE 0x020
#define _PAGE_PROTECT 0x200
#define _PAGE_INVALID 0x400

/* v5.7 arch/s390/include/asm/pgtable.h PAGE_RO / PAGE_RW, as the bits of a young,
 * dirty entry (see the v6.15 model) */
#define PAGE_RO (_PAGE_PRESENT | _PAGE_READ | _PAGE_PROTECT)
#define PAGE_RW (_PAGE_PRESENT | _PAGE_READ | _PAGE_WRITE)

/* v5.7 include/linux/swap.h SWP_MIGRATION_READ / SWP_MIGRATION_WRITE (configuration-
 * dependent numbers; the model needs only that they differ) */
#define SWP_MIGRATION_READ 29
#define SWP_MIGRATION_WRITE 30

/*
 * One page-table entry of a user address and the lock of its page table (the PTL,
 * pte_lockptr()), side by side; not a kernel structure as such (see the v6.15
 * model). ptep->val is the kernel's *ptep. Scenarios without a pte treat the page
 * as always mapped (_mapcount alone).
 */
struct pte {
	pte_t val = _PAGE_INVALID;
	spinlock_t ptl;
};

/* v5.7 include/asm-generic/memory_model.h page_to_pfn() / pfn_to_page(): the model's
 * page frame number is the page's address (a cell number) */
static inline unsigned long page_to_pfn(struct page *page) { return (unsigned long)page; }
static inline struct page *pfn_to_page(unsigned long pfn) { return (struct page *)pfn; }

/* v5.7 arch/s390/include/asm/page.h pte_val(): the identity in the model */
static inline unsigned long pte_val(pte_t pte) { return pte; }
/* v5.7 arch/s390/include/asm/pgtable.h set_pte_at(): a plain store, *ptep = entry (with a
 * PGSTE, ptep_set_pte_at -> pgste_set_pte, also a plain store; the PGSTE lock around it
 * is not modelled). The mm and address arguments are dropped. */
static inline void set_pte_at(struct pte *ptep, pte_t pte) { ptep->val = pte; }
/* v5.7 arch/s390/include/asm/pgtable.h pte_clear(): pte_val(*ptep) = _PAGE_INVALID, and
 * the final store of ptep_get_and_clear(_full) / ptep_clear_flush (as in the v6.15
 * model, the callers keep the value they read under the PTL, and the TLB invalidation
 * step of arch/s390/mm/pgtable.c ptep_xchg_lazy/_direct is not modelled) */
static inline void pte_clear(struct pte *ptep) { ptep->val = _PAGE_INVALID; }

/* v5.7 arch/s390/include/asm/pgtable.h pte_present(), pte_none(), pte_write() */
static inline int pte_present(pte_t pte) { return (pte & _PAGE_PRESENT) != 0; }
static inline int pte_none(pte_t pte) { return pte == _PAGE_INVALID; }
static inline int pte_write(pte_t pte) { return (pte & _PAGE_WRITE) != 0; }
/* v5.7 arch/s390/include/asm/pgtable.h pte_pfn(), pte_page() */
static inline unsigned long pte_pfn(pte_t pte) { return pte >> PAGE_SHIFT; }
static inline struct page *pte_page(pte_t pte) { return pfn_to_page(pte_pfn(pte)); }
/* v5.7 arch/s390/include/asm/pgtable.h pfn_pte() -> mk_pte_phys(), and mk_pte() (see the
 * v6.15 model for what is left out) */
static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot) { return (pfn << PAGE_SHIFT) | prot; }
static inline pte_t mk_pte(struct page *page, pgprot_t prot) { return pfn_pte(page_to_pfn(page), prot); }
/* v5.7 arch/s390/include/asm/pgtable.h pte_mkwrite(): set _PAGE_WRITE, clear
 * _PAGE_PROTECT of a dirty entry (all are, in the model) */
static inline pte_t pte_mkwrite(pte_t pte) { return (pte | _PAGE_WRITE) & ~_PAGE_PROTECT; }

/*
 * v5.7 include/linux/swapops.h swp_entry(), swp_type(), swp_offset(),
 * swp_entry_to_pte(), pte_to_swp_entry() with arch/s390/include/asm/pgtable.h
 * __swp_entry(): the model's swp_entry_t is s390's swap pte itself (_PAGE_INVALID |
 * _PAGE_PROTECT, the type in bits 2-6, the offset from bit 12), so the conversions
 * are the identity.
 */
static inline swp_entry_t swp_entry(unsigned long type, unsigned long offset) { return _PAGE_INVALID | _PAGE_PROTECT | (offset << 12) | ((type & 31) << 2); }
static inline unsigned long swp_type(swp_entry_t entry) { return (entry >> 2) & 31; }
static inline unsigned long swp_offset(swp_entry_t entry) { return entry >> 12; }
static inline pte_t swp_entry_to_pte(swp_entry_t entry) { return entry; }
static inline swp_entry_t pte_to_swp_entry(pte_t pte) { return pte; }

/* v5.7 include/linux/swapops.h is_swap_pte(): neither empty nor present */
static inline int is_swap_pte(pte_t pte) { return !pte_none(pte) && !pte_present(pte); }
/* v5.7 include/linux/swapops.h make_migration_entry(): a migration entry for the page,
 * writable or not as the entry it replaces */
static inline swp_entry_t make_migration_entry(struct page *page, int write) { return swp_entry(write ? SWP_MIGRATION_WRITE : SWP_MIGRATION_READ, page_to_pfn(page)); }
/* v5.7 include/linux/swapops.h is_migration_entry(), is_write_migration_entry() */
static inline int is_migration_entry(swp_entry_t entry) { return swp_type(entry) == SWP_MIGRATION_READ || swp_type(entry) == SWP_MIGRATION_WRITE; }
static inline int is_write_migration_entry(swp_entry_t entry) { return swp_type(entry) == SWP_MIGRATION_WRITE; }
/* v5.7 include/linux/swapops.h migration_entry_to_page(): the page the entry holds
 * (the kernel also BUG_ONs if the page is not locked) */
static inline struct page *migration_entry_to_page(swp_entry_t entry) { return pfn_to_page(swp_offset(entry)); }

#endif
