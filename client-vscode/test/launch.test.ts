import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BundleManifest,
  LaunchProblem,
  commandLaunch,
  parseVersion,
  pathCandidates,
  platformOf,
  probeFailure,
  pythonLaunch,
  serverEnvironment,
  supports,
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
    const launch = pythonLaunch(
      ['/usr/bin/python3'],
      'path',
      [3, 12, 1],
      bundle,
      undefined,
      'linux',
    );
    assert.equal(launch.command, '/usr/bin/python3');
    assert.deepEqual(launch.args, ['-m', 'devfocus', 'serve']);
    assert.equal(launch.env.PYTHONPATH, '/ext/bundled/native/cp312:/ext/bundled/libs');
    assert.equal(launch.env.DEVFOCUS_BUNDLE, '/ext/bundled'); // where the rest is unpacked from
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
      'darwin',
    );
    assert.equal(launch.command, 'py');
    assert.deepEqual(launch.args, ['-3.11', '-m', 'devfocus', 'serve']);
    assert.equal(launch.env.PYTHONPATH, '/ext/bundled/native/cp311:/ext/bundled/libs:/mine');
  });
  it('adds no module path without a bundle (a source checkout)', () => {
    const launch = pythonLaunch(['python3'], 'path', [3, 11, 0], undefined, undefined);
    assert.equal(launch.env.PYTHONPATH, undefined);
    assert.equal(launch.env.DEVFOCUS_BUNDLE, undefined);
  });
  it('refuses Python older than 3.10 and names where it came from', () => {
    assert.throws(
      () => pythonLaunch(['python3'], 'path', [3, 9, 18], bundle, undefined),
      (error: unknown) =>
        error instanceof LaunchProblem &&
        /needs Python 3\.10 or newer/.test(error.message) &&
        /Python found on PATH is Python 3\.9\.18/.test(error.message),
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

describe('the launch on Windows', () => {
  const windows = { dir: 'C:\\Users\\me\\.vscode\\extensions\\devfocus\\bundled', manifest };
  it('joins the module path with Windows separators and `;`', () => {
    const launch = pythonLaunch(
      ['C:\\Python312\\python.exe'],
      'python-extension',
      [3, 12, 4],
      windows,
      'D:\\mine',
      'win32',
    );
    assert.equal(launch.command, 'C:\\Python312\\python.exe');
    assert.equal(
      launch.env.PYTHONPATH,
      [
        'C:\\Users\\me\\.vscode\\extensions\\devfocus\\bundled\\native\\cp312',
        'C:\\Users\\me\\.vscode\\extensions\\devfocus\\bundled\\libs',
        'D:\\mine',
      ].join(';'),
    );
    assert.equal(launch.env.DEVFOCUS_BUNDLE, windows.dir);
  });
  it('runs the `py` launcher with its version argument first', () => {
    const launch = pythonLaunch(['py', '-3'], 'path', [3, 13, 1], windows, undefined, 'win32');
    assert.equal(launch.command, 'py');
    assert.deepEqual(launch.args, ['-3', '-m', 'devfocus', 'serve']);
  });
});

describe('pathCandidates', () => {
  const supported = ['3.10', '3.11', '3.12', '3.13', '3.14'];
  it('tries the py launcher first on Windows, then python, then each version newest first', () => {
    assert.deepEqual(pathCandidates('win32', supported), [
      ['py', '-3'],
      ['python'],
      ['python3'],
      ['py', '-3.14'],
      ['py', '-3.13'],
      ['py', '-3.12'],
      ['py', '-3.11'],
      ['py', '-3.10'],
    ]);
  });
  for (const platform of ['linux', 'darwin'] as const) {
    it(`tries python3, python, then python3.X newest first on ${platform}`, () => {
      assert.deepEqual(pathCandidates(platform, ['3.10', '3.12', '3.11']), [
        ['python3'],
        ['python'],
        ['python3.12'],
        ['python3.11'],
        ['python3.10'],
      ]);
    });
  }
  it('has only the defaults without a bundle', () => {
    assert.deepEqual(pathCandidates('linux', []), [['python3'], ['python']]);
  });
  it('knows the three platforms and treats others as Linux-like', () => {
    assert.equal(platformOf('win32'), 'win32');
    assert.equal(platformOf('darwin'), 'darwin');
    assert.equal(platformOf('freebsd'), 'linux');
  });
});

describe('supports', () => {
  it('takes a version the bundle has packages for, and any 3.10+ without a bundle', () => {
    assert.equal(supports([3, 12, 0], bundle), true);
    assert.equal(supports([3, 15, 0], bundle), false);
    assert.equal(supports([3, 9, 18], bundle), false);
    assert.equal(supports([3, 15, 0], undefined), true);
    assert.equal(supports([3, 9, 18], undefined), false);
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
  const launch = pythonLaunch(['python3'], 'path', [3, 12, 0], bundle, undefined, 'linux');
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
