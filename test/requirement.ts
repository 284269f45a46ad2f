import { describe, it } from 'vitest';

/**
 * What a test needs from the machine. Where it is missing, the test is skipped with the
 * reason in its title; with `DRILLBIT_REQUIRE_<name>=1` (which `.ci/run` sets for every
 * one) it fails instead, naming what is missing and how to get it, so that in CI a
 * regression can never turn into a green skip.
 */
export type Requirement =
  /** A Docker engine on the system socket. */
  | 'DOCKER'
  /** That engine is a swarm manager. */
  | 'SWARM'
  /** Debian's Chromium at /usr/bin/chromium. */
  | 'BROWSER'
  /** Every fault surface (process faults, the link proxies) on every driver of the conformance suite. */
  | 'FAULT_SURFACES'
  /** An IPv4 address of this machine that is not loopback. */
  | 'OFF_LOOPBACK'
  /** Debian's programs the third-party corpus runs (python3 → python3.11, nginx, envsubst). */
  | 'THIRD_PARTY';

/** What is missing for a requirement: what it is for people, and how to get it. */
export interface Missing {
  requirement: Requirement;
  /** Why it is missing, e.g. "no Docker engine answers at /var/run/docker.sock". */
  reason: string;
  /** How to get it, e.g. "start one: dockerd &". */
  hint: string;
}

export function requirementVariable(requirement: Requirement): string {
  return `DRILLBIT_REQUIRE_${requirement}`;
}

export function isRequired(requirement: Requirement): boolean {
  return process.env[requirementVariable(requirement)] === '1';
}

/** The message of a required test whose need is missing. */
export function requiredButMissing(missing: Missing): string {
  return `${requirementVariable(missing.requirement)}=1, but ${missing.reason}; ${missing.hint}`;
}

/**
 * `describe` for a block that needs something: as is when `missing` is undefined; else
 * skipped with the reason in its title, or, where required, one failing test in its place.
 */
export function describeNeeding(name: string, missing: Missing | undefined, body: () => void): void {
  if (missing === undefined) describe(name, body);
  else if (isRequired(missing.requirement)) {
    describe(name, () => it(`needs it (${requirementVariable(missing.requirement)}=1)`, () => {
      throw new Error(requiredButMissing(missing));
    }));
  } else describe.skip(`${name} — skipped: ${missing.reason} (${missing.hint})`, body);
}

/** Inside a test (`({ skip }) => …`): skips it with the reason, or fails it where the need is required. */
export function skipOrFail(skip: (note: string) => never, missing: Missing): never {
  if (isRequired(missing.requirement)) throw new Error(requiredButMissing(missing));
  return skip(`${missing.reason} (${missing.hint})`);
}
