// Bundles the extension (CommonJS, `vscode` external) and the CLI (a runnable script).
import { build } from 'esbuild';
import { chmod } from 'node:fs/promises';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning', minify: process.argv.includes('--minify') };

await Promise.all([
  build({ ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', format: 'cjs', external: ['vscode'] }),
  build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', format: 'cjs', banner: { js: '#!/usr/bin/env node' } }),
]);
await chmod('dist/cli.js', 0o755);
