#!/usr/bin/env node
// Runs a TypeScript entry point of the project (bench, soak) through tsx.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

register();
const [entry, ...args] = process.argv.slice(2);
const mod = await import(pathToFileURL(resolve(entry)).href);
if (typeof mod.main === 'function') process.exitCode = await mod.main(args);
