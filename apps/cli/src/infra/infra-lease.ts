/** What a command needs of the local infrastructure: which servers run, start them, stop some. */
export interface InfraControl {
  running(): { kafka: boolean; ferretdb: boolean };
  start(): Promise<void>;
  stop(which: readonly LocalServer[]): Promise<void>;
  readonly env: Record<string, string>;
}

export type LocalServer = 'kafka' | 'ferretdb';

/**
 * The servers a command may stop when it ends: only those it started. Kafka and FerretDB already
 * running belong to someone else (`npm run system`, `infra start`, another run), and nothing is
 * started or stopped when KAFKA_BROKERS and MONGODB_URI point elsewhere.
 */
export function serversToStop(runningBefore: { kafka: boolean; ferretdb: boolean }, external: boolean): LocalServer[] {
  if (external) return [];
  return (['kafka', 'ferretdb'] as const).filter((server) => !runningBefore[server]);
}

/** Starts what is missing (unless external); `release()` stops exactly what this call started. */
export async function leaseInfra(infra: InfraControl, external: boolean): Promise<{ env: Record<string, string>; release(): Promise<void> }> {
  if (external) return { env: {}, release: async () => undefined };
  const started = serversToStop(infra.running(), external);
  try {
    await infra.start();
  } catch (err) {
    if (started.length > 0) await infra.stop(started).catch(() => undefined); // half-started: leave nothing behind
    throw err;
  }
  return { env: infra.env, release: () => (started.length > 0 ? infra.stop(started) : Promise.resolve()) };
}
