import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { parse } from 'yaml';
import { SPEC_ROOT, Schema, SpecOperation } from './spec-operations';

/** The README's promise for every error: `{"errcode": "M_...", "error": "..."}`. */
const MATRIX_ERROR: Schema = {
  type: 'object',
  required: ['errcode', 'error'],
  properties: { errcode: { type: 'string', pattern: '^M_' }, error: { type: 'string' } },
};

/** A user-interactive-auth 401 (`flows`, `params`, `session`) is the spec's auth response, not an error body. */
const UIA_RESPONSE: Schema = { $ref: pathToFileURL(join(SPEC_ROOT, 'client-server', 'definitions', 'auth_response.yaml')).href };

export interface Verdict {
  readonly schemaChecked: 'spec' | 'error-baseline' | 'none';
  readonly errors: string[];
}

/** Validates response bodies against the spec's schemas (JSON Schema 2020-12, as OpenAPI 3.1 uses). */
export class ResponseValidator {
  private readonly ajv = new Ajv2020({
    strict: false, // the spec's schemas carry OpenAPI's `example` and `x-*` keywords
    allErrors: true,
    loadSchema: async (uri) => ({ ...(parse(readFileSync(fileURLToPath(uri), 'utf8')) as Schema), $id: uri }),
  });
  private readonly compiled = new Map<Schema, Promise<ValidateFunction>>();

  constructor() {
    this.ajv.addFormat('mx-user-id', /^@[^:]+:.+$/);
  }

  async validate(operation: SpecOperation, status: number, json: boolean, body: unknown): Promise<Verdict> {
    if (!json) return { schemaChecked: 'none', errors: ['body is not JSON'] };
    const specSchema = operation.responses.get(status);
    const isError = status >= 400;
    if (specSchema === undefined && !isError)
      return { schemaChecked: 'none', errors: [`status ${status} is not a response the spec lists for ${operation.id}`] };
    const uia = status === 401 && typeof body === 'object' && body !== null && 'flows' in body;
    const schemas = [specSchema, uia ? UIA_RESPONSE : isError ? MATRIX_ERROR : undefined].filter((s): s is Schema => !!s);
    const errors: string[] = [];
    for (const schema of schemas) errors.push(...(await this.check(schema, body)));
    return { schemaChecked: specSchema ? 'spec' : schemas.length ? 'error-baseline' : 'none', errors };
  }

  /** Bodies on paths the spec does not define (an unknown endpoint's 404) are still Matrix errors. */
  async validateError(body: unknown): Promise<string[]> {
    return this.check(MATRIX_ERROR, body);
  }

  private async check(schema: Schema, body: unknown): Promise<string[]> {
    let validate = this.compiled.get(schema);
    if (!validate) this.compiled.set(schema, (validate = this.ajv.compileAsync(schema)));
    const fn = await validate;
    return fn(body) ? [] : (fn.errors ?? []).map(describe);
  }
}

const describe = (e: ErrorObject) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`;
