import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/** What the services are started from: the whole run (and every restart in it) uses one copy. */
const PARTS = ['apps', 'libs', 'scripts', 'tsconfig.json', 'package.json'];

/**
 * A copy of the services' code taken when the run starts, so that a service restarted by the
 * schedule runs the same code as at the start, whatever happens to the checkout meanwhile (an
 * edit half-saved in the working tree would otherwise be what a kill -9'd service comes back as).
 * `worktree` (the default) copies the checkout as it is; `head` takes the last commit
 * (`git archive`, read-only), plus the files named in `overlay` from the working tree.
 */
export function snapshotCode(projectRoot: string, dest: string, mode: 'worktree' | 'head', overlay: readonly string[] = []): string {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  if (mode === 'head') {
    const tar = execFileSync('git', ['-C', projectRoot, 'archive', '--format=tar', 'HEAD', ...PARTS], { maxBuffer: 512 * 2 ** 20 });
    execFileSync('tar', ['-x', '-C', dest], { input: tar });
    for (const file of overlay) cpSync(join(projectRoot, file), join(dest, file), { recursive: true });
  } else {
    for (const part of PARTS) {
      if (existsSync(join(projectRoot, part)))
        cpSync(join(projectRoot, part), join(dest, part), { recursive: true, filter: (src) => !/\/(node_modules|dist)(\/|$)/.test(src) });
    }
  }
  symlinkSync(join(projectRoot, 'node_modules'), join(dest, 'node_modules'));
  return dest;
}

/** The commit the copy was taken at (and whether the working tree had changes), for the report. */
export function codeVersion(projectRoot: string, mode: 'worktree' | 'head', overlay: readonly string[]): string {
  const head = execFileSync('git', ['-C', projectRoot, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  if (mode === 'head') return `${head}${overlay.length > 0 ? ` + ${overlay.join(', ')} from the working tree` : ''}`;
  const dirty = execFileSync('git', ['-C', projectRoot, 'status', '--porcelain', '--', ...PARTS], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(Boolean).length;
  return `${head}${dirty > 0 ? ` + ${dirty} changed files in the working tree` : ''}`;
}
