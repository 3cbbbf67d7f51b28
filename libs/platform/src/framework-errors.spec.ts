import { PassThrough } from 'node:stream';
import { answerClientError, frameworkErrorToMatrix } from './framework-errors';

describe('errors answered before any route', () => {
  it.each([
    ['FST_ERR_MAX_PARAM_LENGTH', 414, 'M_TOO_LARGE'],
    ['FST_ERR_BAD_URL', 400, 'M_INVALID_PARAM'],
    ['FST_ERR_ASYNC_CONSTRAINT', 400, 'M_UNKNOWN'],
  ])('the router refusing with %s is %i %s', (code, status, errcode) => {
    const error = frameworkErrorToMatrix({ code, message: 'x' });
    expect({ status: error.status, body: error.body() }).toEqual({ status, body: { errcode, error: expect.any(String) } });
  });

  it.each([
    ['HPE_HEADER_OVERFLOW', '431 Request Header Fields Too Large', 'M_TOO_LARGE'],
    ['ERR_HTTP_REQUEST_TIMEOUT', '408 Request Timeout', 'M_UNKNOWN'],
    ['HPE_INVALID_METHOD', '400 Bad Request', 'M_UNKNOWN'],
  ])('Node refusing with %s writes %s with a Matrix body, then closes', (code, statusLine, errcode) => {
    const socket = new PassThrough();
    let written = '';
    socket.on('data', (chunk: Buffer) => (written += chunk.toString()));
    answerClientError({ code }, socket);
    const [head, body] = written.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe(`HTTP/1.1 ${statusLine}`);
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
    expect(JSON.parse(body)).toEqual({ errcode, error: expect.any(String) });
    expect(socket.writableEnded).toBe(true);
  });

  it('writes nothing to a connection the client reset', () => {
    const socket = new PassThrough();
    const write = jest.spyOn(socket, 'end');
    answerClientError({ code: 'ECONNRESET' }, socket);
    expect(write).not.toHaveBeenCalled();
  });
});
