/**
 * How deep a request body may nest. Matrix bodies nest a handful of levels (signatures: 4); the
 * canonical-JSON encoder and the validators recurse per level, and a body of a few thousand `[`
 * overflowed the stack (a 500; found by the fuzz tier, issue 16).
 */
export const MAX_JSON_DEPTH = 128;

/** Whether the JSON text opens more than `max` arrays or objects inside each other; no recursion. */
export function nestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
