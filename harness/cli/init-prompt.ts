import { createInterface } from 'node:readline/promises';
import { INIT_DEFAULTS, type InitFlags } from './init-service.ts';

/** Asks one question and returns the answer as typed (trimmed by the caller). */
export type Prompt = (question: string) => Promise<string>;

/** The questions `drillbit init` asks on a terminal when no flag names the service; a blank answer takes the default. */
export async function askServiceFlags(prompt: Prompt): Promise<InitFlags> {
  const ask = async (question: string, fallback?: string) => {
    const answer = (await prompt(fallback === undefined ? `${question}: ` : `${question} (${fallback}): `)).trim();
    return answer === '' ? fallback : answer;
  };
  const service = await ask('service name, e.g. api');
  const command = await ask('command that starts it in the foreground, e.g. node server.mjs');
  const portEnv = await ask('environment variable it reads its port from', INIT_DEFAULTS.portEnv);
  const health = await ask('path that answers 200 once it is ready', INIT_DEFAULTS.health);
  const reads = await ask('paths to send reads to, comma-separated', health);
  const writes = await ask('a path taking POST {"id": "…"} whose ids GET lists back (blank: no writes)');
  return { service, command, portEnv, health, reads, writes };
}

/** A prompt on the process's terminal; only for a TTY outside CI (main.ts decides). */
export const terminalPrompt: Prompt = async (question) => {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await terminal.question(question);
  } finally {
    terminal.close();
  }
};
