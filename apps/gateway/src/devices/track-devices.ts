import { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { HomeserverEvent } from '@app/contracts';
import { Route } from '../routing/route-of';
import { accessTokenOf, jsonOf, readBody } from '../proxy/matrix-reply';
import { DeviceEventSink, createdBySession, deleted, devicesOf, renamed } from './device-events';
import { HomeserverAccounts } from './homeserver-accounts';

type DeviceRoute = Exclude<Route, { kind: 'keys' | 'sync' | 'homeserver' }>;

/** Answers to login and device management are small; this only bounds a misbehaving upstream. */
const ANSWER_LIMIT_BYTES = 64 * 1024 * 1024;

export interface DeviceTracking {
  readonly accounts: HomeserverAccounts;
  readonly sink: DeviceEventSink;
  readonly bodyLimitBytes: number;
  readonly warn: (msg: string, fields: Record<string, unknown>) => void;
}

/** Who the caller is, asked before the request runs: after a logout the token no longer says. */
interface Caller {
  readonly userId: string;
  readonly deviceId: string | null;
  /** For /logout/all: every device the user had. */
  readonly devices: readonly string[];
}

/**
 * The device-management requests go to the homeserver as they came (their bodies read, then sent
 * on); when the homeserver answers 200, what changed is published on hs.events before the client
 * gets the answer, so the key server knows a device once its client does.
 */
export async function trackDevices(
  route: DeviceRoute,
  request: FastifyRequest,
  reply: FastifyReply,
  homeserverUrl: string,
  ctx: DeviceTracking,
): Promise<FastifyReply> {
  const caller = route.kind === 'session-created' ? null : await callerOf(route, request, ctx);
  const requestBody = await readBody(request.body as Readable | undefined, ctx.bodyLimitBytes);
  const contentType = request.headers['content-type'] ?? 'application/json';
  reply.from(`${homeserverUrl}${request.url}`, {
    body: requestBody.length > 0 ? requestBody : null,
    contentType,
    onResponse: (_req, rep, res) => {
      void (async () => {
        const answer = await readBody(res.stream as Readable, ANSWER_LIMIT_BYTES);
        if (res.statusCode === 200) {
          const events = eventsOf(route, caller, jsonOf(requestBody), jsonOf(answer), Date.now());
          if (events.length > 0)
            await ctx.sink
              .publish(events)
              .catch((err: Error) => ctx.warn('device changes could not be published on hs.events', { err: err.message, route: route.kind }));
        }
        rep.send(answer);
      })().catch((err: Error) => rep.send(err));
    },
  });
  return reply;
}

async function callerOf(route: DeviceRoute, request: FastifyRequest, ctx: DeviceTracking): Promise<Caller | null> {
  const token = accessTokenOf(request.headers, new URLSearchParams(request.url.split('?')[1] ?? ''));
  if (!token) return null; // the homeserver will refuse it
  const who = await ctx.accounts.whoami(token).catch(() => null);
  if (!who) return null;
  const devices = route.kind === 'logout-all' ? await ctx.accounts.devices(token).catch(() => []) : [];
  return { ...who, devices };
}

export function eventsOf(route: DeviceRoute, caller: Caller | null, requestBody: unknown, answer: unknown, ts: number): HomeserverEvent[] {
  if (route.kind === 'session-created') {
    const created = createdBySession(requestBody, answer, ts);
    return created ? [created] : [];
  }
  if (!caller) return [];
  switch (route.kind) {
    case 'logout':
      return caller.deviceId ? deleted(caller.userId, [caller.deviceId], ts) : [];
    case 'logout-all':
      return deleted(caller.userId, caller.devices, ts);
    case 'delete-device':
      return deleted(caller.userId, [route.deviceId], ts);
    case 'delete-devices':
      return deleted(caller.userId, devicesOf(requestBody), ts);
    case 'rename-device': {
      const event = renamed(caller.userId, route.deviceId, requestBody, ts);
      return event ? [event] : [];
    }
  }
}
