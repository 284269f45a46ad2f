// Module hooks (node:module register) that run in Node's loader thread: the bare specifier
// `drillbit` resolves to the package that is running, wherever the importing file lives.
// The target goes on through the rest of the chain (tsx), which loads the TypeScript.
let entryUrl;

export function initialize(data) {
  entryUrl = data.entryUrl;
}

export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier === 'drillbit' ? entryUrl : specifier, context);
}
