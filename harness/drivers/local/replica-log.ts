import { createWriteStream, type WriteStream } from 'node:fs';
import { redact } from '../../secrets/redaction.ts';

const TAIL_BYTES = 4096;

/**
 * A replica's stdout and stderr, appended to one file up to a size limit (then a marker,
 * and the rest is discarded), plus the tail of stderr kept in memory for error messages.
 */
export class ReplicaLog {
  private opened: WriteStream | undefined;
  private written = 0;
  private truncated = false;
  private stderrTail = '';
  private closed: Promise<void> | undefined;

  constructor(
    readonly path: string,
    private readonly limitBytes: number,
  ) {}

  /** Opened on first write, so a replica that never starts leaves no file. */
  private get file(): WriteStream {
    if (!this.opened) {
      this.opened = createWriteStream(this.path, { flags: 'a' });
      this.opened.on('error', () => {}); // a log we cannot write must not crash the drill
    }
    return this.opened;
  }

  write(chunk: Buffer, stream: 'stdout' | 'stderr'): void {
    if (stream === 'stderr') this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-TAIL_BYTES);
    if (this.truncated || this.closed) return;
    if (this.written + chunk.length > this.limitBytes) {
      this.truncated = true;
      this.file.write(`\n[drillbit: log truncated at ${this.limitBytes} bytes]\n`);
      return;
    }
    this.written += chunk.length;
    // A service may print its secrets; the log Drillbit keeps of it does not (a secret split across chunks is the service's to avoid).
    this.file.write(redact(chunk.toString('utf8')));
  }

  note(line: string): void {
    if (!this.closed) this.file.write(`[drillbit ${new Date().toISOString()}] ${line}\n`);
  }

  /** The last non-empty line the replica wrote to stderr. */
  get lastStderrLine(): string {
    const lines = this.stderrTail.split('\n').map((l) => l.trim()).filter(Boolean);
    return lines.at(-1) ?? '';
  }

  get stderrText(): string {
    return this.stderrTail;
  }

  close(): Promise<void> {
    this.closed ??= new Promise((resolve) => (this.opened ? this.opened.end(() => resolve()) : resolve()));
    return this.closed;
  }
}
