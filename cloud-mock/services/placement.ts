/**
 * Whether everything a locker has promised, and one more parcel or return, can each have a free
 * compartment it fits (by sorted dimensions and weight, DESIGN §3): a matching of promises to
 * the compartments actually free, so a size class whose free compartments are too small for the
 * parcel is not offered, and promises made earlier keep their room. Compartments of one shape
 * and promises that fit the same shapes are counted together, so a locker of 200 compartments
 * and 200 promises is a flow over a handful of nodes, not a 200 × 200 matching.
 */
import { sizeRank, type Dimensions, type Size } from '../../src/shared/domain';
import type { CloudCompartment } from '../store/compartments';
import { fits } from './fit';

/** A promise to place: a parcel (dimensions and weight known) or a return (its size only). */
export type Promised =
  | { kind: 'parcel'; dimensions: Dimensions; weightG: number; size: Size }
  | { kind: 'return'; size: Size };

/** Free compartments of one shape, and how many. */
export type FreeShape = Pick<CloudCompartment, 'size' | 'inner' | 'maxWeightG'> & { n: number };
/** Promises alike, and how many. */
export type PromisedMany = Promised & { n: number };

type Free = Pick<CloudCompartment, 'size' | 'inner' | 'maxWeightG'>;

function takes(c: Free, p: Promised): boolean {
  // A return is dropped into a compartment of its size or, when none is free, a larger one.
  if (p.kind === 'return') return sizeRank(c.size) >= sizeRank(p.size);
  return fits(p, c);
}

/**
 * Places every promise and the new one (in a compartment of `size` only, when given); false
 * when some promise would be left without a compartment.
 */
export function canPlace(
  free: readonly FreeShape[],
  promised: readonly PromisedMany[],
  extra: Promised,
  size: Size | null,
): boolean {
  // Promises grouped by the shapes they fit.
  const groups = new Map<string, { fitsShape: boolean[]; n: number }>();
  const add = (fitsShape: boolean[], n: number) => {
    const key = fitsShape.map((b) => (b ? 1 : 0)).join('');
    const group = groups.get(key);
    if (group) group.n += n;
    else groups.set(key, { fitsShape, n });
  };
  for (const p of promised)
    add(
      free.map((k) => takes(k, p)),
      p.n,
    );
  add(
    free.map((k) => (size === null || k.size === size) && takes(k, extra)),
    1,
  );
  const wanted = promised.reduce((sum, p) => sum + p.n, 1);
  if (wanted > free.reduce((sum, k) => sum + k.n, 0)) return false;
  return maxFlow([...groups.values()], free) === wanted;
}

/** Max flow source → groups (their counts) → shapes they fit → sink (free counts). */
function maxFlow(
  groups: readonly { fitsShape: boolean[]; n: number }[],
  shapes: readonly { n: number }[],
): number {
  const G = groups.length;
  const S = shapes.length;
  // Nodes: 0 source, 1..G groups, G+1..G+S shapes, G+S+1 sink.
  const sink = G + S + 1;
  const cap: number[][] = Array.from({ length: sink + 1 }, () =>
    new Array<number>(sink + 1).fill(0),
  );
  groups.forEach((g, i) => {
    cap[0]![1 + i] = g.n;
    g.fitsShape.forEach((ok, j) => {
      if (ok) cap[1 + i]![G + 1 + j] = g.n;
    });
  });
  shapes.forEach((s, j) => (cap[G + 1 + j]![sink] = s.n));
  let flow = 0;
  for (;;) {
    const from = new Array<number>(sink + 1).fill(-1);
    from[0] = 0;
    const queue = [0];
    while (queue.length > 0 && from[sink] === -1) {
      const u = queue.shift()!;
      for (let v = 0; v <= sink; v++)
        if (from[v] === -1 && cap[u]![v]! > 0) {
          from[v] = u;
          queue.push(v);
        }
    }
    if (from[sink] === -1) return flow;
    let push = Infinity;
    for (let v = sink; v !== 0; v = from[v]!) push = Math.min(push, cap[from[v]!]![v]!);
    for (let v = sink; v !== 0; v = from[v]!) {
      cap[from[v]!]![v]! -= push;
      cap[v]![from[v]!]! += push;
    }
    flow += push;
  }
}
