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
export const GIT_IMPORT = 'devfocus.git.import';
export const SET_TASK = 'devfocus.task.set';
export const EXPORT = 'devfocus.export';
export const DELETE = 'devfocus.data.delete';
export const GENERATE_FILE = 'devfocus.docs.generateFile';
export const GENERATE_WORKSPACE = 'devfocus.docs.generateWorkspace';

/**
 * `devfocus.report`: `[{period, format, project, fromDate, toDate, compare, redact}]` or `["week",
 * "json"]`.
 */
export interface ReportArguments {
  period?: 'today' | 'yesterday' | 'thisweek' | 'lastweek' | 'week' | '30d' | '90d' | 'year';
  format?: 'markdown' | 'json';
  /** A path or a file URI: only this project's activity */
  project?: string | null;
  /** A range of days instead of the period (YYYY-MM-DD, both included; toDate: today). */
  fromDate?: string;
  toDate?: string;
  /** The period of as many days before it beside it, with the changes */
  compare?: boolean;
  /** Names, commit messages and ids behind stable aliases */
  redact?: boolean;
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

/** `devfocus.docs.generateFile`: `[{uri}]`, or `[uri]`, or `[path]`. */
export interface GenerateFileArguments {
  uri: string;
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

/** `devfocus.docs.generateFile` and `devfocus.docs.generateWorkspace`. */
export interface DocsResult {
  /** Docstrings written */
  applied: number;
  files: number;
  /** Places left alone, and why */
  refused: string[];
  cancelled: boolean;
  /** Why the editor did not apply an edit */
  failures: string[];
}

export type ErasedCounts = Record<string, number>;

export type ReportResult = string | { [key: string]: unknown };

/** What each command answers. */
export interface CommandResults {
  'devfocus.status': WireStatus;
  'devfocus.tracking.pause': WireStatus;
  'devfocus.tracking.resume': WireStatus;
  'devfocus.report': ReportResult;
  'devfocus.git.import': ImportResult;
  'devfocus.task.set': TaskResult;
  'devfocus.export': ExportResult;
  'devfocus.data.delete': ErasedCounts;
  'devfocus.docs.generateFile': DocsResult;
  'devfocus.docs.generateWorkspace': DocsResult;
}

/** What each command takes: one object (commands not listed take nothing). */
export interface CommandArguments {
  'devfocus.report': ReportArguments;
  'devfocus.task.set': TaskArguments;
  'devfocus.export': ExportArguments;
  'devfocus.data.delete': DeleteArguments;
  'devfocus.docs.generateFile': GenerateFileArguments;
}

/** The params of each notification. */
export interface NotificationParams {
  'devfocus/status': WireStatus;
  'devfocus/windowState': WindowStateParams;
  'devfocus/activeEditor': ActiveEditorParams;
  'devfocus/workspaceTrust': WorkspaceTrustParams;
}
