// Which process serves DevFocus, and with which environment. Pure: the `vscode`-facing side
// (settings, the Python extension, spawning the probe) lives in server.ts.

import * as path from 'node:path';

/** The oldest Python the server runs on (pyproject.toml's requires-python). */
export const MIN_PYTHON: readonly [number, number] = [3, 10];

/** What `scripts/bundle_server.py` writes next to the bundled packages. */
export interface BundleManifest {
  devfocus: string;
  platform: string;
  pythons: string[];
  /** Each Python version's own distributions (name → version). */
  native: Record<string, Record<string, string>>;
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
  path: '`python3` on PATH',
};

/**
 * The server launch for an interpreter of `version`: `python -m devfocus serve`, with the
 * packages shipped in the extension on the module path when there is a bundle.
 */
export function pythonLaunch(
  interpreter: string[],
  source: InterpreterSource,
  version: [number, number, number],
  bundle: { dir: string; manifest: BundleManifest } | undefined,
  inheritedPythonPath: string | undefined,
  delimiter: string = path.delimiter,
): Launch {
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
    const paths = [
      path.join(bundle.dir, 'native', `cp${major}${minor}`),
      path.join(bundle.dir, 'libs'),
    ];
    if (inheritedPythonPath) {
      paths.push(inheritedPythonPath);
    }
    env.PYTHONPATH = paths.join(delimiter);
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
