// Team mode from the editor: the connection URL the team's administrator handed out (with its
// password) is kept in VS Code's SecretStorage and handed to the server as DEVFOCUS_TEAM_URL when
// it starts, like the AI key and the trackers' tokens. The URL is never logged, never written to
// settings; where a message names it, its password is masked. What the server answers for Push
// and Preview is put in words here. No `vscode` import, so the node tests cover it all.

import { SecretEnvironment, SecretStore } from './secretEnv';

export const CONNECT_TEAM_COMMAND = 'devfocus.connectTeam';
export const DISCONNECT_TEAM_COMMAND = 'devfocus.disconnectTeam';
export const TEAM_REPORT_COMMAND = 'devfocus.teamReport';
export const TEAM_PUSH_COMMAND = 'devfocus.teamPush';
export const TEAM_PREVIEW_COMMAND = 'devfocus.teamPreview';

/** The server's commands behind Push and Preview. */
export const TEAM_PUSH = 'devfocus.team.push';
export const TEAM_PREVIEW = 'devfocus.team.preview';

/** Where the URL is kept, and the variable the server reads it from. */
export const TEAM_SECRET = 'devfocus.team.url';
export const TEAM_VARIABLE = 'DEVFOCUS_TEAM_URL';

export const PREVIEW_BUTTON = 'Preview What the Team Sees';
export const SHARE_BUTTON = 'Start Sharing';

const SCHEMES = ['postgresql:', 'postgres:', 'postgresql+psycopg:'];
const EXAMPLE = 'postgresql://name:password@host:5432/database';

/** `url` with the password of every `scheme://user:password@` in it replaced by `***`. */
export function maskUrl(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@]*@/gi, '$1***@');
}

/** The parts of a team URL the messages name: never the password. */
export interface TeamAddress {
  user: string;
  /** `host` or `host:port`. */
  server: string;
  database: string;
}

/** What a PostgreSQL connection URL names; undefined unless it is one with a user, a server and a
 * database (`postgresql://name:password@host:port/db`). */
export function teamAddress(value: string): TeamAddress | undefined {
  const text = value.trim();
  if (/\s/.test(text)) {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const database = decodePart(url.pathname.replace(/^\//, ''));
  if (!SCHEMES.includes(url.protocol.toLowerCase()) || !url.hostname || !url.username) {
    return undefined;
  }
  if (!database || database.includes('/')) {
    return undefined;
  }
  return { user: decodePart(url.username), server: url.host, database };
}

/** Why a typed URL cannot be the team's, or null. */
export function teamUrlProblem(value: string): string | null {
  const text = value.trim();
  if (!text) {
    return "Paste the URL your team's administrator gave you, or press Escape to cancel.";
  }
  if (/\s/.test(text)) {
    return 'A connection URL has no spaces or line breaks.';
  }
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !SCHEMES.includes(url.protocol.toLowerCase())) {
    return `A PostgreSQL URL, e.g. ${EXAMPLE}`;
  }
  if (!url.hostname) {
    return `The URL names the database server: ${EXAMPLE}`;
  }
  if (!url.username) {
    return `The URL names your database user: ${EXAMPLE}`;
  }
  return teamAddress(text) ? null : `The URL names the team database: ${EXAMPLE}`;
}

/** `database on host:port as user`, for messages. */
export function describeAddress(address: TeamAddress): string {
  return `${address.database} on ${address.server} as ${address.user}`;
}

/** What Connect and Disconnect ask and say; the extension shows them with VS Code's widgets. */
export interface TeamPrompts {
  /** The connection URL (a password box); undefined when cancelled. */
  askUrl(): Promise<string | undefined>;
  /** A message with optional buttons; the button chosen, if any. */
  tell(message: string, ...buttons: string[]): Promise<string | undefined>;
  /** Preview What the Team Sees, offered once connected. */
  preview(): Promise<void>;
  /** The first push (Push Team Aggregates Now): nothing goes before the person chooses it. */
  share(): Promise<void>;
}

/** The team database's URL for the server, and Connect / Disconnect Team Database. */
export class TeamConnection extends SecretEnvironment {
  constructor(
    secrets: SecretStore,
    private readonly prompts: TeamPrompts,
    /** Starts the server again (it asks for environment() while starting). */
    restart: () => Promise<void>,
    /** The output channel: the URL with its password masked, never the password. */
    log: (message: string) => void,
    /** The editor's own environment: a URL there reaches the server without one stored here. */
    private readonly inherited: Readonly<Record<string, string | undefined>> = {},
  ) {
    super(secrets, restart, log, {
      what: 'the team database URL',
      changed: 'the team database URL changed: restarting the server',
    });
  }

  owns(name: string): boolean {
    return name === TEAM_SECRET;
  }

  protected async wanted(): Promise<Record<string, string>> {
    const url = await this.secrets.get(TEAM_SECRET);
    return url ? { [TEAM_VARIABLE]: url } : {};
  }

  protected override announce(env: Record<string, string>): void {
    const url = env[TEAM_VARIABLE];
    if (url) {
      const over = this.inherited[TEAM_VARIABLE] ? ' (instead of the one VS Code inherited)' : '';
      this.log(
        `the stored team database URL (${maskUrl(url)}) is in the server's environment as ` +
          `${TEAM_VARIABLE}${over}`,
      );
    }
  }

  /** Whether a URL is stored. */
  async connected(): Promise<boolean> {
    return Boolean(await this.secrets.get(TEAM_SECRET));
  }

  /** Connect Team Database: the URL, stored; the server started again with it. */
  async connect(): Promise<boolean> {
    const typed = (await this.prompts.askUrl())?.trim();
    const address = typed ? teamAddress(typed) : undefined;
    if (!typed || !address || teamUrlProblem(typed) !== null) {
      return false; // cancelled or not a URL: nothing stored
    }
    await this.keep(TEAM_SECRET, typed, 'team database URL');
    await this.refresh(true);
    const message =
      `DevFocus: connected to the team database ${describeAddress(address)}. The URL is kept ` +
      "in VS Code's secret storage. Nothing is pushed until you choose Start Sharing (or Push " +
      'Team Aggregates Now); then only the aggregates devfocus.team.share allows go, never ' +
      'file names, code or commit messages.';
    let choice = await this.prompts.tell(message, PREVIEW_BUTTON, SHARE_BUTTON);
    if (choice === PREVIEW_BUTTON) {
      await this.prompts.preview();
      choice = await this.prompts.tell(
        'DevFocus: share these aggregates with the team from now on?',
        SHARE_BUTTON,
      );
    }
    if (choice === SHARE_BUTTON) {
      await this.prompts.share();
    }
    return true;
  }

  /** Disconnect Team Database: removes the stored URL; the server starts again without it. */
  async disconnect(): Promise<boolean> {
    const still = this.inherited[TEAM_VARIABLE]
      ? ` The server still reads ${TEAM_VARIABLE} from the environment VS Code was started with.`
      : '';
    if (!(await this.connected())) {
      void this.prompts.tell(`DevFocus: no team database URL is stored.${still}`);
      return false;
    }
    await this.forget(TEAM_SECRET, 'team database URL');
    await this.refresh(true);
    void this.prompts.tell(
      'DevFocus: the team database URL was removed: nothing more is pushed. What was already ' +
        `pushed stays in the team database until you leave the team (devfocus team leave).${still}`,
    );
    return true;
  }
}

/** `devfocus.team.push`: hourly aggregates pushed now, those still waiting, and why not. */
export interface TeamPushResult {
  pushed: number;
  pending: number;
  error: string | null;
  /** Rows taken out of the team database: hours no longer in the local database. */
  deleted?: number;
}

/** `devfocus.team.preview`: what a push would send, and the same as Markdown. */
export interface TeamPreviewResult {
  share: string;
  byName: boolean;
  rows: unknown[];
  text: string;
}

export function isPushResult(value: unknown): value is TeamPushResult {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const v = value as Record<string, unknown>;
  return (
    typeof v.pushed === 'number' &&
    typeof v.pending === 'number' &&
    (v.error === null || v.error === undefined || typeof v.error === 'string')
  );
}

export function isPreviewResult(value: unknown): value is TeamPreviewResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>).text === 'string'
  );
}

/** A Push's outcome in words; `warning` when it failed. */
export function pushMessage(result: TeamPushResult): { warning: boolean; text: string } {
  const waits = result.pending === 1;
  const waiting =
    result.pending > 0
      ? ` ${aggregates(result.pending)} ${waits ? 'waits' : 'wait'} on this machine and ` +
        `${waits ? 'goes' : 'go'} with the next push.`
      : '';
  if (result.error) {
    const before = result.pushed > 0 ? `pushed ${aggregates(result.pushed)}, then ` : '';
    const why = maskUrl(result.error.trim()).replace(/\.+$/, '');
    return {
      warning: true,
      text: `DevFocus: ${before}the team push failed: ${why}.${waiting}`,
    };
  }
  const deleted = result.deleted ?? 0;
  const removed =
    deleted > 0
      ? ` Removed ${aggregates(deleted)} no longer in your local data from the team database.`
      : '';
  if (result.pushed === 0 && result.pending === 0) {
    return {
      warning: false,
      text: removed
        ? `DevFocus: nothing new to push.${removed}`
        : 'DevFocus: the team database is up to date: nothing to push.',
    };
  }
  return {
    warning: false,
    text: `DevFocus: pushed ${aggregates(result.pushed)} to the team database.${removed}${waiting}`,
  };
}

function aggregates(count: number): string {
  return `${count} hourly ${count === 1 ? 'aggregate' : 'aggregates'}`;
}

function decodePart(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
