/**
 * Every message on a Kafka topic of this system is one envelope, JSON-encoded.
 * `key` is the Kafka key (the user id the message is about), so each user's history is ordered.
 */
export interface Envelope<TType extends string = string, TData = unknown> {
  readonly id: string;
  readonly type: TType;
  readonly schemaVersion: number;
  readonly key: string;
  /** Milliseconds since the epoch, set by whoever created the message (never by a decider). */
  readonly time: number;
  /** The id of the request that started the chain (an HTTP request id, a CLI run id). */
  readonly correlationId: string;
  /** The id of the message this one was caused by (a command id for events), or null. */
  readonly causationId: string | null;
  readonly data: TData;
  /** Events only: the partition writer that appended it (the `writer` of its WriterStarted marker). */
  readonly writer?: string;
}

/** Where a message sits in the log: partition and offset of its topic. */
export interface LogPosition {
  readonly partition: number;
  readonly offset: string;
}
