export * from './partitioner';
export * from './kafka-config';
export * from './keyed-producer';
export * from './topic-admin';
export * from './batch-consumer';
export * from './partition-reader';
export * from './dead-letter';
export * from './latest-offsets';
