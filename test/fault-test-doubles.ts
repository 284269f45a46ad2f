import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DrillbitError } from '../harness/errors.ts';
import type { FaultType } from '../harness/faults/fault-type.ts';
import { httpDelayFault, type HttpDelayParams } from '../harness/faults/types/http-delay.ts';
import { sleep } from '../harness/util/sleep.ts';

/**
 * Test doubles of fault types, for the faults check's paths that no real fault reaches on
 * demand (test/faults-check-doubles.test.ts registers them by mocking the registry). Each
 * does its real fault's work (an HTTP delay on the service's front proxy) and differs in one
 * way only, named by its type.
 */

/** An HTTP delay whose revert removes the rule and then reports a failure, as a revert that errors after its work would. */
export const revertFailsFault: FaultType<HttpDelayParams> = {
  ...httpDelayFault,
  name: 'test-double-revert-fails',
  async inject(target, params, ctx) {
    const injected = await httpDelayFault.inject(target, params, ctx);
    return {
      detail: injected.detail,
      revert: async () => {
        await injected.revert();
        throw new DrillbitError('internal', 'test double: the revert reported a failure');
      },
    };
  },
};

const INJECT_CAP_MS = 20_000;

/**
 * An HTTP delay whose injection is still under way when the drill ends: it finishes only
 * once the runner has replayed its undo record (removed its marker file), as a slow real
 * injection (a replica recreated, memory allocated) can still be running at teardown. Its
 * delay rule would then stay in place, had the runner not reverted it as it landed
 * (fault-runner.ts: revertLanded). Should the revert ever wait for the injection to settle
 * first, this double deadlocks until its cap and must change with it.
 */
export const injectOutlivesRevertFault: FaultType<HttpDelayParams> = {
  ...httpDelayFault,
  name: 'test-double-inject-outlives-revert',
  plan(_target, _params, ctx) {
    return [{ kind: 'remove-path', path: marker(ctx.workDir, ctx.injectionId) }];
  },
  async inject(target, params, ctx) {
    const path = marker(ctx.workDir, ctx.injectionId);
    await writeFile(path, 'injecting\n');
    const giveUpAt = performance.now() + INJECT_CAP_MS;
    while (await exists(path)) {
      if (performance.now() > giveUpAt) throw new DrillbitError('timeout', 'test double: the runner never replayed the undo record');
      await sleep(1);
    }
    return httpDelayFault.inject(target, params, ctx);
  },
};

export const faultTestDoubles = { [revertFailsFault.name]: revertFailsFault, [injectOutlivesRevertFault.name]: injectOutlivesRevertFault };

function marker(workDir: string, injectionId: string): string {
  return join(workDir, `test-double-${injectionId}.injecting`);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}
