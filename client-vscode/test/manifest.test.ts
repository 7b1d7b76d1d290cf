// package.json against the code: the commands it contributes are the ones the extension handles,
// and its settings are exactly the server's (same names, defaults, enums, descriptions) plus the
// extension's own.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CATEGORY, CLIENT_SETTINGS, COMMANDS } from '../src/manifest';
import * as protocol from '../src/protocol';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const properties: Record<string, Record<string, unknown>> = manifest.contributes.configuration
  .properties;

/** The Python with DevFocus installed: $DEVFOCUS_PYTHON, else the project's virtualenv. */
function python(): string {
  const venv = path.join(
    ROOT,
    '.venv',
    process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python',
  );
  return process.env.DEVFOCUS_PYTHON ?? (existsSync(venv) ? venv : 'python3');
}

function serverSettings(): Record<string, Record<string, unknown>> {
  const out = execFileSync(python(), [path.join(ROOT, 'scripts', 'sync_settings.py'), '--print'], {
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

describe('contributes.commands', () => {
  it('are the commands the extension defines, in the DevFocus category', () => {
    const contributed = manifest.contributes.commands.map(
      (c: { command: string; title: string; category: string }) => {
        assert.equal(c.category, CATEGORY);
        return [c.command, c.title];
      },
    );
    assert.deepEqual(
      contributed,
      COMMANDS.map((c) => [c.id, c.title]),
    );
  });
  it('show in the palette under the same conditions as the code expects', () => {
    const whens = Object.fromEntries(
      manifest.contributes.menus.commandPalette.map((m: { command: string; when: string }) => [
        m.command,
        m.when,
      ]),
    );
    for (const command of COMMANDS) {
      assert.equal(whens[command.id], command.when, command.id);
    }
  });
  it('do not clash with the server commands the language client registers', () => {
    const serverCommands = [
      'devfocus.status',
      'devfocus.report',
      'devfocus.export',
      'devfocus.data.delete',
    ];
    for (const command of COMMANDS) {
      assert.ok(!serverCommands.includes(command.id), command.id);
      assert.ok(!/^devfocus\.(tracking|task|docs|git)\./.test(command.id), command.id);
    }
  });
  it('do not clash with any command the server declares (the AI key commands included)', () => {
    const serverCommands: string[] = Object.values(protocol as Record<string, unknown>).filter(
      (value): value is string => typeof value === 'string' && /^devfocus\.[\w.]+$/.test(value),
    );
    assert.ok(serverCommands.includes('devfocus.status'));
    for (const command of COMMANDS) {
      assert.ok(!serverCommands.includes(command.id), command.id);
    }
  });
});

describe('contributes.configuration', () => {
  it('lists every server setting and the extension’s own, nothing else', () => {
    const server = serverSettings();
    assert.ok(Object.keys(server).length >= 10);
    assert.deepEqual(
      Object.keys(properties).sort(),
      [...Object.keys(server), ...CLIENT_SETTINGS].sort(),
    );
  });
  it('has the server’s names, types, defaults, enums, bounds and descriptions', () => {
    for (const [key, schema] of Object.entries(serverSettings())) {
      assert.deepEqual(properties[key], schema, key);
    }
  });
  it('describes the extension’s own settings', () => {
    for (const key of CLIENT_SETTINGS) {
      assert.equal(typeof properties[key].markdownDescription, 'string', key);
      assert.ok('default' in properties[key], key);
    }
    assert.deepEqual(properties['devfocus.trace.server'].enum, ['off', 'messages', 'verbose']);
    assert.ok(
      manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(
        'devfocus.server.command',
      ),
    );
  });
  it('keeps devfocus.git.trust out of a workspace’s own settings', () => {
    const untrusted = manifest.capabilities.untrustedWorkspaces;
    assert.equal(untrusted.supported, 'limited');
    assert.ok(untrusted.restrictedConfigurations.includes('devfocus.git.trust'));
    assert.equal(properties['devfocus.git.trust'].scope, 'machine');
    assert.equal(properties['devfocus.git.trust'].default, 'owned');
  });
});

describe('the manifest', () => {
  it('starts the bundled extension after start-up', () => {
    assert.equal(manifest.main, './client-vscode/dist/extension.js');
    assert.deepEqual(manifest.activationEvents, ['onStartupFinished']);
    assert.ok(manifest.publisher && manifest.engines.vscode);
  });
});
