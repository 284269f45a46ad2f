import type { FaultType } from './fault-type.ts';

/**
 * Every fault type a scenario can name, in one explicit map (importing a fault file has
 * no side effect). The key is the name scenarios use.
 */
export const faultTypes: Readonly<Record<string, FaultType<any>>> = {};

export const faultTypeNames = (): string[] => Object.keys(faultTypes);

export function findFaultType(name: string): FaultType<unknown> | undefined {
  return Object.hasOwn(faultTypes, name) ? faultTypes[name] : undefined;
}
