import { appendFileSync } from 'node:fs';

/** One HTTP answer a test received, as the contract tier (test/contract) reads it back. */
export interface RecordedResponse {
  readonly method: string;
  readonly path: string; // without the query string, still percent-encoded
  readonly status: number;
  readonly json: boolean; // whether the body parsed as JSON
  readonly body: unknown;
  readonly test: string; // `<file> › <test name>`, to find the request behind a violation
}

// Per test file: Jest gives each file its own module registry, so this is one file's answers.
const recorded: RecordedResponse[] = [];

/** Kept only when a record is asked for: the benches drive MatrixClient for millions of requests. */
export function recordResponse(method: string, url: string, status: number, json: boolean, body: unknown): void {
  if (!process.env.CONTRACT_LOG) return;
  const state = typeof expect === 'undefined' ? undefined : expect.getState();
  const file = state?.testPath ? state.testPath.replace(/^.*\/test\//, 'test/') : '?';
  recorded.push({ method, path: new URL(url).pathname, status, json, body, test: `${file} › ${state?.currentTestName ?? '(hook)'}` });
}

/** Appends this file's answers to `logPath` as JSON lines (test-infra.js sets CONTRACT_LOG) and forgets them. */
export function flushRecordedResponses(logPath: string | undefined): void {
  const taken = recorded.splice(0, recorded.length);
  if (!logPath || taken.length === 0) return;
  appendFileSync(logPath, taken.map((r) => JSON.stringify(r)).join('\n') + '\n');
}
