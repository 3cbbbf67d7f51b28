import { topicNames } from '@app/contracts';
import { TopicAdmin, TopicSpec } from '@app/kafka';
import { ensureTopology } from './topology';

describe('topic creation', () => {
  it('gives every topic the configured replication factor and min.insync.replicas', async () => {
    const created: TopicSpec[] = [];
    const admin = { ensureTopics: async (specs: TopicSpec[]) => void created.push(...specs), partitionCount: async () => 4 } as unknown as TopicAdmin;
    const topics = topicNames('p.');
    await ensureTopology(admin, topics, 4, { replicationFactor: 3, minInsyncReplicas: 2 });
    expect(created.map((s) => s.topic).sort()).toEqual([topics.commands, topics.deadLetter, topics.events, topics.homeserver, topics.replies].sort());
    for (const spec of created)
      expect({ topic: spec.topic, rf: spec.replicationFactor, isr: spec.config?.['min.insync.replicas'] }).toEqual({ topic: spec.topic, rf: 3, isr: '2' });
  });
});
