import { Db, MongoClient } from 'mongodb';

export interface MongoSettings {
  readonly uri: string;
  readonly database: string;
}

export function mongoSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): MongoSettings {
  return { uri: env.MONGODB_URI ?? 'mongodb://127.0.0.1:27018/', database: env.MONGODB_DB ?? 'e2ee' };
}

/**
 * The driver connects lazily and reconnects by itself, so a service starts while MongoDB is
 * down and recovers when it returns; short selection timeouts turn an outage into a quick 503.
 */
export function createMongo(settings: MongoSettings): { client: MongoClient; db: Db } {
  const client = new MongoClient(settings.uri, {
    serverSelectionTimeoutMS: 3000,
    connectTimeoutMS: 3000,
    maxPoolSize: 20,
    retryWrites: false,
  });
  return { client, db: client.db(settings.database) };
}

export async function connectMongo(settings: MongoSettings): Promise<{ client: MongoClient; db: Db }> {
  const client = new MongoClient(settings.uri, {
    serverSelectionTimeoutMS: 3000,
    connectTimeoutMS: 3000,
    maxPoolSize: 20,
    retryWrites: false,
  });
  await client.connect();
  return { client, db: client.db(settings.database) };
}
