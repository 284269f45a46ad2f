import { DrillbitError } from '../errors.ts';
import type { Driver } from './driver.ts';
import { LocalDriver } from './local/local-driver.ts';

/** Every driver, by the name `--driver` takes. Explicit, so importing a driver has no side effect. */
export const drivers: Readonly<Record<string, () => Driver>> = {
  local: () => new LocalDriver(),
};

export function getDriver(name: string): Driver {
  const known = Object.keys(drivers);
  if (!Object.hasOwn(drivers, name)) {
    throw new DrillbitError('bad-input', `--driver: unknown driver "${name}"; known drivers: ${known.join(', ')}`, { hint: `pass --driver ${known.join('|')}` });
  }
  return drivers[name]!();
}

export function driverNames(): string[] {
  return Object.keys(drivers);
}
