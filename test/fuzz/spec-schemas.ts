import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { MATRIX_SPEC_DIR } from '../helpers/matrix-spec-dir';

/** The parts of JSON Schema (OpenAPI 3.1) the client-server request bodies use. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly patternProperties?: Readonly<Record<string, JsonSchema>>;
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly allOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly pattern?: string;
  readonly format?: string;
  readonly 'x-pattern-format'?: string;
  readonly example?: unknown;
  readonly minProperties?: number;
  readonly maxProperties?: number;
}

/** The spec is read where it lives (test/helpers/matrix-spec-dir.ts), never copied into this project. */
export const SPEC_DIR = MATRIX_SPEC_DIR;

const documents = new Map<string, unknown>();

function load(file: string): unknown {
  if (!documents.has(file)) {
    if (!existsSync(file)) throw new Error(`${file} is missing: set MATRIX_SPEC_DIR to a checkout of matrix-org/matrix-spec's data/api`);
    documents.set(file, parse(readFileSync(file, 'utf8')) as unknown);
  }
  return documents.get(file);
}

function pointer(document: unknown, fragment: string): unknown {
  return fragment
    .split('/')
    .filter(Boolean)
    .reduce((node: any, step) => node?.[step.replace(/~1/g, '/').replace(/~0/g, '~')], document); // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** `node` with every `$ref` (to another file, or `#/...` inside one) replaced by what it points at. */
function dereference(node: unknown, file: string, depth = 0): unknown {
  if (depth > 40) throw new Error(`$ref nesting too deep in ${file}`);
  if (Array.isArray(node)) return node.map((child) => dereference(child, file, depth + 1));
  if (typeof node !== 'object' || node === null) return node;
  const { $ref, ...rest } = node as Record<string, unknown>;
  const siblings = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, dereference(value, file, depth + 1)]));
  if (typeof $ref !== 'string') return siblings;
  const [target, fragment = ''] = $ref.split('#');
  const targetFile = target ? resolve(dirname(file), target) : file;
  const resolved = dereference(pointer(load(targetFile), fragment), targetFile, depth + 1) as Record<string, unknown>;
  return { ...resolved, ...siblings };
}

/** The request body schema of `method path` in client-server/<file>, references resolved. */
export function requestSchema(file: string, path: string, method: string): JsonSchema {
  const specFile = join(SPEC_DIR, 'client-server', file);
  const operation = pointer(load(specFile), `/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}`) as
    Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
  const schema = operation?.requestBody?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`no request body schema for ${method} ${path} in ${specFile}`);
  return dereference(schema, specFile) as JsonSchema;
}
