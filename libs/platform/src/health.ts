/** A dependency whose reachability decides readiness. */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export async function runChecks(checks: readonly ReadinessCheck[], timeoutMs = 2000): Promise<{ ok: boolean; checks: Record<string, string> }> {
  const results: Record<string, string> = {};
  let ok = true;
  await Promise.all(
    checks.map(async (c) => {
      try {
        await Promise.race([c.check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref())]);
        results[c.name] = 'ok';
      } catch (err) {
        ok = false;
        results[c.name] = `down: ${(err as Error).message}`;
      }
    }),
  );
  return { ok, checks: results };
}
