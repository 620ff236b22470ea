/*
 * pageproof kernel model, v6.15: one page-table entry, kept as the kernel keeps it -
 * one word - and the accessors that read, build, test and write it (v6.15
 * include/linux/pgtable.h, arch/s390/include/asm/pgtable.h, include/linux/swapops.h).
 *
 * pte_t is the word itself. The kernel wraps it in a one-member struct for type
 * checking (s390: a struct of one unsigned long), so pte_val() and __pte() are the
 * identity here; likewise swp_entry_t and pgprot_t. Values are 32-bit in the model:
 * enough for the low bits below and a page frame number (see page_to_pfn).
 *
 * The layout is s390's, reduced to what the model reads: the page frame number from
 * bit PAGE_SHIFT up, and in the low 12 bits the software bits _PAGE_PRESENT,
 * _PAGE_READ, _PAGE_WRITE and the hardware bits _PAGE_PROTECT (read-only) and
 * _PAGE_INVALID. An empty entry is _PAGE_INVALID alone (s390's pte_none), not 0. A
 * swap entry - in the model only migration entries - has _PAGE_INVALID |
 * _PAGE_PROTECT, its type in bits 2-6 and its offset (for a migration entry, the pfn)
 * from bit 12 up. Not modelled: young/dirty tracking (a present entry of the model is
 * young and dirty, so _PAGE_INVALID is clear and _PAGE_PROTECT set only when it is
 * read-only), the special, soft-dirty and exclusive bits, and the PGSTE beside each
 * pte of a KVM guest's page table (its lock, storage keys and the notify bits).
 *
 * Accesses. Every writer holds the entry's PTL; gup-fast reads the entry without it.
 * In v6.15 all of them treat the entry as one word: ptep_get() and
 * ptep_get_lockless() are a READ_ONCE of it, and s390 writes it only through
 * set_pte(), a WRITE_ONCE (set_pte_at -> set_ptes, pte_clear, and the final store of
 * ptep_get_and_clear / ptep_clear_flush, arch/s390/mm/pgtable.c ptep_xchg_commit).
 * So under --model lkmm the lockless read is one marked read of one location, and
 * every update one marked store of it.
 */
#ifndef _PAGEPROOF_LINUX_PGTABLE_H
#define _PAGEPROOF_LINUX_PGTABLE_H

#include <linux/types.h>

/* v6.15 arch/s390/include/asm/page.h PAGE_SHIFT */
#define PAGE_SHIFT 12

/* v6.15 arch/s390/include/asm/pgtable.h: the pte bits the model uses */
#define _PAGE_PRESENT 0x001
#define _PAGE_READ 0x010
#define _PAGE_WRITE 0x020
#define _PAGE_PROTECT 0x200
#define _PAGE_INVALID 0x400

/*
 * v6.15 arch/s390/include/asm/pgtable.h PAGE_RO and PAGE_RW (a private mapping's
 * vm_page_prot and a shared writable one's), as the bits of a young, dirty entry:
 * the kernel's protections have _PAGE_INVALID and _PAGE_PROTECT set until
 * pte_mkyoung() / pte_mkdirty() clear them; the model's entries are young and dirty.
 */
#define PAGE_RO (_PAGE_PRESENT | _PAGE_READ | _PAGE_PROTECT)
#define PAGE_RW (_PAGE_PRESENT | _PAGE_READ | _PAGE_WRITE)

/* v6.15 include/linux/swap.h SWP_MIGRATION_READ / SWP_MIGRATION_WRITE: swap types past
 * the swap files. Their numbers depend on the configuration (device-private, hwpoison and
 * marker entries take types too); the model needs only that they differ. */
#define SWP_MIGRATION_READ 28
#define SWP_MIGRATION_WRITE 30

/*
 * One page-table entry of a user address and the lock of its page table. The kernel's
 * entry is one pte_t in a page-table page, whose split lock (the PTL, pte_lockptr())
 * every change of the entry holds; the model puts the two side by side. Not a kernel
 * structure as such: where the kernel passes `pte_t *ptep`, the model passes a
 * `struct pte *`, and ptep->val is the kernel's *ptep. Empty until an initialiser maps
 * a page: `struct pte pte = { .val = mk_pte(&page, PAGE_RW) };`. Traces print the word
 * in hex: 0x1d031 maps frame 0x1d with PAGE_RW, 0x400 is empty.
 */
struct pte {
	pte_t val = _PAGE_INVALID;
	spinlock_t ptl;
};

/* ---- page frame numbers ---------------------------------------------------- */

/* v6.15 include/asm-generic/memory_model.h page_to_pfn() / pfn_to_page() (vmemmap: the
 * page's index in the memmap). The model's page frame number is the page's address,
 * a cell number; the two are casts. */
static inline unsigned long page_to_pfn(struct page *page) { return (unsigned long)page; }
static inline struct page *pfn_to_page(unsigned long pfn) { return (struct page *)pfn; }

/* ---- reading and writing the entry ----------------------------------------- */

/* v6.15 arch/s390/include/asm/page.h pte_val(): the word of a pte_t (the identity here) */
static inline unsigned long pte_val(pte_t pte) { return pte; }

/* v6.15 include/linux/pgtable.h ptep_get(): READ_ONCE(*ptep) (s390 does not override it) */
static inline pte_t ptep_get(struct pte *ptep) { return READ_ONCE(ptep->val); }
/* v6.15 include/linux/pgtable.h ptep_get_lockless(): ptep_get() where a pte is one word
 * (the two-halves variant is for 32-bit architectures with 64-bit ptes) */
static inline pte_t ptep_get_lockless(struct pte *ptep) { return ptep_get(ptep); }
/* v6.15 arch/s390/include/asm/pgtable.h set_pte(): WRITE_ONCE(*ptep, pte) */
static inline void set_pte(struct pte *ptep, pte_t pte) { WRITE_ONCE(ptep->val, pte); }
/* v6.15 include/linux/pgtable.h set_pte_at() -> arch/s390/include/asm/pgtable.h set_ptes()
 * for one entry: set_pte() (with a PGSTE, ptep_set_pte_at -> pgste_set_pte, which also
 * ends in set_pte; the PGSTE lock around it is not modelled). The mm and address
 * arguments are dropped. */
static inline void set_pte_at(struct pte *ptep, pte_t pte) { set_pte(ptep, pte); }
/* v6.15 arch/s390/include/asm/pgtable.h pte_clear(): set_pte(ptep, __pte(_PAGE_INVALID)) */
static inline void pte_clear(struct pte *ptep) { set_pte(ptep, _PAGE_INVALID); }

/*
 * v6.15 arch/s390/include/asm/pgtable.h ptep_get_and_clear() / ptep_get_and_clear_full()
 * / ptep_clear_flush() read the entry and replace it by an empty one, returning the old
 * value, with the PTL held. On s390 the replacement is arch/s390/mm/pgtable.c
 * ptep_xchg_lazy / ptep_xchg_direct: read the entry, invalidate it in the TLB (IPTE, or
 * set _PAGE_INVALID in it while no other CPU has the mm attached), then set_pte() the
 * new value. The model's callers have just read the entry under the same PTL, so they
 * already hold the value these return (no other writer can run in between): they call
 * pte_clear() - the final set_pte() - and keep the value they read. Not modelled: the
 * invalidation step, which leaves _PAGE_PRESENT and the pfn in the word (a lockless
 * reader that saw it would find the word changed at its re-check and back out, as it
 * does on seeing the empty entry), and the export of a secure page of a protected guest
 * that these functions do (uv_convert_from_secure_pte).
 */

/* ---- testing and building entries ------------------------------------------ */

/* v6.15 arch/s390/include/asm/pgtable.h pte_present(), pte_none(), pte_write() */
static inline int pte_present(pte_t pte) { return (pte & _PAGE_PRESENT) != 0; }
static inline int pte_none(pte_t pte) { return pte == _PAGE_INVALID; }
static inline int pte_write(pte_t pte) { return (pte & _PAGE_WRITE) != 0; }
/* v6.15 arch/s390/include/asm/pgtable.h pte_pfn(), pte_page(): the frame number above
 * PAGE_SHIFT, and its page */
static inline unsigned long pte_pfn(pte_t pte) { return pte >> PAGE_SHIFT; }
static inline struct page *pte_page(pte_t pte) { return pfn_to_page(pte_pfn(pte)); }

/* v6.15 arch/s390/include/asm/pgtable.h pfn_pte() -> mk_pte_phys(): the frame's address
 * with the protection bits (and pte_mkyoung: see PAGE_RW) */
static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot) { return (pfn << PAGE_SHIFT) | prot; }
/* v6.15 arch/s390/include/asm/pgtable.h mk_pte(): the entry mapping a page with a
 * protection (mk_pte_phys(page_to_phys(page), prot); the kernel also marks a writable
 * entry of a dirty page dirty, which the model's entries are) */
static inline pte_t mk_pte(struct page *page, pgprot_t prot) { return pfn_pte(page_to_pfn(page), prot); }
/* v6.15 include/linux/pgtable.h pte_mkwrite() -> arch/s390/include/asm/pgtable.h
 * pte_mkwrite_novma(): set _PAGE_WRITE, and clear _PAGE_PROTECT of a dirty entry (all
 * are, in the model). The vma argument is dropped. */
static inline pte_t pte_mkwrite(pte_t pte) { return (pte | _PAGE_WRITE) & ~_PAGE_PROTECT; }
/* v6.15 include/linux/pgtable.h pte_access_permitted(), generic: present, and writable
 * if a write is asked for */
static inline bool pte_access_permitted(pte_t pte, bool write) { return pte_present(pte) && (!write || pte_write(pte)); }

/* ---- swap and migration entries -------------------------------------------- */

/*
 * v6.15 include/linux/swapops.h swp_entry(), swp_type(), swp_offset(),
 * swp_entry_to_pte() and pte_to_swp_entry(), with arch/s390/include/asm/pgtable.h
 * __swp_entry() (mk_swap_pte), __swp_type() and __swp_offset(). The kernel keeps an
 * arch-independent swp_entry_t and converts it to and from the arch's swap pte; the
 * model's swp_entry_t is the s390 swap pte itself, so the two conversions are the
 * identity.
 */
static inline swp_entry_t swp_entry(unsigned long type, unsigned long offset) { return _PAGE_INVALID | _PAGE_PROTECT | (offset << 12) | ((type & 31) << 2); }
static inline unsigned long swp_type(swp_entry_t entry) { return (entry >> 2) & 31; }
static inline unsigned long swp_offset(swp_entry_t entry) { return entry >> 12; }
static inline pte_t swp_entry_to_pte(swp_entry_t entry) { return entry; }
static inline swp_entry_t pte_to_swp_entry(pte_t pte) { return pte; }

/* v6.15 include/linux/swapops.h is_swap_pte(): neither empty nor present */
static inline int is_swap_pte(pte_t pte) { return !pte_none(pte) && !pte_present(pte); }
/* v6.15 include/linux/swapops.h make_readable_migration_entry() /
 * make_writable_migration_entry(): a migration entry for a page frame, remembering
 * whether the entry it replaces was writable (the readable-exclusive kind, for an
 * exclusive anonymous page, is not modelled) */
static inline swp_entry_t make_readable_migration_entry(unsigned long offset) { return swp_entry(SWP_MIGRATION_READ, offset); }
static inline swp_entry_t make_writable_migration_entry(unsigned long offset) { return swp_entry(SWP_MIGRATION_WRITE, offset); }
/* v6.15 include/linux/swapops.h is_migration_entry(), is_writable_migration_entry() */
static inline int is_migration_entry(swp_entry_t entry) { return swp_type(entry) == SWP_MIGRATION_READ || swp_type(entry) == SWP_MIGRATION_WRITE; }
static inline int is_writable_migration_entry(swp_entry_t entry) { return swp_type(entry) == SWP_MIGRATION_WRITE; }
/* v6.15 include/linux/swapops.h pfn_swap_entry_to_page(): the page of the frame a
 * migration entry holds */
static inline struct page *pfn_swap_entry_to_page(swp_entry_t entry) { return pfn_to_page(swp_offset(entry)); }

#endif
