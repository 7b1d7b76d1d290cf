// Finding the Python that runs the server: the interpreter selected in the Python extension when
// it is installed (through its public API), else the first supported one on PATH (the rules per
// platform are launch.ts's pathCandidates); and asking it its version.

import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import {
  BundleManifest,
  InterpreterSource,
  LaunchProblem,
  VERSION_PROBE,
  parseVersion,
  pathCandidates,
  platformOf,
  probeFailure,
  supports,
} from './launch';

export interface Interpreter {
  command: string[];
  source: InterpreterSource;
}

// The parts of the Python extension's API used here (its `environments` API, with the older
// `settings.getExecutionDetails` as a fallback).
interface PythonApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(env: {
      path: string;
    }): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
  settings?: {
    getExecutionDetails?(resource?: vscode.Uri): { execCommand: string[] | undefined };
  };
}

const PYTHON_EXTENSION = 'ms-python.python';

async function pythonApi(log: vscode.LogOutputChannel): Promise<PythonApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonApi>(PYTHON_EXTENSION);
  if (!extension) {
    return undefined;
  }
  try {
    return extension.isActive ? extension.exports : await extension.activate();
  } catch (error) {
    log.warn(`the Python extension did not activate: ${String(error)}`);
    return undefined;
  }
}

/** The interpreter selected in the Python extension, if it is installed and has one. */
export async function selectedInterpreter(
  log: vscode.LogOutputChannel,
  resource?: vscode.Uri,
): Promise<Interpreter | undefined> {
  const api = await pythonApi(log);
  try {
    const environments = api?.environments;
    if (environments) {
      const env = await environments.resolveEnvironment(
        environments.getActiveEnvironmentPath(resource),
      );
      const executable = env?.executable?.uri?.fsPath;
      if (executable) {
        return { command: [executable], source: 'python-extension' };
      }
    }
    const command = api?.settings?.getExecutionDetails?.(resource).execCommand;
    if (command && command.length > 0) {
      return { command, source: 'python-extension' };
    }
  } catch (error) {
    log.warn(`could not read the Python extension's interpreter: ${String(error)}`);
  }
  return undefined;
}

/**
 * The first interpreter on PATH that can run the server (pathCandidates' order for this
 * platform), with its version; a LaunchProblem naming what was found when none can.
 */
export async function pathInterpreter(
  log: vscode.LogOutputChannel,
  bundle: { manifest: BundleManifest } | undefined,
): Promise<{ interpreter: Interpreter; version: [number, number, number] }> {
  const supported = bundle?.manifest.pythons ?? [];
  const found: string[] = [];
  let firstProblem: LaunchProblem | undefined;
  for (const command of pathCandidates(platformOf(process.platform), supported)) {
    const interpreter: Interpreter = { command, source: 'path' };
    try {
      const version = await probeVersion(interpreter);
      if (supports(version, bundle)) {
        return { interpreter, version };
      }
      found.push(`${command.join(' ')} (Python ${version.join('.')})`);
    } catch (error) {
      firstProblem ??= error instanceof LaunchProblem ? error : undefined;
      log.debug(`${command.join(' ')}: ${String(error)}`);
    }
  }
  if (found.length === 0 && firstProblem) {
    throw firstProblem;
  }
  const wanted = supported.length > 0 ? supported.join(', ') : '3.10 or newer';
  throw new LaunchProblem(
    `DevFocus needs Python ${wanted}` +
      (found.length > 0 ? `; found only ${found.join(', ')} on PATH` : ' and found none on PATH') +
      '. Install one, select it in the Python extension, or set devfocus.server.command.',
  );
}

/** Fires when the interpreter selected in the Python extension changes. */
export async function onInterpreterChange(
  log: vscode.LogOutputChannel,
  listener: () => void,
): Promise<vscode.Disposable | undefined> {
  const event = (await pythonApi(log))?.environments?.onDidChangeActiveEnvironmentPath;
  return event ? event(() => listener()) : undefined;
}

const PROBE_TIMEOUT_MS = 15_000;

/** The interpreter's version, or a LaunchProblem saying why it could not be run. */
export function probeVersion(interpreter: Interpreter): Promise<[number, number, number]> {
  const [command, ...prefix] = interpreter.command;
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...prefix, '-c', VERSION_PROBE],
      { timeout: PROBE_TIMEOUT_MS, windowsHide: true },
      (error, stdout) => {
        if (error) {
          reject(probeFailure(error, command, interpreter.source));
          return;
        }
        const version = parseVersion(stdout);
        if (version === undefined) {
          reject(
            new LaunchProblem(
              `DevFocus could not tell the version of ${command}: it printed ${JSON.stringify(stdout.slice(0, 80))}`,
            ),
          );
          return;
        }
        resolve(version);
      },
    );
  });
}
