// Which process serves DevFocus, and with which environment. Pure, and told the platform rather
// than reading it, so the rules of every platform are tested on any: the `vscode`-facing side
// (settings, the Python extension, spawning the probe) lives in server.ts and python.ts.

import * as path from 'node:path';

/** The oldest Python the server runs on (pyproject.toml's requires-python). */
export const MIN_PYTHON: readonly [number, number] = [3, 10];

/** What `scripts/bundle_server.py` writes next to the bundled packages (the fields read here). */
export interface BundleManifest {
  devfocus: string;
  /** The VS Code target it was built for: linux-x64, darwin-arm64, win32-x64... */
  platform: string;
  pythons: string[];
  /** Each Python version's own distributions (name → version). */
  native: Record<string, Record<string, string>>;
}

/** The platforms the launcher knows the rules of (VS Code's `process.platform` values). */
export type Platform = 'win32' | 'darwin' | 'linux';

export function platformOf(name: string): Platform {
  return name === 'win32' || name === 'darwin' ? name : 'linux';
}

/**
 * The interpreters to try, in order, when neither a setting nor the Python extension names one.
 * Windows: the `py` launcher first (python.org's installers put it on PATH, and it picks the
 * newest Python 3), then `python` (which may be the Store's stub, which fails the probe), then
 * `python3`. Elsewhere: `python3`, then `python`. After those, each version the bundle supports,
 * newest first (`py -3.13` / `python3.13`), for when the default one is too old or too new.
 */
export function pathCandidates(platform: Platform, supported: readonly string[]): string[][] {
  const defaults =
    platform === 'win32' ? [['py', '-3'], ['python'], ['python3']] : [['python3'], ['python']];
  const newestFirst = [...supported].sort((a, b) => versionOrder(b) - versionOrder(a));
  const versioned = newestFirst.map((version) =>
    platform === 'win32' ? ['py', `-${version}`] : [`python${version}`],
  );
  return [...defaults, ...versioned];
}

function versionOrder(version: string): number {
  const [major, minor] = version.split('.').map(Number);
  return major * 1000 + minor;
}

/** Whether `version` can run the server: new enough, and one the bundle has packages for. */
export function supports(
  version: [number, number, number],
  bundle: { manifest: BundleManifest } | undefined,
): boolean {
  const [major, minor] = version;
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    return false;
  }
  return !bundle || bundle.manifest.pythons.includes(`${major}.${minor}`);
}

/** Where the interpreter came from, for messages: the user should know what to change. */
export type InterpreterSource = 'setting' | 'python-extension' | 'path';

export interface Launch {
  command: string;
  args: string[];
  /** Variables added to the server's environment. */
  env: Record<string, string>;
}

/** A reason the server cannot start, worded for the notification. */
export class LaunchProblem extends Error {}

/** `3.11.4` (the probe's output) → [3, 11, 4]. */
export function parseVersion(output: string): [number, number, number] | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(output.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** The code the probe runs: prints the version, and works on any Python 2 or 3. */
export const VERSION_PROBE = 'import sys; print("%d.%d.%d" % sys.version_info[:3])';

const SOURCE_NAMES: Record<InterpreterSource, string> = {
  setting: 'the `devfocus.server.command` setting',
  'python-extension': 'the interpreter selected in the Python extension',
  path: 'the Python found on PATH',
};

/**
 * The server launch for an interpreter of `version`: `python -m devfocus serve`, with the
 * packages shipped in the extension on the module path when there is a bundle, and the bundle's
 * folder in DEVFOCUS_BUNDLE (the server unpacks the rest of its libraries from there).
 */
export function pythonLaunch(
  interpreter: string[],
  source: InterpreterSource,
  version: [number, number, number],
  bundle: { dir: string; manifest: BundleManifest } | undefined,
  inheritedPythonPath: string | undefined,
  platform: Platform = platformOf(process.platform),
): Launch {
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const [major, minor] = version;
  const shown = `${major}.${minor}.${version[2]}`;
  if (major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    throw new LaunchProblem(
      `DevFocus needs Python ${MIN_PYTHON.join('.')} or newer; ${SOURCE_NAMES[source]} is ` +
        `Python ${shown}. Select a newer interpreter or set devfocus.server.command.`,
    );
  }
  const env: Record<string, string> = {
    // The bundled packages must win over anything in the user's own site-packages.
    PYTHONNOUSERSITE: '1',
    PYTHONUTF8: '1',
    // The working directory never goes on the module path (Python 3.11+; the server drops it
    // itself on older ones): a project's `jedi.py` must not be imported in place of jedi.
    PYTHONSAFEPATH: '1',
  };
  if (bundle) {
    const tag = `${major}.${minor}`;
    if (!bundle.manifest.pythons.includes(tag)) {
      throw new LaunchProblem(
        `This DevFocus build supports Python ${bundle.manifest.pythons.join(', ')}; ` +
          `${SOURCE_NAMES[source]} is Python ${shown}. Select a supported interpreter or set ` +
          'devfocus.server.command to a DevFocus you installed with pip.',
      );
    }
    const modulePath = [
      paths.join(bundle.dir, 'native', `cp${major}${minor}`),
      paths.join(bundle.dir, 'libs'),
    ];
    if (inheritedPythonPath) {
      modulePath.push(inheritedPythonPath);
    }
    env.PYTHONPATH = modulePath.join(paths.delimiter);
    env.DEVFOCUS_BUNDLE = bundle.dir;
  }
  const [command, ...prefix] = interpreter;
  return { command, args: [...prefix, '-m', 'devfocus', 'serve'], env };
}

/** The launch for a `devfocus.server.command` the user wrote: run as given, nothing added. */
export function commandLaunch(command: readonly string[]): Launch {
  const parts = command.filter((part) => typeof part === 'string' && part.length > 0);
  if (parts.length === 0) {
    throw new LaunchProblem(
      'devfocus.server.command is empty: give the program and its arguments.',
    );
  }
  return { command: parts[0], args: parts.slice(1), env: {} };
}

/**
 * The server process's environment: the editor's own, what the launch needs, and `extra` (the AI
 * key from SecretStorage, which wins over a key the editor inherited). `extra` never replaces a
 * variable the launch sets: a key under `PYTHONPATH` would stop the server from starting.
 */
export function serverEnvironment(
  inherited: Readonly<Record<string, string | undefined>>,
  launch: Launch,
  extra: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inherited)) {
    if (value !== undefined) {
      env[name] = value;
    }
  }
  for (const [name, value] of Object.entries(extra)) {
    if (!(name in launch.env)) {
      env[name] = value;
    }
  }
  return Object.assign(env, launch.env);
}

/** Why an interpreter could not be run, from the error `child_process.execFile` gave. */
export function probeFailure(
  error: Error & { code?: string | number | null },
  interpreter: string,
  source: InterpreterSource,
): LaunchProblem {
  if (error.code === 'ENOENT') {
    return new LaunchProblem(
      `DevFocus could not find Python: ${SOURCE_NAMES[source]} (${interpreter}) does not exist. ` +
        'Install Python 3.10 or newer, select it in the Python extension, or set ' +
        'devfocus.server.command.',
    );
  }
  return new LaunchProblem(
    `DevFocus could not run ${interpreter} (${SOURCE_NAMES[source]}): ${error.message}`,
  );
}

export function sourceName(source: InterpreterSource): string {
  return SOURCE_NAMES[source];
}
