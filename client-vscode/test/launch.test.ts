import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BundleManifest,
  LaunchProblem,
  commandLaunch,
  parseVersion,
  probeFailure,
  pythonLaunch,
  serverEnvironment,
} from '../src/launch';

const manifest: BundleManifest = {
  devfocus: '0.1.0',
  platform: 'linux-x64',
  pythons: ['3.10', '3.11', '3.12', '3.13', '3.14'],
  native: { '3.12': { libcst: '1.9.0' } },
};
const bundle = { dir: '/ext/bundled', manifest };

describe('parseVersion', () => {
  it('reads the probe output', () => {
    assert.deepEqual(parseVersion('3.11.4\n'), [3, 11, 4]);
    assert.equal(parseVersion('Python was not found'), undefined);
  });
});

describe('pythonLaunch', () => {
  it('runs the bundled server with this version’s compiled packages first', () => {
    const launch = pythonLaunch(['/usr/bin/python3'], 'path', [3, 12, 1], bundle, undefined, ':');
    assert.equal(launch.command, '/usr/bin/python3');
    assert.deepEqual(launch.args, ['-m', 'devfocus', 'serve']);
    assert.equal(launch.env.PYTHONPATH, '/ext/bundled/native/cp312:/ext/bundled/libs');
    assert.equal(launch.env.PYTHONNOUSERSITE, '1');
    assert.equal(launch.env.PYTHONSAFEPATH, '1'); // no project file shadows a library
  });
  it('keeps the interpreter’s own arguments and the inherited module path last', () => {
    const launch = pythonLaunch(
      ['py', '-3.11'],
      'python-extension',
      [3, 11, 0],
      bundle,
      '/mine',
      ':',
    );
    assert.equal(launch.command, 'py');
    assert.deepEqual(launch.args, ['-3.11', '-m', 'devfocus', 'serve']);
    assert.equal(launch.env.PYTHONPATH, '/ext/bundled/native/cp311:/ext/bundled/libs:/mine');
  });
  it('adds no module path without a bundle (a source checkout)', () => {
    const launch = pythonLaunch(['python3'], 'path', [3, 11, 0], undefined, undefined);
    assert.equal(launch.env.PYTHONPATH, undefined);
  });
  it('refuses Python older than 3.10 and names where it came from', () => {
    assert.throws(
      () => pythonLaunch(['python3'], 'path', [3, 9, 18], bundle, undefined),
      (error: unknown) =>
        error instanceof LaunchProblem &&
        /needs Python 3\.10 or newer/.test(error.message) &&
        /python3` on PATH is Python 3\.9\.18/.test(error.message),
    );
    assert.throws(
      () => pythonLaunch(['python'], 'path', [2, 7, 18], bundle, undefined),
      LaunchProblem,
    );
  });
  it('refuses a version the bundle has no compiled packages for', () => {
    assert.throws(
      () => pythonLaunch(['python3'], 'python-extension', [3, 15, 0], bundle, undefined),
      (error: unknown) =>
        error instanceof LaunchProblem &&
        /supports Python 3\.10, 3\.11/.test(error.message) &&
        /Python extension is Python 3\.15\.0/.test(error.message),
    );
  });
});

describe('commandLaunch', () => {
  it('runs the setting as written', () => {
    assert.deepEqual(commandLaunch(['/venv/bin/devfocus', 'serve']), {
      command: '/venv/bin/devfocus',
      args: ['serve'],
      env: {},
    });
  });
  it('refuses an empty command', () => {
    assert.throws(() => commandLaunch(['', '']), LaunchProblem);
  });
});

describe('probeFailure', () => {
  it('says the interpreter is missing, and how to fix it', () => {
    const error = Object.assign(new Error('spawn python3 ENOENT'), { code: 'ENOENT' });
    const problem = probeFailure(error, 'python3', 'path');
    assert.match(problem.message, /could not find Python/);
    assert.match(problem.message, /devfocus\.server\.command/);
  });
});

describe('serverEnvironment', () => {
  const launch = pythonLaunch(['python3'], 'path', [3, 12, 0], bundle, undefined, ':');
  it('adds the AI key to the editor’s environment, over a key the editor inherited', () => {
    const env = serverEnvironment(
      { PATH: '/usr/bin', ANTHROPIC_API_KEY: 'old', UNSET: undefined },
      launch,
      { ANTHROPIC_API_KEY: 'stored' },
    );
    assert.equal(env.ANTHROPIC_API_KEY, 'stored');
    assert.equal(env.PATH, '/usr/bin');
    assert.equal(env.PYTHONPATH, launch.env.PYTHONPATH);
    assert.ok(!('UNSET' in env));
  });
  it('keeps the inherited key when none is stored', () => {
    const env = serverEnvironment({ OPENAI_API_KEY: 'from-shell' }, launch, {});
    assert.equal(env.OPENAI_API_KEY, 'from-shell');
  });
  it('never lets a key replace a variable the launch needs', () => {
    const env = serverEnvironment({}, launch, { PYTHONPATH: 'sk-key', PYTHONSAFEPATH: 'x' });
    assert.equal(env.PYTHONPATH, '/ext/bundled/native/cp312:/ext/bundled/libs');
    assert.equal(env.PYTHONSAFEPATH, '1');
  });
});
