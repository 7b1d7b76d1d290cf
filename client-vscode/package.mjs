// `npm run package`: bundles the server for this platform (scripts/bundle_server.py), then writes
// devfocus-<platform>-<version>.vsix with vsce. Run after `npm run build` (the npm script does).
//
// vsce packs from a staging folder that holds only what the .vsix needs: pointed at the
// repository it would walk every file of the virtualenv and node_modules first.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const root = path.resolve(new URL('.', import.meta.url).pathname, '..');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const FILES = [
  'package.json',
  'LICENSE',
  'client-vscode/README.md',
  'client-vscode/dist/extension.js',
  'bundled',
];

// VS Code's platform names (vsce --target): linux-x64, darwin-arm64, win32-x64...
const target = `${process.platform}-${process.arch}`;

function python() {
  const venv = path.join(
    root,
    '.venv',
    process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python',
  );
  return process.env.DEVFOCUS_PYTHON || (existsSync(venv) ? venv : 'python3');
}

const run = (command, args, cwd = root) => execFileSync(command, args, { cwd, stdio: 'inherit' });

run(python(), [path.join(root, 'scripts', 'bundle_server.py')]);
const staging = mkdtempSync(path.join(tmpdir(), 'devfocus-vsix-'));
try {
  for (const file of FILES) {
    cpSync(path.join(root, file), path.join(staging, file), { recursive: true });
  }
  const out = path.join(root, `devfocus-${target}-${version}.vsix`);
  run(
    path.join(root, 'node_modules', '.bin', 'vsce'),
    [
      'package',
      '--target',
      target,
      '--no-dependencies',
      '--readme-path',
      'client-vscode/README.md',
      // vsce's secret scan reads every file: over ten minutes for the bundled libraries, which
      // come from PyPI as they are. The extension's own code is one file.
      '--allow-package-all-secrets',
      '--out',
      out,
    ],
    staging,
  );
  console.log(`packaged ${path.relative(root, out)}`);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
