import { HomeserverEvent, TopicNames, encodeMessage } from '@app/contracts';
import { MessageProducer } from '@app/kafka';
import { accessToken } from './jwt';
import { KeyMaterial } from './key-material';
import { Recorder } from './recorder';
import { Sink } from './sink';
import { Operation } from './traffic-plan';

export interface HttpTarget {
  readonly url: string;
  readonly jwtSecret: string;
  readonly appserviceToken: string | null;
  /** Gives up on a request after this long (counted as an error without a status); none by default. */
  readonly timeoutMs?: number;
}

/** One request and what came back (or why nothing did), for callers that check every answer (the chaos bench). */
export interface HttpExchange {
  readonly endpoint: string;
  readonly method: string;
  readonly path: string;
  readonly requestBody: unknown;
  /** The user and device whose access token the request carried (null: the application-service token). */
  readonly requester: { readonly userId: string; readonly deviceId: string } | null;
  /** null: no answer (connection refused or reset, timeout). */
  readonly status: number | null;
  readonly retryAfter: string | null;
  readonly responseText: string;
  readonly error: string | null;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * HTTP mode: clients call the real endpoints with their own access tokens (AUTH_MODE=jwt);
 * memberships and room encryption arrive as application-service transactions; device creation and
 * deletion, which no homeserver pushes to application services, go to `hs.events` when a Kafka
 * producer is given (else they are skipped and counted).
 */
export class HttpSink implements Sink {
  private readonly tokens = new Map<string, string>();
  private readonly requesters = new Map<string, { userId: string; deviceId: string }>();
  private changesFrom?: Promise<string | null>;
  private txn = 0;

  constructor(
    private readonly target: HttpTarget,
    private readonly keys: KeyMaterial,
    private readonly recorder: Recorder,
    private readonly runId: string,
    private readonly homeserver?: { producer: MessageProducer; topics: TopicNames },
    private readonly observe?: (exchange: HttpExchange) => void,
  ) {}

  async perform(op: Operation): Promise<void> {
    switch (op.kind) {
      case 'hs':
        return this.homeserverEvents(op.events);
      case 'upload':
        await this.call('POST /keys/upload', 'POST', '/_matrix/client/v3/keys/upload', await this.token(op.userId, op.deviceId), this.keys.uploadBody(op));
        return;
      case 'claim':
        await this.call('POST /keys/claim', 'POST', '/_matrix/client/v3/keys/claim', await this.token(op.claimer, 'GEN'), {
          one_time_keys: { [op.userId]: { [op.deviceId]: 'signed_curve25519' } },
        });
        return;
      case 'query':
        await this.call(
          op.storm ? 'POST /keys/query (encryption storm)' : 'POST /keys/query',
          'POST',
          '/_matrix/client/v3/keys/query',
          await this.token(op.requester, 'GEN'),
          {
            device_keys: Object.fromEntries(op.users.map((u) => [u, []])),
          },
        );
        return;
      case 'changes': {
        const from = await (this.changesFrom ??= this.firstToken(op.requester));
        if (!from) return this.recorder.skip('changes');
        await this.call('GET /keys/changes', 'GET', `/_matrix/client/v3/keys/changes?from=${encodeURIComponent(from)}`, await this.token(op.requester, 'GEN'));
        return;
      }
    }
  }

  async close(): Promise<void> {
    return;
  }

  private async token(userId: string, deviceId: string): Promise<string> {
    const slot = `${userId}|${deviceId}`;
    let token = this.tokens.get(slot);
    if (!token) {
      this.tokens.set(slot, (token = await accessToken(this.target.jwtSecret, userId, deviceId)));
      this.requesters.set(token, { userId, deviceId });
    }
    return token;
  }

  /** A token from the start of the steady phase, so /keys/changes covers what happened since. */
  private async firstToken(userId: string): Promise<string | null> {
    const r = await this.call('GET /_keyserver/v1/sync', 'GET', '/_keyserver/v1/sync', await this.token(userId, 'GEN'));
    return typeof r?.next_batch === 'string' ? r.next_batch : null;
  }

  private async homeserverEvents(events: readonly HomeserverEvent[]): Promise<void> {
    const room = events.filter((e) => e.type === 'membership' || e.type === 'room.encryption');
    const devices = events.filter((e) => e.type !== 'membership' && e.type !== 'room.encryption');
    if (room.length > 0) {
      if (!this.target.appserviceToken) {
        room.forEach(() => this.recorder.skip('appservice (no APPSERVICE_HS_TOKEN)'));
      } else {
        const body = { events: room.map(toRoomEvent) };
        await this.call('PUT /transactions', 'PUT', `/_matrix/app/v1/transactions/${this.runId}-${++this.txn}`, this.target.appserviceToken, body);
      }
    }
    if (devices.length > 0) {
      if (!this.homeserver) return devices.forEach(() => this.recorder.skip('device events (no Kafka)'));
      const started = performance.now();
      const { producer, topics } = this.homeserver;
      try {
        await producer.send(devices.map((e) => ({ topic: topics.homeserver, key: 'user_id' in e ? e.user_id : '', value: encodeMessage(e) })));
        this.recorder.record('produce hs.events (devices)', performance.now() - started, true);
      } catch (err) {
        this.recorder.record('produce hs.events (devices)', performance.now() - started, false, (err as Error).message);
      }
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async call(endpoint: string, method: string, path: string, token: string, body?: unknown): Promise<any> {
    const started = performance.now();
    const startedAt = Date.now();
    const requester = this.requesters.get(token) ?? null;
    const observed = (answer: { status: number | null; retryAfter: string | null; responseText: string; error: string | null }) =>
      this.observe?.({ endpoint, method, path, requestBody: body, requester, ...answer, startedAt, endedAt: Date.now() });
    try {
      const response = await fetch(`${this.target.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: this.target.timeoutMs ? AbortSignal.timeout(this.target.timeoutMs) : undefined,
      });
      const text = await response.text();
      const ok = response.status === 200;
      this.recorder.record(endpoint, performance.now() - started, ok, ok ? undefined : `${response.status} ${text.slice(0, 200)}`);
      observed({ status: response.status, retryAfter: response.headers.get('retry-after'), responseText: text, error: null });
      return ok ? JSON.parse(text) : null;
    } catch (err) {
      const message = describeFetchError(err);
      this.recorder.record(endpoint, performance.now() - started, false, message);
      observed({ status: null, retryAfter: null, responseText: '', error: message });
      return null;
    }
  }
}

/** fetch's own message is "fetch failed"; the cause says what happened (ECONNREFUSED, a reset, a timeout). */
function describeFetchError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message} (${cause})` : e.message;
}

function toRoomEvent(e: HomeserverEvent): Record<string, unknown> {
  if (e.type === 'membership') {
    return {
      type: 'm.room.member',
      event_id: e.id,
      room_id: e.room_id,
      sender: e.user_id,
      state_key: e.user_id,
      content: { membership: e.membership },
      origin_server_ts: e.ts,
    };
  }
  if (e.type === 'room.encryption') {
    return {
      type: 'm.room.encryption',
      event_id: e.id,
      room_id: e.room_id,
      sender: '@admin:generator',
      state_key: '',
      content: { algorithm: e.algorithm },
      origin_server_ts: e.ts,
    };
  }
  throw new Error(`${e.type} is not a room event`);
}
