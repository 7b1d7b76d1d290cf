// The task commands: Sync Issues, Pick Task, Open Task in Browser, Link Page to Task, and the
// "why did you switch?" quick pick. Each asks what it needs, runs one server command, and says
// what happened; the lists and words come from tasks.ts.

import * as vscode from 'vscode';
import type { Run } from './commands';
import {
  ISSUES_SYNC,
  SET_TASK,
  SWITCH_ANNOTATE,
  TASK_LINK,
  TASKS_LIST,
  TaskListResult,
  WireTask,
} from './protocol';
import { FocusStatusBar } from './statusBar';
import { timeOfDay } from './status';
import {
  ANNOTATE_SWITCH_COMMAND,
  LINK_PAGE_COMMAND,
  NOTE_LIMIT,
  OPEN_TASK_COMMAND,
  PICK_TASK_COMMAND,
  REASON_ITEMS,
  SYNC_ISSUES_COMMAND,
  annotation,
  clipboardUrl,
  setTaskArguments,
  syncMessage,
  taskGroups,
  taskPages,
  urlProblem,
} from './tasks';
import { CONNECT_GITHUB_COMMAND, CONNECT_JIRA_COMMAND } from './trackers';

/** How many tasks a list asks for; past that, typing asks the server (it searches them all). */
const LIST_LIMIT = 200;
/** How long typing rests before the server is asked (ms). */
const SEARCH_DELAY = 250;

type Action = 'sync' | 'manual';

interface PickItem extends vscode.QuickPickItem {
  task?: WireTask;
  action?: Action;
}

export class TaskCommands {
  constructor(
    private readonly run: Run,
    private readonly statusBar: FocusStatusBar,
  ) {}

  /** Handlers by command id (package.json contributes each). */
  handlers(): Record<string, () => Promise<unknown>> {
    return {
      [SYNC_ISSUES_COMMAND]: () => this.sync(),
      [PICK_TASK_COMMAND]: () => this.pick(),
      [OPEN_TASK_COMMAND]: () => this.openInBrowser(),
      [LINK_PAGE_COMMAND]: () => this.linkPage(),
      [ANNOTATE_SWITCH_COMMAND]: () => this.annotate(),
    };
  }

  /** Sync Issues: the server shows its own progress (cancellable); here, what came of it. */
  private async sync(): Promise<void> {
    const result = await this.run(ISSUES_SYNC, {});
    if (!result) {
      return;
    }
    const { text, error } = syncMessage(result);
    if (result.syncs.length === 0) {
      const choice = await vscode.window.showInformationMessage(
        text,
        'Connect GitHub',
        'Connect Jira',
      );
      if (choice) {
        await vscode.commands.executeCommand(
          choice === 'Connect GitHub' ? CONNECT_GITHUB_COMMAND : CONNECT_JIRA_COMMAND,
        );
      }
      return;
    }
    const show = error ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    if ((await show(text, 'Pick Task')) === 'Pick Task') {
      await this.pick();
    }
  }

  /** Pick Task: the task list (assigned to you first, then recent); the one picked becomes the
   * current task. */
  private async pick(): Promise<void> {
    const picked = await this.choose({
      title: 'DevFocus: Pick Task',
      placeholder: 'the task you are working on now',
      actions: true,
    });
    if (picked === 'sync') {
      await this.sync();
    } else if (picked === 'manual') {
      await vscode.commands.executeCommand('devfocus.setCurrentTask');
    } else if (picked) {
      await this.run(SET_TASK, setTaskArguments(picked));
    }
  }

  /**
   * A quick pick of the server's tasks, filtered by VS Code as one types; when the list was cut
   * at LIST_LIMIT, what is typed is also searched on the server.
   */
  private async choose(options: {
    title: string;
    placeholder: string;
    actions: boolean;
    only?: (task: WireTask) => boolean;
  }): Promise<WireTask | Action | undefined> {
    const quickPick = vscode.window.createQuickPick<PickItem>();
    quickPick.title = options.title;
    quickPick.placeholder = 'Reading your tasks…';
    quickPick.matchOnDescription = true;
    quickPick.matchOnDetail = true;
    quickPick.busy = true;
    quickPick.show();
    const show = (result: TaskListResult): void => {
      const tasks = options.only ? result.tasks.filter(options.only) : result.tasks;
      quickPick.items = this.items(tasks, options.actions);
      quickPick.busy = false;
      quickPick.placeholder =
        tasks.length > 0
          ? `${options.placeholder} — type to filter by key, title, label or repository`
          : 'No tasks yet: sync the issues of GitHub or Jira, or set a task by hand.';
    };
    const first = await this.run(TASKS_LIST, { limit: LIST_LIMIT });
    if (!first) {
      quickPick.dispose();
      return undefined;
    }
    show(first);
    let search: ReturnType<typeof setTimeout> | undefined;
    if (first.total > first.tasks.length) {
      quickPick.onDidChangeValue((value) => {
        clearTimeout(search);
        search = setTimeout(async () => {
          quickPick.busy = true;
          const found = await this.run(TASKS_LIST, {
            query: value.trim() || null,
            limit: LIST_LIMIT,
          });
          if (found && quickPick.value === value) {
            show(found);
          }
          quickPick.busy = false;
        }, SEARCH_DELAY);
      });
    }
    const picked = await new Promise<PickItem | undefined>((resolve) => {
      quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]));
      quickPick.onDidHide(() => resolve(undefined));
    });
    clearTimeout(search);
    quickPick.dispose();
    return picked?.task ?? picked?.action;
  }

  private items(tasks: readonly WireTask[], actions: boolean): PickItem[] {
    const items: PickItem[] = [];
    for (const group of taskGroups(tasks, Date.now(), this.statusBar.current?.task)) {
      if (group.title) {
        items.push({ label: group.title, kind: vscode.QuickPickItemKind.Separator });
      }
      items.push(...group.items);
    }
    if (actions) {
      items.push(
        { label: '', kind: vscode.QuickPickItemKind.Separator },
        {
          label: '$(sync) Sync Issues',
          description: 'import from GitHub and Jira now',
          action: 'sync',
          alwaysShow: true,
        },
        {
          label: '$(edit) Set a task by hand…',
          description: 'a title and a kind',
          action: 'manual',
          alwaysShow: true,
        },
      );
    }
    return items;
  }

  /** Open Task in Browser: the current task's page; its links when it has no page of its own;
   * else a task picked from those that have one. */
  private async openInBrowser(): Promise<void> {
    const task = this.statusBar.current?.task;
    const pages = taskPages(task);
    if (task?.url && pages[0]?.url === task.url) {
      await this.open(task.url);
      return;
    }
    if (pages.length > 0) {
      const picked = await vscode.window.showQuickPick(
        pages.map((page) => ({ label: page.title, detail: page.url, url: page.url })),
        { title: `DevFocus: open a page of ${task?.label ?? 'the task'}` },
      );
      if (picked) {
        await this.open(picked.url);
      }
      return;
    }
    const picked = await this.choose({
      title: 'DevFocus: Open Task in Browser',
      placeholder: task
        ? `${task.label} has no page: open another task's`
        : 'No current task: open the page of one',
      actions: false,
      only: (t) => Boolean(t.url),
    });
    if (typeof picked === 'object' && picked.url) {
      await this.open(picked.url);
    }
  }

  private async open(url: string): Promise<void> {
    const opened = await vscode.env.openExternal(vscode.Uri.parse(url, true));
    if (!opened) {
      void vscode.window.showWarningMessage(`DevFocus: could not open ${url}.`);
    }
  }

  /** Link Page to Task: an address (the clipboard's, when it holds one) and an optional title,
   * attached to the current task. */
  private async linkPage(): Promise<void> {
    const task = this.statusBar.current?.task;
    if (!task) {
      const choice = await vscode.window.showInformationMessage(
        'DevFocus: links go to the current task, and there is none. Pick one first.',
        'Pick Task',
      );
      if (choice === 'Pick Task') {
        await this.pick();
      }
      return;
    }
    let clipboard = '';
    try {
      clipboard = await vscode.env.clipboard.readText();
    } catch {
      // No clipboard (a remote window without one): an empty box.
    }
    const url = await vscode.window.showInputBox({
      title: `DevFocus: link a page to ${task.label}`,
      prompt: 'The address of a pull request, a doc or a page you read for this task',
      value: clipboardUrl(clipboard) ?? '',
      placeHolder: 'https://…',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? urlProblem(value) : null),
    });
    if (!url?.trim() || urlProblem(url) !== null) {
      return;
    }
    const title = await vscode.window.showInputBox({
      title: `DevFocus: link a page to ${task.label}`,
      prompt: 'Its title (optional: press Enter to leave it out)',
      placeHolder: 'e.g. Design doc',
      ignoreFocusOut: true,
    });
    if (title === undefined) {
      return;
    }
    const result = await this.run(TASK_LINK, { url: url.trim(), title: title.trim() || null });
    if (result) {
      const count = result.links.length;
      void vscode.window.showInformationMessage(
        `DevFocus: linked to ${result.task} (${count} link${count === 1 ? '' : 's'}).`,
      );
    }
  }

  /** Why did you switch? The reasons, `other` in words; noted on the last switch. */
  private async annotate(): Promise<void> {
    const last = this.statusBar.current?.lastSwitch;
    if (!last) {
      void vscode.window.showInformationMessage(
        'DevFocus: no context switch in the last hour to give a reason for.',
      );
      return;
    }
    const at = Date.parse(last.at);
    const when = Number.isNaN(at) ? '' : ` at ${timeOfDay(at)}`;
    const picked = await vscode.window.showQuickPick(
      REASON_ITEMS.map((item) => ({ ...item })),
      {
        title: `DevFocus: why did you switch to ${last.after}?`,
        placeHolder:
          `From ${last.before}${when}` + (last.reason ? ` (noted as ${last.reason})` : ''),
      },
    );
    if (!picked) {
      return;
    }
    let note: string | undefined;
    if (picked.reason === 'other') {
      note = await vscode.window.showInputBox({
        title: `DevFocus: why did you switch to ${last.after}?`,
        prompt: 'In a few words',
        ignoreFocusOut: true,
        validateInput: (value) =>
          value.trim().length > NOTE_LIMIT ? `At most ${NOTE_LIMIT} characters.` : null,
      });
    }
    const args = annotation(picked.reason, note, last.at);
    if (!args) {
      return;
    }
    const result = await this.run(SWITCH_ANNOTATE, args);
    if (result) {
      const reason = result.reason === 'other' ? (result.note ?? 'other') : result.reason;
      this.statusBar.noted(last.at, reason);
      vscode.window.setStatusBarMessage(`$(check) DevFocus: switch noted (${reason})`, 4000);
    }
  }
}
