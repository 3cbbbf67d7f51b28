import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { MATRIX_SPEC_DIR } from '../helpers/matrix-spec-dir';

/** The Matrix spec's OpenAPI files (test/helpers/matrix-spec-dir.ts); never copied in. */
export const SPEC_ROOT = MATRIX_SPEC_DIR;

/** The spec files that define the paths the keys-api answers. */
export const SPEC_FILES = [
  'client-server/keys.yaml',
  'client-server/cross_signing.yaml',
  'client-server/to_device.yaml',
  'client-server/key_backup.yaml',
  'application-service/transactions.yaml',
];

export type Schema = Record<string, unknown>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = any; // parsed OpenAPI, read along its known shape

export interface SpecOperation {
  readonly id: string; // `PUT /_matrix/client/v3/room_keys/keys/{roomId}`
  readonly method: string;
  readonly pattern: RegExp;
  /** Per status: the JSON schema of the body, `null` when the spec lists the status without one. */
  readonly responses: ReadonlyMap<number, Schema | null>;
}

export function loadSpecOperations(root = SPEC_ROOT): SpecOperation[] {
  if (!existsSync(root)) throw new Error(`the Matrix spec is not at ${root}: set MATRIX_SPEC_DIR to the spec's data/api (the contract tier needs it)`);
  return SPEC_FILES.flatMap((file) => operationsOf(join(root, file)));
}

function operationsOf(file: string): SpecOperation[] {
  const doc = parse(readFileSync(file, 'utf8')) as Schema;
  const basePath = (doc as Yaml).servers[0].variables.basePath.default as string;
  const fileUrl = pathToFileURL(file).href;
  const operations: SpecOperation[] = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, Record<string, Yaml>>)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!operation?.responses) continue;
      const responses = new Map<number, Schema | null>();
      for (const [status, response] of Object.entries(operation.responses as Record<string, Yaml>)) {
        const schema = response?.content?.['application/json']?.schema;
        responses.set(Number(status), schema ? (absoluteRefs(schema, doc, fileUrl) as Schema) : null);
      }
      const full = `${basePath}${template}`;
      operations.push({ id: `${method.toUpperCase()} ${full}`, method: method.toUpperCase(), pattern: templatePattern(full), responses });
    }
  }
  return operations;
}

/** `{roomId}` matches one path segment, as it arrives (percent-encoded). */
function templatePattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

/**
 * A response schema cut out of its OpenAPI document: refs into the document itself (`#/components/...`)
 * are inlined, refs to other files made absolute, so the validator can load them by URL.
 */
function absoluteRefs(node: unknown, doc: Schema, fileUrl: string): unknown {
  if (Array.isArray(node)) return node.map((n) => absoluteRefs(n, doc, fileUrl));
  if (typeof node !== 'object' || node === null) return node;
  const ref = (node as Schema).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/')) {
    const target = ref
      .slice(2)
      .split('/')
      .reduce<Yaml>((at, key) => at?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    if (target === undefined) throw new Error(`${fileUrl}: unresolved ${ref}`);
    return absoluteRefs(target, doc, fileUrl);
  }
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' ? new URL(value, fileUrl).href : absoluteRefs(value, doc, fileUrl),
    ]),
  );
}

/** Older prefixes the keys-api serves alike (`r0`, `unstable`; the legacy appservice path) as the spec's. */
export function specPath(path: string): string {
  return path.replace(/^\/_matrix\/client\/(r0|unstable)\//, '/_matrix/client/v3/').replace(/^\/transactions\//, '/_matrix/app/v1/transactions/');
}

export function findOperation(operations: readonly SpecOperation[], method: string, path: string): SpecOperation | undefined {
  const normalized = specPath(path);
  return operations.find((op) => op.method === method && op.pattern.test(normalized));
}
