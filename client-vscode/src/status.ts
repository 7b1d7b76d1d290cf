// How a `devfocus/status` notification looks in the status bar. Pure: no `vscode` import, so the
// node test runner covers it.

import {
  AIState,
  GitAccess,
  LastSwitch,
  StatusTask,
  WireGoal,
  WireLink,
  WireStatus,
} from './protocol';

export type State = WireStatus['state'];

/** VS Code's command that opens the Workspace Trust editor (linked from the tooltip). */
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';
/** The extension's Set AI API Key (linked from the tooltip while the provider has no key). */
export const SET_AI_KEY_COMMAND = 'devfocus.ai.setApiKey';
/** The extension's command that asks why the last context switch happened (linked from the
 * tooltip while it has no reason). */
export const ANNOTATE_SWITCH_COMMAND = 'devfocus.annotateSwitch';

/** The looks of the item: `deep` is an active session in a deep-work block, `focus` a running
 * focus block (in any window), which counts down. */
export type Look = 'active' | 'deep' | 'focus' | 'idle' | 'paused';

export interface Presentation {
  look: Look;
  /** Codicon name shown before the text. */
  icon: string;
  text: string;
  /** Markdown lines of the tooltip. */
  tooltip: string[];
  /** Whether the text changes every second (a running session or focus block ticks). */
  ticking: boolean;
}

/** Longest context shown next to the timer; longer names are cut with an ellipsis. */
export const CONTEXT_WIDTH = 24;

const ICONS: Record<Look, string> = {
  active: 'watch',
  deep: 'flame',
  focus: 'target',
  idle: 'circle-large-outline',
  paused: 'debug-pause',
};

const STATE_NAMES: Record<Look, string> = {
  active: 'Focus session',
  deep: 'Deep work',
  focus: 'Focus block',
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

/**
 * When the running focus block ends (ms), counted from when the status arrived: the server's
 * remaining seconds, so a clock that differs from the server's does not shift the countdown.
 */
export function focusBlockEnd(status: WireStatus, receivedAt: number): number | undefined {
  const block = status.focusBlock;
  if (!block || !Number.isFinite(block.remainingSeconds)) {
    return undefined;
  }
  return receivedAt + block.remainingSeconds * 1000;
}

function lookOf(status: WireStatus): Look {
  if (status.focusBlock && status.state !== 'paused') {
    return 'focus';
  }
  if (status.state === 'active') {
    return status.deepWork ? 'deep' : 'active';
  }
  return status.state === 'paused' ? 'paused' : 'idle';
}

/**
 * The item for `status` at `now` (ms), with the clock counted from `anchor` (ms) and a focus
 * block's countdown to `blockEnd` (ms).
 */
export function present(
  status: WireStatus,
  now: number,
  anchor: number | undefined,
  blockEnd?: number,
  notes?: ReadonlyMap<string, string>,
): Presentation {
  const look = lookOf(status);
  const context = contextLabel(status);
  let text: string;
  if (look === 'focus') {
    const end = blockEnd ?? now + (status.focusBlock?.remainingSeconds ?? 0) * 1000;
    const left = formatClock(Math.ceil((end - now) / 1000));
    text = context ? `${left} focus · ${context}` : `${left} focus`;
  } else if (look === 'active' || look === 'deep') {
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
    tooltip: tooltipLines(status, look, notes),
    ticking: look === 'active' || look === 'deep' || look === 'focus',
  };
}

function tooltipLines(
  status: WireStatus,
  look: Look,
  notes?: ReadonlyMap<string, string>,
): string[] {
  const lines = [`**DevFocus** · ${STATE_NAMES[look]}`, ''];
  lines.push(...focusBlockLines(status));
  lines.push(`Today's focus: **${formatDuration(status.todaySeconds)}**`);
  lines.push(`Deep work today: ${formatDuration(status.deepWorkSeconds)}`);
  lines.push(...teamLines(status.teamDeepShareToday));
  const switches = status.switchesLastHour;
  lines.push(`Context switches in the last hour: ${switches}`);
  lines.push(`Current task: ${status.task ? escapeMarkdown(status.task.label) : 'none'}`);
  lines.push(...taskLinkLines(status.task));
  if (status.context) {
    const branch = status.context.branch ? ` · ${escapeMarkdown(status.context.branch)}` : '';
    lines.push(`Project: ${escapeMarkdown(status.context.project)}${branch}`);
  }
  lines.push(...lastSwitchLines(status.lastSwitch, notes));
  lines.push(...goalLines(status.goals));
  if (look === 'paused') {
    lines.push('', 'Nothing is recorded until you resume.');
  }
  lines.push(...gitLines(status.git));
  lines.push(...aiLines(status.ai));
  lines.push('', 'Click for DevFocus commands.');
  return lines;
}

/** `14:05`: a moment in local time, for when a block ends. */
export function timeOfDay(ms: number): string {
  const at = new Date(ms);
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
}

/** The team's share of focus in deep work today, which a server with a team database sends
 * when the team is large enough to show it (absent or null otherwise: no line). */
export function teamLines(share: number | null | undefined): string[] {
  if (typeof share !== 'number' || !Number.isFinite(share)) {
    return [];
  }
  return [`Team deep work today: ${Math.round(Math.min(1, Math.max(0, share)) * 100)}%`];
}

/** The running block: when it ends (the item itself counts down) and the switches during it. */
export function focusBlockLines(status: WireStatus): string[] {
  const block = status.focusBlock;
  if (!block) {
    return [];
  }
  const end = Date.parse(block.end);
  const until = Number.isNaN(end) ? '' : ` until ${timeOfDay(end)}`;
  const switches = block.switches === 1 ? '1 context switch' : `${block.switches} context switches`;
  return [`$(target) **Focus block**${until} · ${switches} so far`, ''];
}

const GOAL_NAMES: Record<WireGoal['kind'], string> = {
  dailyFocus: "Today's focus goal",
  weeklyFocus: "This week's focus goal",
  dailyDeepWork: "Today's deep-work goal",
  weeklyDeepWork: "This week's deep-work goal",
};

/** One line per goal that is set: done of target, and the share (a check mark once met). */
export function goalLines(goals: WireGoal[] | undefined): string[] {
  if (!goals || goals.length === 0) {
    return [];
  }
  return [
    '',
    ...goals.map((goal) => {
      const percent = Math.floor(goal.share * 100);
      const met = goal.doneSeconds >= goal.targetSeconds ? ' $(check)' : '';
      const done = formatDuration(goal.doneSeconds);
      const target = formatDuration(goal.targetSeconds);
      return `${GOAL_NAMES[goal.kind] ?? goal.kind}: ${done} of ${target} (${percent}%)${met}`;
    }),
  ];
}

/** A link destination that cannot break out of Markdown: only http(s) with no spaces, its
 * parentheses, angle brackets and backslashes encoded. Undefined for anything else. */
export function safeUrl(url: string): string | undefined {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) {
    return undefined;
  }
  // encodeURIComponent leaves parentheses as they are: each is written out.
  return url.replace(/[()<>\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** What a link is called: its title, else the address without its scheme. */
export function linkText(link: { url: string; title: string }): string {
  return link.title.trim() || link.url.replace(/^https?:\/\//i, '');
}

/** The trackers' names, for words. */
export const TRACKER_NAMES: Record<string, string> = { github: 'GitHub', jira: 'Jira' };

/** Most links the tooltip lists; the rest are counted. */
export const TOOLTIP_LINKS = 6;

const LINK_ICONS: Record<string, string> = { pull: 'git-pull-request', tracker: 'issues' };

/**
 * The tooltip lines of the current task's pages: the issue's own page, then the links attached to
 * it (pull requests, docs), each a Markdown link; the issue page is not listed twice.
 */
export function taskLinkLines(task: StatusTask | null | undefined): string[] {
  if (!task) {
    return [];
  }
  const lines: string[] = [];
  const seen = new Set<string>();
  const issue = task.url ? safeUrl(task.url) : undefined;
  if (task.url && issue) {
    seen.add(task.url);
    const where = task.tracker ? ` in ${TRACKER_NAMES[task.tracker] ?? task.tracker}` : '';
    const name = task.ref ? `${task.ref}${where}` : `the task${where}`;
    lines.push(`$(link-external) [Open ${escapeMarkdown(name)}](${issue})`);
  }
  const links: WireLink[] = (task.links ?? []).filter((link) => {
    if (seen.has(link.url) || !safeUrl(link.url)) {
      return false;
    }
    seen.add(link.url);
    return true;
  });
  for (const link of links.slice(0, TOOLTIP_LINKS)) {
    const icon = LINK_ICONS[link.source] ?? 'link';
    lines.push(`$(${icon}) [${escapeMarkdown(linkText(link))}](${safeUrl(link.url)})`);
  }
  if (links.length > TOOLTIP_LINKS) {
    const more = links.length - TOOLTIP_LINKS;
    lines.push(`and ${more} more link${more === 1 ? '' : 's'}`);
  }
  return lines;
}

/** The tooltip's line of the last switch: what it was, and its reason or a link to give one. */
export function lastSwitchLines(
  last: LastSwitch | null | undefined,
  noted: ReadonlyMap<string, string> = new Map(),
): string[] {
  if (!last) {
    return [];
  }
  const at = Date.parse(last.at);
  const when = Number.isNaN(at) ? '' : ` at ${timeOfDay(at)}`;
  const what = `Last switch${when}: ${escapeMarkdown(last.before)} → ${escapeMarkdown(last.after)}`;
  const reason = last.reason ?? noted.get(last.at);
  if (reason) {
    return ['', `${what} (${escapeMarkdown(reason)})`];
  }
  return ['', `${what} · [Why?](command:${ANNOTATE_SWITCH_COMMAND})`];
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

const AI_STATES: Record<AIState['state'], string> = {
  ready: 'ready',
  degraded: 'degraded',
  unconfigured: 'not set up',
};

/** The server's reasons (devfocus.ai.exchange) in words; any other reason is shown as sent. */
const AI_REASONS: Record<string, string> = {
  'no-key': 'no API key',
  'no-sdk': "the provider's SDK is not installed",
  paused: 'paused after repeated failures',
  'rate-limited': 'the provider keeps answering that it is busy (429)',
  timeout: 'the provider did not answer in time',
  unreachable: 'the provider cannot be reached',
  'server-error': 'the provider answers with errors',
  refused: 'the provider refused the request (the key or the model?)',
  'bad-reply': 'the model did not answer with the JSON asked for',
};

/** What the tooltip says of AI: nothing while it is off (the server sends no `ai` then), else
 * `AI: anthropic (claude-haiku-4-5) — degraded: …`, and how to give a missing key. */
export function aiLines(ai: AIState | undefined | null): string[] {
  if (!ai || (ai.state as string) === 'off') {
    return [];
  }
  const model = ai.model ? ` (${escapeMarkdown(ai.model)})` : '';
  const reason = ai.reason ? (AI_REASONS[ai.reason] ?? ai.reason) : '';
  const why = ai.state !== 'ready' && reason ? `: ${escapeMarkdown(reason)}` : '';
  const icon = ai.state === 'ready' ? '$(sparkle)' : '$(warning)';
  const state = AI_STATES[ai.state] ?? ai.state;
  const lines = ['', `${icon} AI: ${escapeMarkdown(ai.provider)}${model} — ${state}${why}`];
  if (ai.state !== 'ready' && ai.message) {
    lines.push(escapeMarkdown(ai.message));
  }
  if (ai.state === 'degraded' && ai.pausedUntil) {
    const until = Date.parse(ai.pausedUntil);
    if (!Number.isNaN(until)) {
      lines.push(`AI is paused until ${timeOfDay(until)}.`);
    }
  }
  if (ai.state === 'unconfigured' && (ai.reason === 'no-key' || /\bkey\b/i.test(ai.reason ?? ''))) {
    lines.push(`[Set AI API Key](command:${SET_AI_KEY_COMMAND})`);
  }
  return lines;
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
