import { DRIVER_NAMES, type DriverName, type Scenario, type Step } from './schema.ts';
import type { LoadedScenario } from './scenario-loader.ts';

/** A scenario as one driver runs it, and each target the driver's block changed (`slo.availability: 0.85 → 0.6`). */
export interface ScenarioForDriver {
  scenario: Scenario;
  overrides: string[];
}

/**
 * Applies `drivers.<driver>` of the scenario and of its steps: the SLO targets and step
 * windows that platform is held to. The result has no `drivers` blocks left, so applying
 * it again changes nothing. A driver without a block runs the scenario as written.
 */
export function scenarioForDriver(scenario: Scenario, driver: string): ScenarioForDriver {
  if (!isDriverName(driver)) return { scenario, overrides: [] };
  const overrides: string[] = [];
  const slo = { ...scenario.slo };
  for (const [field, value] of definedEntries(scenario.drivers?.[driver]?.slo)) {
    overrides.push(`slo.${field}: ${show(slo[field as keyof typeof slo])} → ${show(value)}`);
    Object.assign(slo, { [field]: value });
  }
  const steps = scenario.steps.map((step, index) => withoutStepOverrides(step, driver, (field, from, to) => overrides.push(`steps[${index}].${field}: ${show(from)} → ${show(to)}`)));
  const { drivers: _drivers, ...rest } = scenario;
  return { scenario: { ...rest, slo, steps }, overrides };
}

function withoutStepOverrides(step: Step, driver: DriverName, note: (field: string, from: unknown, to: unknown) => void): Step {
  if (!('drivers' in step)) return step;
  const { drivers, ...plain } = step;
  const applied: Record<string, unknown> = { ...plain };
  for (const [field, value] of definedEntries(drivers?.[driver])) {
    note(field, applied[field], value);
    applied[field] = value;
  }
  return applied as Step;
}

function definedEntries(value: object | undefined): [string, unknown][] {
  return Object.entries(value ?? {}).filter(([, v]) => v !== undefined);
}

function isDriverName(name: string): name is DriverName {
  return (DRIVER_NAMES as readonly string[]).includes(name);
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** The loaded scenario as `driver` runs it (what changed recorded on it, for the results and the plan). */
export function loadedForDriver(loaded: LoadedScenario, driver: string): LoadedScenario {
  if (loaded.driverOverrides) return loaded;
  const { scenario, overrides } = scenarioForDriver(loaded.scenario, driver);
  return { ...loaded, scenario, driverOverrides: overrides };
}
