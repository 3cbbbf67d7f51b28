import { CommandReply } from '@app/contracts';
import { MatrixError } from '@app/matrix';
import { outcomeOfReply, signatureFailureErrcode } from './rejection-errors';

describe('signature failures become Matrix errcodes at the edge', () => {
  it.each([
    ['SIGNED_OBJECT_MISMATCH', 'M_INVALID_PARAM'],
    ['INVALID_SIGNATURE', 'M_INVALID_SIGNATURE'],
    ['UNKNOWN_KEY', 'M_NOT_FOUND'],
  ] as const)('%s -> %s', (code, errcode) => {
    expect(signatureFailureErrcode(code)).toBe(errcode);
  });
});

describe('a waiting request and its reply', () => {
  const reply = (outcome: CommandReply['outcome']): CommandReply => ({ commandId: 'c1', replyTo: 'api-1', outcome });
  const thrown = (r: CommandReply | null): MatrixError => {
    try {
      outcomeOfReply(r);
    } catch (err) {
      return err as MatrixError;
    }
    throw new Error('no error thrown');
  };

  it('a command whose decide failed (dead-lettered) is 500 M_UNKNOWN with the processor text, whatever the caller', () => {
    const err = thrown(reply({ ok: false, rejection: { code: 'COMMAND_FAILED', message: 'The key server could not process this request' } }));
    expect(err).toBeInstanceOf(MatrixError);
    expect(err.status).toBe(500);
    expect(err.body()).toEqual({ errcode: 'M_UNKNOWN', error: 'The key server could not process this request' });
  });

  it('no reply in time stays a 503 to retry', () => {
    const err = thrown(null);
    expect(err.status).toBe(503);
    expect(err.headers['Retry-After']).toBe('1');
  });

  it('a domain rejection and an acceptance are outcomes for the caller to map', () => {
    const rejected = reply({ ok: false, rejection: { code: 'INVALID_SIGNATURE', message: 'bad' } });
    expect(outcomeOfReply(rejected)).toBe(rejected.outcome);
    const accepted = reply({ ok: true, result: { kind: 'applied' }, eventCount: 0, lastPosition: null });
    expect(outcomeOfReply(accepted)).toBe(accepted.outcome);
  });
});
