import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { MatrixError } from '@app/matrix';
import { JsonLogger } from './json-logger';

/**
 * Every error leaves as a Matrix error body. Unknown failures are logged and answered
 * with 500 M_UNKNOWN; infrastructure failures are turned into 503 by the code that sees them.
 */
@Catch()
export class MatrixExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: JsonLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse();
    const error = toMatrixError(exception);
    if (error.status >= 500 && error.status !== 503) {
      this.logger.write('error', 'unhandled error', { err: describe(exception) });
    }
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
    reply.status(error.status).send(error.body());
  }
}

export function toMatrixError(exception: unknown): MatrixError {
  if (exception instanceof MatrixError) return exception;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404) return new MatrixError('M_UNRECOGNIZED', 'Unrecognized request', 404);
    if (status === 405) return new MatrixError('M_UNRECOGNIZED', 'Method not allowed', 405);
    if (status === 413) return new MatrixError('M_TOO_LARGE', 'Request body too large', 413);
    if (status < 500) return new MatrixError('M_BAD_JSON', exception.message, status);
    return new MatrixError('M_UNKNOWN', 'Internal server error', 500);
  }
  const fastify = exception as { statusCode?: number; code?: string; message?: string };
  if (typeof fastify?.statusCode === 'number' && fastify.statusCode < 500) {
    if (fastify.statusCode === 413) return new MatrixError('M_TOO_LARGE', 'Request body too large', 413);
    if (fastify.statusCode === 415) return new MatrixError('M_NOT_JSON', 'Content must be application/json', 400);
    if (fastify.code?.startsWith('FST_ERR_CTP') || exception instanceof SyntaxError) {
      return new MatrixError('M_NOT_JSON', 'Content not JSON', 400);
    }
    return new MatrixError('M_BAD_JSON', fastify.message ?? 'Bad request', fastify.statusCode);
  }
  if (isInfrastructureError(exception)) return MatrixError.unavailable('The key server is temporarily unavailable', 2);
  return new MatrixError('M_UNKNOWN', 'Internal server error', 500);
}

/** Kafka and MongoDB driver errors: the store or broker is down or unreachable. */
export function isInfrastructureError(exception: unknown): boolean {
  const name = (exception as Error)?.name ?? '';
  return /^Mongo|^KafkaJS/.test(name);
}

function describe(exception: unknown): Record<string, unknown> {
  const e = exception as Error;
  return { name: e?.name, message: e?.message, stack: e?.stack };
}
