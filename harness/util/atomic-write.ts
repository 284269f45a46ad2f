import { mkdir, rename, writeFile, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { redact } from '../secrets/redaction.ts';

/**
 * Writes a file so that a reader (or a crash) sees either the old content or the new, never
 * half. Every output goes through here, so secrets are redacted here (secrets/redaction.ts).
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
  await writeFile(temp, redact(content));
  const handle = await open(temp, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}
