import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { UndoRecord } from './undo-record.ts';

export type JournalEvent = 'intent' | 'injected' | 'inject-failed' | 'reverted' | 'revert-failed';

export interface JournalEntry {
  at: string;
  event: JournalEvent;
  faultId: string;
  injectionId: string;
  fault: string;
  target: string;
  undo?: UndoRecord[];
  error?: string;
}

/**
 * The write-ahead fault journal (`<workDir>/faults.ndjson`): the intent to inject, with
 * its undo records, is on disk (fsynced) before the fault touches anything; reverts are
 * recorded as they happen. What a killed run leaves is replayed by `drillbit clean`.
 */
export class FaultJournal {
  private fd: number | undefined;

  constructor(readonly path: string) {}

  record(entry: Omit<JournalEntry, 'at'>): void {
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a');
    }
    writeSync(this.fd, `${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Every whole entry of a fault journal, in order; none when it does not exist. */
export function readFaultJournal(path: string): JournalEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => parseLine(line) ?? []);
}

/** Undo records of every injection the journal shows as intended and not reverted, newest first. */
export function pendingUndos(path: string): { injectionId: string; fault: string; target: string; undo: UndoRecord[] }[] {
  const open = new Map<string, { injectionId: string; fault: string; target: string; undo: UndoRecord[] }>();
  for (const entry of readFaultJournal(path)) {
    if (entry.event === 'intent') open.set(entry.injectionId, { injectionId: entry.injectionId, fault: entry.fault, target: entry.target, undo: entry.undo ?? [] });
    if (entry.event === 'reverted') open.delete(entry.injectionId);
  }
  return [...open.values()].reverse();
}

/** A truncated last line (the run died mid-write) is skipped, never fatal. */
function parseLine(line: string): JournalEntry | undefined {
  if (!line.trim()) return undefined;
  try {
    return JSON.parse(line) as JournalEntry;
  } catch {
    return undefined;
  }
}
