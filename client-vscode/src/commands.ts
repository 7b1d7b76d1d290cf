// The palette commands: each asks what it needs, runs one server command, and says what happened.

import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import { COMMANDS, CATEGORY } from './manifest';
import { docsMessage, importMessage } from './messages';
import {
  CommandArguments,
  CommandResults,
  DELETE,
  EXPORT,
  GENERATE_FILE,
  GENERATE_WORKSPACE,
  GIT_IMPORT,
  INSIGHTS,
  PAUSE,
  REPORT,
  ReportArguments,
  ReportFile,
  RESUME,
  SET_TASK,
  FOCUS_START,
  FOCUS_STOP,
  TaskArguments,
} from './protocol';
import { InsightsView } from './insights';
import { ReportViews } from './reports';
import { ServerManager } from './server';
import { FocusStatusBar } from './statusBar';
import { isWireStatus } from './status';
import { TaskCommands } from './taskCommands';
import {
  TEAM_PREVIEW,
  TEAM_PREVIEW_COMMAND,
  TEAM_PUSH,
  TEAM_PUSH_COMMAND,
  TEAM_REPORT_COMMAND,
  isPreviewResult,
  isPushResult,
  maskUrl,
  pushMessage,
} from './team';
import {
  ANNOTATE_SWITCH_COMMAND,
  LINK_PAGE_COMMAND,
  OPEN_TASK_COMMAND,
  PICK_TASK_COMMAND,
  SYNC_ISSUES_COMMAND,
} from './tasks';

type Command = keyof CommandResults;
type TaskKind = NonNullable<TaskArguments['kind']>;
/** A command's arguments: its one object, or none for a command that takes nothing. */
type ArgumentsOf<C extends Command> = C extends keyof CommandArguments ? [CommandArguments[C]] : [];
/** Commands.run, for the modules that run server commands through it. */
export type Run = <C extends Command>(
  command: C,
  ...args: ArgumentsOf<C>
) => Promise<CommandResults[C] | undefined>;

/** A `devfocus.report {open: true}` answer: the file written, and whether it was shown. */
function isWrittenReport(result: unknown): result is ReportFile {
  return typeof result === 'object' && result !== null && 'path' in result && 'shown' in result;
}

const TASK_KINDS: TaskKind[] = ['feature', 'bug', 'refactor', 'docs', 'test', 'chore'];

export class Commands {
  private readonly tasks: TaskCommands;

  constructor(
    private readonly server: ServerManager,
    private readonly statusBar: FocusStatusBar,
    private readonly reports: ReportViews,
    private readonly log: vscode.LogOutputChannel,
    private readonly insights: InsightsView,
  ) {
    this.tasks = new TaskCommands((command, ...args) => this.run(command, ...args), statusBar);
  }

  /** Handlers by command id: exactly the commands package.json contributes. */
  handlers(): Record<string, () => Promise<unknown>> {
    return {
      'devfocus.showTodayReport': () => this.report('today'),
      'devfocus.showWeeklyReport': () => this.report('week'),
      'devfocus.showStandup': () => this.report('standup'),
      'devfocus.showIssueReport': () => this.report('issues'),
      [TEAM_REPORT_COMMAND]: () => this.report('team'),
      [TEAM_PUSH_COMMAND]: () => this.teamPush(),
      [TEAM_PREVIEW_COMMAND]: () => this.teamPreview(),
      'devfocus.showInsights': () => this.insights.pick((period) => this.run(INSIGHTS, { period })),
      'devfocus.exportData': () => this.exportData(),
      'devfocus.pauseTracking': () => this.tracking('pause'),
      'devfocus.resumeTracking': () => this.tracking('resume'),
      'devfocus.setCurrentTask': () => this.setTask(),
      'devfocus.startFocusBlock': () => this.focusBlock('start'),
      'devfocus.stopFocusBlock': () => this.focusBlock('stop'),
      'devfocus.generateDocstringsInFile': () => this.docsInFile(),
      'devfocus.generateDocstringsInWorkspace': () => this.docs(GENERATE_WORKSPACE),
      'devfocus.importGitHistory': () => this.importHistory(),
      'devfocus.deleteMyData': () => this.deleteData(),
      'devfocus.showOutput': async () => this.log.show(true),
      'devfocus.restartServer': () => this.server.restart(),
      'devfocus.showMenu': () => this.menu(),
      ...this.tasks.handlers(),
    };
  }

  /** Runs `command` on the server; undefined (and one message) if it is not running or fails. */
  async run<C extends Command>(
    command: C,
    ...args: ArgumentsOf<C>
  ): Promise<CommandResults[C] | undefined> {
    return (await this.execute(command, args)) as CommandResults[C] | undefined;
  }

  /** Runs any server command, its answer unchecked (the caller checks its shape). */
  private async execute(command: string, args: unknown[]): Promise<unknown> {
    const client = this.server.client;
    if (!client || !this.server.running) {
      const choice = await vscode.window.showErrorMessage(
        'DevFocus is not running.',
        'Show output',
        'Restart Server',
      );
      if (choice === 'Show output') {
        this.log.show(true);
      } else if (choice === 'Restart Server') {
        await this.server.restart();
      }
      return undefined;
    }
    try {
      return await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args });
    } catch (error) {
      // A connection URL in the server's words never shows its password.
      const message = maskUrl(error instanceof Error ? error.message : String(error));
      this.log.error(`${command} failed: ${message}`);
      void vscode.window.showErrorMessage(`DevFocus: ${message}`);
      return undefined;
    }
  }

  /** The report rendered, with its charts: the server writes it (HTML; the standup notes as
   * Markdown) and asks to show it, which lands in the report panel (see ReportViews). The team
   * report is the team database's week, built the same way. */
  private async report(period: 'today' | 'week' | 'standup' | 'issues' | 'team'): Promise<void> {
    // The issue analytics look back 90 days: weeks opened and closed, the backlog, time to close.
    let args: ReportArguments;
    if (period === 'issues') {
      args = { period: '90d', issues: true, format: 'html', open: true };
    } else if (period === 'team') {
      args = { period: 'week', team: true, format: 'html', open: true };
    } else {
      args = { period, format: 'html', open: true };
    }
    const title =
      period === 'team' ? 'DevFocus: building the team report' : 'DevFocus: building the report';
    const file = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title },
      () => this.run(REPORT, args),
    );
    if (isWrittenReport(file) && !file.shown) {
      // The server could not ask (or was not answered): open its file here.
      await this.reports.showFile(vscode.Uri.file(file.path));
    } else if (typeof file === 'string' && file) {
      // A server that answers with the report's text rather than a file.
      await showMarkdown(file);
    }
  }

  /** Push Team Aggregates Now: what went, what waits, and why not. */
  private async teamPush(): Promise<void> {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'DevFocus: pushing team aggregates' },
      () => this.execute(TEAM_PUSH, []),
    );
    if (result === undefined) {
      return; // not running, or failed: already said
    }
    if (!isPushResult(result)) {
      this.log.error(`${TEAM_PUSH} answered something unexpected`);
      void vscode.window.showErrorMessage('DevFocus: the server did not say what it pushed.');
      return;
    }
    const { warning, text } = pushMessage(result);
    if (warning) {
      void vscode.window.showWarningMessage(text);
    } else {
      void vscode.window.showInformationMessage(text);
    }
  }

  /** Preview What the Team Sees: the server's Markdown, in the Markdown preview. */
  private async teamPreview(): Promise<void> {
    const result = await this.execute(TEAM_PREVIEW, []);
    if (result === undefined) {
      return;
    }
    if (!isPreviewResult(result)) {
      this.log.error(`${TEAM_PREVIEW} answered something unexpected`);
      void vscode.window.showErrorMessage('DevFocus: the server sent no preview.');
      return;
    }
    await showMarkdown(result.text);
  }

  private async tracking(action: 'pause' | 'resume'): Promise<void> {
    const status = await this.run(action === 'pause' ? PAUSE : RESUME);
    if (isWireStatus(status)) {
      this.statusBar.update(status, 'devfocus.showMenu');
    }
  }

  /** Starts a block of `devfocus.focusBlock.minutes` (every window shows it), or stops the
   * running one; the status notification that follows puts the countdown in the status bar. */
  private async focusBlock(action: 'start' | 'stop'): Promise<void> {
    if (action === 'start') {
      await this.run(FOCUS_START, {});
    } else if ((await this.run(FOCUS_STOP)) === null) {
      void vscode.window.showInformationMessage('DevFocus: no focus block is running.');
    }
  }

  private async setTask(): Promise<void> {
    const current = this.statusBar.current?.task;
    const title = await vscode.window.showInputBox({
      title: 'DevFocus: Set Current Task',
      prompt: 'What are you working on? It holds until you switch branches. Leave empty to clear.',
      value: current?.source === 'manual' ? current.title : '',
      placeHolder: 'e.g. Fix login redirect (ABC-123)',
    });
    if (title === undefined) {
      return;
    }
    let kind: TaskKind | undefined;
    if (title.trim()) {
      const picked = await vscode.window.showQuickPick(['(none)', ...TASK_KINDS], {
        title: 'DevFocus: kind of task',
        placeHolder: 'feature, bug, refactor…',
      });
      if (picked === undefined) {
        return;
      }
      kind = TASK_KINDS.find((k) => k === picked);
    }
    await this.run(SET_TASK, { title: title.trim(), kind: kind ?? null });
  }

  private async docsInFile(): Promise<void> {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== 'python') {
      void vscode.window.showInformationMessage('DevFocus: open a Python file first.');
      return;
    }
    const result = await this.run(GENERATE_FILE, { uri: document.uri.toString() });
    if (result) {
      void vscode.window.showInformationMessage(docsMessage(result));
    }
  }

  private async docs(command: typeof GENERATE_WORKSPACE): Promise<void> {
    const result = await this.run(command);
    if (result) {
      void vscode.window.showInformationMessage(docsMessage(result));
    }
  }

  private async importHistory(): Promise<void> {
    const result = await this.run(GIT_IMPORT);
    if (result) {
      void vscode.window.showInformationMessage(importMessage(result));
    }
  }

  private async exportData(): Promise<void> {
    const formats = [
      { label: 'JSON', description: 'every event, plus git history and tasks', format: 'json' },
      { label: 'CSV', description: 'every event, one row each', format: 'csv' },
    ] as const;
    const picked = await vscode.window.showQuickPick(formats, { title: 'DevFocus: export format' });
    if (!picked) {
      return;
    }
    const day = new Date().toISOString().slice(0, 10);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
    const target = await vscode.window.showSaveDialog({
      title: 'DevFocus: export to',
      defaultUri: vscode.Uri.file(path.join(folder, `devfocus-export-${day}.${picked.format}`)),
      filters: { [picked.label]: [picked.format] },
    });
    if (!target) {
      return;
    }
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'DevFocus: exporting' },
      () =>
        this.run(EXPORT, {
          format: picked.format,
          path: target.fsPath,
        }),
    );
    if (result) {
      const choice = await vscode.window.showInformationMessage(
        `DevFocus: exported ${result.events} events to ${result.path}.`,
        'Open',
      );
      if (choice === 'Open') {
        await vscode.window.showTextDocument(vscode.Uri.file(result.path));
      }
    }
  }

  private async deleteData(): Promise<void> {
    const choice = await vscode.window.showWarningMessage(
      'Delete all your DevFocus data?',
      {
        modal: true,
        detail:
          'Every recorded event, session, imported commit and task is erased from the DevFocus ' +
          'database. This cannot be undone. Git history is read again from your repositories ' +
          'while devfocus.git.enabled is on.',
      },
      'Delete',
    );
    if (choice !== 'Delete') {
      return;
    }
    const result = await this.run(DELETE, { confirm: true });
    if (result !== undefined) {
      this.reports.clear();
      this.insights.clear();
      void vscode.window.showInformationMessage('DevFocus: your data was deleted.');
    }
  }

  private async menu(): Promise<void> {
    const current = this.statusBar.current;
    const paused = current?.state === 'paused';
    const lastSwitch = current?.lastSwitch;
    const shown = [
      'devfocus.showTodayReport',
      'devfocus.showWeeklyReport',
      'devfocus.showStandup',
      'devfocus.showInsights',
      // A server reading a team database sends the team's figures (null while too few share).
      ...(current && 'teamDeepShareToday' in current ? [TEAM_REPORT_COMMAND] : []),
      paused ? 'devfocus.resumeTracking' : 'devfocus.pauseTracking',
      PICK_TASK_COMMAND,
      'devfocus.setCurrentTask',
      ...(current?.task?.url ? [OPEN_TASK_COMMAND] : []),
      ...(current?.task ? [LINK_PAGE_COMMAND] : []),
      ...(lastSwitch && !lastSwitch.reason ? [ANNOTATE_SWITCH_COMMAND] : []),
      this.statusBar.current?.focusBlock ? 'devfocus.stopFocusBlock' : 'devfocus.startFocusBlock',
      'devfocus.generateDocstringsInFile',
      'devfocus.importGitHistory',
      SYNC_ISSUES_COMMAND,
      'devfocus.exportData',
      'devfocus.showOutput',
    ];
    const items = shown.map((id) => ({
      label: COMMANDS.find((c) => c.id === id)?.title ?? id,
      id,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title: CATEGORY,
      placeHolder: 'DevFocus commands',
    });
    if (picked) {
      await vscode.commands.executeCommand(picked.id);
    }
  }
}

/** `text` (Markdown) in an untitled document, shown in the Markdown preview. */
async function showMarkdown(text: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
  try {
    await vscode.commands.executeCommand('markdown.showPreview', document.uri);
  } catch {
    // No Markdown preview in this editor: the text itself.
    await vscode.window.showTextDocument(document);
  }
}
