import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { errorMessage } from '../errors.ts';
import type { HttpResult } from './http-client.ts';

const RELEASE_HEADER = 'x-drillbit-release';

/** Why the client gave up on an exchange (timeout, stop), as opposed to a network error. */
class ExchangeAborted extends Error {}

/**
 * One request/response as an undici dispatch handler. It settles exactly once: on
 * the response's end, on an error, or at once when aborted (even while still queued
 * for a connection; the request is then cancelled as soon as it gets one).
 */
export class HttpExchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private abortReason: ExchangeAborted | undefined;
  private settled = false;
  private status = 0;
  private release: string | undefined;
  private readonly chunks: Buffer[] | undefined;

  constructor(
    readBody: boolean,
    private readonly settle: (result: HttpResult) => void,
  ) {
    this.chunks = readBody ? [] : undefined;
  }

  abort(reason: string): void {
    if (this.settled) return;
    this.abortReason = new ExchangeAborted(reason);
    this.controller?.abort(this.abortReason);
    this.finish(this.abortReason.message);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.abortReason) controller.abort(this.abortReason);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    const release = headers[RELEASE_HEADER];
    this.release = Array.isArray(release) ? release[0] : release;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks?.push(chunk); // otherwise discarded: the body is consumed, the connection reused
  }

  onResponseEnd(): void {
    this.finish(undefined);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.finish(describe(this.abortReason ?? error));
  }

  private finish(error: string | undefined): void {
    if (this.settled) return;
    this.settled = true;
    const result: HttpResult = { status: this.status };
    if (this.release !== undefined) result.release = this.release;
    if (this.chunks && error === undefined) result.body = Buffer.concat(this.chunks).toString('utf8');
    if (error !== undefined) result.error = error;
    this.settle(result);
  }
}

function describe(error: unknown): string {
  if (error instanceof ExchangeAborted) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  const message = errorMessage(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
