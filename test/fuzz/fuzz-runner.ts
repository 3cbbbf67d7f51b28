import { Agent, request } from 'undici';
import { FuzzCase } from './fuzz-cases';
import { FuzzAnswer, matrixAnswerViolation } from './matrix-answer';

export interface FuzzViolation {
  readonly index: number;
  readonly problem: string;
  readonly request: string;
  readonly answer: string;
}

export interface FuzzReport {
  readonly cases: number;
  readonly seconds: number;
  /** `<status> <errcode>` -> how many answers. */
  readonly statuses: Record<string, number>;
  /** Endpoint -> milliseconds spent waiting for its answers, to see what bounds the rate. */
  readonly waitedMs: Record<string, number>;
  readonly violationCount: number;
  /** The first few, with enough of the request to replay it by hand. */
  readonly violations: FuzzViolation[];
}

const clip = (text: string | undefined, max = 300) => (text === undefined ? '' : text.length > max ? `${text.slice(0, max)}... (${text.length} chars)` : text);

function describe(fuzzCase: FuzzCase): string {
  const { authorization, ...headers } = fuzzCase.headers; // eslint-disable-line @typescript-eslint/no-unused-vars
  return `[${fuzzCase.endpoint}, ${fuzzCase.kind}] ${fuzzCase.method} ${clip(fuzzCase.path, 200)} ${JSON.stringify(headers)} ${clip(fuzzCase.body)}`;
}

async function send(agent: Agent, baseUrl: string, fuzzCase: FuzzCase): Promise<FuzzAnswer> {
  const response = await request(`${baseUrl}${fuzzCase.path}`, {
    dispatcher: agent,
    method: fuzzCase.method as 'GET',
    headers: fuzzCase.headers,
    body: fuzzCase.body,
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

function statusKey(answer: FuzzAnswer): string {
  try {
    const errcode = (JSON.parse(answer.text) as { errcode?: unknown })?.errcode;
    return typeof errcode === 'string' ? `${answer.status} ${errcode}` : String(answer.status);
  } catch {
    return `${answer.status} (not JSON)`;
  }
}

/** Sends every case with at most `concurrency` in flight and checks each answer against the Matrix property. */
export async function runFuzz(
  baseUrl: string,
  cases: Iterable<FuzzCase>,
  options: { concurrency: number; keep?: number; onProgress?: (done: number) => void },
): Promise<FuzzReport> {
  const agent = new Agent({ connections: options.concurrency, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const statuses: Record<string, number> = {};
  const waitedMs: Record<string, number> = {};
  const violations: FuzzViolation[] = [];
  let violationCount = 0;
  let next = 0;
  const iterator = cases[Symbol.iterator]();
  const started = process.hrtime.bigint();
  const worker = async () => {
    for (let item = iterator.next(); !item.done; item = iterator.next()) {
      const index = next++;
      const fuzzCase = item.value;
      let problem: string | null;
      let answer = '';
      const sent = Date.now();
      try {
        const result = await send(agent, baseUrl, fuzzCase);
        statuses[statusKey(result)] = (statuses[statusKey(result)] ?? 0) + 1;
        problem = matrixAnswerViolation(result);
        answer = `${result.status} ${clip(result.text)}`;
      } catch (err) {
        problem = `no answer: ${(err as Error).message}`;
        statuses['no answer'] = (statuses['no answer'] ?? 0) + 1;
      }
      waitedMs[fuzzCase.endpoint] = (waitedMs[fuzzCase.endpoint] ?? 0) + Date.now() - sent;
      if (problem) {
        violationCount++;
        if (violations.length < (options.keep ?? 20)) violations.push({ index, problem, request: describe(fuzzCase), answer });
      }
      if (options.onProgress && index % 1000 === 999) options.onProgress(index + 1);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  await agent.close();
  return { cases: next, seconds: Number(process.hrtime.bigint() - started) / 1e9, statuses, waitedMs, violationCount, violations };
}
