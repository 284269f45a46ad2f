#!/usr/bin/env node
// Registers tsx so the CLI and users' TypeScript scenarios load without a build step,
// as Playwright loads TypeScript tests.
// Both hooks: a `.ts` scenario outside any package (no package.json above it) is read as
// CommonJS, which only the CJS hook compiles.
import { register } from 'tsx/esm/api';
import { register as registerCommonJs } from 'tsx/cjs/api';
import { registerDrillbitSpecifier } from './drillbit-specifier.mjs';

register();
registerCommonJs();
registerDrillbitSpecifier();
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
