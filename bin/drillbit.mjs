#!/usr/bin/env node
// Registers tsx so the CLI and users' TypeScript scenarios load without a build step,
// as Playwright loads TypeScript tests.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
