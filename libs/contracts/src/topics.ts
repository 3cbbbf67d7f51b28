/** Topic names are a contract with operators and with the homeserver side. */
export interface TopicNames {
  readonly commands: string;
  readonly events: string;
  readonly replies: string;
  readonly deadLetter: string;
  /** What the homeserver publishes (see homeserver-events.ts). */
  readonly homeserver: string;
  /** Prepended to consumer-group ids, so that prefixed deployments do not share groups either. */
  readonly prefix: string;
}

/** A prefix lets several deployments (or test suites) share one cluster without seeing each other. */
export function topicNames(prefix = ''): TopicNames {
  return {
    commands: `${prefix}e2ee.commands`,
    events: `${prefix}e2ee.events`,
    replies: `${prefix}e2ee.replies`,
    deadLetter: `${prefix}e2ee.deadletter`,
    homeserver: `${prefix}hs.events`,
    prefix,
  };
}

/**
 * The command-processor's consumer group on e2ee.commands (one owner per partition). The keys-api
 * watches its members: without any, no command is decided.
 */
export const PROCESSOR_GROUP = 'e2ee.command-processor';
export const processorGroupOf = (topics: TopicNames): string => `${topics.prefix}${PROCESSOR_GROUP}`;

/** e2ee.commands and e2ee.events must have the same partition count: partition p of both has one owner. */
export const DEFAULT_PARTITIONS = 8;

/** e2ee.replies is read in full by every API instance; a few partitions are plenty. */
export const REPLY_PARTITIONS = 4;

/** Partition counts of the topics whose count is fixed by this code, not by configuration. */
export function fixedPartitionCounts(topics: TopicNames): Map<string, number> {
  return new Map([
    [topics.replies, REPLY_PARTITIONS],
    [topics.deadLetter, 1],
  ]);
}
