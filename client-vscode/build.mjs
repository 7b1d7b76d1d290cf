// One build for running, testing and packaging: the extension as a single CommonJS file, and the
// unit tests beside it. `--watch` rebuilds on change.
import { readdirSync } from 'node:fs';
import * as esbuild from 'esbuild';

const here = new URL('.', import.meta.url).pathname;
const tests = readdirSync(`${here}test`)
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => `${here}test/${name}`);

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  logLevel: 'warning',
};
const builds = [
  {
    ...common,
    entryPoints: [`${here}src/extension.ts`],
    outfile: `${here}dist/extension.js`,
    external: ['vscode'],
    minify: true,
    keepNames: true,
    sourcemap: 'linked',
  },
  { ...common, entryPoints: tests, outdir: `${here}dist/test` },
];

if (process.argv.includes('--watch')) {
  for (const options of builds) {
    await (await esbuild.context(options)).watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
