/**
 * First Ctrl-C or SIGTERM: abort the run, which reverts faults, stops everything it
 * started and writes results marked aborted. Later signals only say it is still cleaning
 * up; the third forces exit (what is left is then for `drillbit clean`).
 */
export function installSignalHandlers(write: (text: string) => void): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  let count = 0;
  const handler = (name: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      write(`\n${name}: stopping the drill, reverting faults and cleaning up…\n`);
      controller.abort(new Error(`${name} received`));
    } else if (count === 2) {
      write(`${name}: still cleaning up; send it once more to exit now and leave the rest to \`drillbit clean\`\n`);
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
