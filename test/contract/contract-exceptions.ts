/**
 * Paths the suites call that no spec operation defines, each with its reason. A successful answer
 * on any other unmatched path fails the contract tier; error answers anywhere must be Matrix errors.
 */
export const UNSPECIFIED_PATHS: ReadonlyArray<{ readonly pattern: RegExp; readonly reason: string }> = [
  {
    pattern: /^\/_keyserver\/v1\/sync$/,
    reason: "our sync extension: the E2EE part of /sync for a homeserver or proxy to merge; no spec (README's Endpoints)",
  },
  { pattern: /^\/_synapse\/admin\/v1\/users\/[^/]+\/_allow_cross_signing_replacement_without_uia$/, reason: "Synapse's admin API, not in the Matrix spec" },
  { pattern: /^\/(health|metrics)(\/.*)?$/, reason: 'operations endpoints, not Matrix' },
  {
    pattern: /^\/_matrix\/client\/v3\/(login|logout|account\/whoami|createRoom|sync)$|^\/_matrix\/client\/versions$/,
    reason: "answered by Synapse (or the gateway's merged /sync) in the gateway suites, not by the keys-api",
  },
];

export const unspecifiedReason = (path: string): string | undefined => UNSPECIFIED_PATHS.find((e) => e.pattern.test(path))?.reason;
