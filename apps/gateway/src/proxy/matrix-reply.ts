import { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';

/** Every answer the gateway makes itself is a Matrix error or JSON. */
export function sendMatrixError(reply: FastifyReply, status: number, errcode: string, error: string): FastifyReply {
  return reply.code(status).header('content-type', 'application/json').send(JSON.stringify({ errcode, error }));
}

export class BodyTooLarge extends Error {}

/** Reads a request or response body that the gateway must look into, up to a limit. */
export async function readBody(stream: Readable | null | undefined, limit: number): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge(`body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** JSON of a body, or null: the homeserver judges bodies; the gateway only learns from them. */
export function jsonOf(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}

/** The client's access token, as the homeserver reads it (header first, then the deprecated query parameter). */
export function accessTokenOf(headers: Record<string, unknown>, query: URLSearchParams): string | null {
  const header = headers.authorization;
  if (typeof header === 'string') return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? null;
  return query.get('access_token');
}
