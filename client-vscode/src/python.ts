// Finding the Python that runs the server: the interpreter selected in the Python extension when
// it is installed (through its public API), else python3 on PATH; and asking it its version.

import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import {
  InterpreterSource,
  LaunchProblem,
  VERSION_PROBE,
  parseVersion,
  probeFailure,
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

/** The interpreter to run the server with, and where it came from. */
export async function findInterpreter(
  log: vscode.LogOutputChannel,
  resource?: vscode.Uri,
): Promise<Interpreter> {
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
  return pathInterpreter();
}

/** `python3` (`python` on Windows) from PATH. */
export function pathInterpreter(): Interpreter {
  return { command: [process.platform === 'win32' ? 'python' : 'python3'], source: 'path' };
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
