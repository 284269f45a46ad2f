/** Lines no reader needs to learn why a replica stopped: Node's version trailer, Drillbit's own notes, a source excerpt's caret. */
const NOISE = [/^Node\.js v\d/, /^\[drillbit /, /^\s*\^+\s*$/];
/** A line that states an error: `TypeError: …`, `Error [ERR_…]: …`, nginx's `[emerg]`, `FATAL:`, `panic:`, `error: …`. */
const ERROR_LINE = /^(?:[\w.]*(?:Error|Exception)(?: \[[\w-]+\])?:|Error:|.*\[(?:emerg|alert|crit)\]|.*\b(?:FATAL|PANIC)\b:|panic:|fatal:|error:)/i;
const NODE_FRAME = /^\s+at /;
const NODE_INTERNAL_FRAME = /\(node:|^\s+at node:/;
const PYTHON_FRAME = /^\s*File "/;
const MAX_LINE = 300;

/**
 * What a replica's output says about why it stopped, in a few lines: the first line that
 * states an error, the lines that continue its message, and its first frame (Node's first
 * `at …` below it that is not Node's own, or Python's innermost `File "…"` above it). Without such a line, the last
 * line that is not noise. Not the last line alone: Node ends a crash with `Node.js v20.20.2`.
 */
export function summarizeBootLog(text: string): string[] {
  const lines = text.split('\n').map((l) => l.replace(/\s+$/, '')).filter((l) => l.trim() !== '' && !NOISE.some((re) => re.test(l)));
  const at = lines.findIndex((l) => ERROR_LINE.test(l.trim()));
  if (at < 0) return lines.length ? [clip(lines.at(-1)!.trim())] : [];
  const summary = [lines[at]!.trim()];
  let i = at + 1;
  for (; i < lines.length && summary.length < 3; i++) {
    const line = lines[i]!;
    if (NODE_FRAME.test(line) || PYTHON_FRAME.test(line) || ERROR_LINE.test(line.trim())) break;
    summary.push(line.trim());
  }
  // The first frame of the program's own code, when Node's internals come first (a require that failed).
  const frames = lines.slice(i).filter((l) => NODE_FRAME.test(l));
  const nodeFrame = frames.find((l) => !NODE_INTERNAL_FRAME.test(l)) ?? frames[0];
  if (nodeFrame) summary.push(nodeFrame.trim());
  const pythonFrame = lines.slice(0, at).reverse().find((l) => PYTHON_FRAME.test(l));
  if (pythonFrame) summary.push(pythonFrame.trim());
  return summary.map(clip);
}

function clip(line: string): string {
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}
