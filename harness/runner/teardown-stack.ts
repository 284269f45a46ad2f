import { errorMessage } from '../errors.ts';

export interface TeardownFailure {
  name: string;
  error: string;
}

interface Entry {
  name: string;
  run: () => Promise<void> | void;
  deadlineMs: number;
  done: boolean;
}

/**
 * Cleanups queued *before* the setup they undo runs (as Playwright's runner does), run
 * last-in first-out, each at most once and within its deadline, so a hung revert can
 * never hang the drill. A failed cleanup is recorded and the rest still run.
 */
export class TeardownStack {
  private readonly entries: Entry[] = [];
  private running: Promise<TeardownFailure[]> | undefined;

  /** Queues a cleanup; the returned function runs it early (once). */
  defer(name: string, run: () => Promise<void> | void, options: { deadlineMs?: number } = {}): () => Promise<void> {
    const entry: Entry = { name, run, deadlineMs: options.deadlineMs ?? 10_000, done: false };
    this.entries.push(entry);
    return async () => {
      const failure = await runEntry(entry);
      if (failure) throw new Error(`${failure.name}: ${failure.error}`);
    };
  }

  get pending(): number {
    return this.entries.filter((e) => !e.done).length;
  }

  /** Runs every pending cleanup, newest first. Safe to call more than once. */
  runAll(): Promise<TeardownFailure[]> {
    this.running ??= this.drain();
    return this.running;
  }

  /** Until none is pending: a cleanup queued while the stack runs (a fault that landed during teardown) runs too, newest first. */
  private async drain(): Promise<TeardownFailure[]> {
    const failures: TeardownFailure[] = [];
    for (let next = this.newestPending(); next; next = this.newestPending()) {
      const failure = await runEntry(next);
      if (failure) failures.push(failure);
    }
    return failures;
  }

  private newestPending(): Entry | undefined {
    return this.entries.findLast((e) => !e.done);
  }
}

async function runEntry(entry: Entry): Promise<TeardownFailure | undefined> {
  if (entry.done) return undefined;
  entry.done = true;
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not finish within ${entry.deadlineMs}ms`)), entry.deadlineMs);
    });
    await Promise.race([Promise.resolve().then(entry.run), deadline]);
    return undefined;
  } catch (error) {
    return { name: entry.name, error: errorMessage(error) };
  } finally {
    clearTimeout(timer);
  }
}
