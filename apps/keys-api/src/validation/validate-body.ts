import { ValidationError, validateSync } from 'class-validator';
import { MatrixError } from '@app/matrix';
import { dtoInstance } from './dto-instance';

type Constructor<T> = new () => T;

/**
 * Checks a request body against a class-validator DTO. The raw body (not the transformed
 * instance) stays what the handler works with, so key objects keep exactly their uploaded shape.
 */
export function validateBody<T extends object>(dto: Constructor<T>, body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MatrixError('M_BAD_JSON', 'The request body must be a JSON object');
  }
  const errors = validateSync(dtoInstance(dto, body as Record<string, unknown>), { forbidUnknownValues: false, stopAtFirstError: true });
  if (errors.length > 0) throw new MatrixError('M_BAD_JSON', describeFirst(errors[0], ''));
}

function describeFirst(error: ValidationError, prefix: string): string {
  const path = prefix ? `${prefix}.${error.property}` : error.property;
  if (error.constraints) return Object.values(error.constraints)[0].replace(error.property, path);
  if (error.children && error.children.length > 0) return describeFirst(error.children[0], path);
  return `${path} is invalid`;
}
