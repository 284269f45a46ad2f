import type { DockerUndoRecord } from '../../faults/undo-record.ts';
import { killMarked } from './container-exec.ts';
import { restoreMemoryLimit } from './container-memory.ts';
import { DockerEngine, describeDockerError, isNotFound } from './docker-engine.ts';
import { reconnect } from './network-partitions.ts';

/**
 * Carries out a container undo record through its engine, as the live run's revert would:
 * what `executeUndo` (and so `drillbit clean` and the watchdog) runs for `kind: 'docker'`.
 * Each is idempotent: a container that is gone, or already in the state wanted, is done.
 */
export async function executeContainerUndo(undo: DockerUndoRecord): Promise<void> {
  const engine = DockerEngine.at(undo.engine);
  switch (undo.op) {
    case 'remove-container':
      return engine.removeContainer(undo.container);
    case 'unpause':
      return unpause(engine, undo.container);
    case 'connect':
      return reconnect(engine, { container: undo.container, network: undo.network, ipv4Address: undo.ipv4Address });
    case 'update-memory':
      return restoreMemoryLimit(engine, undo.container, { memoryBytes: undo.memoryBytes, memorySwapBytes: undo.memorySwapBytes });
    case 'kill-exec':
      await killMarked(engine, undo.container, undo.marker);
      return;
  }
}

async function unpause(engine: DockerEngine, container: string): Promise<void> {
  const info = await engine.inspectContainer(container);
  if (!info?.State.Paused) return;
  try {
    await engine.docker.getContainer(container).unpause();
  } catch (error) {
    if (!isNotFound(error) && !/is not paused/i.test(describeDockerError(error))) throw error;
  }
}
