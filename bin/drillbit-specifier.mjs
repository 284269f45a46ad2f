// `import … from 'drillbit'` in a scenario or config resolves to the Drillbit that runs it,
// as `@playwright/test` does for Playwright: the scenario's folder needs no node_modules of
// its own, and a second copy of Drillbit in the project cannot disagree with the one running.
import Module, { register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ENTRY = fileURLToPath(new URL('../harness/index.ts', import.meta.url));

/** Call after tsx's own registration, so this resolve runs before tsx's and hands it the path. */
export function registerDrillbitSpecifier() {
  register(new URL('./drillbit-specifier-hooks.mjs', import.meta.url), { data: { entryUrl: pathToFileURL(ENTRY).href } });
  // require() does not go through module.register hooks on Node 20: a scenario that tsx
  // compiles as CommonJS (a package without "type": "module") resolves through here.
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveDrillbit(request, ...rest) {
    return request === 'drillbit' ? ENTRY : resolveFilename.call(this, request, ...rest);
  };
}
