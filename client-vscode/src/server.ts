// Starting, restarting and stopping the language server, and telling the user plainly when it
// cannot run.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  ResponseError,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import {
  BundleManifest,
  Launch,
  LaunchProblem,
  commandLaunch,
  pythonLaunch,
  serverEnvironment,
  sourceName,
} from './launch';
import { STATUS } from './protocol';
import { Interpreter, pathInterpreter, probeVersion, selectedInterpreter } from './python';
import { RestartBudget } from './restarts';
import { initializationOptions, interpreterAllowed } from './trust';

export const CLIENT_ID = 'devfocus';

/** A LanguageClient whose failures are reported by the extension, once, in its own words. */
class DevFocusClient extends LanguageClient {
  override error(message: string, data?: unknown): void {
    super.error(message, data, false);
  }
}

export interface ServerEvents {
  /** A server is being started (first, again by hand, or after a crash). */
  starting(): void;
  /** The server answered `initialize`: wire up notifications that need a running client. */
  started(client: LanguageClient): void;
  /** The server is not running and will not be restarted without the user. */
  failed(reason: string): void;
  /** A `devfocus/status` notification. */
  status(params: unknown): void;
  /** The server asks to show a document: true if the extension showed it itself. */
  showDocument?(uri: vscode.Uri): Promise<boolean>;
  /** Variables added to the server's environment at each start (the AI key); never logged. */
  environment?(): Promise<Record<string, string>>;
}

/** Reads the bundled server's manifest; none when running from a source checkout. */
export function readBundle(
  extensionPath: string,
): { dir: string; manifest: BundleManifest } | undefined {
  const dir = path.join(extensionPath, 'bundled');
  try {
    const manifest = JSON.parse(
      fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'),
    ) as BundleManifest;
    return { dir, manifest };
  } catch {
    return undefined;
  }
}

export class ServerManager implements vscode.Disposable {
  client: LanguageClient | undefined;
  /** Whether the current client's server ever answered `initialize`: if not, a close is a failed
   * start, which start() reports, not a crash to restart from. */
  private initialized = false;
  private readonly budget = new RestartBudget();
  private starting: Promise<void> | undefined;
  /** The server runs on another interpreter than the Python extension's, which lives in this
   * untrusted workspace: trusting the workspace starts it again on that one. */
  restrictedLaunch = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly events: ServerEvents,
  ) {}

  get running(): boolean {
    return this.client?.isRunning() ?? false;
  }

  /** Starts the server (again); one at a time. */
  start(): Promise<void> {
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  async restart(): Promise<void> {
    this.budget.reset();
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try {
        await client.stop(5000);
      } catch (error) {
        this.log.warn(`the server did not stop cleanly: ${String(error)}`);
      }
      await client.dispose(0).catch(() => undefined);
    }
  }

  private async doStart(): Promise<void> {
    this.events.starting();
    let launch: Launch;
    try {
      launch = await this.resolveLaunch();
    } catch (error) {
      this.fail(
        error instanceof LaunchProblem
          ? error.message
          : `DevFocus could not start: ${String(error)}`,
      );
      return;
    }
    const extra = (await this.events.environment?.()) ?? {};
    this.log.info(`starting the server: ${[launch.command, ...launch.args].join(' ')}`);
    const client = this.createClient(launch, extra);
    this.client = client;
    this.initialized = false;
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      await client.dispose(0).catch(() => undefined);
      this.fail(
        `The DevFocus server stopped while starting (${launch.command}): ${errorText(error)}. ` +
          'The output has its messages.',
      );
    }
  }

  private async resolveLaunch(): Promise<Launch> {
    const config = vscode.workspace.getConfiguration(CLIENT_ID);
    const command = config.get<string[]>('server.command') ?? [];
    if (command.length > 0) {
      this.log.info(`using ${sourceName('setting')}`);
      return commandLaunch(command);
    }
    const bundle = readBundle(this.context.extensionPath);
    if (!bundle) {
      this.log.info(
        'no bundled server in the extension: the interpreter must have DevFocus installed',
      );
    }
    let selected = await selectedInterpreter(this.log, vscode.workspace.workspaceFolders?.[0]?.uri);
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const trusted = vscode.workspace.isTrusted;
    this.restrictedLaunch =
      selected !== undefined && !interpreterAllowed(selected.command[0], trusted, folders);
    if (this.restrictedLaunch && selected) {
      this.log.warn(
        `${selected.command[0]} is inside this workspace, which is not trusted: the server ` +
          'runs on a Python from PATH until you trust it',
      );
      selected = undefined;
    }
    let interpreter: Interpreter;
    let version: [number, number, number];
    if (selected) {
      interpreter = selected;
      version = await probeVersion(selected);
    } else {
      ({ interpreter, version } = await pathInterpreter(this.log, bundle));
    }
    this.log.info(
      `Python ${version.join('.')} from ${sourceName(interpreter.source)}: ${interpreter.command.join(' ')}`,
    );
    return pythonLaunch(
      interpreter.command,
      interpreter.source,
      version,
      bundle,
      process.env.PYTHONPATH,
    );
  }

  private createClient(launch: Launch, extra: Record<string, string>): LanguageClient {
    const serverOptions: ServerOptions = {
      command: launch.command,
      args: launch.args,
      // No `transport`: the client would add `--stdio`, and stdio is the server's default anyway.
      // Started in the extension's folder, not the workspace: nothing of the project is on the
      // server's module path, whatever the command.
      // `extra` (the AI key) goes only into the process's environment, never into a message.
      options: {
        cwd: this.context.extensionPath,
        env: serverEnvironment(process.env, launch, extra),
      },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file' }, // activity: every file the user works on
        { scheme: 'file', language: 'python' }, // docstrings
        { language: 'git-commit' }, // commit coaching
      ],
      // Asked at each start: in Restricted Mode the server runs no git until trust is granted.
      initializationOptions: () => initializationOptions(vscode.workspace.isTrusted),
      outputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      middleware: {
        window: {
          showDocument: async (params, next) => {
            if (await this.events.showDocument?.(vscode.Uri.parse(params.uri))) {
              return { success: true };
            }
            const shown = await next(params, new vscode.CancellationTokenSource().token);
            return shown instanceof ResponseError ? { success: false } : shown;
          },
        },
      },
      errorHandler: {
        error: (): ErrorHandlerResult => ({ action: ErrorAction.Continue, handled: true }),
        closed: (): CloseHandlerResult => this.closed(),
      },
    };
    const client = new DevFocusClient(CLIENT_ID, 'DevFocus', serverOptions, clientOptions);
    client.onNotification(STATUS, (params: unknown) => this.events.status(params));
    // Also after a restart that the client does by itself, following a crash.
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Running && this.client === client) {
        this.initialized = true;
        this.events.started(client);
      }
    });
    return client;
  }

  private closed(): CloseHandlerResult {
    if (!this.initialized) {
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    if (this.budget.crashed(Date.now())) {
      this.log.warn('the server stopped unexpectedly; starting it again');
      this.events.starting();
      return { action: CloseAction.Restart, handled: true };
    }
    const { limit, windowMs } = this.budget;
    this.fail(
      `The DevFocus server stopped ${limit + 1} times in ${windowMs / 60000} minutes, so it was not ` +
        'started again. The output has its messages; Restart Server tries again.',
    );
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  private fail(reason: string): void {
    this.log.error(reason);
    this.events.failed(reason);
  }

  dispose(): void {
    void this.stop();
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
