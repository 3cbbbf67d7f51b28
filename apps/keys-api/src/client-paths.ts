/** The spec's current prefix and the two older ones clients still use answer the same way. */
export function clientPaths(path: string): string[] {
  return ['v3', 'r0', 'unstable'].map((version) => `_matrix/client/${version}/${path}`);
}
