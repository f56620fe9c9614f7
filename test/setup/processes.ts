// Child processes a test starts (`npm start`, and the DynamoDB Local it starts in turn) never outlive
// the test run: each runs in its own process group, and whatever of a group is left is killed when
// the test file ends (`killOwnedProcesses` in afterAll), when the worker exits, and when the run is
// interrupted (Ctrl-C or SIGTERM reach the worker, not the detached groups).
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

const owned = new Set<ChildProcess>();

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    // The whole group: the process and everything it started (java outlives a killed parent).
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** Kills every group still owned; synchronous, so it also works in an 'exit' handler. */
export function killOwnedProcesses(): void {
  for (const child of owned) killGroup(child);
  owned.clear();
  release();
}

function onSignal(signal: NodeJS.Signals): void {
  killOwnedProcesses();
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

let watching = false;
function watch(): void {
  if (watching) return;
  watching = true;
  process.on('exit', killOwnedProcesses);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Signal handlers stay only while groups are owned, so the worker otherwise stops as it would. */
function release(): void {
  if (!watching || owned.size > 0) return;
  watching = false;
  process.off('exit', killOwnedProcesses);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

/** `spawn` in a new process group that the test run owns until the group's leader exits. */
export function spawnOwned(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  owned.add(child);
  watch();
  child.once('exit', () => {
    // The leader is gone; a child it left behind (it was SIGKILLed) goes with its group.
    killGroup(child);
    owned.delete(child);
    release();
  });
  return child;
}
