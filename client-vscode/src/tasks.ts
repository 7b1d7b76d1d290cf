// Tasks and switch reasons as the editor shows them: the Pick Task list, the links of a task, the
// reasons a context switch can be given, what Sync Issues says. Pure: no `vscode` import, so the
// node tests cover it.

import {
  IssueSyncResult,
  LastSwitch,
  StatusTask,
  SwitchAnnotateArguments,
  TaskArguments,
  WireTask,
} from './protocol';
import { TRACKER_NAMES, formatDuration, linkText, safeUrl } from './status';

export const PICK_TASK_COMMAND = 'devfocus.pickTask';
export const OPEN_TASK_COMMAND = 'devfocus.openTaskInBrowser';
export const LINK_PAGE_COMMAND = 'devfocus.linkPageToTask';
export const SYNC_ISSUES_COMMAND = 'devfocus.syncIssues';
export { ANNOTATE_SWITCH_COMMAND } from './status';

type TaskKind = NonNullable<TaskArguments['kind']>;
const TASK_KINDS: readonly TaskKind[] = ['feature', 'bug', 'refactor', 'docs', 'test', 'chore'];

/** One row of the Pick Task list (a QuickPickItem without `vscode`). */
export interface TaskItem {
  label: string;
  description: string;
  detail: string;
  task: WireTask;
}

/** A titled part of the list: the tasks assigned to you, then the others. */
export interface TaskGroup {
  title: string;
  items: TaskItem[];
}

/** `3 h ago`, `2 days ago`: when a task was last worked on, seen from `now` (ms). */
export function ago(iso: string, now: number): string | undefined {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) {
    return undefined;
  }
  const minutes = Math.max(0, Math.floor((now - at) / 60_000));
  if (minutes < 1) {
    return 'just now';
  }
  if (minutes < 60) {
    return `${minutes} min ago`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    return `${hours} h ago`;
  }
  const days = Math.floor(hours / 24);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}

/** Whether `task` is the status's current task. */
export function isCurrent(task: WireTask, current: StatusTask | null | undefined): boolean {
  if (!current) {
    return false;
  }
  return task.key ? task.key === current.ref : !current.ref && task.title === current.title;
}

/**
 * The row of `task`: the key and title (an icon for its tracker and state), its kind, priority and
 * state as the description, and time spent, last worked on, repository and labels as the detail,
 * so VS Code's filter finds a task by any of them.
 */
export function taskItem(task: WireTask, now: number, current?: StatusTask | null): TaskItem {
  const icon = !task.tracker ? 'tasklist' : task.state === 'closed' ? 'issue-closed' : 'issues';
  const title = task.key ? `${task.key} ${task.title}` : task.title;
  const description = [
    isCurrent(task, current) ? 'current' : undefined,
    task.kind ?? undefined,
    task.priority ?? undefined,
    task.state === 'closed' ? 'closed' : undefined,
    task.assignedToMe ? 'assigned to you' : undefined,
  ].filter(Boolean);
  const worked = task.lastWorked ? ago(task.lastWorked, now) : undefined;
  const detail = [
    task.seconds > 0 ? `${formatDuration(task.seconds)} spent` : 'no time spent yet',
    worked ? `last worked on ${worked}` : undefined,
    task.tracker
      ? [TRACKER_NAMES[task.tracker] ?? task.tracker, task.scope].filter(Boolean).join(' ')
      : undefined,
    task.labels.length ? task.labels.join(', ') : undefined,
  ].filter(Boolean);
  return {
    label: `$(${icon}) ${title}`,
    description: description.join(' · '),
    detail: detail.join(' · '),
    task,
  };
}

/** The Pick Task list: the server's order kept (assigned to you first, then recent), in two
 * titled groups when both have tasks. */
export function taskGroups(
  tasks: readonly WireTask[],
  now: number,
  current?: StatusTask | null,
): TaskGroup[] {
  const mine = tasks.filter((t) => t.assignedToMe).map((t) => taskItem(t, now, current));
  const others = tasks.filter((t) => !t.assignedToMe).map((t) => taskItem(t, now, current));
  if (mine.length === 0 || others.length === 0) {
    return mine.length || others.length ? [{ title: '', items: [...mine, ...others] }] : [];
  }
  return [
    { title: 'assigned to you', items: mine },
    { title: 'recent', items: others },
  ];
}

/** What `devfocus.task.set` takes for a picked task: its key (the server fills in the issue's
 * title and kind), with the title and kind as the list showed them. */
export function setTaskArguments(task: WireTask): TaskArguments {
  const kind = TASK_KINDS.find((k) => k === task.kind) ?? null;
  const args: TaskArguments = { title: task.title, kind };
  if (task.key) {
    args.ref = task.key;
  }
  return args;
}

/** The pages of the current task, for Open Task in Browser: the issue's page first. */
export function taskPages(task: StatusTask | null | undefined): { url: string; title: string }[] {
  if (!task) {
    return [];
  }
  const pages: { url: string; title: string }[] = [];
  if (task.url) {
    pages.push({ url: task.url, title: task.ref ? `${task.ref} ${task.title}` : task.title });
  }
  for (const link of task.links ?? []) {
    if (!pages.some((p) => p.url === link.url)) {
      pages.push({ url: link.url, title: linkText(link) });
    }
  }
  return pages.filter((p) => safeUrl(p.url));
}

// -- switch reasons -------------------------------------------------------------------------------

export type SwitchReason = SwitchAnnotateArguments['reason'];

/** The reasons in the order the quick pick offers them; `other` asks for words. */
export const REASON_ITEMS: readonly { reason: SwitchReason; label: string; description: string }[] =
  [
    {
      reason: 'interrupt',
      label: '$(bell) Interrupted',
      description: 'a message, a call, a question',
    },
    { reason: 'meeting', label: '$(organization) Meeting', description: 'a meeting or a call' },
    { reason: 'review', label: '$(git-pull-request) Review', description: "someone's code review" },
    { reason: 'blocked', label: '$(debug-pause) Blocked', description: 'waiting on something' },
    { reason: 'planned', label: '$(calendar) Planned', description: 'the plan was to switch' },
    { reason: 'other', label: '$(edit) Other…', description: 'say why in a few words' },
  ];

/** Longest note the server takes. */
export const NOTE_LIMIT = 500;

/** What `devfocus.switch.annotate` gets for the switch at `at`; undefined when `other` has no
 * words (the server refuses it). */
export function annotation(
  reason: SwitchReason,
  note: string | undefined,
  at: string,
): SwitchAnnotateArguments | undefined {
  const words = note?.trim().slice(0, NOTE_LIMIT);
  if (reason === 'other' && !words) {
    return undefined;
  }
  return words ? { reason, note: words, at } : { reason, at };
}

/** For how long after a switch the status bar asks why: a reason is remembered best at once, and
 * a question that stays for the hour would be noise one learns to ignore. The tooltip keeps the
 * link for as long as the server sends the switch. */
export const ASK_MINUTES = 15;

/** Until when (ms) the status bar asks why `last` happened; undefined when it does not ask
 * (none, already annotated here or on the server, or asked long enough). */
export function askUntil(
  last: LastSwitch | null | undefined,
  now: number,
  noted: ReadonlySet<string>,
): number | undefined {
  if (!last || last.reason || noted.has(last.at)) {
    return undefined;
  }
  const at = Date.parse(last.at);
  if (Number.isNaN(at)) {
    return undefined;
  }
  const until = at + ASK_MINUTES * 60_000;
  return until > now ? until : undefined;
}

// -- Sync Issues ------------------------------------------------------------------------------------

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** What Sync Issues says: how many issues came from where, and each source's error. `error` is
 * true when any source failed (a warning, not an information message). */
export function syncMessage(result: IssueSyncResult): { text: string; error: boolean } {
  if (result.syncs.length === 0) {
    const why = result.reason ?? 'no issue tracker is set up (Connect GitHub, Connect Jira)';
    return { text: `DevFocus: no issues synced: ${why}.`, error: Boolean(result.reason) };
  }
  const failed = result.syncs.filter((s) => s.error);
  const issues = result.syncs.reduce((sum, s) => sum + s.issues, 0);
  const pulls = result.syncs.reduce((sum, s) => sum + s.pulls, 0);
  const fine = result.syncs.length - failed.length;
  const sources = failed.length
    ? `${fine} of ${plural(result.syncs.length, 'source')}`
    : plural(fine, 'source');
  const parts = [
    plural(issues, 'new or changed issue') +
      (pulls ? ` and ${plural(pulls, 'pull request')}` : '') +
      ` from ${sources}`,
  ];
  if (result.cancelled) {
    parts.push('stopped before the end');
  }
  for (const sync of failed) {
    parts.push(`${TRACKER_NAMES[sync.tracker] ?? sync.tracker} ${sync.scope}: ${sync.error}`);
  }
  return { text: `DevFocus: ${parts.join('; ')}.`, error: failed.length > 0 };
}

// -- Link Page to Task ----------------------------------------------------------------------------

/** Longest address the server takes. */
export const URL_LIMIT = 2000;

/** Whether `value` is an address a task can link: http(s), with a host. A message, or null. */
export function urlProblem(value: string): string | null {
  const text = value.trim();
  if (text.length > URL_LIMIT) {
    return `At most ${URL_LIMIT} characters.`;
  }
  try {
    const url = new URL(text);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname) {
      return null;
    }
  } catch {
    // not an address at all
  }
  return 'An http or https address, e.g. https://github.com/acme/shop/pull/7';
}

/** The clipboard's text when it is one address a task can link, to fill the box with. */
export function clipboardUrl(text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed && !/\s/.test(trimmed) && urlProblem(trimmed) === null ? trimmed : undefined;
}
