/** Topic names are a contract with operators and with the homeserver side. */
export interface TopicNames {
  readonly commands: string;
  readonly events: string;
  readonly replies: string;
  readonly deadLetter: string;
}

/** A prefix lets several deployments (or test suites) share one cluster without seeing each other. */
export function topicNames(prefix = ''): TopicNames {
  return {
    commands: `${prefix}e2ee.commands`,
    events: `${prefix}e2ee.events`,
    replies: `${prefix}e2ee.replies`,
    deadLetter: `${prefix}e2ee.deadletter`,
  };
}

/** e2ee.commands and e2ee.events must have the same partition count: partition p of both has one owner. */
export const DEFAULT_PARTITIONS = 8;
