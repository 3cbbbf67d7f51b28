import { MatrixError } from '@app/matrix';
import { RateLimitSettings } from '../config/keys-api.settings';
import { admitAll } from './admit-all';
import { Now, TokenBucketLimiter } from './token-bucket-limiter';

/**
 * The per-user limits of the requests that spend or fan out: `/keys/claim` per claimer and per
 * target user, `/sendToDevice` per sender, `/keys/query` per requester. Called after the body was
 * checked and before any command is sent: a refused request is 429 M_LIMIT_EXCEEDED and changes
 * nothing. Per process: N keys-api instances behind a balancer allow up to N times as much.
 */
export class RequestLimits {
  private readonly claimers: TokenBucketLimiter;
  private readonly claimTargets: TokenBucketLimiter;
  private readonly toDeviceSenders: TokenBucketLimiter;
  private readonly queriers: TokenBucketLimiter;

  constructor(
    private readonly settings: RateLimitSettings,
    now: Now,
  ) {
    this.claimers = new TokenBucketLimiter(settings.claimer, now);
    this.claimTargets = new TokenBucketLimiter(settings.claimTarget, now);
    this.toDeviceSenders = new TokenBucketLimiter(settings.toDevice, now);
    this.queriers = new TokenBucketLimiter(settings.query, now);
  }

  /** One token of the claimer and one of each user whose keys the request claims. */
  admitClaim(claimer: string, targets: readonly string[]): void {
    this.admit('Too many key claims', [[this.claimers, claimer], ...targets.map((t) => [this.claimTargets, t] as const)]);
  }

  admitToDevice(sender: string): void {
    this.admit('Too many to-device requests', [[this.toDeviceSenders, sender]]);
  }

  admitQuery(requester: string): void {
    this.admit('Too many key queries', [[this.queriers, requester]]);
  }

  private admit(message: string, wants: readonly (readonly [TokenBucketLimiter, string])[]): void {
    if (!this.settings.enabled) return;
    const admission = admitAll(wants);
    if (!admission.admitted) throw MatrixError.limitExceeded(`${message}; try again in ${admission.retryAfterMs} ms`, admission.retryAfterMs);
  }
}
