import { InfraControl, LocalServer, leaseInfra, serversToStop } from './infra-lease';

/** A local infrastructure that only records what it was asked to do. */
function fakeInfra(running: { kafka: boolean; ferretdb: boolean }, failStart = false) {
  const calls: string[] = [];
  const infra: InfraControl = {
    env: { KAFKA_BROKERS: 'k', MONGODB_URI: 'm' },
    running: () => ({ ...running }),
    start: async () => {
      calls.push('start');
      running.kafka = running.ferretdb = true;
      if (failStart) throw new Error('ferretdb did not start');
    },
    stop: async (which: readonly LocalServer[]) => void calls.push(`stop ${which.join('+')}`),
  };
  return { infra, calls };
}

describe('which local servers a command stops when it ends', () => {
  it.each([
    [{ kafka: true, ferretdb: true }, false, []],
    [{ kafka: false, ferretdb: false }, false, ['kafka', 'ferretdb']],
    [{ kafka: true, ferretdb: false }, false, ['ferretdb']],
    [{ kafka: false, ferretdb: true }, false, ['kafka']],
    [{ kafka: false, ferretdb: false }, true, []],
  ])('running before %j, external %s: %j', (before, external, expected) => {
    expect(serversToStop(before, external)).toEqual(expected);
  });

  it('leaves a running system alone (generate --url against `npm run system`)', async () => {
    const { infra, calls } = fakeInfra({ kafka: true, ferretdb: true });
    const lease = await leaseInfra(infra, false);
    expect(lease.env).toEqual(infra.env);
    await lease.release();
    expect(calls).toEqual(['start']);
  });

  it('stops what it started, and only that', async () => {
    const { infra, calls } = fakeInfra({ kafka: true, ferretdb: false });
    await (await leaseInfra(infra, false)).release();
    expect(calls).toEqual(['start', 'stop ferretdb']);
  });

  it('touches nothing with external Kafka and MongoDB', async () => {
    const { infra, calls } = fakeInfra({ kafka: false, ferretdb: false });
    const lease = await leaseInfra(infra, true);
    await lease.release();
    expect({ calls, env: lease.env }).toEqual({ calls: [], env: {} });
  });

  it('stops what it half-started when starting fails', async () => {
    const { infra, calls } = fakeInfra({ kafka: false, ferretdb: false }, true);
    await expect(leaseInfra(infra, false)).rejects.toThrow('ferretdb did not start');
    expect(calls).toEqual(['start', 'stop kafka+ferretdb']);
  });
});
