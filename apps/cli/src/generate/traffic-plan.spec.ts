import { createRng } from './prng';
import { buildPopulation, describePopulation } from './population';
import { Operation, TrafficPlan } from './traffic-plan';

const populationOptions = {
  users: 200,
  rooms: 20,
  maxRoomSize: 150,
  zipfExponent: 1,
  whales: 1,
  whaleDevices: 50,
  encryptedShare: 0.7,
  serverName: 'gen.test',
};

function plan(seed: number) {
  const rng = createRng(seed);
  const population = buildPopulation(populationOptions, rng.fork('population'));
  const traffic = new TrafficPlan(
    population,
    { oneTimeKeyTarget: 50, stormQueriers: 5, maxQueryUsers: 10_000, serverName: 'gen.test', idPrefix: 't', ts: () => 0 },
    rng.fork('traffic'),
  );
  return { population, traffic };
}

function take(ops: Iterator<Operation>, n: number): Operation[] {
  return Array.from({ length: n }, () => ops.next().value as Operation);
}

describe('population', () => {
  it('is the same for the same seed, with a whale and Zipf room sizes', () => {
    const a = describePopulation(plan(5).population);
    expect(describePopulation(plan(5).population)).toEqual(a);
    expect(a.maxDevicesOfOneUser).toBe(50);
    expect(a.largestRoom).toBe(150);
    expect(a.rooms).toBe(20);
  });
});

describe('TrafficPlan', () => {
  it('repeats the same operations for the same seed', () => {
    const a = plan(11);
    const b = plan(11);
    expect(take(a.traffic.setup(), 300)).toEqual(take(b.traffic.setup(), 300));
    expect(take(a.traffic.traffic(), 500)).toEqual(take(b.traffic.traffic(), 500));
  });

  it('uploads device keys, 50 one-time keys and a fallback key for every device in the set-up', () => {
    const { population, traffic } = plan(2);
    const uploads = [...traffic.setup()].filter((op) => op.kind === 'upload');
    expect(uploads).toHaveLength(population.users.reduce((s, u) => s + u.devices.length, 0));
    expect(uploads.every((op) => op.kind === 'upload' && op.deviceKeys && op.oneTimeKeyIds.length === 50 && op.fallbackId)).toBe(true);
  });

  it('tops a device up to 50 when claims bring it to half, with fresh key ids', () => {
    const { traffic } = plan(3);
    Array.from(traffic.setup()); // the set-up runs first: traffic continues from its state
    const claims = new Map<string, number>();
    const ops = take(traffic.traffic(), 20_000);
    for (const op of ops) {
      if (op.kind === 'claim') claims.set(`${op.userId}|${op.deviceId}`, (claims.get(`${op.userId}|${op.deviceId}`) ?? 0) + 1);
      if (op.kind === 'upload' && !op.deviceKeys) {
        expect(claims.get(`${op.userId}|${op.deviceId}`)).toBeGreaterThanOrEqual(25);
        expect(op.oneTimeKeyIds.length).toBe(25);
        expect(op.oneTimeKeyIds[0]).toMatch(/^k(5\d|[6-9]\d|\d{3,})$/);
        claims.set(`${op.userId}|${op.deviceId}`, 0);
      }
    }
    expect(ops.some((op) => op.kind === 'upload' && !op.deviceKeys)).toBe(true);
  });

  it('turns encryption on in a large room and follows it with a query storm of its members', () => {
    const { traffic } = plan(4);
    Array.from(traffic.setup()); // the set-up runs first: traffic continues from its state
    const ops = take(traffic.traffic(), 5_000);
    const at = ops.findIndex((op) => op.kind === 'hs' && op.events[0].type === 'room.encryption');
    expect(at).toBeGreaterThanOrEqual(0);
    const storm = ops.slice(at + 1, at + 6);
    expect(storm.every((op) => op.kind === 'query' && op.storm && op.users.length >= 2)).toBe(true);
  });
});
