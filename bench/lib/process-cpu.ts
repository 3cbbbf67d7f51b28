import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime + cutime + cstime: its own CPU and that of children it has reaped. */
  readonly ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: split after its closing parenthesis.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(fields[i - 3]);
    return { pid, ppid: n(4), ticks: n(14) + n(15) + n(16) + n(17) };
  } catch {
    return undefined; // exited meanwhile
  }
}

/**
 * CPU seconds used so far by process trees (each root and every descendant alive now, plus what
 * they reaped): a server's own work, whatever else runs on the machine. The machines these
 * benches run on are shared, so throughput moves with the neighbours' load; CPU per operation
 * moves much less.
 */
export function treeCpuSeconds(roots: readonly number[]): number {
  const stats = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => readStat(Number(d)) ?? []);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  let ticks = 0;
  const seen = new Set<number>();
  const visit = (s: ProcStat) => {
    if (seen.has(s.pid)) return;
    seen.add(s.pid);
    ticks += s.ticks;
    for (const c of children.get(s.pid) ?? []) visit(c);
  };
  for (const root of roots) {
    const s = byPid.get(root);
    if (s) visit(s);
  }
  return ticks / TICKS_PER_SECOND;
}
