/**
 * Reads again, as a client would, until `done` holds or 20 s pass, and returns the last value:
 * what the homeserver publishes reaches the projections asynchronously.
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}
