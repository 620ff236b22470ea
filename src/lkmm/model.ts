// The Linux-kernel memory model's consistency check of one candidate execution, written from
// tools/memory-model/linux-kernel.cat (with linux-kernel.bell's event classes and lock.cat's
// lock events) and Documentation/explanation.txt. The comments name the cat file's relations.
//
// Axioms (an execution is allowed when all hold):
//   coherence        po-loc ∪ rf ∪ co ∪ fr has no cycle (each location alone is SC)
//   atomic           no write of another process comes between an RMW's read and its write
//   happens-before   hb has no cycle: preserved program order, external reads-from, and the
//                    process-local part of prop
//   propagation      pb has no cycle: a write W propagated before a strong fence F cannot be
//                    overwritten by one that F orders after it
//   rcu              rb is irreflexive: a grace period (or a chain of them) outlasts every
//                    RCU read-side critical section that overlaps it
//   plain-coherence  plain accesses obey coherence where the marked accesses order them
// and the flag data-race (not an axiom: the execution stays, and is reported).

import { T } from "./events.js";
import { EvSet, Rel, has, outsideScratch, setMinus, setOf, setOr, withScratch } from "./rel.js";

export interface XEvent {
  kind: "R" | "W" | "F";
  tags: number;
  loc: number;
  val: number;
  proc: number; // -1: an initial write
}

/** The parts of an execution that do not depend on rf and co. */
export interface Static {
  n: number;
  ev: XEvent[];
  po: Rel;
  addr: Rel;
  data: Rel;
  ctrl: Rel;
  rmw: Rel;
  rscs: Rel;
  srcuRscs: Rel;
}

export type Axiom = "coherence" | "atomic" | "happens-before" | "propagation" | "rcu" | "plain-coherence" | "lock";

export interface Verdict {
  ok: boolean;
  axiom?: Axiom;
  /** The events of a cycle of the failed axiom's relation (or the pair it found). */
  cycle?: number[];
  /** Pairs of racing plain accesses (the data-race flag). */
  races: [number, number][];
  /** With check(.., wantOrder): po? ; (hb | pb | rb)* ; po?, "ordered before" (for
   * use-after-free), computed when first asked for (most allowed executions free nothing). */
  order?: () => Rel;
  /** Named relations of the execution, for displays. */
  rels?: Record<string, Rel>;
}

export class Lkmm {
  readonly n: number;
  readonly ev: XEvent[];
  readonly po: Rel;
  private readonly R: EvSet;
  private readonly W: EvSet;
  private readonly M: EvSet;
  private readonly IW: EvSet;
  private readonly Marked: EvSet;
  private readonly Plain: EvSet;
  private readonly int: Rel;
  private readonly ext: Rel;
  private readonly loc: Rel;
  private readonly poLoc: Rel;
  private readonly addr: Rel;
  private readonly dep: Rel;
  private readonly rmw: Rel;
  private readonly mbStatic: Rel;
  private readonly gp: Rel;
  private readonly poRel: Rel;
  private readonly acqPo: Rel;
  private readonly rmbRel: Rel;
  private readonly wmbRel: Rel;
  private readonly rwdep: Rel;
  private readonly addrPlainWmb: Rel;
  private readonly dataRel: Rel;
  private readonly ctrlRel: Rel;
  private readonly barrier: Rel;
  private readonly rscsi: Rel;
  private readonly srcuRscsi: Rel;
  private readonly hasRcu: boolean;
  private readonly hasPlain: boolean;
  private readonly hasUnlockLock: boolean;
  private readonly UL: EvSet;
  private readonly LKR: EvSet;
  private readonly LKW: EvSet;
  private readonly afterUnlockLock: Rel;
  private readonly R4rmb: EvSet;
  private readonly NotNoreturn: EvSet;
  private readonly sameLocF: Rel;
  /** Without SRCU: the grace periods (weight +1) and read-side critical sections (weight -1)
   * as the nodes of rcu-order's graph, entered at `entry` and left at `exit` (rcuGraph()). */
  private readonly rcuNodes: { entry: number; exit: number; w: number }[] | null;
  private readonly gpR: Rel;
  private readonly gpS: Rel;
  // Parts of check()'s relations that do not depend on rf and co.
  private readonly hasRmw: boolean;
  private readonly hasData: boolean;
  private readonly hasUL: boolean;
  private readonly poUL: Rel;
  private readonly poULm: Rel;
  private readonly strongFence: Rel;
  private readonly nonrwFence: Rel;
  private readonly fence: Rel;
  private readonly sfRelM: Rel;
  private readonly cumulStatic: Rel;
  /** cumulStatic*, made when first needed (the constructor's cumulStatic only). */
  private cumulStaticStar: Rel | null = null;
  /** ([Marked] ; ppo's static part ; [Marked])*, made when first needed (unreadable). */
  private ppoStaticStar: Rel | null = null;
  private readonly ppoStatic: Rel;
  private readonly depM: Rel;

  constructor(readonly st: Static) {
    const { n, ev } = st;
    this.n = n;
    this.ev = ev;
    const tagged = (t: number) => setOf(n, (i) => (ev[i].tags & t) !== 0);
    this.R = setOf(n, (i) => ev[i].kind === "R");
    this.W = setOf(n, (i) => ev[i].kind === "W");
    this.M = setOr(this.R, this.W);
    this.IW = tagged(T.IW);
    const markedAccess = T.ONCE | T.ACQUIRE | T.RELEASE | T.RMW | T.LKR | T.LKW | T.UL | T.LF | T.RU | T.RL | T.IW;
    this.Marked = setOf(n, (i) => ev[i].kind === "F" || (ev[i].tags & markedAccess) !== 0);
    this.Plain = setMinus(this.M, this.Marked);
    this.hasPlain = setOf(n, (i) => has(this.Plain, i)).some((x) => x !== 0);
    const po = st.po;
    this.po = po;
    this.int = new Rel(n);
    this.ext = new Rel(n);
    this.loc = new Rel(n);
    this.sameLocF = new Rel(n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (ev[i].proc >= 0 && ev[i].proc === ev[j].proc) this.int.add(i, j);
        else this.ext.add(i, j);
        if (ev[i].loc >= 0 && ev[i].loc === ev[j].loc) {
          if (ev[i].kind !== "F" && ev[j].kind !== "F") this.loc.add(i, j);
          else this.sameLocF.add(i, j);
        }
      }
    this.poLoc = po.and(this.loc);
    this.addr = st.addr;
    this.dataRel = st.data;
    this.ctrlRel = st.ctrl;
    this.dep = st.addr.or(st.data);
    this.rmw = st.rmw;
    const F = (t: number) => tagged(t);
    // fencerel(S) = po ; [S] ; po
    const fencerel = (s: EvSet) => po.ran(s).seq(po);
    const M = this.M;
    const RMW = tagged(T.RMW);
    const poOpt = po.opt();
    this.LKW = tagged(T.LKW);
    this.LKR = tagged(T.LKR);
    this.UL = tagged(T.UL);
    // mb: smp_mb(), the fully ordered RMWs (their two F[mb]), smp_mb__before/after_atomic()
    // around an RMW, smp_mb__after_spinlock() after a lock; smp_mb__after_unlock_lock() needs co.
    this.mbStatic = fencerel(F(T.MB)).dom(M).ran(M)
      .or(fencerel(F(T.BEFORE_ATOMIC)).dom(M).ran(RMW).seq(poOpt).ran(M))
      .or(poOpt.dom(M).ran(RMW).seq(fencerel(F(T.AFTER_ATOMIC))).ran(M))
      .or(poOpt.dom(M).ran(this.LKW).seq(fencerel(F(T.AFTER_SPINLOCK))).ran(M));
    this.hasUnlockLock = ev.some((e) => (e.tags & T.AFTER_UNLOCK_LOCK) !== 0);
    this.afterUnlockLock = fencerel(F(T.AFTER_UNLOCK_LOCK)).ran(M);
    this.gp = po.ran(F(T.SYNC_RCU | T.SYNC_SRCU)).seq(poOpt);
    this.acqPo = po.dom(F(T.ACQUIRE)).ran(M);
    this.poRel = po.dom(M).ran(F(T.RELEASE));
    const noreturn = F(T.NORETURN);
    this.R4rmb = setMinus(this.R, noreturn);
    this.NotNoreturn = setMinus(setOf(n, () => true), noreturn);
    this.rmbRel = fencerel(F(T.RMB)).dom(this.R4rmb).ran(this.R4rmb);
    this.wmbRel = fencerel(F(T.WMB)).dom(this.W).ran(this.W);
    this.rwdep = this.dep.or(st.ctrl).ran(this.W);
    this.addrPlainWmb = st.addr.ran(this.Plain).seq(this.wmbRel);
    this.barrier = fencerel(F(T.BARRIER | T.RMB | T.WMB | T.MB | T.SYNC_RCU | T.SYNC_SRCU | T.BEFORE_ATOMIC | T.AFTER_ATOMIC | T.ACQUIRE | T.RELEASE | T.RCU_LOCK | T.RCU_UNLOCK | T.SRCU_LOCK | T.SRCU_UNLOCK))
      .or(po.ran(F(T.RELEASE)), po.dom(F(T.ACQUIRE)));
    this.rscsi = st.rscs.inv();
    this.srcuRscsi = st.srcuRscs.inv();
    this.hasRcu = ev.some((e) => (e.tags & (T.SYNC_RCU | T.SYNC_SRCU)) !== 0);
    this.gpR = Rel.id(n, tagged(T.SYNC_RCU));
    this.gpS = Rel.id(n, tagged(T.SYNC_SRCU));
    const nonEmpty = (s: EvSet) => s.some((x) => x !== 0);
    this.hasRmw = !this.rmw.isEmpty();
    this.hasData = !st.data.isEmpty();
    this.hasUL = nonEmpty(this.UL);
    this.poUL = po.ran(this.UL);
    this.poULm = this.poUL.dom(M);
    // Without smp_mb__after_unlock_lock() (which needs co) the fences are static.
    this.strongFence = this.mbStatic.or(this.gp);
    this.nonrwFence = this.strongFence.or(this.poRel, this.acqPo);
    this.fence = this.nonrwFence.or(this.wmbRel, this.rmbRel);
    this.sfRelM = this.strongFence.or(this.poRel).ran(this.Marked);
    this.cumulStatic = this.sfRelM.or(this.wmbRel).restrict(this.Marked, this.Marked);
    // ppo's static part: to-w's rwdep and addr;[Plain];wmb, to-r's addr, fence.
    this.ppoStatic = this.rwdep.or(this.addrPlainWmb, this.addr, this.fence);
    this.depM = this.dep.ran(this.Marked);
    const srcu = ev.some((e) => (e.tags & T.SYNC_SRCU) !== 0);
    this.rcuNodes = this.hasRcu && !srcu ? [] : null;
    if (this.rcuNodes) {
      for (let i = 0; i < n; i++) if ((ev[i].tags & T.SYNC_RCU) !== 0) this.rcuNodes.push({ entry: i, exit: i, w: 1 });
      // rcu-rscsi = rscs^-1 leads from a critical section's unlock to its lock.
      st.rscs.forEach((l, u) => this.rcuNodes!.push({ entry: u, exit: l, w: -1 }));
    }
  }

  /** Checks the execution with reads-from rf and coherence order co (both over all events). */
  check(rf: Rel, co: Rel, explain = false, wantOrder = false): Verdict {
    const fr = rf.invSeq(co);
    return this.checkCoherence(rf, co, fr) ?? this.checkOrder(rf, co, fr, explain, wantOrder, false);
  }

  /** The coherence and atomic axioms alone: the failing verdict, or null when both hold. */
  checkCoherence(rf: Rel, co: Rel, fr = rf.invSeq(co)): Verdict | null {
    // coherence
    const coh = this.poLoc.or(rf, co, fr);
    if (!coh.isAcyclic()) return { ok: false, axiom: "coherence", cycle: coh.cycle()!, races: [] };
    if (this.hasRmw) {
      // atomic: empty rmw & (fre ; coe)
      const at = this.rmw.and(fr.and(this.ext).seq(co.and(this.ext)));
      if (!at.isEmpty()) return { ok: false, axiom: "atomic", cycle: at.pairs()[0], races: [] };
    }
    return null;
  }

  /** Whether the axioms after coherence and atomic hold for every execution whose reads-from
   * is part of `rf` (a union of choices) with coherence order co. Every relation below is
   * monotone in rf, and each axiom asks for the absence of a cycle (or of a pair), so what
   * holds for the union holds for each part. Not for plain accesses: their races, reported per
   * execution, are not monotone. */
  holdsForAll(rf: Rel, co: Rel): boolean {
    if (this.hasPlain) return false;
    return this.checkOrder(rf, co, rf.invSeq(co), false, false, true).ok;
  }

  /** Whether every execution whose reads-from and coherence order contain `rf` and `co` (some
   * reads without a write yet, some locations without their order) breaks happens-before,
   * propagation or rcu. Those relations only grow as rf and co grow, and each axiom forbids a
   * cycle, so a cycle found here stays in every completion (the converse of holdsForAll). */
  forbiddenForAll(rf: Rel, co: Rel): boolean {
    return !this.checkOrder(rf, co, rf.invSeq(co), false, false, true).ok;
  }

  /** For part of an execution (rf of some locations, as forbiddenForAll): pairs (r, w)
   * of a marked read and a marked write of another process with r before w in
   * (ppo's static part | rfe)+, a part of hb+. hb only grows as rf and co grow, so reading w
   * would close a happens-before cycle (rfe (w, r) against r hb+ w) in every completion: r may
   * not read w. Null when that part of hb already has a cycle. */
  unreadable(rf: Rel): Rel | null {
    return withScratch(() => {
      // (S | D)* = S* | S* ; (D ; S*)+ with S = [Marked] ; ppo's static part ; [Marked], acyclic
      // (it follows po), made once, and D = rfe between marked events: a cycle goes through D,
      // so it is one of D ; S*.
      const sStar = (this.ppoStaticStar ??= outsideScratch(() => this.ppoStatic.restrict(this.Marked, this.Marked).plus().optIn()));
      const d = rf.and(this.ext).restrict(this.Marked, this.Marked);
      const ePlus = d.seq(sStar).plus();
      if (ePlus.reflexive()) return null;
      const before = sStar.or(sStar.seq(ePlus));
      return outsideScratch(() => before.restrict(this.R, this.W).and(this.ext));
    });
  }

  get plainAccesses(): boolean {
    return this.hasPlain;
  }

  /** happens-before, propagation, rcu and plain-coherence (with the data-race flag); `quick`:
   * only whether they hold (no cycle looked for). */
  private checkOrder(rf: Rel, co: Rel, fr: Rel, explain: boolean, wantOrder: boolean, quick: boolean): Verdict {
    // The relations made for a check die with it, unless the verdict keeps some (the relations
    // to explain, the ordered-before relation).
    if (explain || wantOrder) return this.orderAxioms(rf, co, fr, explain, wantOrder, quick);
    return withScratch(() => this.orderAxioms(rf, co, fr, explain, wantOrder, quick));
  }

  private orderAxioms(rf: Rel, co: Rel, fr: Rel, explain: boolean, wantOrder: boolean, quick: boolean): Verdict {
    const { n, po, int, ext, M, Marked } = this;
    const races: [number, number][] = [];
    const rfe = rf.and(ext);
    const rfi = rf.and(int);
    // lock.cat's extra conditions are covered by the lock's values: LKR reads 0, LF reads 1,
    // and the RMW atomicity above keeps two critical sections apart.
    const overwrite = co.or(fr);
    // What depends on rf and co is computed here; the rest was in the constructor.
    let { strongFence, nonrwFence, fence, cumulStatic, sfRelM } = this;
    if (this.hasUnlockLock) {
      // [M] ; po ; [UL] ; (co | po) ; [LKW] ; fencerel(After-unlock-lock) ; [M]
      const mbUL = this.poULm.seq(co.or(po)).ran(this.LKW).seq(this.afterUnlockLock);
      strongFence = strongFence.or(mbUL);
      nonrwFence = nonrwFence.or(mbUL);
      fence = fence.or(mbUL);
      sfRelM = strongFence.or(this.poRel).ran(Marked);
      cumulStatic = sfRelM.or(this.wmbRel).restrict(Marked, Marked);
    }
    // po-unlock-lock-po: po ; [UL] ; (po | rf) ; [LKR] ; po (the current kernel's form; older
    // versions had rf alone).
    const poUnlockRfLockPo = this.hasUL ? this.poUL.seq(rf.or(po)).ran(this.LKR).seq(po) : null;
    // ppo
    // linux-kernel.bell (current): dependencies carry through a value stored to memory and
    // read back by the same process: carry-dep = (data ; rfi)*, then addr, data and ctrl are
    // carry-dep ; addr|data|ctrl.
    let { addr, rwdep } = this;
    let ppo: Rel;
    const dataRfi = this.hasData ? this.dataRel.seq(rfi) : null;
    if (dataRfi && !dataRfi.isEmpty()) {
      const carry = dataRfi.star();
      addr = carry.seq(addr);
      const dep = addr.or(carry.seq(this.dataRel));
      rwdep = dep.or(carry.seq(this.ctrlRel)).ran(this.W);
      const addrPlainWmb = addr.ran(this.Plain).seq(this.wmbRel);
      // to-w | to-r | fence
      ppo = rwdep.or(overwrite.and(int), addrPlainWmb, addr, dep.ran(Marked).seq(rfi), fence);
    } else {
      ppo = this.hasUnlockLock ? this.ppoStatic.or(fence) : this.ppoStatic.clone();
      ppo.orIn(overwrite.and(int)).orIn(this.depM.seq(rfi));
    }
    if (poUnlockRfLockPo) ppo.orIn(poUnlockRfLockPo.and(int));
    // cumul-fence = [Marked] ; ((rfe ; [Marked])? ; (strong-fence | po-rel) | wmb | po-unlock-lock-po) ; [Marked]
    const rfeM = rfe.ran(Marked);
    const rfeMM = rfeM.restrict(Marked, null);
    // cumul-fence = S | A ; B, with S = cumulStatic and A ; B its parts that depend on rf:
    // rfe ; (strong-fence | po-rel) through the reads read externally, and
    // po-unlock-lock-po through the unlocks. Then cumul-fence* = S* | S* ; A ; C* ; B ; S* with
    // C = B ; S* ; A, a relation on those reads and unlocks (the hubs), whose closure is small;
    // S* is made once. (x y)* = id | x (y x)* y, with x = A and y = B ; S*.
    let cfStar: Rel;
    const readHubs = rfeMM.rangeSet();
    const hubsMeet = this.hasUL && readHubs.some((word, k) => (word & this.UL[k]) !== 0);
    if (this.hasUnlockLock || hubsMeet) {
      // S changes with co (after-unlock-lock), or a read is an unlock: the closure of the whole.
      const cumulFence = cumulStatic.or(rfeMM.seq(sfRelM));
      if (poUnlockRfLockPo) cumulFence.orIn(poUnlockRfLockPo.restrict(Marked, Marked));
      cfStar = cumulFence.plus().optIn();
    } else {
      const sStar = (this.cumulStaticStar ??= outsideScratch(() => cumulStatic.plus().optIn()));
      let a = rfeMM;
      let b = sfRelM.dom(readHubs);
      if (poUnlockRfLockPo) {
        a = a.or(this.poULm);
        b.orIn(rf.or(po).dom(this.UL).ran(this.LKR).seq(po).ran(Marked));
      }
      if (b.isEmpty()) cfStar = sStar;
      else {
        const bThenS = b.seq(sStar);
        const cStar = bThenS.seq(a).plus().optIn();
        cfStar = sStar.or(sStar.seq(a).seq(cStar.seq(bThenS)));
      }
    }
    // prop = [Marked] ; (overwrite & ext)? ; cumul-fence* ; [Marked] ; rfe? ; [Marked]
    const x = cfStar.restrict(Marked, Marked).orIn(overwrite.and(ext).restrict(Marked, null).seq(cfStar).ran(Marked));
    const prop = x.or(x.seq(rfeM));
    // hb = [Marked] ; (ppo | rfe | ((prop \ id) & int)) ; [Marked]
    const propInt = prop.and(int);
    for (let i = 0; i < n; i++) propInt.a[i * propInt.w + (i >>> 5)] &= ~(1 << (i & 31));
    const hb = ppo.or(rfe, propInt).restrict(Marked, Marked);
    if (!this.hasRcu && !(this.hasPlain && !quick) && !explain) {
      // Nothing below needs hb* or pb*: two acyclicity tests (Kahn's algorithm) replace the
      // closures. pb = prop ; strong-fence ; hb* ; [Marked] has a cycle exactly when
      // prop ; strong-fence | hb has one through a prop ; strong-fence edge (each such edge starts
      // at a Marked event, where the hb* before it ends), i.e., hb being acyclic, when it has one.
      if (!hb.isAcyclic()) return { ok: false, axiom: "happens-before", cycle: quick ? [] : hb.cycle()!, races };
      if (prop.seq(strongFence).orIn(hb).isAcyclic()) {
        if (!wantOrder) return { ok: true, races };
        // hb, prop and strong-fence are this call's own (or the constructor's, never changed).
        let order: Rel | null = null;
        const orderOf = () => (order ??= po.opt().seq(hb.or(prop.seq(strongFence).seq(hb.star()).ran(Marked)).star()).seq(po.opt()));
        return { ok: true, races, order: orderOf };
      }
      if (quick) return { ok: false, axiom: "propagation", races };
      // Failed: the cycle is named from pb itself, as below.
    }
    const hbPlus = hb.plus();
    if (hbPlus.reflexive()) return { ok: false, axiom: "happens-before", cycle: quick ? [] : hb.cycle()!, races, rels: explain ? { hb, ppo, prop } : undefined };
    const hbStar = hbPlus.optIn();
    const pb = prop.seq(strongFence).seq(hbStar).ran(Marked);
    const pbPlus = pb.plus();
    if (pbPlus.reflexive()) return { ok: false, axiom: "propagation", cycle: quick ? [] : pb.cycle()!, races, rels: explain ? { pb, prop, hb } : undefined };
    const pbStar = pbPlus.optIn();
    let rb: Rel | null = null;
    let rcuFence: Rel | null = null;
    const rcuGraph = this.rcuNodes ? this.rcuGraph(hbStar, pbStar, prop) : null;
    if (quick && rcuGraph?.cyclic) return { ok: false, axiom: "rcu", races };
    if (rcuGraph && !rcuGraph.cyclic && !(this.hasPlain || wantOrder || explain)) {
      // rb is irreflexive and nothing below needs it.
    } else if (rcuGraph && !rcuGraph.cyclic) {
      rcuFence = rcuGraph.order();
      rb = prop.seq(po).seq(rcuFence).seq(po.opt()).seq(hbStar).seq(pbStar).ran(Marked);
    } else if (this.hasRcu) {
      // SRCU (rcu-order pairs its grace periods and critical sections per srcu_struct), or an
      // execution the rcu axiom forbids (the fixpoint names the event rb orders before itself).
      const poOpt = po.opt();
      const link = poOpt.seq(hbStar).seq(pbStar).seq(prop).seq(po);
      const { gpR, gpS } = this;
      const locF = this.sameLocF;
      let rf0 = gpR.or(gpS);
      for (;;) {
        const gl = gpR.seq(link);
        const sl = gpS.seq(link);
        const rl = this.rscsi.seq(link);
        const srl = this.srcuRscsi.seq(link);
        const flf = rf0.seq(link).seq(rf0);
        const fl = rf0.seq(link);
        const next = rf0.or(
          gl.seq(this.rscsi),
          sl.seq(this.srcuRscsi).and(locF),
          rl.seq(gpR),
          srl.seq(gpS).and(locF),
          gl.seq(fl).seq(this.rscsi),
          sl.seq(fl).seq(this.srcuRscsi).and(locF),
          rl.seq(fl).seq(gpR),
          srl.seq(fl).seq(gpS).and(locF),
          flf,
        );
        if (sameRel(next, rf0)) break;
        rf0 = next;
      }
      rcuFence = rf0;
      rb = prop.seq(po).seq(rcuFence).seq(poOpt).seq(hbStar).seq(pbStar).ran(Marked);
      if (!rb.irreflexive()) {
        let i = 0;
        while (!rb.has(i, i)) i++;
        return { ok: false, axiom: "rcu", cycle: [i], races, rels: explain ? { rb } : undefined };
      }
    }
    // plain-coherence and the races are not monotone: never decided on part of an execution.
    if (this.hasPlain && !quick) {
      const xb = rb ? hb.or(pb, rb) : hb.or(pb);
      const xbstar = xb.star();
      const fullFence = rcuFence ? strongFence.or(po.seq(rcuFence).seq(po.opt())) : strongFence;
      const vis = cfStar.seq(rfe.opt()).ran(Marked).seq(fullFence.ran(Marked).seq(xbstar).or(xbstar.and(int)));
      const fenceOpt = fence.opt();
      // w-pre-bounded: the kernel's file has (addr | fence)?; with rwdep, as in Alan Stern's
      // proposed fix, a control or data dependency also bounds a plain write. herd7's answers in
      // the shared corpus need rwdep (with addr alone 52 of its Result: Never tests come out
      // Sometimes): docs/design.md, "LKMM mode".
      const wPre = rwdep.or(addr, fence).opt().dom(Marked);
      const rmbNR = po.ran(setOf(n, (i) => (this.ev[i].tags & T.RMB) !== 0)).seq(po);
      const rPre = addr.or(nonrwFence, rmbNR.dom(this.R4rmb).ran(this.NotNoreturn)).opt().dom(Marked);
      const wPost = fenceOpt.ran(Marked);
      const rPost = nonrwFence.or(rmbNR.dom(this.NotNoreturn).ran(this.R4rmb)).opt().ran(Marked);
      const wwVis = wPost.seq(vis).seq(wPre);
      const wrVis = wPost.seq(vis).seq(rPre);
      const rwX = rPost.seq(xbstar).seq(wPre);
      const all = setOf(n, () => true);
      const preRace = ext.and(Rel.cross(n, this.Plain, M).or(Rel.cross(n, setMinus(M, this.IW), this.Plain)));
      const wrIncoh = preRace.and(rf).and(rwX.inv());
      const rwIncoh = preRace.and(fr).and(wrVis.inv());
      const wwIncoh = preRace.and(co).and(wwVis.inv());
      const incoh = wrIncoh.or(rwIncoh, wwIncoh);
      if (!incoh.isEmpty()) return { ok: false, axiom: "plain-coherence", cycle: incoh.pairs()[0], races };
      const wwNonrace = wwVis.and(Rel.cross(n, Marked, this.W).or(rwX)).and(Rel.cross(n, this.W, Marked).or(wrVis));
      const wwRace = preRace.and(co).minus(wwNonrace);
      const wrRace = preRace.and(co.opt().seq(rf)).minus(wrVis);
      const rwRace = preRace.and(fr).minus(rwX);
      void all;
      for (const [i, j] of wwRace.or(wrRace, rwRace).pairs()) if (i < j || !wwRace.or(wrRace, rwRace).has(j, i)) races.push([i, j]);
    }
    const order = wantOrder ? po.opt().seq((rb ? hb.or(pb, rb) : hb.or(pb)).star()).seq(po.opt()) : undefined;
    const orderOf = order ? () => order : undefined;
    return { ok: true, races, order: orderOf, rels: explain ? { hb, pb, prop, ...(rb ? { rb } : {}) } : undefined };
  }

  /**
   * rcu-order without SRCU, as a graph. rcu-order's recursion (linux-kernel.cat) relates the
   * first and last of a sequence of grace periods (g) and read-side critical sections (r), each
   * linked to the next by rcu-link, exactly when the sequence has at least as many g as r:
   * the grammar S -> g | g r | r g | g S r | r S g | S S generates every such word (split a
   * word at a prefix whose excess is between 0 and the word's, else it is g w r or r w g with w
   * balanced). rb = prop ; po ; rcu-order ; po? ; hb* ; pb* is reflexive exactly when
   * rcu-order ; rcu-link is, i.e. when the nodes' rcu-link graph has a closed walk of weight
   * >= 0 (g = +1, r = -1): a max-plus Floyd-Warshall over a handful of nodes instead of the
   * fixpoint over all events. Without such a cycle the maxima are exact, which gives rcu-order.
   */
  private rcuGraph(hbStar: Rel, pbStar: Rel, prop: Rel): { cyclic: boolean; order: () => Rel } {
    const nodes = this.rcuNodes!;
    const k = nodes.length;
    const { n, po } = this;
    const NONE = -1e9;
    const d = new Float64Array(k * k).fill(NONE);
    const w = po.w;
    const row = new Uint32Array(w);
    for (let u = 0; u < k; u++) {
      // rcu-link = po? ; hb* ; pb* ; prop ; po, from this node's exit
      row.fill(0);
      const x = nodes[u].exit;
      row[x >>> 5] |= 1 << (x & 31);
      const link = rowSeq(rowSeq(rowSeq(rowSeq(orRow(row, po, x), hbStar), pbStar), prop), po);
      for (let v = 0; v < k; v++) if (has(link, nodes[v].entry)) d[u * k + v] = nodes[v].w;
    }
    for (let m = 0; m < k; m++)
      for (let i = 0; i < k; i++) {
        const im = d[i * k + m];
        if (im === NONE) continue;
        for (let j = 0; j < k; j++) {
          const mj = d[m * k + j];
          if (mj !== NONE && im + mj > d[i * k + j]) d[i * k + j] = im + mj;
        }
      }
    let cyclic = false;
    for (let u = 0; u < k && !cyclic; u++) if (d[u * k + u] >= 0) cyclic = true;
    const order = () => {
      const ro = new Rel(n);
      for (let u = 0; u < k; u++)
        for (let v = 0; v < k; v++)
          if ((u === v && nodes[u].w > 0) || (d[u * k + v] !== NONE && nodes[u].w + d[u * k + v] >= 0)) ro.add(nodes[u].entry, nodes[v].exit);
      return ro;
    };
    return { cyclic, order };
  }
}

/** The set of events r relates to some event of `s` (s ; r, for a set s). */
function rowSeq(s: Uint32Array, r: Rel): Uint32Array {
  const w = r.w;
  const out = new Uint32Array(w);
  for (let kw = 0; kw < w; kw++) {
    let bits = s[kw];
    while (bits !== 0) {
      const t = bits & -bits;
      bits ^= t;
      const kb = ((kw << 5) + (31 - Math.clz32(t))) * w;
      for (let x = 0; x < w; x++) out[x] |= r.a[kb + x];
    }
  }
  return out;
}

/** s with row i of r added. */
function orRow(s: Uint32Array, r: Rel, i: number): Uint32Array {
  const out = s.slice();
  for (let x = 0; x < r.w; x++) out[x] |= r.a[i * r.w + x];
  return out;
}

function sameRel(a: Rel, b: Rel): boolean {
  for (let k = 0; k < a.a.length; k++) if (a.a[k] !== b.a[k]) return false;
  return true;
}
