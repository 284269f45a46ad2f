/**
 * Whether the console gets colour codes: FORCE_COLOR (not "0") asks for them; NO_COLOR
 * (https://no-color.org, any non-empty value) turns them off; otherwise only on a terminal,
 * so that CI logs and redirected output hold plain text.
 */
export function useColour(tty: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.NO_COLOR) return false;
  return tty;
}
