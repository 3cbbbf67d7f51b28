import { Operation } from './traffic-plan';

/** Where operations go: straight into Kafka, or over HTTP as clients and the homeserver would send them. */
export interface Sink {
  /** Performs one operation and records its latency; never throws for a failed request (it is counted). */
  perform(op: Operation): Promise<void>;
  close(): Promise<void>;
}
