import { STATUS_CODES } from 'node:http';
import { Duplex } from 'node:stream';
import { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MatrixError } from '@app/matrix';

/**
 * Errors Fastify and Node answer before any route or Nest filter runs, given Matrix bodies too:
 * a client only ever sees `{"errcode", "error"}`.
 */

/** Node's default limit on the request line plus headers (`--max-http-header-size`). */
export const MAX_REQUEST_HEAD_BYTES = 16 * 1024;

/** The router's refusals (`frameworkErrors`): a path parameter over `maxParamLength`, a bad %-escape. */
export function frameworkErrorToMatrix(error: { code?: string; message?: string }): MatrixError {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return new MatrixError('M_TOO_LARGE', 'A path parameter is too long', 414);
  if (error.code === 'FST_ERR_BAD_URL') return new MatrixError('M_INVALID_PARAM', 'The path is not a valid URL (bad %-escape)', 400);
  return new MatrixError('M_UNKNOWN', error.message ?? 'Bad request', 400);
}

/** Fastify's `frameworkErrors` option. */
export function answerFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const matrix = frameworkErrorToMatrix(error);
  void reply.code(matrix.status).send(matrix.body());
}

/** What Node's HTTP parser refused (no request object exists yet): a head over the limit, a malformed request, a timeout. */
export function clientErrorToMatrix(error: { code?: string }): MatrixError {
  if (error.code === 'HPE_HEADER_OVERFLOW')
    return new MatrixError('M_TOO_LARGE', `The request line and headers may be at most ${MAX_REQUEST_HEAD_BYTES} bytes`, 431);
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new MatrixError('M_UNKNOWN', 'Request timeout', 408);
  return new MatrixError('M_UNKNOWN', 'Malformed HTTP request', 400);
}

/** Fastify's `clientErrorHandler` option: as its default, but with a Matrix body. */
export function answerClientError(error: { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const matrix = clientErrorToMatrix(error);
  const body = JSON.stringify(matrix.body());
  // end(), not write() + destroy(): the answer must be flushed before the socket closes.
  if (socket.writable)
    socket.end(
      `HTTP/1.1 ${matrix.status} ${STATUS_CODES[matrix.status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  else socket.destroy();
}
