// Secrets the server reads from its environment (the AI key, the trackers' tokens, the team
// database's URL): kept in VS Code's SecretStorage, handed to the server when it starts, and the
// server started again when what it would be given changes. One class for all of them, so each
// secret only says which names it keeps and which variables they become. No `vscode` import: the
// editor's secret storage comes in through a small interface, so the node tests cover it all.

/** VS Code's SecretStorage, as far as the secrets use it. */
export interface SecretStore {
  get(name: string): PromiseLike<string | undefined>;
  store(name: string, value: string): PromiseLike<void>;
  delete(name: string): PromiseLike<void>;
}

/** How a kind of secret is named in the output channel. */
export interface SecretWords {
  /** What is read, for failures: "the AI key", "the tracker tokens". */
  what: string;
  /** Logged before a restart because it changed. */
  changed: string;
}

/**
 * Secrets kept in SecretStorage that reach the server as environment variables. The values are
 * never logged, never written to settings, never shown: subclasses say where they went by
 * variable name only.
 */
export abstract class SecretEnvironment {
  /** What the running server was given (variables and values), to know when it must start
   * again: kept in memory only, like the server's own environment. */
  private handed: Record<string, string> | undefined;
  private checks: Promise<void> = Promise.resolve();

  constructor(
    protected readonly secrets: SecretStore,
    /** Starts the server again (it asks for environment() while starting). */
    protected readonly restart: () => Promise<void>,
    /** The output channel: names and variables only, never a secret. */
    protected readonly log: (message: string) => void,
    private readonly words: SecretWords,
  ) {}

  /** The SecretStorage names this kind keeps: a change to one (in any window) is refreshed. */
  abstract owns(name: string): boolean;

  /** The environment the stored secrets (and the settings) call for now. */
  protected abstract wanted(): Promise<Record<string, string>>;

  /** Says in the output channel where what is handed goes; by variable name, never the value. */
  protected announce(env: Record<string, string>): void {
    void env;
  }

  /** The variables to add to the server's environment at this start. */
  async environment(): Promise<Record<string, string>> {
    let env: Record<string, string> = {};
    try {
      env = await this.wanted();
    } catch (error) {
      // The server starts without the secret rather than not at all.
      this.log(
        `could not read ${this.words.what} from VS Code's secret storage: ${errorText(error)}`,
      );
    }
    this.announce(env);
    this.handed = env;
    return env;
  }

  /** Starts the server again when what it would be given differs from what it has: after a
   * secret is stored or removed (here or in another window) or a setting it depends on changes.
   * One check at a time, so a change seen twice (the command, then SecretStorage's own event)
   * restarts once. True if it restarted. */
  refresh(evenIfNotStarted = false): Promise<boolean> {
    const check = this.checks.then(async () => {
      const before = this.handed;
      const now = await this.wanted();
      // A server that never got as far as its environment (it could not start) is started
      // again only for the commands, not for every settings change.
      if (before === undefined ? !evenIfNotStarted : sameEnvironment(before, now)) {
        return false;
      }
      this.log(this.words.changed);
      await this.restart();
      return true;
    });
    this.checks = check.then(
      () => undefined,
      (error: unknown) => this.log(`could not check ${this.words.what}: ${errorText(error)}`),
    );
    return check.catch(() => false);
  }

  /** Stores `value` under `name`, and says so (by `label`, never the value). The caller
   * refreshes when the server should use it now. */
  protected async keep(name: string, value: string, label: string): Promise<void> {
    await this.secrets.store(name, value);
    this.log(`${label} stored in VS Code's secret storage`);
  }

  /** Removes what is stored under `name`, and says so. */
  protected async forget(name: string, label: string): Promise<void> {
    await this.secrets.delete(name);
    this.log(`${label} removed from VS Code's secret storage`);
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function sameEnvironment(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}
