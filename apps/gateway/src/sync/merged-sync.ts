import { KeyserverSync, keyserverHasNews, mergeSync } from './merge-sync';
import { homeserverQuery, keyserverQuery, timeoutOf } from './sync-params';
import { decodeSyncToken } from './sync-token';
import { SyncUpstreams, UpstreamAnswer, isOk } from './upstream-answer';

type Settled = { readonly side: 'homeserver' | 'keyserver'; readonly answer: UpstreamAnswer };

/**
 * `/sync` through the gateway: both sources long-poll side by side, and the first one with
 * something ends the wait. The homeserver first: the key server is asked again at once
 * (timeout 0) for its current E2EE parts. The key server first with news (to-device messages,
 * device-list changes): the homeserver's poll is dropped and its position kept, so nothing of it
 * is lost. An error of either source is the answer (the homeserver's first: it knows the token).
 */
export async function mergedSync(upstreams: SyncUpstreams, client: URLSearchParams, clientGone?: AbortSignal): Promise<UpstreamAnswer> {
  const since = client.get('since') ?? undefined;
  const positions = decodeSyncToken(since);
  const initial = since === undefined || since === '';
  const timeout = initial ? 0 : timeoutOf(client);
  const hsAbort = new AbortController();
  const ksAbort = new AbortController();
  clientGone?.addEventListener('abort', () => {
    hsAbort.abort();
    ksAbort.abort();
  });
  const hs = upstreams.homeserver(homeserverQuery(client, positions), hsAbort.signal).then((answer): Settled => ({ side: 'homeserver', answer }));
  const ks = upstreams.keyserver(keyserverQuery(client, positions, timeout), ksAbort.signal).then((answer): Settled => ({ side: 'keyserver', answer }));
  hs.catch(() => undefined); // the one not awaited may be aborted
  ks.catch(() => undefined);
  const respond = (hsAnswer: UpstreamAnswer | null, ksAnswer: UpstreamAnswer) =>
    answerOf(mergeSync(hsAnswer && (hsAnswer.body as Record<string, unknown>), positions.homeserver, ksAnswer.body as KeyserverSync, initial));

  if (timeout === 0) {
    const [h, k] = await Promise.all([hs, ks]);
    return errorOf(h.answer, k.answer) ?? respond(h.answer, k.answer);
  }
  const first = await Promise.race([hs, ks]);
  if (first.side === 'homeserver') {
    if (!isOk(first.answer)) {
      ksAbort.abort();
      return first.answer;
    }
    const ready = await settledNow(ks);
    let ksAnswer = ready?.answer;
    if (!ksAnswer) {
      ksAbort.abort();
      ksAnswer = await upstreams.keyserver(keyserverQuery(client, positions, 0), new AbortController().signal);
    }
    return errorOf(first.answer, ksAnswer) ?? respond(first.answer, ksAnswer);
  }
  if (!isOk(first.answer) || keyserverHasNews(first.answer.body as KeyserverSync)) {
    hsAbort.abort();
    return isOk(first.answer) ? respond(null, first.answer) : first.answer;
  }
  const h = await hs;
  return errorOf(h.answer, first.answer) ?? respond(h.answer, first.answer);
}

function errorOf(hs: UpstreamAnswer, ks: UpstreamAnswer): UpstreamAnswer | null {
  if (!isOk(hs)) return hs;
  if (!isOk(ks)) return ks;
  return null;
}

const answerOf = (body: Record<string, unknown>): UpstreamAnswer => ({ status: 200, headers: { 'content-type': 'application/json' }, body });

/** The value of a promise that has already settled (after one turn of the queue), else null. */
async function settledNow<T>(promise: Promise<T>): Promise<T | null> {
  const pending = Symbol('pending');
  const value = await Promise.race([promise, Promise.resolve(pending)]).catch(() => pending);
  return value === pending ? null : (value as T);
}
