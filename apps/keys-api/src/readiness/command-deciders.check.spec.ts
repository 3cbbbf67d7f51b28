import { CommandDecidersCheck, ConsumerGroupMembers } from './command-deciders.check';

/** A consumer group whose member count the test sets, counting the admin calls. */
class FakeGroups implements ConsumerGroupMembers {
  members = 1;
  failure?: Error;
  calls: string[] = [];
  async liveMembers(groupId: string): Promise<number> {
    this.calls.push(groupId);
    if (this.failure) throw this.failure;
    return this.members;
  }
}

function setUp() {
  const groups = new FakeGroups();
  let time = 0;
  const check = new CommandDecidersCheck('p.e2ee.command-processor', groups, () => time, 3000);
  return { groups, check, advance: (ms: number) => (time += ms) };
}

const outcome = (p: Promise<void>) =>
  p.then(
    () => 'ready',
    (err: Error) => `down: ${err.message}`,
  );

describe('readiness: commands are being decided', () => {
  it('is ready while the command-processor group has a member, and asks about that group', async () => {
    const { groups, check } = setUp();
    expect(await outcome(check.check())).toBe('ready');
    expect(groups.calls).toEqual(['p.e2ee.command-processor']);
  });

  it('is down without any member, saying why', async () => {
    const { groups, check } = setUp();
    groups.members = 0;
    expect(await outcome(check.check())).toBe('down: no command-processor in consumer group p.e2ee.command-processor: nothing decides commands');
  });

  it('is down when Kafka cannot be asked', async () => {
    const { groups, check } = setUp();
    groups.failure = new Error('broker unreachable');
    expect(await outcome(check.check())).toBe('down: broker unreachable');
  });

  it('asks Kafka at most once per cache period, then sees the change', async () => {
    const { groups, check, advance } = setUp();
    await check.check();
    groups.members = 0; // the processor died
    advance(2999);
    expect(await Promise.all([outcome(check.check()), outcome(check.check())])).toEqual(['ready', 'ready']);
    expect(groups.calls).toHaveLength(1);
    advance(1);
    expect(await outcome(check.check())).toMatch(/^down/);
    expect(groups.calls).toHaveLength(2);
  });

  it('caches a failure too, and recovers after the period', async () => {
    const { groups, check, advance } = setUp();
    groups.members = 0;
    await outcome(check.check());
    groups.members = 2;
    expect(await outcome(check.check())).toMatch(/^down/);
    advance(3000);
    expect(await outcome(check.check())).toBe('ready');
    expect(groups.calls).toHaveLength(2);
  });
});
