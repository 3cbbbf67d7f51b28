import { topicNames } from '@app/contracts';
import { commandConsumerOptions } from './command-consumer';

describe('commandConsumerOptions', () => {
  it('consumes e2ee.commands in the (prefixed) processor group, every partition at once, committing in the background', () => {
    const handle = async () => undefined;
    const options = commandConsumerOptions(topicNames('t1.'), 8, { reassigned: jest.fn() }, handle, { commitFailed: jest.fn(), assigned: jest.fn() });
    expect(options).toMatchObject({
      groupId: 't1.e2ee.command-processor',
      topics: ['t1.e2ee.commands'],
      fromBeginning: true,
      partitionsConcurrently: 8,
      commits: 'background',
    });
    expect(options.handle).toBe(handle);
  });

  it('resets the processor on a new assignment before it is logged, and reports failed commits', () => {
    const order: string[] = [];
    const telemetry = { commitFailed: jest.fn(), assigned: () => void order.push('logged') };
    const options = commandConsumerOptions(topicNames(), 4, { reassigned: () => void order.push('reset') }, async () => undefined, telemetry);
    options.onAssignment!({ 'e2ee.commands': [0, 1] });
    expect(order).toEqual(['reset', 'logged']);
    const err = new Error('rebalancing');
    options.commitFailed!(err);
    expect(telemetry.commitFailed).toHaveBeenCalledWith(err);
  });
});
