import { ClaimKeysCommand, CommandReply, DomainEvent, RoutedCommand, UploadKeysCommand } from '@app/contracts';
import { OutgoingMessage } from '@app/kafka';
import { JsonLogger, Metrics } from '@app/platform';
import { PartitionMemory } from '../state/partition-memory';
import { CollectingOutbox, HeldSnapshotStore } from '../testing/in-memory-ports';
import { BatchDecider, EventLog } from './batch-decider';
import { DeadLetteredCommands, PoisonedCommand, PoisonedCommands } from './poisoned-commands';

const OWNER = '@owner:example.org';
const P = 0;

const routed = (id: string, type: string, data: object): RoutedCommand =>
  ({ id, type, data, schemaVersion: 1, key: OWNER, time: 1, correlationId: id, causationId: null, routing: { replyTo: 'api-1' } }) as RoutedCommand;
const upload = (id: string, keyIds: string[]) =>
  routed(id, 'UploadKeys', {
    userId: OWNER,
    deviceId: 'DEV',
    deviceKeysJson: null,
    oneTimeKeys: keyIds.map((k) => ({ keyName: `signed_curve25519:${k}`, json: JSON.stringify({ key: k }) })),
    fallbackKeys: [],
    verifySignatures: false,
  } satisfies UploadKeysCommand['data']);
const claim = (id: string) =>
  routed(id, 'ClaimKeys', {
    userId: OWNER,
    claims: [{ deviceId: 'DEV', algorithm: 'signed_curve25519' }],
    claimedBy: '@bob:x|B',
  } satisfies ClaimKeysCommand['data']);
/** Decodable (an envelope of a known type), but the domain's decide throws on it: it has no key lists. */
const poison = (id: string) => routed(id, 'UploadKeys', { userId: OWNER, deviceId: 'DEV' });

/** e2ee.events as an array (whatever writer the decider appends as). */
class ArrayEventLog implements EventLog {
  readonly events: DomainEvent[] = [];
  async append(_writer: unknown, events: readonly DomainEvent[]): Promise<readonly number[]> {
    return events.map((e) => this.events.push(e) - 1);
  }
}

class CollectingPoison implements PoisonedCommands {
  readonly setAsideCommands: PoisonedCommand[] = [];
  failNext = false;
  async setAside(_partition: number, poisoned: PoisonedCommand): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('dead-letter topic unavailable');
    }
    this.setAsideCommands.push(poisoned);
  }
}

/** The decider on one partition's memory, with in-memory ports. */
function harness(withSink = true) {
  const log = new ArrayEventLog();
  const outbox = new CollectingOutbox();
  const poisoned = new CollectingPoison();
  const memory = new PartitionMemory(P, new HeldSnapshotStore());
  const decider = new BatchDecider(log, outbox, undefined, withSink ? poisoned : undefined);
  const decide = (...commands: RoutedCommand[]) => decider.decide(memory, commands);
  const replyTo = (id: string): CommandReply | undefined => outbox.replies.filter((r) => r.commandId === id).pop();
  return { decide, log, outbox, poisoned, replyTo };
}

const claimedKey = (reply: CommandReply | undefined) =>
  reply?.outcome.ok && reply.outcome.result.kind === 'claim' ? reply.outcome.result.claimed[0]?.keyName : reply;

describe('a command whose decide throws', () => {
  it('is set aside and answered with an error; the others in its batch are decided and answered', async () => {
    const h = harness();
    await h.decide(upload('u1', ['A', 'B']), poison('bad'), claim('c1'));

    expect(h.poisoned.setAsideCommands.map((p) => p.command.id)).toEqual(['bad']);
    expect((h.poisoned.setAsideCommands[0].error as Error).message).toMatch(/not iterable/);
    expect(h.replyTo('u1')?.outcome.ok).toBe(true);
    expect(claimedKey(h.replyTo('c1'))).toBe('signed_curve25519:A');
    expect(h.replyTo('bad')?.outcome).toEqual({ ok: false, rejection: { code: 'COMMAND_FAILED', message: expect.stringMatching(/could not process/) } });
    // Nothing of the poison is in the log, and the partition goes on.
    expect(h.log.events.length).toBeGreaterThan(0);
    expect(h.log.events.every((e) => e.causationId !== 'bad')).toBe(true);
    await h.decide(claim('c2'));
    expect(claimedKey(h.replyTo('c2'))).toBe('signed_curve25519:B');
  });

  it('fails the batch as before when nothing can set it aside', async () => {
    const h = harness(false);
    await expect(h.decide(upload('u1', ['A']), poison('bad'))).rejects.toThrow(/not iterable/);
    expect(h.outbox.replies).toEqual([]);
  });
});

describe('I/O failures are not poison', () => {
  it('a failed append fails the batch, nothing is set aside or answered, and the retry decides it', async () => {
    const h = harness();
    const append = jest.spyOn(h.log, 'append').mockRejectedValueOnce(new Error('broker down'));
    await expect(h.decide(upload('u1', ['A']), poison('bad'))).rejects.toThrow('broker down');
    expect(h.poisoned.setAsideCommands).toEqual([]);
    expect(h.outbox.replies).toEqual([]);
    append.mockRestore();
    await h.decide(upload('u1', ['A']), poison('bad'));
    expect(h.replyTo('u1')?.outcome.ok).toBe(true);
    expect(h.poisoned.setAsideCommands.map((p) => p.command.id)).toEqual(['bad']);
  });

  it('a failed dead-letter write fails the batch before any reply: no error answer without its record', async () => {
    const h = harness();
    h.poisoned.failNext = true;
    await expect(h.decide(upload('u1', ['A']), poison('bad'))).rejects.toThrow('dead-letter topic unavailable');
    expect(h.outbox.replies).toEqual([]);
  });

  it('a failed reply send fails the batch', async () => {
    const h = harness();
    jest.spyOn(h.outbox, 'send').mockRejectedValueOnce(new Error('broker down'));
    await expect(h.decide(poison('bad'))).rejects.toThrow('broker down');
  });
});

describe('dead-lettered commands', () => {
  it('go to the dead-letter topic with the command, where decide threw, the group; counted by source and logged', async () => {
    const sent: OutgoingMessage[] = [];
    const metrics = new Metrics('test');
    const lines: unknown[][] = [];
    const logger = { write: (...args: unknown[]) => lines.push(args) } as unknown as JsonLogger;
    const producer = { send: async (messages: readonly OutgoingMessage[]) => (sent.push(...messages), []) };
    const sink = new DeadLetteredCommands('e2ee.commands', { producer, topic: 'e2ee.deadletter', consumerGroup: 'e2ee.command-processor', metrics, logger });
    const bad = poison('bad');
    await sink.setAside(3, { command: bad, error: new TypeError('oneTimeKeys is not iterable') });

    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: 'e2ee.deadletter', key: OWNER, partition: 0 });
    expect(JSON.parse(sent[0].value.toString())).toEqual(bad);
    expect(sent[0].headers).toMatchObject({
      'x-dead-letter-source': 'decide',
      'x-dead-letter-reason': 'oneTimeKeys is not iterable',
      'x-dead-letter-at': expect.stringMatching(/^at .*poisoned-commands\.spec\.ts/),
      'x-source-topic': 'e2ee.commands',
      'x-source-partition': '3',
      'x-consumer-group': 'e2ee.command-processor',
      'x-command-id': 'bad',
      'x-command-type': 'UploadKeys',
    });
    expect(sent[0].headers).not.toHaveProperty('x-source-offset'); // unknown once decoded
    expect((await metrics.deadLettered.get()).values).toEqual([{ labels: { topic: 'e2ee.commands', source: 'decide' }, value: 1 }]);
    expect(lines).toEqual([
      ['error', 'message dead-lettered: decide threw', expect.objectContaining({ reason: 'oneTimeKeys is not iterable', 'x-command-id': 'bad' })],
    ]);
  });
});
