import type { LoadedScenario } from './scenario-loader.ts';
import { describeStep } from '../runner/steps/step-registry.ts';
import { formatMs, parseDuration } from '../util/duration.ts';
import { SeededRandom } from '../util/seeded-random.ts';
import { describeTarget, planFaults, type PlannedFault } from '../faults/fault-planner.ts';

/** The plan `--dry-run` prints, from the same frozen data the runner uses. */
export function describePlan(loaded: LoadedScenario, seed: number): string[] {
  const { scenario } = loaded;
  const faultPlan = planFaults(scenario, new SeededRandom(seed).derive('faults'));
  const lines = [`${scenario.name}  (${loaded.displayFile})`];
  if (scenario.description) lines.push(`  ${scenario.description}`);
  if (scenario.environment?.compose) lines.push(`  environment: compose file ${scenario.environment.compose} (its other services are dependencies, started from their images; --driver docker)`);
  for (const [name, service] of Object.entries(scenario.services)) {
    const releases = Object.entries(service.releases).map(([r, ref]) => `${r}=${typeof ref === 'string' ? ref : ref.bundle}`);
    lines.push(`  service ${name}: ${service.replicas} replica${service.replicas === 1 ? '' : 's'}, ${service.strategy}${service.lkg ? `, LKG ${service.lkg}` : ''}; releases ${releases.join(', ')}`);
  }
  for (const [name, address] of Object.entries(scenario.external ?? {})) {
    const allowed = loaded.externalTargets?.find((e) => e.name === name)?.allowedBy;
    lines.push(`  external ${name}: ${address}, through a fault proxy; not deployed, observed or rolled back${allowed ? ` (${allowed === 'loopback' ? 'loopback' : 'allowed by --allow-target'})` : ''}`);
  }
  const t = scenario.traffic;
  if (t) lines.push(`  traffic → ${t.target}: ${t.rate} req/s open model, reads ${t.reads.join(' ')}${t.writes ? `, writes ${Math.round(t.writeShare * 100)}% to ${typeof t.writes === 'string' ? t.writes : t.writes.path}` : ''}`);
  const slo = scenario.slo;
  lines.push(`  SLO: recovery ≤ ${slo.recoveryTime}, availability ≥ ${slo.availability}${slo.p95 ? `, p95 ≤ ${slo.p95}` : ''}${slo.p99 ? `, p99 ≤ ${slo.p99}` : ''}, data loss ≤ ${slo.dataLoss}, stable for ${slo.stabilization}`);
  if (loaded.driverOverrides?.length) lines.push(`  on this driver: ${loaded.driverOverrides.join(', ')}`);
  const g = scenario.guard;
  if (g) {
    const analyses = [g.errorRate && `error rate > ${g.errorRate.above} over ${g.errorRate.for}`, g.latency && `p${g.latency.percentile} > ${g.latency.above} over ${g.latency.for}`, g.metrics && `${g.metrics.errors} / ${g.metrics.total} > ${g.metrics.above} over ${g.metrics.for}`].filter(Boolean);
    lines.push(`  guard: ${analyses.join(' or ')} every ${g.interval} → ${g.then}`);
  }
  scenario.steps.forEach((step, i) => lines.push(`  ${String(i + 1).padStart(2)}. ${describeStep(step)}`));
  if (faultPlan.length) lines.push(`  fault plan (seed ${seed}):`, ...faultPlan.map((f) => `    ${describePlannedFault(f)}`));
  lines.push(`  declared waits: ${formatMs(declaredWaitMs(loaded))}`);
  return lines;
}

export function describePlannedFault(f: PlannedFault): string {
  const when = f.atMs !== undefined ? `at ${formatMs(f.atMs)}` : `step ${('step' in f.origin ? f.origin.step : 0) + 1}`;
  const how = f.durationMs !== undefined ? ` for ${formatMs(f.durationMs)}` : ' until the end';
  return `${f.id} ${when}: ${f.fault} on ${describeTarget(f.target)}${how} ${JSON.stringify(f.params)}${f.inject ? '' : ' (skipped: probability)'}`;
}

/** The time the scenario itself asks to wait (steady windows, waits, stabilization windows). */
export function declaredWaitMs(loaded: LoadedScenario): number {
  const { slo } = loaded.scenario;
  return loaded.scenario.steps.reduce((total, step) => {
    if (step.kind === 'steady' || step.kind === 'wait') return total + parseDuration(step.for);
    if (step.kind === 'verifyRestored') return total + parseDuration(step.for ?? slo.stabilization);
    return total;
  }, 0);
}
