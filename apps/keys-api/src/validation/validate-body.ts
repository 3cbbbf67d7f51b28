import { ValidationError, validateSync } from 'class-validator';
import { MatrixError } from '@app/matrix';
import { dtoInstance } from './dto-instance';
import { MatrixErrorContext } from './matrix-validators';

type Constructor<T> = new () => T;

/** The shorter text most endpoints besides /keys/upload, /claim and /query have always answered with. */
export const BODY_NOT_AN_OBJECT = 'The body must be a JSON object';

/**
 * Checks a request body against a class-validator DTO. The raw body (not the transformed
 * instance) stays what the handler works with, so key objects keep exactly their uploaded shape.
 * The first failing property, in declaration order, is the answer: M_BAD_JSON with its message,
 * unless the constraint names another errcode (`errcodeOf`) or is a `MatrixRule`.
 */
export function validateBody<T extends object>(dto: Constructor<T>, body: unknown, notAnObject = 'The request body must be a JSON object'): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MatrixError('M_BAD_JSON', notAnObject);
  }
  const errors = validateSync(dtoInstance(dto, body as Record<string, unknown>), { forbidUnknownValues: false, stopAtFirstError: true });
  if (errors.length > 0) throw errorOf(errors[0], '');
}

/** Path and query parameters: checked like a body, from the object the controller builds of them. */
export function validateParams<T extends object>(dto: Constructor<T>, params: Record<string, unknown>): void {
  validateBody(dto, params);
}

function errorOf(error: ValidationError, prefix: string): MatrixError {
  const path = prefix ? `${prefix}.${error.property}` : error.property;
  if (error.constraints) {
    const [name, message] = Object.entries(error.constraints)[0];
    const context = error.contexts?.[name] as MatrixErrorContext | undefined;
    context?.check?.(error.value, error.property); // a MatrixRule throws its own error
    return new MatrixError(context?.errcode ?? 'M_BAD_JSON', message.replace(error.property, path), context?.status);
  }
  if (error.children && error.children.length > 0) return errorOf(error.children[0], path);
  return new MatrixError('M_BAD_JSON', `${path} is invalid`);
}
