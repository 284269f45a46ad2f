import { DrillbitError } from '../errors.ts';

/** A release that never became healthy; the running release keeps serving. */
export class DeployRejectedError extends DrillbitError {
  constructor(
    readonly service: string,
    readonly release: string,
    readonly reason: string,
  ) {
    super('deploy-rejected', `${service}: release ${release} was rejected: ${reason}`);
    this.name = 'DeployRejectedError';
  }
}
