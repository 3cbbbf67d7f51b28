import { Db, MongoClient } from 'mongodb';
import { Env, optionalSetting, textSetting, wholeNumberSetting } from '@app/contracts';
import { attachCommandLog } from './command-log';

export interface MongoSettings {
  readonly uri: string;
  readonly database: string;
  /** MONGODB_COMMAND_LOG: where to record every filtered command (the tests' point-access audit). */
  readonly commandLog?: string;
  /** MONGODB_BULK_CHUNK: statements per bulk write (bulk-write.ts: FerretDB's pool is small). */
  readonly bulkChunk: number;
}

export function mongoSettingsFromEnv(env: Env): MongoSettings {
  return {
    uri: textSetting(env, 'MONGODB_URI', 'mongodb://127.0.0.1:27018/'),
    database: textSetting(env, 'MONGODB_DB', 'e2ee'),
    commandLog: optionalSetting(env, 'MONGODB_COMMAND_LOG') ?? undefined,
    bulkChunk: wholeNumberSetting(env, 'MONGODB_BULK_CHUNK', 8, { min: 1, meaning: 'statements' }),
  };
}
/**
 * The driver connects lazily and reconnects by itself, so a service starts while MongoDB is
 * down and recovers when it returns; short selection timeouts turn an outage into a quick 503.
 */
export function createMongo(settings: MongoSettings, source = 'unnamed'): { client: MongoClient; db: Db } {
  const client = new MongoClient(settings.uri, {
    serverSelectionTimeoutMS: 3000,
    connectTimeoutMS: 3000,
    maxPoolSize: 20,
    retryWrites: false,
    monitorCommands: settings.commandLog !== undefined,
  });
  if (settings.commandLog) attachCommandLog(client, settings.commandLog, source);
  return { client, db: client.db(settings.database) };
}
