import { ChildProcess } from 'node:child_process';
import { SupervisedChild } from './supervisor';

/** node's ChildProcess as a SupervisedChild: a failed spawn counts as an exit, listeners added late still hear it. */
export function supervisedChild(child: ChildProcess): SupervisedChild {
  let exit: [number | null, NodeJS.Signals | null] | undefined;
  const listeners: ((code: number | null, signal: NodeJS.Signals | null) => void)[] = [];
  const exited = (code: number | null, signal: NodeJS.Signals | null) => {
    if (exit) return;
    exit = [code, signal];
    for (const listener of listeners) listener(code, signal);
  };
  child.on('exit', exited);
  // Without a pid the process never started, and no 'exit' follows.
  child.on('error', () => child.pid === undefined && exited(null, null));
  return {
    kill: (signal) => void (exit === undefined && child.kill(signal)),
    onExit: (listener) => (exit ? listener(...exit) : void listeners.push(listener)),
  };
}
