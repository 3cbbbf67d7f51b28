import { Partitioners } from 'kafkajs';
import { partitionForKey } from './partitioner';

describe('partitionForKey', () => {
  it('agrees with the Java-compatible default partitioner of kafkajs for many keys and partition counts', () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    const keys = ['', 'a', 'ab', 'abc', 'abcd', '@alice:example.org', '@bøb:例え.jp', ...Array.from({ length: 500 }, (_, i) => `@user${i}:server${i % 7}.org`)];
    for (const partitions of [1, 3, 8, 16, 100]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, p) => ({ partitionId: p, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
      for (const key of keys) {
        const expected = kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } });
        expect(partitionForKey(key, partitions)).toBe(expected);
      }
    }
  });
});
