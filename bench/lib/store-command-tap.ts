import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { CommandStartedEvent, MongoClient } from 'mongodb';
import * as commandLog from '../../libs/mongo/src/command-log';
import { LoggedCommand } from '../../libs/mongo/src/command-log';

/** One command a service sent, as the tap sees it (every command name, inserts included). */
export interface TappedCommand {
  readonly source: string;
  readonly command: string;
  readonly collection: string;
  /** Documents an insert carries, statements of an update or delete, 1 otherwise. */
  readonly statements: number;
}

const STATEMENTS: Record<string, (c: Record<string, unknown>) => number> = {
  insert: (c) => (c.documents as unknown[] | undefined)?.length ?? 1,
  update: (c) => (c.updates as unknown[] | undefined)?.length ?? 1,
  delete: (c) => (c.deletes as unknown[] | undefined)?.length ?? 1,
};

/**
 * MONGODB_COMMAND_LOG (libs/mongo/src/command-log.ts) records the *filtered* commands (find,
 * update, delete, ...) with the service that sent them, but not inserts. The services of a bench
 * run in the bench's own process (test/helpers/system.ts startSystem), so this tap wraps the
 * command log's attach function: every service's client gets, beside the file record, a listener
 * that keeps every command it starts (inserts and getMores too) with the same `source`. The file
 * stays the record of the filtered commands; `crossCheck` compares the two.
 * Install before the services start.
 */
export class StoreCommandTap {
  readonly commands: TappedCommand[] = [];
  readonly sources = new Set<string>();

  install(): void {
    const original = commandLog.attachCommandLog;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the replacement is a plain function (the driver's own `this`)
    const tap = this;
    (commandLog as { attachCommandLog: typeof original }).attachCommandLog = function attachWithTap(client: MongoClient, path: string, source: string) {
      original(client, path, source);
      tap.sources.add(source);
      client.on('commandStarted', (event: CommandStartedEvent) => {
        const command = event.command as Record<string, unknown>;
        const statements = STATEMENTS[event.commandName]?.(command) ?? 1;
        const collection = String(event.commandName === 'getMore' ? command.collection : command[event.commandName]);
        tap.commands.push({ source, command: event.commandName, collection, statements });
      });
    };
  }

  mark(): number {
    return this.commands.length;
  }

  since(mark: number, until = this.commands.length): TappedCommand[] {
    return this.commands.slice(mark, until);
  }
}

/** Reads what the command log file gained since a byte offset. */
export class CommandLogFile {
  constructor(readonly path: string) {}

  mark(): number {
    try {
      return statSync(this.path).size;
    } catch {
      return 0;
    }
  }

  since(from: number, until = this.mark()): LoggedCommand[] {
    if (until <= from) return [];
    const fd = openSync(this.path, 'r');
    try {
      const buffer = Buffer.alloc(until - from);
      readSync(fd, buffer, 0, buffer.length, from);
      return buffer
        .toString('utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as LoggedCommand);
    } finally {
      closeSync(fd);
    }
  }
}

/** Collection families: version and bucket numbers left out (as the point-access audit does). */
export const familyOf = (collection: string): string => collection.replace(/_v\d+/g, '_v*').replace(/_b\d+$/, '_b*');

export const READ_COMMANDS = new Set(['find', 'getMore', 'count', 'aggregate', 'distinct']);
export const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);
