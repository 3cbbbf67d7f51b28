import { existsSync } from 'node:fs';
import { readCommandLog, violations } from './point-access';

/**
 * Issue 14's rule: on every request and projection path, each find, update and delete the services
 * send to the store is a point access by `_id`. `npm test` records every command the services
 * send while the integration, e2e and interop suites run (MONGODB_COMMAND_LOG, via
 * scripts/test-infra.js), then this audit reads the record.
 *
 * EXCEPTIONS lists what may still filter otherwise, each with its reason (none today: the last
 * ones, the device-list rows, became documents by `_id`).
 */
const EXCEPTIONS: Record<string, string> = {};

describe('point access on request and projection paths', () => {
  const path = process.env.MONGODB_COMMAND_LOG;

  it('every find, update and delete the services sent filtered on _id, or is a listed exception', () => {
    if (!path || !existsSync(path)) throw new Error('no command record: run the audit through `npm test` (scripts/test-infra.js sets MONGODB_COMMAND_LOG)');
    const log = readCommandLog(path);
    expect(log.length).toBeGreaterThan(1000); // the suites ran with the record on
    const found = violations(log);
    const unexpected = found.filter((v) => !(v.key in EXCEPTIONS));
    const unused = Object.keys(EXCEPTIONS).filter((key) => !found.some((v) => v.key === key));
    process.stdout.write(
      `point-access audit: ${log.length} commands; not by _id: ${found.map((v) => `\n  ${v.count} x ${v.key} (${EXCEPTIONS[v.key] ?? 'NOT ALLOWED'})`).join('')}` +
        (unused.length ? `\n  exceptions not seen in this run: ${unused.join('; ')}` : '') +
        '\n',
    );
    expect(unexpected).toEqual([]);
  });
});
