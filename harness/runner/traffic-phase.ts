import { TrafficEngine } from '../traffic/traffic-engine.ts';
import { readBack } from '../traffic/read-back.ts';
import type { DataResult } from '../traffic/sample.ts';
import { parseDuration } from '../util/duration.ts';
import { sleep } from '../util/sleep.ts';
import type { Drill } from './drill.ts';

/** Traffic starts the moment its target first serves, and runs until the drill's checks are done. */
export function startTrafficIfTarget(drill: Drill, service: string): void {
  const { scenario, timeline, teardown, random, runId, attempt } = drill.ctx;
  const spec = scenario.traffic;
  if (!spec || spec.target !== service || drill.traffic) return;
  const engine = new TrafficEngine({
    baseUrl: drill.environment().address(service),
    spec,
    clock: () => timeline.now(),
    random: random.derive('traffic'),
    idPrefix: `${runId}-${attempt}-${slug(scenario.name)}`,
    onSample: drill.samples.add,
  });
  drill.traffic = engine;
  teardown.defer('stop traffic', () => engine.stop(), { deadlineMs: parseDuration(spec.timeout) + 2_000 });
  engine.start();
  timeline.emit('traffic-start', { service, rate: spec.rate });
}

/** Stops the traffic (idempotent: the final checks stop it, and so does the runner whatever happened). */
export async function stopTraffic(drill: Drill): Promise<void> {
  const engine = drill.traffic;
  if (!engine || drill.ctx.timeline.find('traffic-stop')) return;
  await engine.stop();
  if (drill.ctx.timeline.find('traffic-stop')) return;
  const { sent, dropped } = engine.counters;
  drill.ctx.timeline.emit('traffic-stop', { sent, dropped });
}

/** Waits (at most one request timeout) until every request sent before now has completed. */
export async function settleInFlight(drill: Drill): Promise<void> {
  const engine = drill.traffic;
  const spec = drill.ctx.scenario.traffic;
  if (!engine || !spec) return;
  const { timeline, signal } = drill.ctx;
  const markMs = timeline.now();
  const deadlineMs = markMs + parseDuration(spec.timeout);
  while ((engine.oldestInFlightSentMs() ?? Infinity) < markMs && timeline.now() < deadlineMs) {
    await sleep(5, signal);
  }
}

/** Reads the acknowledged writes back through the target's stable address (Jepsen's set read). */
export async function readBackWrites(drill: Drill): Promise<DataResult | undefined> {
  const spec = drill.ctx.scenario.traffic;
  const tracker = drill.traffic?.writes;
  if (!spec || !tracker || !drill.env) return undefined;
  return readBack({ baseUrl: drill.env.address(spec.target), spec: spec.readBack, tracker, timeoutMs: parseDuration(spec.timeout) * 5 });
}

export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'scenario';
}
