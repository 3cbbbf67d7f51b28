import { readFileSync } from 'node:fs';
import { LoggedCommand } from '@app/mongo';

/** `_id` compared with one value: the only filter the store answers from an index everywhere. */
export function isPointFilter(filter: unknown): boolean {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) return false;
  const id = (filter as Record<string, unknown>)._id;
  if (typeof id === 'string' || typeof id === 'number') return true;
  if (typeof id === 'object' && id !== null && Object.keys(id).length === 1 && '$eq' in id) return true;
  return false;
}

/** The shape of a filter, values left out: `{userId:$in,deleted:$ne}`. */
export function shapeOf(filter: unknown): string {
  if (Array.isArray(filter)) return `[${filter.map((stage) => Object.keys(stage as object).join(',')).join('|')}]`;
  if (typeof filter !== 'object' || filter === null) return String(filter);
  const parts = Object.entries(filter as Record<string, unknown>).map(([key, value]) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).every((k) => k.startsWith('$')))
      return `${key}:${Object.keys(value).join('+')}`;
    return key;
  });
  return `{${parts.sort().join(',')}}`;
}

/** Version and bucket numbers left out, so one rule covers every version of a read model. */
export const collectionFamily = (collection: string): string => collection.replace(/_v\d+/g, '_v*').replace(/_b\d+$/, '_b*');

export interface Violation {
  readonly key: string;
  readonly count: number;
}

/** Every (source, command, collection, filter shape) that is not a point access, with how often it was sent. */
export function violations(commands: readonly LoggedCommand[]): Violation[] {
  const counts = new Map<string, number>();
  for (const c of commands) {
    for (const filter of c.filters) {
      if (isPointFilter(filter)) continue;
      const key = `${c.source} ${c.command} ${collectionFamily(c.collection)} ${shapeOf(filter)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count);
}

export function readCommandLog(path: string): LoggedCommand[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as LoggedCommand);
}
