import { MatrixError } from '@app/matrix';
import { RateLimitSettings } from '../config/keys-api.settings';
import { RequestLimits } from './request-limits';

const settings: RateLimitSettings = {
  enabled: true,
  claimer: { perSecond: 1, burst: 2 },
  claimTarget: { perSecond: 0.5, burst: 3 },
  toDevice: { perSecond: 4, burst: 1 },
  query: { perSecond: 10, burst: 1 },
};

function fixture(overrides: Partial<RateLimitSettings> = {}) {
  let now = 0;
  return { limits: new RequestLimits({ ...settings, ...overrides }, () => now), advance: (ms: number) => (now += ms) };
}

function refusal(admit: () => void): MatrixError {
  try {
    admit();
  } catch (err) {
    return err as MatrixError;
  }
  throw new Error('the request was admitted');
}

describe('RequestLimits', () => {
  it('refuses a claimer beyond its burst with 429 M_LIMIT_EXCEEDED, retry_after_ms and Retry-After in seconds, rounded up', () => {
    const { limits } = fixture();
    limits.admitClaim('@c:hs', ['@t1:hs']);
    limits.admitClaim('@c:hs', ['@t2:hs']);
    const error = refusal(() => limits.admitClaim('@c:hs', ['@t3:hs']));
    expect(error).toBeInstanceOf(MatrixError);
    expect(error.status).toBe(429);
    expect(error.body()).toEqual({ errcode: 'M_LIMIT_EXCEEDED', error: expect.stringContaining('1000 ms'), retry_after_ms: 1_000 });
    expect(error.headers).toEqual({ 'Retry-After': '1' });
  });

  it('limits a target user across claimers, counting each target once per request', () => {
    const { limits } = fixture();
    limits.admitClaim('@c1:hs', ['@victim:hs', '@victim:hs']);
    limits.admitClaim('@c2:hs', ['@victim:hs']);
    limits.admitClaim('@c3:hs', ['@victim:hs']);
    const error = refusal(() => limits.admitClaim('@c4:hs', ['@victim:hs']));
    expect(error.body()).toMatchObject({ errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 2_000 });
    expect(error.headers['Retry-After']).toBe('2');
  });

  it('charges nothing for a refused claim: neither the claimer nor the other targets', () => {
    const { limits } = fixture({ claimer: { perSecond: 1, burst: 1 }, claimTarget: { perSecond: 0.5, burst: 1 } });
    limits.admitClaim('@other:hs', ['@victim:hs']);
    refusal(() => limits.admitClaim('@c:hs', ['@bystander:hs', '@victim:hs']));
    limits.admitClaim('@c:hs', ['@bystander:hs']); // the claimer's token and @bystander's are still there
  });

  it('admits again once retry_after_ms has passed', () => {
    const { limits, advance } = fixture();
    limits.admitToDevice('@s:hs');
    const error = refusal(() => limits.admitToDevice('@s:hs'));
    expect(error.body().retry_after_ms).toBe(250);
    advance(249);
    refusal(() => limits.admitToDevice('@s:hs'));
    advance(1);
    limits.admitToDevice('@s:hs');
  });

  it('limits queries per requester, independently of other requesters and of the other limits', () => {
    const { limits } = fixture();
    limits.admitQuery('@q:hs');
    expect(refusal(() => limits.admitQuery('@q:hs')).body()).toMatchObject({ errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 100 });
    limits.admitQuery('@r:hs');
    limits.admitToDevice('@q:hs');
    limits.admitClaim('@q:hs', []);
  });

  it('limits nothing with RATE_LIMITS=off', () => {
    const { limits } = fixture({ enabled: false });
    for (let i = 0; i < 1_000; i++) {
      limits.admitClaim('@c:hs', ['@victim:hs']);
      limits.admitToDevice('@c:hs');
      limits.admitQuery('@c:hs');
    }
  });
});
