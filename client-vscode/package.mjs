// `npm run package [-- --target TARGET|all] [-- --ls]`: bundles the server for each VS Code target
// (scripts/bundle_server.py: that platform's wheels for every supported CPython), then writes
// devfocus-<target>-<version>.vsix with vsce. Without --target: this machine's platform. With
// --ls: lists the files each .vsix holds (`vsce ls`) instead of writing it. Run after
// `npm run build` (the npm script does).
//
// vsce packs from a staging folder that holds only what the .vsix needs: pointed at the
// repository it would walk every file of the virtualenv and node_modules first.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(new URL('.', import.meta.url).pathname, '..');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
// What the extension needs besides the bundled server: the manifest, its README (the
// Marketplace page), icon and screenshots, the changelog, the license and the built client.
const FILES = [
  'package.json',
  'LICENSE',
  'CHANGELOG.md',
  'client-vscode/README.md',
  'client-vscode/images/icon.png',
  'client-vscode/dist/extension.js',
];
// VS Code's targets (vsce --target) that a bundle is built for.
const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];

const { values } = parseArgs({
  options: {
    target: { type: 'string', multiple: true },
    ls: { type: 'boolean', default: false },
  },
});
const host = `${process.platform}-${process.arch}`;
const wanted = values.target ?? [host];
const targets = wanted.includes('all') ? TARGETS : [...new Set(wanted)];
for (const target of targets) {
  if (!TARGETS.includes(target)) {
    console.error(`no bundle for ${target}; targets: ${TARGETS.join(', ')} (or all)`);
    process.exit(2);
  }
}

function python() {
  const venv = path.join(
    root,
    '.venv',
    process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python',
  );
  return process.env.DEVFOCUS_PYTHON || (existsSync(venv) ? venv : 'python3');
}

const run = (command, args, cwd = root) => execFileSync(command, args, { cwd, stdio: 'inherit' });
const vsce = path.join(root, 'node_modules', '.bin', 'vsce');

const work = mkdtempSync(path.join(tmpdir(), 'devfocus-vsix-'));
try {
  const bundles = path.join(work, 'bundles');
  run(python(), [
    path.join(root, 'scripts', 'bundle_server.py'),
    '--out',
    bundles,
    ...targets.flatMap((target) => ['--target', target]),
  ]);
  for (const target of targets) {
    const staging = path.join(work, target);
    for (const file of FILES) {
      cpSync(path.join(root, file), path.join(staging, file), { recursive: true });
    }
    const bundle = targets.length === 1 ? bundles : path.join(bundles, target);
    cpSync(bundle, path.join(staging, 'bundled'), { recursive: true });
    if (values.ls) {
      console.log(`# devfocus-${target}-${version}.vsix`);
      run(vsce, ['ls', '--no-dependencies'], staging);
      continue;
    }
    const out = path.join(root, `devfocus-${target}-${version}.vsix`);
    run(
      vsce,
      [
        'package',
        '--target',
        target,
        '--no-dependencies',
        '--readme-path',
        'client-vscode/README.md',
        // vsce's secret scan reads every file; the bundled libraries come from the package
        // index as they are, and the payload is one compressed archive it cannot read anyway.
        '--allow-package-all-secrets',
        '--out',
        out,
      ],
      staging,
    );
    console.log(`packaged ${path.relative(root, out)}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
