// Preloaded by `npm run check`: astro check's hoisted helpers (@volar/kit) `require('typescript')` from the root,
// which is TypeScript 7 without the programmatic API they need. Point every such require at our TypeScript 6.
import { createRequire, registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';

const typescript6 = pathToFileURL(createRequire(import.meta.url).resolve('typescript')).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'typescript') return { url: typescript6, format: 'commonjs', shortCircuit: true };
    return nextResolve(specifier, context);
  },
});
