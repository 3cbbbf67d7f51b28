import { SingleBar, Presets } from 'cli-progress';
import { Db } from 'mongodb';
import { topicNames } from '@app/contracts';
import { TopicAdmin, createKafka, kafkaSettingsFromEnv } from '@app/kafka';
import { CheckpointStore, createMongo, mongoSettingsFromEnv } from '@app/mongo';
import { PROJECTIONS, ProjectionBuckets, ProjectionRegistry, checkpointOwner, collectionName } from '@app/read-models';
import { infraLayout, kafkaBrokers, mongoUri } from '../infra/infra-layout';
import { replayProjection } from './replay-projection';
import { replaySettingsFromEnv } from './replay-settings';

/**
 * `replay <projection>`: rebuild into a new version and switch readers to it.
 * `replay drop <projection> <version>`: drop an old, inactive version.
 */
export async function replayCommand(args: string[]): Promise<number> {
  const layout = infraLayout();
  const env = { ...process.env, KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? kafkaBrokers(layout), MONGODB_URI: process.env.MONGODB_URI ?? mongoUri(layout) };
  const kafkaSettings = kafkaSettingsFromEnv('replay', env);
  const settings = replaySettingsFromEnv(env);
  const kafka = createKafka(kafkaSettings);
  const admin = new TopicAdmin(kafka);
  const { client, db } = createMongo(mongoSettingsFromEnv(env), 'replay');
  const topics = topicNames(kafkaSettings.topicPrefix);
  try {
    if (args[0] === 'drop') return await drop(db, await admin.partitionCount(topics.events), args[1], Number(args[2]), settings.projection.buckets);
    const projection = PROJECTIONS[args[0]];
    if (!projection) {
      process.stderr.write(`usage: replay <${Object.keys(PROJECTIONS).join('|')}> | replay drop <projection> <version>\n`);
      return 2;
    }
    const bar = new SingleBar({ format: `replay ${projection.name} [{bar}] {percentage}% | {value}/{total} events | {eta_formatted}` }, Presets.shades_classic);
    bar.start(1, 0);
    const report = await replayProjection(
      { kafka, admin, db, topics },
      projection,
      (done, total) => {
        bar.setTotal(Math.max(total, 1));
        bar.update(done);
      },
      { settings },
    );
    bar.stop();
    process.stdout.write(
      `${JSON.stringify({ projection: projection.name, ...report, eventsPerSecond: Math.round(report.events / Math.max(report.seconds, 1e-6)) })}\n`,
    );
    return 0;
  } finally {
    await admin.disconnect();
    await client.close();
  }
}

async function drop(db: Db, partitions: number, name: string, version: number, buckets: number): Promise<number> {
  if (!PROJECTIONS[name] || !Number.isInteger(version)) throw new Error('usage: replay drop <projection> <version>');
  if ((await new ProjectionRegistry(db).active(name)) === version) throw new Error(`version ${version} of ${name} is active; replay first`);
  await (await ProjectionBuckets.forReading(db, name, version, buckets)).drop();
  // Wake-up notices of the device-lists projection live beside its rows.
  await db
    .collection(`${collectionName(name, version)}_feed`)
    .drop()
    .catch(() => undefined);
  await new CheckpointStore(db, partitions).remove(checkpointOwner(name, version));
  process.stdout.write(`dropped ${collectionName(name, version)}\n`);
  return 0;
}
