import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Launch, serverEnvironment } from '../src/launch';
import { SecretStore } from '../src/secretEnv';
import {
  PREVIEW_BUTTON,
  SHARE_BUTTON,
  TEAM_SECRET,
  TeamConnection,
  TeamPrompts,
  describeAddress,
  isPreviewResult,
  isPushResult,
  maskUrl,
  pushMessage,
  teamAddress,
  teamUrlProblem,
} from '../src/team';

const PASSWORD = 'Zq7-w4Xv_team-s3cret';
const URL = `postgresql://alice:${PASSWORD}@db.acme.test:5432/focus_team`;

describe('the team database URL', () => {
  it('takes a PostgreSQL URL with a user, a server and a database', () => {
    assert.equal(teamUrlProblem(URL), null);
    assert.equal(teamUrlProblem(` ${URL}\n`), null); // pasted with a line break: trimmed
    assert.equal(teamUrlProblem('postgres://alice:pw@127.0.0.1/team'), null);
    assert.equal(teamUrlProblem('postgresql+psycopg://alice:pw@[::1]:5433/team'), null);
    assert.equal(teamUrlProblem('postgresql://alice@db.acme.test/team'), null); // PGPASSWORD
    assert.deepEqual(teamAddress(URL), {
      user: 'alice',
      server: 'db.acme.test:5432',
      database: 'focus_team',
    });
    assert.equal(describeAddress(teamAddress(URL)!), 'focus_team on db.acme.test:5432 as alice');
  });
  it('refuses what is not one, saying what is missing', () => {
    assert.match(teamUrlProblem('') ?? '', /Paste the URL/);
    assert.match(teamUrlProblem('postgresql://alice:pw @host/db') ?? '', /no spaces/);
    assert.match(teamUrlProblem('https://alice:pw@host/db') ?? '', /A PostgreSQL URL/);
    assert.match(teamUrlProblem('mysql://alice:pw@host/db') ?? '', /A PostgreSQL URL/);
    assert.match(teamUrlProblem('db.acme.test') ?? '', /A PostgreSQL URL/);
    assert.match(teamUrlProblem('postgresql:///team') ?? '', /database server/);
    assert.match(teamUrlProblem('postgresql://db.acme.test/team') ?? '', /database user/);
    assert.match(teamUrlProblem('postgresql://alice:pw@db.acme.test') ?? '', /team database/);
    assert.match(teamUrlProblem('postgresql://alice:pw@db.acme.test/') ?? '', /team database/);
    assert.equal(teamAddress('postgresql://db.acme.test/team'), undefined);
  });
  it('shows no password in messages', () => {
    assert.equal(maskUrl(URL), 'postgresql://alice:***@db.acme.test:5432/focus_team');
    assert.equal(
      maskUrl(`could not reach ${URL}: refused`),
      'could not reach postgresql://alice:***@db.acme.test:5432/focus_team: refused',
    );
    assert.equal(maskUrl('postgresql://alice@host/db'), 'postgresql://alice@host/db');
    assert.equal(maskUrl('no URL here'), 'no URL here');
  });
});

describe('the server’s environment with the stored URL', () => {
  it('takes the stored URL over the one the editor inherited', () => {
    const launch: Launch = { command: 'python3', args: [], env: { PYTHONUTF8: '1' } };
    const env = serverEnvironment({ DEVFOCUS_TEAM_URL: 'inherited' }, launch, {
      DEVFOCUS_TEAM_URL: URL,
    });
    assert.equal(env.DEVFOCUS_TEAM_URL, URL);
  });
});

/** SecretStorage in memory. */
class Secrets implements SecretStore {
  readonly values = new Map<string, string>();
  async get(name: string): Promise<string | undefined> {
    return this.values.get(name);
  }
  async store(name: string, value: string): Promise<void> {
    this.values.set(name, value);
  }
  async delete(name: string): Promise<void> {
    this.values.delete(name);
  }
}

/** What the user answers, and everything said and logged. */
class Harness {
  readonly secrets = new Secrets();
  urls: (string | undefined)[] = [];
  buttons: (string | undefined)[] = [];
  readonly told: string[] = [];
  readonly logged: string[] = [];
  restarts = 0;
  previews = 0;
  shares = 0;
  /** The environment each start got. */
  readonly starts: Record<string, string>[] = [];
  readonly team: TeamConnection;

  constructor(inherited: Record<string, string> = {}) {
    const prompts: TeamPrompts = {
      askUrl: async () => this.urls.shift(),
      tell: async (message) => {
        this.told.push(message);
        return this.buttons.shift();
      },
      preview: async () => {
        this.previews += 1;
      },
      share: async () => {
        this.shares += 1;
      },
    };
    this.team = new TeamConnection(
      this.secrets,
      prompts,
      async () => {
        this.restarts += 1;
        this.starts.push(await this.team.environment()); // what a start does
      },
      (message) => this.logged.push(message),
      inherited,
    );
  }

  visible(): string {
    return [...this.told, ...this.logged].join('\n');
  }
}

describe('Connect Team Database', () => {
  it('stores the URL and restarts the server with it as DEVFOCUS_TEAM_URL', async () => {
    const h = new Harness();
    await h.team.environment(); // the server started without a team
    h.urls = [`${URL}\n`];
    assert.equal(await h.team.connect(), true);
    assert.equal(h.secrets.values.get('devfocus.team.url'), URL);
    assert.equal(h.restarts, 1);
    assert.deepEqual(h.starts, [{ DEVFOCUS_TEAM_URL: URL }]);
    assert.match(h.told[0], /connected to the team database focus_team on db\.acme\.test:5432/);
    assert.match(h.logged.join('\n'), /alice:\*\*\*@db\.acme\.test.*DEVFOCUS_TEAM_URL/);
    assert.equal(h.previews, 0);
    assert.ok(!h.visible().includes(PASSWORD));
  });
  it('offers the preview of what the team sees, and shares only when asked', async () => {
    const h = new Harness();
    h.urls = [URL];
    h.buttons = [PREVIEW_BUTTON, undefined];
    assert.equal(await h.team.connect(), true);
    assert.equal(h.previews, 1);
    assert.equal(h.shares, 0); // the preview's question dismissed: nothing pushed
    assert.match(h.told[0], /Nothing is pushed until you choose Start Sharing/);
  });
  it('starts sharing after the preview, or at once', async () => {
    for (const buttons of [[PREVIEW_BUTTON, SHARE_BUTTON], [SHARE_BUTTON]]) {
      const h = new Harness();
      h.urls = [URL];
      h.buttons = [...buttons];
      assert.equal(await h.team.connect(), true);
      assert.equal(h.shares, 1);
    }
  });
  it('stores nothing when the box is cancelled, empty or not a PostgreSQL URL', async () => {
    const h = new Harness();
    await h.team.environment();
    for (const typed of [undefined, '', '  ', 'https://db.acme.test/team', 'postgresql://x']) {
      h.urls = [typed];
      assert.equal(await h.team.connect(), false);
    }
    assert.equal(h.secrets.values.size, 0);
    assert.equal(h.restarts, 0);
    assert.deepEqual(h.told, []);
  });
  it('restarts once when the command and the secret storage event both ask', async () => {
    const h = new Harness();
    await h.team.environment();
    const events: Promise<boolean>[] = [];
    const store = h.secrets.store.bind(h.secrets);
    h.secrets.store = async (name, value) => {
      await store(name, value);
      if (h.team.owns(name)) {
        events.push(h.team.refresh()); // SecretStorage.onDidChange, in this window
      }
    };
    h.urls = [URL];
    await h.team.connect();
    await Promise.all(events);
    assert.equal(events.length, 1);
    assert.equal(h.restarts, 1);
  });
  it('says the stored URL goes over an inherited one, without its password', async () => {
    const h = new Harness({ DEVFOCUS_TEAM_URL: 'postgresql://bob:other@host/team' });
    await h.secrets.store(TEAM_SECRET, URL);
    assert.deepEqual(await h.team.environment(), { DEVFOCUS_TEAM_URL: URL });
    assert.match(h.logged.join('\n'), /DEVFOCUS_TEAM_URL \(instead of the one VS Code inherited\)/);
    assert.ok(!h.visible().includes(PASSWORD));
  });
  it('starts the server without it when the secret storage fails', async () => {
    const h = new Harness();
    h.secrets.get = async () => {
      throw new Error('no keyring');
    };
    assert.deepEqual(await h.team.environment(), {});
    assert.match(h.logged.join('\n'), /could not read the team database URL.*no keyring/);
  });
});

describe('Disconnect Team Database', () => {
  it('removes the URL and restarts the server without it', async () => {
    const h = new Harness();
    await h.secrets.store(TEAM_SECRET, URL);
    await h.team.environment();
    assert.equal(await h.team.connected(), true);
    assert.equal(await h.team.disconnect(), true);
    assert.equal(h.secrets.values.has(TEAM_SECRET), false);
    assert.deepEqual(h.starts, [{}]);
    assert.match(h.told[0], /team database URL was removed/);
    assert.match(h.told[0], /devfocus team leave/);
    assert.ok(!h.visible().includes(PASSWORD));
  });
  it('says so when none is stored, and when the environment still has one', async () => {
    const h = new Harness({ DEVFOCUS_TEAM_URL: 'postgresql://bob:other@host/team' });
    assert.equal(await h.team.disconnect(), false);
    assert.match(h.told[0], /no team database URL is stored/);
    assert.match(h.told[0], /still reads DEVFOCUS_TEAM_URL/);
    assert.equal(h.restarts, 0);
  });
});

describe('Push Team Aggregates Now', () => {
  it('says what went and what waits', () => {
    assert.deepEqual(pushMessage({ pushed: 24, pending: 0, error: null }), {
      warning: false,
      text: 'DevFocus: pushed 24 hourly aggregates to the team database.',
    });
    assert.deepEqual(pushMessage({ pushed: 1, pending: 2, error: null }), {
      warning: false,
      text:
        'DevFocus: pushed 1 hourly aggregate to the team database. 2 hourly aggregates wait ' +
        'on this machine and go with the next push.',
    });
    assert.match(pushMessage({ pushed: 0, pending: 0, error: null }).text, /up to date/);
    assert.equal(
      pushMessage({ pushed: 0, deleted: 2, pending: 0, error: null }).text,
      'DevFocus: nothing new to push. Removed 2 hourly aggregates no longer in your local data ' +
        'from the team database.',
    );
  });
  it('warns when the push failed, with the URL’s password masked', () => {
    const failed = pushMessage({
      pushed: 0,
      pending: 1,
      error: `connection to ${URL} refused.`,
    });
    assert.equal(failed.warning, true);
    assert.equal(
      failed.text,
      'DevFocus: the team push failed: connection to ' +
        'postgresql://alice:***@db.acme.test:5432/focus_team refused. 1 hourly aggregate waits ' +
        'on this machine and goes with the next push.',
    );
    assert.match(
      pushMessage({ pushed: 3, pending: 5, error: 'timeout' }).text,
      /^DevFocus: pushed 3 hourly aggregates, then the team push failed: timeout\. 5/,
    );
  });
  it('knows the answers of the server’s push and preview', () => {
    assert.ok(isPushResult({ pushed: 0, pending: 0, error: null }));
    assert.ok(isPushResult({ pushed: 2, pending: 0, error: 'down' }));
    assert.ok(!isPushResult({ pushed: '2', pending: 0, error: null }));
    assert.ok(!isPushResult(null));
    assert.ok(isPreviewResult({ share: 'totals', byName: false, rows: [], text: '# Preview' }));
    assert.ok(!isPreviewResult({ share: 'totals', rows: [] }));
  });
});
