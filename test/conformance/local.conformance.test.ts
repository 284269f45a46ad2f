import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { getDriver } from '../../harness/drivers/registry.ts';
import { processesOfRun } from '../process-scan.ts';
import { describeDriverConformance } from './driver-conformance.ts';

/** Processes whose environment carries the run's id, and pid files still in the work directory. */
async function localLeftovers(runId: string, workDir: string): Promise<string[]> {
  const processes = processesOfRun(runId).map((pid) => `process ${pid} (DRILLBIT_RUN_ID=${runId})`);
  const pidFiles = await readdir(join(workDir, 'pids')).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return [...processes, ...pidFiles.map((file) => `pid file ${join(workDir, 'pids', file)}`)];
}

describeDriverConformance({
  name: 'local',
  driver: () => getDriver('local'),
  leftovers: localLeftovers,
  faultSurfaces: ['processFaults', 'links'],
});
