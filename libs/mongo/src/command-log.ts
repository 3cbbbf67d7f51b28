import { appendFileSync } from 'node:fs';
import { CommandStartedEvent, MongoClient } from 'mongodb';

/** One command a service sent to the store, as the point-access audit reads it. */
export interface LoggedCommand {
  readonly source: string;
  readonly command: string;
  readonly collection: string;
  /** The filters of the command (one per statement of an update or delete). */
  readonly filters: readonly unknown[];
}

const FILTERED: Record<string, (c: Record<string, unknown>) => unknown[]> = {
  find: (c) => [c.filter ?? {}],
  update: (c) => ((c.updates as { q: unknown }[]) ?? []).map((u) => u.q),
  delete: (c) => ((c.deletes as { q: unknown }[]) ?? []).map((d) => d.q),
  count: (c) => [c.query ?? {}],
  findAndModify: (c) => [c.query ?? {}],
  distinct: (c) => [c.query ?? {}],
  aggregate: (c) => [c.pipeline ?? []],
};

/**
 * MONGODB_COMMAND_LOG: every filtered command (find, update, delete, count, aggregate...) the
 * client sends is appended to that file as one JSON line, with the sending service as `source`.
 * The test suite's point-access audit reads it (test/audit/point-access.test.ts).
 */
export function attachCommandLog(client: MongoClient, path: string, source: string): void {
  client.on('commandStarted', (event: CommandStartedEvent) => {
    const filters = FILTERED[event.commandName];
    if (!filters) return;
    const command = event.command as Record<string, unknown>;
    const entry: LoggedCommand = { source, command: event.commandName, collection: String(command[event.commandName]), filters: filters(command) };
    appendFileSync(path, `${JSON.stringify(entry)}\n`);
  });
}
