import { userInfo } from 'node:os';

/**
 * Who is acting, for the ledger: `DRILLBIT_ACTOR` when set, else the CI's identity
 * (GitHub Actions, GitLab CI, Buildkite, Jenkins), else the OS user. Reads only the
 * environment it is given (the CLI passes `process.env`).
 */
export function actorFromEnvironment(env: Readonly<Record<string, string | undefined>>): string {
  if (env.DRILLBIT_ACTOR) return env.DRILLBIT_ACTOR;
  if (env.GITHUB_ACTIONS && env.GITHUB_ACTOR) return `github:${env.GITHUB_ACTOR}${env.GITHUB_RUN_ID ? ` (run ${env.GITHUB_RUN_ID}${env.GITHUB_REPOSITORY ? ` of ${env.GITHUB_REPOSITORY}` : ''})` : ''}`;
  if (env.GITLAB_CI && env.GITLAB_USER_LOGIN) return `gitlab:${env.GITLAB_USER_LOGIN}${env.CI_PIPELINE_ID ? ` (pipeline ${env.CI_PIPELINE_ID})` : ''}`;
  if (env.BUILDKITE && env.BUILDKITE_BUILD_CREATOR) return `buildkite:${env.BUILDKITE_BUILD_CREATOR}`;
  if (env.JENKINS_URL && env.BUILD_TAG) return `jenkins:${env.BUILD_TAG}`;
  const user = osUser() ?? env.USER ?? env.LOGNAME ?? 'unknown';
  return env.CI ? `ci:${user}` : `user:${user}`;
}

function osUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
