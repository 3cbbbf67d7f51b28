import { existsSync, readFileSync } from 'node:fs';
import { RecordedResponse } from '../helpers/response-record';
import { unspecifiedReason } from './contract-exceptions';
import { ResponseValidator } from './response-validator';
import { SpecOperation, findOperation } from './spec-operations';

export interface ContractReport {
  readonly validated: number; // answers matched to a spec operation and checked
  readonly bySpecSchema: number; // of those, checked against a schema the spec gives for that status
  readonly operationsSeen: ReadonlySet<string>;
  readonly unspecifiedErrors: number; // error answers on paths no operation defines (unknown endpoints)
  readonly excepted: ReadonlyMap<string, number>; // reason -> answers
  readonly violations: string[];
}

export function readRecord(path: string): RecordedResponse[] {
  if (!existsSync(path)) throw new Error(`no response record at ${path}: run the contract tier through \`npm test\` (scripts/test-infra.js sets CONTRACT_LOG)`);
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as RecordedResponse);
}

/** Matches each recorded answer to its spec operation (method + path template + status) and validates its body. */
export async function checkRecord(
  record: readonly RecordedResponse[],
  operations: readonly SpecOperation[],
  validator = new ResponseValidator(),
): Promise<ContractReport> {
  let validated = 0;
  let bySpecSchema = 0;
  let unspecifiedErrors = 0;
  const operationsSeen = new Set<string>();
  const excepted = new Map<string, number>();
  const violations: string[] = [];
  const violation = (r: RecordedResponse, what: string) =>
    violations.push(`${r.method} ${r.path} -> ${r.status}: ${what}\n    body ${JSON.stringify(r.body).slice(0, 300)}\n    in ${r.test}`);

  for (const r of record) {
    const operation = findOperation(operations, r.method, r.path);
    if (operation) {
      const verdict = await validator.validate(operation, r.status, r.json, r.body);
      validated++;
      if (verdict.schemaChecked === 'spec') bySpecSchema++;
      operationsSeen.add(operation.id);
      for (const error of verdict.errors) violation(r, error);
      continue;
    }
    const reason = unspecifiedReason(r.path);
    if (reason) {
      excepted.set(reason, (excepted.get(reason) ?? 0) + 1);
    } else if (r.status >= 400) {
      unspecifiedErrors++;
      for (const error of r.json ? await validator.validateError(r.body) : ['body is not JSON']) violation(r, `(no spec operation) ${error}`);
    } else {
      violation(r, 'a successful answer on a path no spec operation defines and no listed exception covers');
    }
  }
  return { validated, bySpecSchema, operationsSeen, unspecifiedErrors, excepted, violations };
}
