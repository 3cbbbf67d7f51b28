import { UNSPECIFIED_PATHS } from './contract-exceptions';
import { checkRecord, readRecord } from './recorded-responses';
import { loadSpecOperations } from './spec-operations';

/**
 * Issue 16's contract tier: every answer the integration, e2e and interop suites received over HTTP
 * (recorded by test/helpers/matrix-client.ts into CONTRACT_LOG, set by scripts/test-infra.js) is
 * checked against the Matrix spec's OpenAPI definitions in shared/matrix-spec.
 */
describe('recorded responses against the Matrix spec', () => {
  it('every answer on a spec operation fits its response schema; error answers are Matrix errors', async () => {
    const path = process.env.CONTRACT_LOG;
    if (!path) throw new Error('CONTRACT_LOG is not set: run the contract tier through `npm test` (scripts/test-infra.js)');
    const record = readRecord(path);
    expect(record.length).toBeGreaterThan(100); // the suites ran with the record on
    const operations = loadSpecOperations();
    const report = await checkRecord(record, operations);

    const unseenOps = operations.map((op) => op.id).filter((id) => !report.operationsSeen.has(id));
    const unusedExceptions = UNSPECIFIED_PATHS.filter((e) => !report.excepted.has(e.reason)).map((e) => e.reason);
    process.stdout.write(
      `contract tier: ${record.length} answers; ${report.validated} matched to ${report.operationsSeen.size} of ${operations.length} spec operations ` +
        `(${report.bySpecSchema} against the spec's schema for their status, the rest errors against the Matrix error shape); ` +
        `${report.unspecifiedErrors} errors on unknown paths checked as Matrix errors` +
        [...report.excepted].map(([reason, n]) => `\n  excepted: ${n} x ${reason}`).join('') +
        (unseenOps.length ? `\n  operations no suite called: ${unseenOps.join(', ')}` : '') +
        (unusedExceptions.length ? `\n  exceptions not seen in this run: ${unusedExceptions.join('; ')}` : '') +
        (report.violations.length ? `\n  VIOLATIONS:\n  ${report.violations.join('\n  ')}` : '') +
        '\n',
    );
    expect(report.violations).toEqual([]);
  });
});
