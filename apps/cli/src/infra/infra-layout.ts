import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FERRETDB_PATCH_LEVEL } from './ferretdb-patches';

/** Where the local infrastructure lives: an ignored folder of the checkout, cached between runs. */
export interface InfraLayout {
  readonly root: string;
  readonly kafkaLibs: string;
  readonly kafkaData: string;
  readonly kafkaConfig: string;
  readonly ferretBin: string;
  readonly ferretSrc: string;
  readonly ferretData: string;
  readonly run: string;
  readonly kafkaPort: number;
  readonly controllerPort: number;
  readonly mongoPort: number;
  readonly projectRoot: string;
}

export const KAFKA_VERSION = '4.3.1';
export const FERRETDB_VERSION = 'v1.24.2';

export function infraLayout(env: NodeJS.ProcessEnv = process.env): InfraLayout {
  const projectRoot = findProjectRoot(__dirname);
  const root = resolve(env.INFRA_DIR ?? join(projectRoot, '.local'));
  return {
    projectRoot,
    root,
    kafkaLibs: join(root, 'kafka', `libs-${KAFKA_VERSION}`),
    kafkaData: join(root, 'kafka', 'data'),
    kafkaConfig: join(root, 'kafka', 'server.properties'),
    // The patch level in the name makes an older cached build (unpatched or older patches) rebuild.
    ferretBin: join(root, 'ferretdb', `ferretdb-${FERRETDB_VERSION}-${FERRETDB_PATCH_LEVEL}`),
    ferretSrc: join(root, 'ferretdb', 'src'),
    ferretData: join(root, 'ferretdb', 'data'),
    run: join(root, 'run'),
    kafkaPort: Number(env.INFRA_KAFKA_PORT ?? 19092),
    controllerPort: Number(env.INFRA_KAFKA_CONTROLLER_PORT ?? 19093),
    mongoPort: Number(env.INFRA_MONGO_PORT ?? 27018),
  };
}

export const kafkaBrokers = (l: InfraLayout): string => `127.0.0.1:${l.kafkaPort}`;
export const mongoUri = (l: InfraLayout): string => `mongodb://127.0.0.1:${l.mongoPort}/`;

/** The checkout's root: the nearest folder above with the infra recipe in it (works from dist/ too). */
function findProjectRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'infra', 'kafka', 'pom.xml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the project root above ${from}`);
    dir = parent;
  }
  return dir;
}
