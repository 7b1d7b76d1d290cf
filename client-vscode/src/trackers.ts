// The issue trackers' tokens: asked once (Connect GitHub, Connect Jira), kept in VS Code's
// SecretStorage, and handed to the server in its environment when it starts, as the AI key is
// (secretEnv.ts; the server reads tokens only from its environment). A token is never logged, never
// written to settings, never shown. No `vscode` import: secrets, prompts and settings come in
// through small interfaces, so the node tests cover it all.

import { SecretEnvironment, SecretStore } from './secretEnv';

export const TRACKERS = ['github', 'jira'] as const;
export type Tracker = (typeof TRACKERS)[number];

export const CONNECT_GITHUB_COMMAND = 'devfocus.connectGitHub';
export const CONNECT_JIRA_COMMAND = 'devfocus.connectJira';
export const DISCONNECT_GITHUB_COMMAND = 'devfocus.disconnectGitHub';
export const DISCONNECT_JIRA_COMMAND = 'devfocus.disconnectJira';

export const TRACKER_NAMES: Record<Tracker, string> = { github: 'GitHub', jira: 'Jira' };

/** The variables the server reads each tracker's token from. */
export const TOKEN_VARIABLES: Record<Tracker, string> = {
  github: 'GITHUB_TOKEN',
  jira: 'DEVFOCUS_JIRA_TOKEN',
};

/** The name a tracker's token is kept under in SecretStorage. */
export function tokenSecretName(tracker: Tracker): string {
  return `devfocus.issues.${tracker}.token`;
}

/** What the server's environment gets: each stored token under the variable it reads. */
export function tokenEnvironment(
  tokens: Partial<Record<Tracker, string | undefined>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const tracker of TRACKERS) {
    const token = tokens[tracker];
    if (token) {
      env[TOKEN_VARIABLES[tracker]] = token;
    }
  }
  return env;
}

/** Whether a pasted token looks like one: no spaces or line breaks inside. A message, or null. */
export function tokenProblem(value: string): string | null {
  const token = value.trim();
  if (!token) {
    return 'Paste the token, or press Escape to cancel.';
  }
  return /\s/.test(token) ? 'A token has no spaces or line breaks.' : null;
}

/** `https://acme.atlassian.net/` → `https://acme.atlassian.net`; undefined unless it is an
 * http(s) address of a site. */
export function normalSite(value: string): string | undefined {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) {
    return undefined;
  }
  if (url.username || url.password || url.search || url.hash) {
    return undefined; // a token or a query has no place in the site setting
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

export function siteProblem(value: string): string | null {
  if (!value.trim()) {
    return 'Your Jira Cloud site, e.g. https://acme.atlassian.net';
  }
  return normalSite(value) ? null : 'An http or https address, e.g. https://acme.atlassian.net';
}

export function emailProblem(value: string): string | null {
  return /^[^\s@]+@[^\s@]+$/.test(value.trim()) ? null : 'The email of your Atlassian account.';
}

/** The host an address names, for messages: `https://acme.atlassian.net` → `acme.atlassian.net`. */
export function hostOf(address: string): string {
  try {
    return new URL(address).host || address;
  } catch {
    return address;
  }
}

/** The `devfocus.issues.*` settings the connections read and write. */
export interface TrackerSettings {
  /** `devfocus.issues.github.enabled` in effect. */
  githubEnabled: boolean;
  /** `devfocus.issues.github.apiUrl`. */
  githubApiUrl: string;
  /** `devfocus.issues.jira.url`. */
  jiraUrl: string;
  /** `devfocus.issues.jira.email`. */
  jiraEmail: string;
}

/** A setting the connections write to the user's (global) settings. */
export type TrackerSetting = 'issues.github.enabled' | 'issues.jira.url' | 'issues.jira.email';

/** What the commands ask and say; the extension shows them with VS Code's own widgets. */
export interface TrackerPrompts {
  /** The token (a password box) for `tracker` at `host`; undefined when cancelled. */
  askToken(tracker: Tracker, host: string): Promise<string | undefined>;
  /** The Jira site; undefined when cancelled. */
  askSite(): Promise<string | undefined>;
  /** The Atlassian account's email; undefined when cancelled. */
  askEmail(site: string): Promise<string | undefined>;
  /** A message with optional buttons; the button chosen, if any. */
  tell(message: string, ...buttons: string[]): Promise<string | undefined>;
  /** Writes a setting to the user's settings. */
  write(setting: TrackerSetting, value: string | boolean): Promise<void>;
  /** Sync Issues, offered once a tracker is connected. */
  sync(): Promise<void>;
}

export const SYNC_BUTTON = 'Sync Issues';

/** The trackers' tokens for the server, and Connect / Disconnect. */
export class TrackerTokens extends SecretEnvironment {
  constructor(
    secrets: SecretStore,
    private readonly settings: () => TrackerSettings,
    private readonly prompts: TrackerPrompts,
    /** Starts the server again (it asks for environment() while starting). */
    restart: () => Promise<void>,
    /** The output channel: names and variables only, never a token. */
    log: (message: string) => void,
    /** The editor's own environment: a variable there reaches the server without a token here. */
    private readonly inherited: Readonly<Record<string, string | undefined>> = {},
  ) {
    super(secrets, restart, log, {
      what: 'the tracker tokens',
      changed: 'a tracker token changed: restarting the server',
    });
  }

  /** The names the tokens are kept under, one per tracker. */
  owns(name: string): boolean {
    return TRACKERS.some((tracker) => tokenSecretName(tracker) === name);
  }

  protected override announce(env: Record<string, string>): void {
    for (const tracker of TRACKERS) {
      const variable = TOKEN_VARIABLES[tracker];
      if (env[variable]) {
        const over = this.inherited[variable] ? ` (instead of the one VS Code inherited)` : '';
        this.log(
          `the stored ${TRACKER_NAMES[tracker]} token is in the server's environment as ` +
            `${variable}${over}`,
        );
      }
    }
  }

  /** Whether a token of `tracker` is stored. */
  async connected(tracker: Tracker): Promise<boolean> {
    return Boolean(await this.secrets.get(tokenSecretName(tracker)));
  }

  protected async wanted(): Promise<Record<string, string>> {
    const tokens: Partial<Record<Tracker, string | undefined>> = {};
    for (const tracker of TRACKERS) {
      tokens[tracker] = await this.secrets.get(tokenSecretName(tracker));
    }
    return tokenEnvironment(tokens);
  }

  /** Connect GitHub / Connect Jira: what the tracker needs (Jira: its site and the account's
   * email when the settings have none), the token stored, the server started again with it. */
  async connect(tracker: Tracker): Promise<boolean> {
    const settings = this.settings();
    const writes: [TrackerSetting, string | boolean][] = [];
    let host: string;
    if (tracker === 'jira') {
      let site = normalSite(settings.jiraUrl);
      if (!site) {
        const typed = await this.prompts.askSite();
        site = typed === undefined ? undefined : normalSite(typed);
        if (!site) {
          return false;
        }
        writes.push(['issues.jira.url', site]);
      }
      if (!settings.jiraEmail.trim()) {
        const email = (await this.prompts.askEmail(site))?.trim();
        if (!email || emailProblem(email) !== null) {
          return false;
        }
        writes.push(['issues.jira.email', email]);
      }
      host = hostOf(site);
    } else {
      host = hostOf(settings.githubApiUrl || 'https://api.github.com');
      if (!settings.githubEnabled) {
        writes.push(['issues.github.enabled', true]);
      }
    }
    const typed = await this.prompts.askToken(tracker, host);
    if (!typed?.trim() || tokenProblem(typed) !== null) {
      return false; // cancelled: nothing written, nothing stored
    }
    // The settings first: the server that starts with the token reads them at once.
    for (const [setting, value] of writes) {
      await this.prompts.write(setting, value);
    }
    const name = TRACKER_NAMES[tracker];
    await this.keep(tokenSecretName(tracker), typed.trim(), `${name} token`);
    await this.refresh(true);
    let message =
      `DevFocus: ${name} (${host}) is connected. The token is kept in VS Code's secret ` +
      'storage, and the server uses it.';
    if (tracker === 'github' && !this.settings().githubEnabled) {
      message += ' devfocus.issues.github.enabled is off in this workspace’s settings, though.';
    }
    if ((await this.prompts.tell(message, SYNC_BUTTON)) === SYNC_BUTTON) {
      await this.prompts.sync();
    }
    return true;
  }

  /** Disconnect GitHub / Disconnect Jira: removes the stored token; the server starts again
   * without it. Issues already imported stay (Delete My Data erases them). */
  async disconnect(tracker: Tracker): Promise<boolean> {
    const name = TRACKER_NAMES[tracker];
    const variable = TOKEN_VARIABLES[tracker];
    const still = this.inherited[variable]
      ? ` The server still reads ${variable} from the environment VS Code was started with.`
      : '';
    if (!(await this.connected(tracker))) {
      void this.prompts.tell(`DevFocus: no ${name} token is stored.${still}`);
      return false;
    }
    await this.forget(tokenSecretName(tracker), `${name} token`);
    await this.refresh(true);
    void this.prompts.tell(
      `DevFocus: the ${name} token was removed. Issues already imported stay until Delete My ` +
        `Data.${still}`,
    );
    return true;
  }
}
