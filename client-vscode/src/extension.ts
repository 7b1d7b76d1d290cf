// DevFocus for VS Code: starts the language server, shows the focus timer, offers the commands.
// Everything the extension shows comes from the server; there is no tracking logic here.

import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import {
  AIKeys,
  CLEAR_KEY_COMMAND,
  KeyPrompts,
  KeyProvider,
  KeySettings,
  PROVIDER_NAMES,
  SET_KEY_COMMAND,
  keyProblem,
} from './aiKey';
import { Commands } from './commands';
import {
  CONNECT_GITHUB_COMMAND,
  CONNECT_JIRA_COMMAND,
  DISCONNECT_GITHUB_COMMAND,
  DISCONNECT_JIRA_COMMAND,
  TRACKER_NAMES,
  TrackerPrompts,
  TrackerSettings,
  TrackerTokens,
  emailProblem,
  siteProblem,
  tokenProblem,
} from './trackers';
import {
  CONNECT_TEAM_COMMAND,
  DISCONNECT_TEAM_COMMAND,
  TEAM_PREVIEW_COMMAND,
  TEAM_PUSH_COMMAND,
  TeamConnection,
  TeamPrompts,
  teamUrlProblem,
} from './team';
import { SYNC_ISSUES_COMMAND } from './tasks';
import { RUNNING_CONTEXT } from './manifest';
import { onInterpreterChange } from './python';
import { InsightsView } from './insights';
import { ReportViews, isReportFile } from './reports';
import { CLIENT_ID, ServerManager } from './server';
import { FocusStatusBar } from './statusBar';
import {
  ACTIVE_EDITOR,
  ActiveEditorParams,
  WINDOW_STATE,
  WORKSPACE_TRUST,
  WindowStateParams,
  WorkspaceTrustParams,
} from './protocol';
import { isWireStatus } from './status';

const MENU = 'devfocus.showMenu';
const SETTINGS_QUERY = '@ext:devfocus.devfocus';

let manager: ServerManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('DevFocus', { log: true });
  const statusBar = new FocusStatusBar(MENU);
  const reports = new ReportViews(log);
  const insights = new InsightsView();
  context.subscriptions.push(log, statusBar, reports, insights);

  // The server asks the keys for its environment at each start; the keys restart the server.
  const keys: AIKeys = new AIKeys(
    context.secrets,
    aiSettings,
    keyPrompts(),
    (): Promise<void> => server.restart(),
    (message) => log.info(message),
  );
  // The trackers' tokens likewise: they reach the server in its environment, over any the
  // editor inherited.
  const tokens: TrackerTokens = new TrackerTokens(
    context.secrets,
    trackerSettings,
    trackerPrompts(),
    (): Promise<void> => server.restart(),
    (message) => log.info(message),
    process.env,
  );
  // And the team database's URL (with its password), which the administrator handed out.
  const team: TeamConnection = new TeamConnection(
    context.secrets,
    teamPrompts(),
    (): Promise<void> => server.restart(),
    (message) => log.info(message),
    process.env,
  );
  const secrets = [keys, tokens, team];
  const server = new ServerManager(context, log, {
    environment: async () => {
      let env: Record<string, string> = {};
      for (const secret of secrets) {
        env = { ...env, ...(await secret.environment()) };
      }
      return env;
    },
    starting: () => {
      void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, false);
      statusBar.starting();
    },
    started: (client) => {
      void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, true);
      sendWindowState(client, vscode.window.state.focused);
      sendActiveEditor(client, vscode.window.activeTextEditor);
      // Trust granted while the server was starting reaches it too.
      sendWorkspaceTrust(client, vscode.workspace.isTrusted);
    },
    status: (status) => {
      if (isWireStatus(status)) {
        statusBar.update(status, MENU);
      }
    },
    // The server's report files open rendered, in the report panel, not in a browser.
    showDocument: async (uri) => isReportFile(uri) && (await reports.showFile(uri)),
    failed: (reason) => {
      void vscode.commands.executeCommand('setContext', RUNNING_CONTEXT, false);
      statusBar.stopped(reason, 'devfocus.showOutput');
      void showFailure(reason, log);
    },
  });
  manager = server;
  context.subscriptions.push(server);
  context.subscriptions.push(
    vscode.commands.registerCommand(SET_KEY_COMMAND, () => keys.set()),
    vscode.commands.registerCommand(CLEAR_KEY_COMMAND, () => keys.clear()),
    vscode.commands.registerCommand(CONNECT_GITHUB_COMMAND, () => tokens.connect('github')),
    vscode.commands.registerCommand(CONNECT_JIRA_COMMAND, () => tokens.connect('jira')),
    vscode.commands.registerCommand(DISCONNECT_GITHUB_COMMAND, () => tokens.disconnect('github')),
    vscode.commands.registerCommand(DISCONNECT_JIRA_COMMAND, () => tokens.disconnect('jira')),
    vscode.commands.registerCommand(CONNECT_TEAM_COMMAND, () => team.connect()),
    vscode.commands.registerCommand(DISCONNECT_TEAM_COMMAND, () => team.disconnect()),
    // Secrets are shared by every window: a key, token or URL set or cleared in another one
    // reaches this window's server too.
    context.secrets.onDidChange((event) => {
      for (const secret of secrets) {
        if (secret.owns(event.key)) {
          void secret.refresh();
        }
      }
    }),
  );

  const commands = new Commands(server, statusBar, reports, log, insights);
  for (const [id, run] of Object.entries(commands.handlers())) {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  }

  context.subscriptions.push(
    vscode.window.onDidChangeWindowState((state) =>
      whenRunning(server, (c) => sendWindowState(c, state.focused)),
    ),
    vscode.window.onDidChangeActiveTextEditor((editor) =>
      whenRunning(server, (c) => sendActiveEditor(c, editor)),
    ),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (server.restrictedLaunch) {
        log.info('the workspace is trusted: starting the server on its own interpreter');
        void server.restart();
        return;
      }
      // Git features turn on in the running server: no restart.
      whenRunning(server, (c) => sendWorkspaceTrust(c, true));
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // Settings the server reads reach it through workspace/didChangeConfiguration; only the
      // command that starts it needs a new process.
      if (event.affectsConfiguration(`${CLIENT_ID}.server.command`)) {
        log.info('devfocus.server.command changed: restarting the server');
        void server.restart();
      } else if (
        event.affectsConfiguration(`${CLIENT_ID}.ai.provider`) ||
        event.affectsConfiguration(`${CLIENT_ID}.ai.apiKeyEnv`)
      ) {
        // Another provider's key, or the same key under another variable: a new process.
        void keys.refresh();
      }
    }),
  );
  const interpreterChanges = await onInterpreterChange(log, () => {
    const configured =
      vscode.workspace.getConfiguration(CLIENT_ID).get<string[]>('server.command') ?? [];
    if (configured.length === 0) {
      log.info('the Python interpreter changed: restarting the server');
      void server.restart();
    }
  });
  if (interpreterChanges) {
    context.subscriptions.push(interpreterChanges);
  }
  // Not awaited: activation finishes at once and the item shows the server starting.
  void server.start();
}

export async function deactivate(): Promise<void> {
  await manager?.stop();
}

function whenRunning(server: ServerManager, send: (client: LanguageClient) => void): void {
  if (server.client && server.running) {
    send(server.client);
  }
}

function sendWindowState(client: LanguageClient, focused: boolean): void {
  const params: WindowStateParams = { focused };
  void client.sendNotification(WINDOW_STATE, params);
}

function sendWorkspaceTrust(client: LanguageClient, trusted: boolean): void {
  const params: WorkspaceTrustParams = { trusted };
  void client.sendNotification(WORKSPACE_TRUST, params);
}

function sendActiveEditor(client: LanguageClient, editor: vscode.TextEditor | undefined): void {
  const uri = editor?.document.uri;
  // Output panels and other virtual documents are not somewhere the user works.
  const params: ActiveEditorParams = { uri: uri?.scheme === 'file' ? uri.toString() : null };
  void client.sendNotification(ACTIVE_EDITOR, params);
}

/** The AI settings the key depends on: the window's provider and every folder's. */
function aiSettings(): KeySettings {
  const window = vscode.workspace.getConfiguration(CLIENT_ID);
  const provider = window.get<string>('ai.provider') ?? 'none';
  const folders = (vscode.workspace.workspaceFolders ?? []).map(
    (folder) =>
      vscode.workspace.getConfiguration(CLIENT_ID, folder.uri).get<string>('ai.provider') ?? 'none',
  );
  return {
    provider,
    providers: [provider, ...folders],
    apiKeyEnv: window.get<string>('ai.apiKeyEnv') ?? '',
  };
}

/** What Set and Clear AI API Key ask and say, with VS Code's widgets. */
function keyPrompts(): KeyPrompts {
  return {
    pickProvider: async (choices, action) => {
      const items = choices.map((provider) => ({
        label: PROVIDER_NAMES[provider],
        description: provider,
        provider,
      }));
      const picked = await vscode.window.showQuickPick(items, {
        title: action === 'set' ? 'DevFocus: whose API key?' : 'DevFocus: remove which API key?',
        placeHolder:
          action === 'set'
            ? 'The provider the key is for (devfocus.ai.provider)'
            : "The key is removed from VS Code's secret storage",
      });
      return picked?.provider;
    },
    askKey: (provider: KeyProvider) =>
      Promise.resolve(
        vscode.window.showInputBox({
          title: `DevFocus: ${PROVIDER_NAMES[provider]} API key`,
          prompt:
            "Kept in VS Code's secret storage and handed to the DevFocus server when it starts; " +
            'never written to your settings.',
          password: true,
          ignoreFocusOut: true,
          validateInput: (value) => (value.trim() ? keyProblem(value) : null),
        }),
      ),
    tell: (message, ...buttons) =>
      Promise.resolve(vscode.window.showInformationMessage(message, ...buttons)),
    useProvider: (provider) =>
      Promise.resolve(
        vscode.workspace
          .getConfiguration(CLIENT_ID)
          .update('ai.provider', provider, vscode.ConfigurationTarget.Global),
      ),
  };
}

/** The `devfocus.issues.*` settings Connect GitHub and Connect Jira read. */
function trackerSettings(): TrackerSettings {
  const config = vscode.workspace.getConfiguration(CLIENT_ID);
  return {
    githubEnabled: config.get<boolean>('issues.github.enabled') ?? false,
    githubApiUrl: config.get<string>('issues.github.apiUrl') ?? '',
    jiraUrl: config.get<string>('issues.jira.url') ?? '',
    jiraEmail: config.get<string>('issues.jira.email') ?? '',
  };
}

/** What Connect GitHub and Connect Jira ask and say, with VS Code's widgets. */
function trackerPrompts(): TrackerPrompts {
  return {
    askToken: (tracker, host) =>
      Promise.resolve(
        vscode.window.showInputBox({
          title: `DevFocus: ${TRACKER_NAMES[tracker]} token for ${host}`,
          prompt:
            (tracker === 'github'
              ? 'A personal access token that can read issues. '
              : 'An API token of your Atlassian account. ') +
            "Kept in VS Code's secret storage and handed to the DevFocus server when it starts; " +
            'never written to your settings.',
          password: true,
          ignoreFocusOut: true,
          validateInput: (value) => (value.trim() ? tokenProblem(value) : null),
        }),
      ),
    askSite: () =>
      Promise.resolve(
        vscode.window.showInputBox({
          title: 'DevFocus: your Jira site',
          prompt: 'Saved as devfocus.issues.jira.url in your user settings.',
          placeHolder: 'https://acme.atlassian.net',
          ignoreFocusOut: true,
          validateInput: (value) => (value.trim() ? siteProblem(value) : null),
        }),
      ),
    askEmail: (site) =>
      Promise.resolve(
        vscode.window.showInputBox({
          title: `DevFocus: your Atlassian account's email on ${site}`,
          prompt: "The token's user. Saved as devfocus.issues.jira.email in your user settings.",
          placeHolder: 'you@example.com',
          ignoreFocusOut: true,
          validateInput: (value) => (value.trim() ? emailProblem(value) : null),
        }),
      ),
    tell: (message, ...buttons) =>
      Promise.resolve(vscode.window.showInformationMessage(message, ...buttons)),
    write: (setting, value) =>
      Promise.resolve(
        vscode.workspace
          .getConfiguration(CLIENT_ID)
          .update(setting, value, vscode.ConfigurationTarget.Global),
      ),
    sync: async () => {
      await vscode.commands.executeCommand(SYNC_ISSUES_COMMAND);
    },
  };
}

/** What Connect and Disconnect Team Database ask and say, with VS Code's widgets. */
function teamPrompts(): TeamPrompts {
  return {
    askUrl: () =>
      Promise.resolve(
        vscode.window.showInputBox({
          title: 'DevFocus: team database URL',
          prompt:
            "The connection URL your team's administrator gave you " +
            "(postgresql://name:password@host:port/database). Kept in VS Code's secret storage " +
            'and handed to the DevFocus server when it starts; never written to your settings.',
          placeHolder: 'postgresql://name:password@host:5432/database',
          password: true,
          ignoreFocusOut: true,
          validateInput: (value) => (value.trim() ? teamUrlProblem(value) : null),
        }),
      ),
    tell: (message, ...buttons) =>
      Promise.resolve(vscode.window.showInformationMessage(message, ...buttons)),
    preview: async () => {
      await vscode.commands.executeCommand(TEAM_PREVIEW_COMMAND);
    },
    share: async () => {
      await vscode.commands.executeCommand(TEAM_PUSH_COMMAND);
    },
  };
}

async function showFailure(reason: string, log: vscode.LogOutputChannel): Promise<void> {
  const choice = await vscode.window.showErrorMessage(reason, 'Show output', 'Open settings');
  if (choice === 'Show output') {
    log.show(true);
  } else if (choice === 'Open settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', SETTINGS_QUERY);
  }
}
