import type { Scenario } from '../scenario/schema.ts';
import { findFaultType } from './fault-registry.ts';
import { parseDuration } from '../util/duration.ts';
import type { SeededRandom } from '../util/seeded-random.ts';

/** Which concrete things a fault acts on, decided before the drill starts (seeded). */
export type PlannedTarget =
  | { kind: 'replica'; service: string; replica: number | 'all' }
  | { kind: 'service'; service: string }
  | { kind: 'link'; from: string; to: string }
  /** Every inbound link of a service: each dependent's link and the traffic's. */
  | { kind: 'inbound'; service: string };

export interface PlannedFault {
  id: string;
  fault: string;
  origin: { step: number } | { schedule: number };
  /** Scheduled faults: when, on the drill's timeline. */
  atMs?: number;
  target: PlannedTarget;
  params: unknown;
  durationMs?: number;
  /** The probability's coin, flipped at plan time: false means the drill skips this fault. */
  inject: boolean;
  wait: boolean;
}

type FaultSpec = { fault: string; target: Scenario['steps'][number] extends infer S ? (S extends { kind: 'fault'; target: infer T } ? T : never) : never; params: Record<string, unknown>; for?: string | number; probability: number };

/**
 * The fault schedule of a drill, from its scenario and seed only: every random choice
 * (probability, replica, time in a range) is made here, so two runs with the same seed
 * stage the same faults at the same times on the same targets.
 */
export function planFaults(scenario: Scenario, random: SeededRandom): PlannedFault[] {
  const planned: PlannedFault[] = [];
  scenario.steps.forEach((step, index) => {
    if (step.kind !== 'fault') return;
    planned.push(planOne(`f${planned.length + 1}`, step, { step: index }, scenario, random.derive(`fault:step:${index}`), undefined, step.wait));
  });
  scenario.faults.forEach((fault, index) => {
    const rng = random.derive(`fault:schedule:${index}`);
    const atMs = typeof fault.at === 'object' && 'between' in fault.at ? between(fault.at.between, rng) : parseDuration(fault.at);
    planned.push(planOne(`f${planned.length + 1}`, fault, { schedule: index }, scenario, rng, atMs, false));
  });
  return planned;
}

function planOne(id: string, spec: FaultSpec, origin: PlannedFault['origin'], scenario: Scenario, rng: SeededRandom, atMs: number | undefined, wait: boolean): PlannedFault {
  const type = findFaultType(spec.fault);
  if (!type) throw new Error(`unknown fault type ${spec.fault} (the validator should have caught it)`);
  const inject = rng.next() < spec.probability;
  const target = planTarget(spec.target, type.targets, scenario, rng);
  return {
    id,
    fault: spec.fault,
    origin,
    ...(atMs === undefined ? {} : { atMs: Math.round(atMs) }),
    target,
    params: type.params.parse(spec.params),
    ...(spec.for === undefined ? {} : { durationMs: parseDuration(spec.for) }),
    inject,
    wait,
  };
}

function planTarget(target: FaultSpec['target'], kind: 'replica' | 'service' | 'link', scenario: Scenario, rng: SeededRandom): PlannedTarget {
  if (typeof target === 'object' && 'from' in target) return { kind: 'link', from: target.from, to: target.to };
  const service = typeof target === 'string' ? target : target.service;
  if (kind === 'link') return { kind: 'inbound', service };
  if (kind === 'service') return { kind: 'service', service };
  const choice = typeof target === 'string' ? 'random' : target.replica;
  const replicas = scenario.services[service]?.replicas ?? 1;
  return { kind: 'replica', service, replica: choice === 'random' ? rng.int(replicas) : choice };
}

function between([from, to]: [string | number, string | number], rng: SeededRandom): number {
  const lo = parseDuration(from);
  const hi = parseDuration(to);
  return lo + rng.next() * (hi - lo);
}

export function describeTarget(target: PlannedTarget): string {
  switch (target.kind) {
    case 'replica':
      return `${target.service}[${target.replica === 'all' ? '*' : target.replica}]`;
    case 'service':
      return target.service;
    case 'link':
      return `${target.from}->${target.to}`;
    case 'inbound':
      return `*->${target.service}`;
  }
}
