import { HttpExchange } from '../../apps/cli/src/generate/http-sink';
import { accessToken } from '../../apps/cli/src/generate/jwt';
import { RawEvent, standingEvents } from './chaos-checks';
import { sleep } from '../../apps/cli/src/infra/processes';

export const PROBE_TYPE = 'm.chaos.probe';

interface Probe {
  readonly id: string;
  readonly txnId: string;
  readonly sender: number;
  readonly userId: string;
  readonly deviceId: string;
  attempts: number;
  acknowledged: boolean;
}

/**
 * To-device messages beside the generator's load (it sends none): at `rate` per second, a message
 * with a unique id from one of a few senders to a device whose keys upload was answered 200,
 * PUT /sendToDevice/m.chaos.probe/{txnId}. A 503 or no answer is retried with the same txn id as a
 * client would (up to 5 attempts, after Retry-After): the server promises one delivery per txn id,
 * on any instance, after restarts. Every attempt is reported to `observe` like the generator's.
 */
export class ToDeviceProbes {
  readonly probes: Probe[] = [];
  private readonly tokens: string[] = [];
  private running = false;
  private loop?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly url: string,
    private readonly jwtSecret: string,
    private readonly serverName: string,
    private readonly runId: string,
    private readonly recipients: () => readonly { userId: string; deviceId: string }[],
    private readonly observe: (x: HttpExchange) => void,
    private readonly timeoutMs: number,
  ) {}

  senderOf(i: number): { userId: string; deviceId: string } {
    return { userId: `@chaos-sender${i}:${this.serverName}`, deviceId: 'SEND' };
  }

  async start(rate: number, senders = 4): Promise<void> {
    for (let i = 0; i < senders; i++) this.tokens.push(await accessToken(this.jwtSecret, this.senderOf(i).userId, 'SEND'));
    this.running = true;
    this.loop = (async () => {
      let n = 0;
      const started = Date.now();
      while (this.running) {
        const due = started + (n * 1000) / rate;
        if (Date.now() < due) await sleep(due - Date.now());
        if (!this.running) break;
        const pool = this.recipients();
        if (pool.length === 0 || this.inFlight.size >= 16) {
          n++;
          continue;
        }
        const to = pool[Math.floor(Math.random() * pool.length)];
        const probe: Probe = {
          id: `${this.runId}-${n}`,
          txnId: `chaos-${this.runId}-${n}`,
          sender: n % this.tokens.length,
          userId: to.userId,
          deviceId: to.deviceId,
          attempts: 0,
          acknowledged: false,
        };
        this.probes.push(probe);
        const p = this.send(probe).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
        n++;
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.inFlight);
  }

  private async send(probe: Probe): Promise<void> {
    const path = `/_matrix/client/v3/sendToDevice/${PROBE_TYPE}/${encodeURIComponent(probe.txnId)}`;
    const body = { messages: { [probe.userId]: { [probe.deviceId]: { chaos_probe: probe.id } } } };
    while (probe.attempts < 5) {
      probe.attempts++;
      const startedAt = Date.now();
      const exchange = { endpoint: 'PUT /sendToDevice', method: 'PUT', path, requestBody: body, requester: this.senderOf(probe.sender), startedAt };
      let x: HttpExchange;
      try {
        const r = await fetch(`${this.url}${path}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${this.tokens[probe.sender]}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const text = await r.text();
        x = { ...exchange, status: r.status, retryAfter: r.headers.get('retry-after'), responseText: text, error: null, endedAt: Date.now() };
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        const error = `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`;
        x = { ...exchange, status: null, retryAfter: null, responseText: '', error, endedAt: Date.now() };
      }
      this.observe(x);
      if (x.status === 200) {
        probe.acknowledged = true;
        return;
      }
      if (x.status !== null && x.status !== 503) return; // a Matrix error: not retried
      await sleep(x.retryAfter ? Math.min(Number(x.retryAfter) * 1000 || 1000, 5000) : 1000);
    }
  }
}

/**
 * The probes against the log and the inboxes. In e2ee.events: each probe queued at most once (a
 * retried txn id is not queued again), and each acknowledged one queued exactly once unless its
 * device was deleted. Through /_keyserver/v1/sync (each recipient device's inbox read to the end,
 * every page acknowledged by the next `since`): every acknowledged probe delivered exactly once.
 */
export async function checkProbes(
  probes: readonly Probe[],
  raw: readonly RawEvent[],
  url: string,
  jwtSecret: string,
): Promise<{ sent: number; acknowledged: number; retried: number; queued: number; delivered: number; devicesRead: number; violations: string[] }> {
  const violations: string[] = [];
  const log = standingEvents(raw).standing;
  const queued = new Map<string, number>();
  const deleted = new Set<string>();
  let dropped = 0;
  for (const e of log) {
    if (e.type === 'DeviceDeleted') deleted.add(`${e.data.userId}|${e.data.deviceId}`);
    if (e.type === 'ToDeviceDropped' && e.data.type === PROBE_TYPE) dropped++;
    if (e.type !== 'ToDeviceQueued' || e.data.type !== PROBE_TYPE) continue;
    const id = (JSON.parse(e.data.contentJson) as { chaos_probe?: string }).chaos_probe ?? '?';
    queued.set(id, (queued.get(id) ?? 0) + 1);
  }
  for (const [id, n] of queued) if (n > 1) violations.push(`to-device probe ${id} queued ${n} times (txn id not deduplicated)`);
  if (dropped > 0) violations.push(`${dropped} probes dropped (inbox full): not expected at this volume`);

  const byDevice = new Map<string, Probe[]>();
  for (const p of probes) {
    const slot = `${p.userId}|${p.deviceId}`;
    if (!p.acknowledged) continue;
    if (!queued.has(p.id) && !deleted.has(slot)) violations.push(`acknowledged to-device probe ${p.id} for ${slot} not in the log`);
    if (!deleted.has(slot)) byDevice.set(slot, [...(byDevice.get(slot) ?? []), p]);
  }

  let delivered = 0;
  for (const [slot, expected] of byDevice) {
    const [userId, deviceId] = slot.split('|');
    const token = await accessToken(jwtSecret, userId, deviceId);
    const seen = new Map<string, number>();
    let since: string | null = null;
    for (let page = 0; page < 100; page++) {
      const r = await fetch(`${url}/_keyserver/v1/sync?timeout=0${since ? `&since=${encodeURIComponent(since)}` : ''}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const text = await r.text();
      if (r.status !== 200) {
        violations.push(`final sync of ${slot} answered ${r.status}: ${text.slice(0, 200)}`);
        break;
      }
      const body = JSON.parse(text) as { next_batch: string; to_device?: { events?: { type: string; content: { chaos_probe?: string } }[] } };
      const events = body.to_device?.events ?? [];
      for (const e of events) if (e.type === PROBE_TYPE && e.content.chaos_probe) seen.set(e.content.chaos_probe, (seen.get(e.content.chaos_probe) ?? 0) + 1);
      since = body.next_batch;
      if (events.length === 0) break;
    }
    for (const p of expected) {
      const n = seen.get(p.id) ?? 0;
      delivered += n;
      if (n !== 1) violations.push(`acknowledged to-device probe ${p.id} delivered ${n} times to ${slot}`);
    }
    for (const [id, n] of seen) if (n > 1 && !expected.some((p) => p.id === id)) violations.push(`to-device probe ${id} delivered ${n} times to ${slot}`);
  }
  return {
    sent: probes.length,
    acknowledged: probes.filter((p) => p.acknowledged).length,
    retried: probes.filter((p) => p.attempts > 1).length,
    queued: [...queued.values()].reduce((s, n) => s + n, 0),
    delivered,
    devicesRead: byDevice.size,
    violations,
  };
}
