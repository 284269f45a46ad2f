import { DrillbitError } from '../errors.ts';

/**
 * An error of the proxy library with the HTTP status the admin API answers it with
 * (Toxiproxy's ApiError): 4xx are the caller's (bad input), 5xx the machine's.
 */
export class ProxyError extends DrillbitError {
  constructor(
    readonly status: number,
    message: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(status >= 500 ? 'infrastructure' : 'bad-input', message, options);
    this.name = 'ProxyError';
  }
}

export const proxyNotFound = (name: string) => new ProxyError(404, `proxy not found: ${JSON.stringify(name)}`);
export const proxyExists = (name: string) => new ProxyError(409, `proxy already exists: ${JSON.stringify(name)}`);
export const toxicNotFound = (name: string) => new ProxyError(404, `toxic not found: ${JSON.stringify(name)}`);
export const toxicExists = (name: string) => new ProxyError(409, `toxic already exists: ${JSON.stringify(name)}`);
export const badRequest = (detail: string) => new ProxyError(400, `bad request body: ${detail}`);
export const missingField = (field: string) => new ProxyError(400, `missing required field: ${field}`);
