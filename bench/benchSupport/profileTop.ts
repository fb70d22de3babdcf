/**
 * Bench support: the top entries of a V8 CPU profile (`node --cpu-prof`), by self time and by
 * total time (a function and everything it called), as the reports of issue 12 quote them.
 *
 *   npx tsx bench/benchSupport/profileTop.ts <file.cpuprofile> [count]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  selfPct: number;
  totalPct: number;
}

const label = (n: ProfileNode) => {
  const file = n.callFrame.url.replace(/^.*\/(node_modules\/)?/, (m) =>
    m.includes('node_modules') ? 'nm:' : '',
  );
  return `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
};

export function profileTop(
  file: string,
  count = 25,
): { self: ProfileEntry[]; total: ProfileEntry[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    all += dt;
    const node = byId.get(id)!;
    self.set(label(node), (self.get(label(node)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at)!);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + dt);
    }
  });
  const top = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name]) => ({
        name,
        selfPct: Number((((self.get(name) ?? 0) / all) * 100).toFixed(1)),
        totalPct: Number((((total.get(name) ?? 0) / all) * 100).toFixed(1)),
      }));
  return { self: top(self), total: top(total) };
}

if (process.argv[1]?.endsWith('profileTop.ts')) {
  const [file, count] = process.argv.slice(2);
  if (!file) throw new Error('usage: profileTop.ts <file.cpuprofile> [count]');
  const { self, total } = profileTop(file, Number(count ?? 25));
  console.log('self %  total %  function');
  for (const e of self)
    console.log(`${String(e.selfPct).padStart(6)} ${String(e.totalPct).padStart(7)}  ${e.name}`);
  console.log('\ntotal %  function');
  for (const e of total) console.log(`${String(e.totalPct).padStart(7)}  ${e.name}`);
}
