// DevFocus's own part of the language server protocol: notification and command names, what each
// command takes and answers, the status object. Written by scripts/sync_protocol.py from the
// server's devfocus/lsp/messages.py: do not edit by hand (a test fails while they differ).

// -- notifications
/** `devfocus/status`: WireStatus. */
export const STATUS = 'devfocus/status';
/** `devfocus/windowState`: WindowStateParams. */
export const WINDOW_STATE = 'devfocus/windowState';
/** `devfocus/activeEditor`: ActiveEditorParams. */
export const ACTIVE_EDITOR = 'devfocus/activeEditor';
/** `devfocus/workspaceTrust`: WorkspaceTrustParams. */
export const WORKSPACE_TRUST = 'devfocus/workspaceTrust';

// -- commands (workspace/executeCommand)
export const STATUS_COMMAND = 'devfocus.status';
export const PAUSE = 'devfocus.tracking.pause';
export const RESUME = 'devfocus.tracking.resume';
export const REPORT = 'devfocus.report';
export const INSIGHTS = 'devfocus.insights';
export const GIT_IMPORT = 'devfocus.git.import';
export const SET_TASK = 'devfocus.task.set';
export const EXPORT = 'devfocus.export';
export const DELETE = 'devfocus.data.delete';
export const GENERATE_FILE = 'devfocus.docs.generateFile';
export const GENERATE_WORKSPACE = 'devfocus.docs.generateWorkspace';
export const GENERATE_WITH_AI = 'devfocus.docs.generateWithAI';
export const FOCUS_START = 'devfocus.focus.start';
export const FOCUS_STOP = 'devfocus.focus.stop';
export const WRITE_COMMIT_WITH_AI = 'devfocus.commit.writeWithAI';
export const ISSUES_SYNC = 'devfocus.issues.sync';
export const TASKS_LIST = 'devfocus.tasks.list';
export const TASK_LINK = 'devfocus.task.link';
export const SWITCH_ANNOTATE = 'devfocus.switch.annotate';

/**
 * `devfocus.issues.sync`: `[{full}]`; `full` walks every page again (conditionally) instead of
 * asking for what changed since the last sync.
 */
export interface IssueSyncArguments {
  full?: boolean;
}

/** `devfocus.issues.sync`. */
export interface IssueSyncResult {
  syncs: WireTrackerSync[];
  cancelled: boolean;
  /** Why nothing was synced (no tracker configured, an untrusted workspace). */
  reason?: string;
}

/** The status's latest context switch of the last hour, for the "why?" action. */
export interface LastSwitch {
  /** ISO 8601, UTC */
  at: string;
  /** The context's label */
  before: string;
  after: string;
  /** Set once annotated */
  reason: string | null;
}

/**
 * `devfocus.switch.annotate`: `[{reason, note, at}]`: why the last context switch (or the one at
 * `at`, ISO 8601) happened. `other` takes its reason as `note`.
 */
export interface SwitchAnnotateArguments {
  reason: 'interrupt' | 'meeting' | 'review' | 'blocked' | 'planned' | 'other';
  note?: string | null;
  at?: string | null;
}

/** `devfocus.switch.annotate`: the switch annotated. */
export interface SwitchNoteResult {
  /** ISO 8601, UTC */
  at: string;
  reason: string;
  note: string | null;
  project: string | null;
}

/** `devfocus.task.link`: `[{url, title}]` attaches a page to the current task. */
export interface TaskLinkArguments {
  url: string;
  title?: string | null;
  /** A path; the project of the current context when absent */
  project?: string | null;
}

/** `devfocus.task.link`: the task the page was attached to, and all its links. */
export interface TaskLinkResult {
  /** Its label */
  task: string;
  links: WireLink[];
}

/** `devfocus.tasks.list`: `[{query, kind, state, limit}]`, all optional. */
export interface TaskListArguments {
  /** Words the key, title or labels hold */
  query?: string | null;
  kind?: 'feature' | 'bug' | 'refactor' | 'docs' | 'test' | 'chore' | null;
  state?: 'open' | 'closed' | null;
  limit?: number;
}

/** `devfocus.tasks.list`: assigned to me first, then the most recently worked on. */
export interface TaskListResult {
  tasks: WireTask[];
  /** Before `limit` */
  total: number;
}

export interface WireLink {
  url: string;
  title: string;
  /** "user" | "tracker" | "pull" */
  source: string;
}

/** A task of `devfocus.tasks.list`: an imported issue, or one set by hand. */
export interface WireTask {
  /** "#123", "ABC-42"; null for a task set by hand without a ref */
  key: string | null;
  title: string;
  /** "#123 Crash when saving (bug, high)" */
  label: string;
  kind: string | null;
  priority: string | null;
  /** "open" | "closed"; null for a task set by hand */
  state: string | null;
  /** "github" | "jira"; null for a task set by hand */
  tracker: string | null;
  /** "owner/name" | the Jira site */
  scope: string | null;
  url: string | null;
  assignedToMe: boolean;
  labels: string[];
  /** The repository root, when known */
  project: string | null;
  /** Focus time spent on it */
  seconds: number;
  /** ISO 8601, UTC */
  lastWorked: string | null;
  /** ISO 8601, UTC: the tracker's last change */
  updated: string | null;
  links: WireLink[];
}

/** One tracker scope's part of `devfocus.issues.sync`. */
export interface WireTrackerSync {
  tracker: string;
  scope: string;
  /** Issues received (new or changed) */
  issues: number;
  pulls: number;
  requests: number;
  /** Requests answered 304 */
  notModified: number;
  seconds: number;
  rateRemaining?: number;
  error?: string;
}

/**
 * `devfocus.report`: `[{period, format, project, fromDate, toDate, compare, redact, open, narrate,
 * renarrate}]` or `["week", "json"]`.
 */
export interface ReportArguments {
  period?:
    'today' | 'yesterday' | 'thisweek' | 'lastweek' | 'week' | '30d' | '90d' | 'year' | 'standup';
  format?: 'markdown' | 'json' | 'html' | 'text' | 'csv';
  /** A path or a file URI: only this project's activity */
  project?: string | null;
  /** A range of days instead of the period (YYYY-MM-DD, both included; toDate: today). */
  fromDate?: string;
  toDate?: string;
  /** The period of as many days before it beside it, with the changes */
  compare?: boolean;
  /** Names, commit messages and ids behind stable aliases */
  redact?: boolean;
  /** Write the report to a private file and ask the editor to show it (window/showDocument). */
  open?: boolean;
  /**
   * A narrative beside the figures (the configured model's, else DevFocus's own text); renarrate:
   * ask the model again instead of the one kept for the period (implies narrate).
   */
  narrate?: boolean;
  renarrate?: boolean;
  /** Issue analytics (devfocus.issues) for the period instead of the focus report. */
  issues?: boolean;
  /** The team's report (devfocus.team.databaseUrl) for the period instead of the focus report. */
  team?: boolean;
}

/**
 * `devfocus.task.set`: `[{title, kind, project}]` or `["title", "kind"]`; an empty title clears the
 * hand-set task.
 */
export interface TaskArguments {
  title?: string | null;
  kind?: 'feature' | 'bug' | 'refactor' | 'docs' | 'test' | 'chore' | null;
  /** A path; the first workspace folder when absent */
  project?: string | null;
  /** The issue it is ("#123", "ABC-42"): an imported issue gives the title and kind. */
  ref?: string;
}

/** `devfocus.export`: `[{format, path}]`, `path` absolute or a file URI. */
export interface ExportArguments {
  format: 'csv' | 'json';
  path: string;
}

/** `devfocus.data.delete`: `[{confirm: true}]`; anything else deletes nothing. */
export interface DeleteArguments {
  confirm: boolean;
}

/**
 * `devfocus.insights`: `[{period, project, fromDate, toDate, redact}]` or `["week"]`. The period
 * defaults to `week`: most insights compare days, and a day alone shows few.
 */
export interface InsightsArguments {
  period?: 'today' | 'yesterday' | 'thisweek' | 'lastweek' | 'week' | '30d' | '90d' | 'year';
  /** A path or a file URI: only this project's activity */
  project?: string | null;
  /** YYYY-MM-DD, included */
  fromDate?: string;
  toDate?: string;
  /** Names of projects, files, branches, tasks and commits as aliases */
  redact?: boolean;
}

/** `devfocus.docs.generateFile`: `[{uri, ai}]`, or `[uri]`, or `[path]`. */
export interface GenerateFileArguments {
  uri: string;
  /** The prose from the configured model (devfocus.ai), else the template */
  ai?: boolean;
}

/** `devfocus.docs.generateWorkspace`: nothing, or `[{ai}]`. */
export interface GenerateWorkspaceArguments {
  /** The prose from the configured model (devfocus.ai), else the template */
  ai: boolean;
}

/**
 * `devfocus.docs.generateWithAI`: `[{uri, version, qualname}]`: one definition's docstring, written
 * or updated with the configured model's prose (what the "with AI" quick fixes run). `version`: the
 * document's version the action was offered for; `qualname`: the definition's qualified name
 * (`Class.method`; "" for the module).
 */
export interface GenerateWithAIArguments {
  uri: string;
  qualname: string;
  version?: number | null;
}

/**
 * `devfocus.commit.writeWithAI`: `[{uri, version}]` or `[uri]`: the commit message document
 * (COMMIT_EDITMSG) whose message is drafted.
 */
export interface WriteCommitArguments {
  uri: string;
  /** The version the action was listed for */
  version?: number | null;
}

/**
 * `devfocus.focus.start`: `[{minutes}]`, `[minutes]` or nothing (then
 * `devfocus.focusBlock.minutes`). Minutes from 0.01 to 480; fractions allowed.
 */
export interface FocusStartArguments {
  minutes?: number | null;
}

/** `devfocus/windowState`: the editor's window gained or lost focus. */
export interface WindowStateParams {
  focused: boolean;
}

/** `devfocus/activeEditor`: the file in front of the user (null: none, or not a file). */
export interface ActiveEditorParams {
  uri: string | null;
}

/** `devfocus/workspaceTrust`: the editor's trust in the workspace changed. */
export interface WorkspaceTrustParams {
  trusted: boolean;
}

/** Where attention is: a project and the branch checked out there. */
export interface StatusContext {
  /** The project's name */
  project: string;
  /** Its root, a POSIX path */
  root: string;
  branch: string | null;
}

/** What the current stretch of work is for: set by hand, else the branch's. */
export interface StatusTask {
  title: string;
  kind: string | null;
  ref: string | null;
  label: string;
  /** "manual" | "branch" | "commit" */
  source: string;
  /** An imported issue's: its priority, page and tracker ("github" | "jira"). */
  priority?: string;
  url?: string;
  tracker?: string;
  /** Pages attached to it (devfocus.task.link, the importer) */
  links: WireLink[];
}

/** A repository that is not read (another user's, outside `devfocus.git.trust`), and why. */
export interface NotRead {
  root: string;
  reason: string;
}

/** The status's `git` part: on, off (and why), or waiting for the workspace's trust. */
export interface GitAccess {
  state: 'on' | 'off' | 'untrusted';
  reason: string | null;
  notRead: NotRead[];
}

/** The status's `ai` part, present when a provider is configured: whether it answers. */
export interface AIState {
  provider: string;
  model: string;
  state: 'ready' | 'degraded' | 'unconfigured';
  /** Why it is degraded or unconfigured: no-key, paused, timeout... */
  reason: string | null;
  /** The last failure (or what is missing), in words */
  message: string | null;
  /** ISO 8601, UTC: while paused after repeated failures */
  pausedUntil: string | null;
}

/** The running focus block, in whichever window it was started. */
export interface WireFocusBlock {
  /** ISO 8601, UTC */
  start: string;
  /** ISO 8601, UTC: when it ends as planned */
  end: string;
  remainingSeconds: number;
  /** Context switches made during it so far */
  switches: number;
}

/** Progress toward one goal (`devfocus.goals.*`); only goals that are set are sent. */
export interface WireGoal {
  kind: 'dailyFocus' | 'weeklyFocus' | 'dailyDeepWork' | 'weeklyDeepWork';
  targetSeconds: number;
  doneSeconds: number;
  /** Done over target: 1 is the goal met, more is past it */
  share: number;
}

/**
 * The `devfocus/status` notification, and the result of `devfocus.status`,
 * `devfocus.tracking.pause` and `devfocus.tracking.resume`.
 */
export interface WireStatus {
  state: 'active' | 'idle' | 'paused';
  /** ISO 8601, UTC */
  sessionStart: string | null;
  sessionSeconds: number;
  todaySeconds: number;
  context: StatusContext | null;
  switchesLastHour: number;
  deepWork: boolean;
  deepWorkSeconds: number;
  task: StatusTask | null;
  /** Whether git features are on */
  git?: GitAccess;
  /** The running focus block (any window's), or null */
  focusBlock: WireFocusBlock | null;
  /** Progress toward each goal that is set */
  goals: WireGoal[];
  /** Only with a provider configured */
  ai?: AIState;
  /** The latest context switch of the last hour (for "why did you switch?"), if any. */
  lastSwitch?: LastSwitch;
  /** The team's share of today's (UTC) focus in deep work, with a team database configured. */
  teamDeepShareToday?: number;
}

/** One repository's part of `devfocus.git.import`. */
export interface RepositoryImport {
  root: string;
  newCommits: number;
  /** Commits no longer on any branch */
  unreachable: number;
  checkouts: number;
  seconds: number;
  problem: string | null;
}

/** `devfocus.git.import`. */
export interface ImportResult {
  repositories: RepositoryImport[];
  /** Why nothing was looked at (an untrusted workspace, `devfocus.git.trust` never). */
  reason?: string;
  /** Repositories that are not read, and why. */
  notRead?: NotRead[];
}

/** `devfocus.task.set`: the task as stored (title and kind null once cleared). */
export interface TaskResult {
  title: string | null;
  kind: string | null;
  project: string | null;
  branch: string | null;
}

/** `devfocus.export`. */
export interface ExportResult {
  path: string;
  format: string;
  events: number;
  /** As JSON: the rows written of each git-history table. */
  history?: Record<string, number>;
}

/**
 * `devfocus.report` with `open`: the private file the report was written to, and whether the editor
 * said it showed it (window/showDocument).
 */
export interface ReportFile {
  path: string;
  uri: string;
  shown: boolean;
}

export interface WireSpan {
  /** ISO 8601, local time with its offset */
  start: string;
  end: string;
}

/** What an insight stands on: named figures, and the sessions, files and commits behind it. */
export interface WireEvidence {
  /** CamelCase names: {"switchesPerHour": 9.2, "baseline": 4.1} */
  numbers: Record<string, number>;
  sessions: WireSpan[];
  /** Absolute paths */
  files: string[];
  /** Commit ids */
  commits: string[];
}

export interface WireInsight {
  /** Stable across runs for the same finding */
  id: string;
  /** Context-switching, low-focus, fragmented-day, long-stretch, late-night, ... */
  kind: string;
  /** Hint, information or warning */
  severity: string;
  /** The time it covers, ISO 8601 local */
  start: string;
  end: string;
  /** One plain sentence: what was found and what might help */
  message: string;
  /** The file it is about, if any */
  path: string | null;
  /** The definition in it ("Cart.total"), if any */
  definition: string | null;
  evidence: WireEvidence;
}

export interface WirePeriod {
  /** As asked (week, today, ...; custom for a range of days) */
  name: string;
  start: string;
  end: string;
}

/** `devfocus.insights`: the period looked at and its insights, warnings first. */
export interface InsightsResult {
  period: WirePeriod;
  insights: WireInsight[];
}

/**
 * `devfocus.docs.generateFile`, `devfocus.docs.generateWorkspace` and
 * `devfocus.docs.generateWithAI`. With `ai`, where each docstring's words came from.
 */
export interface DocsResult {
  /** Docstrings written */
  applied: number;
  files: number;
  /** Places left alone, and why */
  refused: string[];
  cancelled: boolean;
  /** Why the editor did not apply an edit */
  failures: string[];
  /**
   * With ai: docstrings whose words the model wrote now, that were kept from an earlier answer, and
   * that are the template's (fallbacks: why, for those the model failed).
   */
  fromModel?: number;
  fromCache?: number;
  fromTemplate?: number;
  fallbacks?: string[];
}

/** What the commit coach found in a message. */
export interface CommitFinding {
  rule: string;
  severity: string;
  /** 1-based, in the message */
  line: number;
  message: string;
}

/**
 * `devfocus.commit.writeWithAI`: the drafted message, its score (out of 10, as the coach's) and
 * what the coach found in it; `applied`: whether the editor took the edit.
 */
export interface CommitDraftResult {
  subject: string;
  body: string;
  score: number;
  findings: CommitFinding[];
  applied: boolean;
}

export type CommitDraftAnswer = CommitDraftResult | null;

export type ErasedCounts = Record<string, number>;

export type FocusBlockResult = WireFocusBlock | null;

export type ReportResult = string | ReportFile | { [key: string]: unknown };

/** What each command answers. */
export interface CommandResults {
  'devfocus.status': WireStatus;
  'devfocus.tracking.pause': WireStatus;
  'devfocus.tracking.resume': WireStatus;
  'devfocus.report': ReportResult;
  'devfocus.insights': InsightsResult;
  'devfocus.git.import': ImportResult;
  'devfocus.task.set': TaskResult;
  'devfocus.export': ExportResult;
  'devfocus.data.delete': ErasedCounts;
  'devfocus.docs.generateFile': DocsResult;
  'devfocus.docs.generateWorkspace': DocsResult;
  'devfocus.docs.generateWithAI': DocsResult;
  'devfocus.focus.start': FocusBlockResult;
  'devfocus.focus.stop': FocusBlockResult;
  'devfocus.commit.writeWithAI': CommitDraftAnswer;
  'devfocus.issues.sync': IssueSyncResult;
  'devfocus.tasks.list': TaskListResult;
  'devfocus.task.link': TaskLinkResult;
  'devfocus.switch.annotate': SwitchNoteResult;
}

/** What each command takes: one object (commands not listed take nothing). */
export interface CommandArguments {
  'devfocus.report': ReportArguments;
  'devfocus.insights': InsightsArguments;
  'devfocus.task.set': TaskArguments;
  'devfocus.export': ExportArguments;
  'devfocus.data.delete': DeleteArguments;
  'devfocus.docs.generateFile': GenerateFileArguments;
  'devfocus.docs.generateWithAI': GenerateWithAIArguments;
  'devfocus.focus.start': FocusStartArguments;
  'devfocus.commit.writeWithAI': WriteCommitArguments;
  'devfocus.issues.sync': IssueSyncArguments;
  'devfocus.tasks.list': TaskListArguments;
  'devfocus.task.link': TaskLinkArguments;
  'devfocus.switch.annotate': SwitchAnnotateArguments;
}

/** The params of each notification. */
export interface NotificationParams {
  'devfocus/status': WireStatus;
  'devfocus/windowState': WindowStateParams;
  'devfocus/activeEditor': ActiveEditorParams;
  'devfocus/workspaceTrust': WorkspaceTrustParams;
}
