// How a `devfocus/status` notification looks in the status bar. Pure: no `vscode` import, so the
// node test runner covers it.

import { GitAccess, WireStatus } from './protocol';

export type State = WireStatus['state'];

/** VS Code's command that opens the Workspace Trust editor (linked from the tooltip). */
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

/** The four looks of the item: `deep` is an active session in a deep-work block. */
export type Look = 'active' | 'deep' | 'idle' | 'paused';

export interface Presentation {
  look: Look;
  /** Codicon name shown before the text. */
  icon: string;
  text: string;
  /** Markdown lines of the tooltip. */
  tooltip: string[];
  /** Whether the text changes every second (only a running session ticks). */
  ticking: boolean;
}

/** Longest context shown next to the timer; longer names are cut with an ellipsis. */
export const CONTEXT_WIDTH = 24;

const ICONS: Record<Look, string> = {
  active: 'watch',
  deep: 'flame',
  idle: 'circle-large-outline',
  paused: 'debug-pause',
};

const STATE_NAMES: Record<Look, string> = {
  active: 'Focus session',
  deep: 'Deep work',
  idle: 'Idle',
  paused: 'Tracking paused',
};

/** A ticking clock: `4:07` under an hour, `1:02:07` from an hour on. */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A duration for totals: `0m`, `45m`, `2h 05m`. */
export function formatDuration(seconds: number): string {
  const minutes = Math.max(0, Math.floor(seconds / 60));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m`;
}

/** What names the work next to the timer: the task, else the branch, else the project. */
export function contextLabel(status: WireStatus): string | undefined {
  const label = status.task?.label || status.context?.branch || status.context?.project;
  if (!label) {
    return undefined;
  }
  return label.length > CONTEXT_WIDTH ? `${label.slice(0, CONTEXT_WIDTH - 1)}…` : label;
}

/**
 * The clock's zero: a session's focus so far, counted back from when the status arrived. Focus
 * time already leaves out pauses the server saw, so this beats `now - sessionStart`; the start is
 * the fallback for a server that sends no seconds.
 */
export function sessionAnchor(status: WireStatus, receivedAt: number): number | undefined {
  if (status.state !== 'active') {
    return undefined;
  }
  if (Number.isFinite(status.sessionSeconds)) {
    return receivedAt - status.sessionSeconds * 1000;
  }
  const start = status.sessionStart ? Date.parse(status.sessionStart) : NaN;
  return Number.isNaN(start) ? undefined : start;
}

function lookOf(status: WireStatus): Look {
  if (status.state === 'active') {
    return status.deepWork ? 'deep' : 'active';
  }
  return status.state === 'paused' ? 'paused' : 'idle';
}

/** The item for `status` at `now` (ms), with the clock counted from `anchor` (ms). */
export function present(status: WireStatus, now: number, anchor: number | undefined): Presentation {
  const look = lookOf(status);
  const context = contextLabel(status);
  let text: string;
  if (look === 'active' || look === 'deep') {
    const clock = formatClock(((anchor ?? now) <= now ? now - (anchor ?? now) : 0) / 1000);
    text = context ? `${clock} · ${context}` : clock;
  } else if (look === 'paused') {
    text = 'Paused';
  } else {
    text = `${formatDuration(status.todaySeconds)} today`;
  }
  return {
    look,
    icon: ICONS[look],
    text,
    tooltip: tooltipLines(status, look),
    ticking: look === 'active' || look === 'deep',
  };
}

function tooltipLines(status: WireStatus, look: Look): string[] {
  const lines = [`**DevFocus** · ${STATE_NAMES[look]}`, ''];
  lines.push(`Today's focus: **${formatDuration(status.todaySeconds)}**`);
  lines.push(`Deep work today: ${formatDuration(status.deepWorkSeconds)}`);
  const switches = status.switchesLastHour;
  lines.push(`Context switches in the last hour: ${switches}`);
  lines.push(`Current task: ${status.task ? escapeMarkdown(status.task.label) : 'none'}`);
  if (status.context) {
    const branch = status.context.branch ? ` · ${escapeMarkdown(status.context.branch)}` : '';
    lines.push(`Project: ${escapeMarkdown(status.context.project)}${branch}`);
  }
  if (look === 'paused') {
    lines.push('', 'Nothing is recorded until you resume.');
  }
  lines.push(...gitLines(status.git));
  lines.push('', 'Click for DevFocus commands.');
  return lines;
}

/** What the tooltip says of git: nothing while it simply works. */
export function gitLines(git: GitAccess | undefined): string[] {
  if (!git) {
    return [];
  }
  if (git.state === 'untrusted') {
    return [
      '',
      '$(shield) **Git features wait for trust.** This workspace is in Restricted Mode, so ' +
        'DevFocus runs no git and reads no repository here: no history, branch names, ' +
        'history on hover or staged diff for commit coaching.',
      `[Manage Workspace Trust](command:${MANAGE_TRUST_COMMAND}) to turn them on.`,
    ];
  }
  if (git.state === 'off') {
    return ['', `Git features are off: ${escapeMarkdown(git.reason ?? 'turned off')}.`];
  }
  return git.notRead.flatMap((repository) => [
    '',
    `Git: \`${repository.root.replace(/`/g, "'")}\` ${escapeMarkdown(repository.reason)}`,
  ]);
}

/** Branch and task names are user text: keep them from turning into Markdown. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/** Whether a notification has the fields the status bar relies on (a newer server may add more). */
export function isWireStatus(value: unknown): value is WireStatus {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const v = value as Record<string, unknown>;
  return (
    (v.state === 'active' || v.state === 'idle' || v.state === 'paused') &&
    typeof v.todaySeconds === 'number' &&
    typeof v.sessionSeconds === 'number'
  );
}
