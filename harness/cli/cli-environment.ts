/** Everything the CLI takes from the process, read in one place (no module reads env or argv). */
export interface CliEnvironment {
  cwd: string;
  /** Where run work directories and the ledger live (`DRILLBIT_HOME`, default `<cwd>/.drillbit`). */
  stateDir: string;
  /**
   * The content-addressed release store (`DRILLBIT_STORE`; else `<DRILLBIT_HOME>/store` when
   * DRILLBIT_HOME is set; else `$XDG_CACHE_HOME/drillbit/store`, `~/.cache/drillbit/store`):
   * outside the project, so nothing of the project's folders is above a running release.
   */
  storeDir: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  tty: boolean;
  /** Fires on the first Ctrl-C or SIGTERM. */
  signal: AbortSignal;
  version: string;
  /** `$GITHUB_STEP_SUMMARY`: where `drillbit gate` appends its markdown summary, when set. */
  stepSummaryPath?: string;
  /** `$DRILLBIT_LEDGER`: the release ledger, unless `--ledger` names one. */
  ledgerPath?: string;
  /** Who the ledger's entries are by: `$DRILLBIT_ACTOR`, a CI identity, or the OS user (ledger/identity.ts). */
  actor?: string;
  /** Asks the person at the terminal (`drillbit init` without flags); absent when stdin or stdout is not a TTY, or under CI. */
  prompt?: (question: string) => Promise<string>;
}
