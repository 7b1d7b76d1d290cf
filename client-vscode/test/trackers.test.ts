import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SecretStore } from '../src/aiKey';
import { Launch, serverEnvironment } from '../src/launch';
import {
  SYNC_BUTTON,
  Tracker,
  TrackerPrompts,
  TrackerSetting,
  TrackerSettings,
  TrackerTokens,
  emailProblem,
  normalSite,
  siteProblem,
  tokenEnvironment,
  tokenProblem,
  tokenSecretName,
} from '../src/trackers';

const GITHUB = 'ghp_test0123456789abcdef';
const JIRA = 'ATATT3xFfGF0-test-token';

describe('tokenEnvironment', () => {
  it('hands each stored token under the variable the server reads', () => {
    assert.deepEqual(tokenEnvironment({ github: GITHUB }), { GITHUB_TOKEN: GITHUB });
    assert.deepEqual(tokenEnvironment({ jira: JIRA }), { DEVFOCUS_JIRA_TOKEN: JIRA });
    assert.deepEqual(tokenEnvironment({ github: GITHUB, jira: JIRA }), {
      GITHUB_TOKEN: GITHUB,
      DEVFOCUS_JIRA_TOKEN: JIRA,
    });
  });
  it('hands nothing for a tracker without a token', () => {
    assert.deepEqual(tokenEnvironment({}), {});
    assert.deepEqual(tokenEnvironment({ github: '', jira: undefined }), {});
  });
});

describe('the server’s environment with stored tokens', () => {
  const launch: Launch = { command: 'python3', args: [], env: { PYTHONUTF8: '1' } };
  it('takes a stored token over the one the editor inherited', () => {
    const env = serverEnvironment(
      { GITHUB_TOKEN: 'inherited', DEVFOCUS_JIRA_TOKEN: 'inherited-jira', HOME: '/home/me' },
      launch,
      tokenEnvironment({ github: GITHUB }),
    );
    assert.equal(env.GITHUB_TOKEN, GITHUB);
    assert.equal(env.DEVFOCUS_JIRA_TOKEN, 'inherited-jira'); // none stored: the inherited stays
    assert.equal(env.HOME, '/home/me');
    assert.equal(env.PYTHONUTF8, '1');
  });
  it('keeps the AI key beside the tokens, and what the launch sets above all', () => {
    const extra = { ANTHROPIC_API_KEY: 'sk-ant', ...tokenEnvironment({ jira: JIRA }) };
    const env = serverEnvironment({}, launch, { ...extra, PYTHONUTF8: '0' });
    assert.equal(env.ANTHROPIC_API_KEY, 'sk-ant');
    assert.equal(env.DEVFOCUS_JIRA_TOKEN, JIRA);
    assert.equal(env.PYTHONUTF8, '1');
  });
});

describe('what Connect asks for', () => {
  it('refuses a token with spaces, and an empty box', () => {
    assert.equal(tokenProblem(GITHUB), null);
    assert.equal(tokenProblem(` ${GITHUB}\n`), null);
    assert.match(tokenProblem('') ?? '', /Paste/);
    assert.match(tokenProblem('ghp one') ?? '', /no spaces/);
  });
  it('takes a Jira site with or without its scheme, without a trailing slash', () => {
    assert.equal(normalSite('https://acme.atlassian.net/'), 'https://acme.atlassian.net');
    assert.equal(normalSite('acme.atlassian.net'), 'https://acme.atlassian.net');
    assert.equal(normalSite('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
    assert.equal(normalSite('ftp://acme.atlassian.net'), undefined);
    assert.equal(normalSite('https://me:secret@acme.atlassian.net'), undefined);
    assert.equal(siteProblem('https://acme.atlassian.net'), null);
    assert.match(siteProblem('not a site') ?? '', /http or https/);
  });
  it('takes an email', () => {
    assert.equal(emailProblem('me@acme.com'), null);
    assert.match(emailProblem('me') ?? '', /email/);
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

/** What the user answers, the settings written, and everything said and logged. */
class Harness {
  readonly secrets = new Secrets();
  settings: TrackerSettings = {
    githubEnabled: false,
    githubApiUrl: 'https://api.github.com',
    jiraUrl: '',
    jiraEmail: '',
  };
  tokens: (string | undefined)[] = [];
  sites: (string | undefined)[] = [];
  emails: (string | undefined)[] = [];
  buttons: (string | undefined)[] = [];
  readonly asked: string[] = [];
  readonly written: [TrackerSetting, string | boolean][] = [];
  readonly told: string[] = [];
  readonly logged: string[] = [];
  inherited: Record<string, string> = {};
  restarts = 0;
  syncs = 0;
  /** The environment each start got. */
  readonly starts: Record<string, string>[] = [];
  readonly trackers: TrackerTokens;

  constructor(inherited: Record<string, string> = {}) {
    const prompts: TrackerPrompts = {
      askToken: async (tracker: Tracker, host: string) => {
        this.asked.push(`token ${tracker} ${host}`);
        return this.tokens.shift();
      },
      askSite: async () => {
        this.asked.push('site');
        return this.sites.shift();
      },
      askEmail: async (site) => {
        this.asked.push(`email ${site}`);
        return this.emails.shift();
      },
      tell: async (message) => {
        this.told.push(message);
        return this.buttons.shift();
      },
      write: async (setting, value) => {
        this.written.push([setting, value]);
        if (setting === 'issues.github.enabled') {
          this.settings = { ...this.settings, githubEnabled: value === true };
        } else if (setting === 'issues.jira.url') {
          this.settings = { ...this.settings, jiraUrl: String(value) };
        } else {
          this.settings = { ...this.settings, jiraEmail: String(value) };
        }
      },
      sync: async () => {
        this.syncs += 1;
      },
    };
    this.trackers = new TrackerTokens(
      this.secrets,
      () => this.settings,
      prompts,
      async () => {
        this.restarts += 1;
        this.starts.push(await this.trackers.environment()); // what a start does
      },
      (message) => this.logged.push(message),
      inherited,
    );
  }

  visible(): string {
    return [...this.told, ...this.logged].join('\n');
  }
}

describe('Connect GitHub', () => {
  it('stores the token, turns GitHub on in the user settings and restarts the server with it', async () => {
    const h = new Harness();
    await h.trackers.environment(); // the server started without a token
    h.tokens = [`${GITHUB}\n`];
    h.buttons = [SYNC_BUTTON];
    assert.equal(await h.trackers.connect('github'), true);
    assert.deepEqual(h.asked, ['token github api.github.com']);
    assert.equal(h.secrets.values.get('devfocus.issues.github.token'), GITHUB);
    assert.deepEqual(h.written, [['issues.github.enabled', true]]);
    assert.equal(h.restarts, 1);
    assert.deepEqual(h.starts, [{ GITHUB_TOKEN: GITHUB }]);
    assert.match(h.told[0], /GitHub \(api\.github\.com\) is connected/);
    assert.equal(h.syncs, 1); // Sync Issues, offered and taken
    assert.ok(!h.visible().includes(GITHUB));
  });
  it('names the Enterprise host, and leaves a setting that is already on alone', async () => {
    const h = new Harness();
    h.settings = {
      ...h.settings,
      githubEnabled: true,
      githubApiUrl: 'https://ghe.acme.com/api/v3',
    };
    h.tokens = [GITHUB];
    assert.equal(await h.trackers.connect('github'), true);
    assert.deepEqual(h.asked, ['token github ghe.acme.com']);
    assert.deepEqual(h.written, []);
    assert.equal(h.syncs, 0);
  });
  it('writes and stores nothing when the box is cancelled, empty or holds spaces', async () => {
    const h = new Harness();
    await h.trackers.environment();
    for (const typed of [undefined, '', '  ', 'two words']) {
      h.tokens = [typed];
      assert.equal(await h.trackers.connect('github'), false);
    }
    assert.equal(h.secrets.values.size, 0);
    assert.deepEqual(h.written, []);
    assert.equal(h.restarts, 0);
  });
  it('restarts once when the command and the secret storage event both ask', async () => {
    const h = new Harness();
    await h.trackers.environment();
    const events: Promise<boolean>[] = [];
    const store = h.secrets.store.bind(h.secrets);
    h.secrets.store = async (name, value) => {
      await store(name, value);
      events.push(h.trackers.refresh()); // SecretStorage.onDidChange, in this window
    };
    h.tokens = [GITHUB];
    await h.trackers.connect('github');
    await Promise.all(events);
    assert.equal(h.restarts, 1);
  });
  it('says where the stored token goes, over an inherited one, without the token', async () => {
    const h = new Harness({ GITHUB_TOKEN: 'inherited' });
    await h.secrets.store(tokenSecretName('github'), GITHUB);
    assert.deepEqual(await h.trackers.environment(), { GITHUB_TOKEN: GITHUB });
    assert.match(h.logged.join('\n'), /GITHUB_TOKEN \(instead of the one VS Code inherited\)/);
    assert.ok(!h.visible().includes(GITHUB));
  });
  it('starts the server without tokens when the secret storage fails', async () => {
    const h = new Harness();
    h.secrets.get = async () => {
      throw new Error('no keyring');
    };
    assert.deepEqual(await h.trackers.environment(), {});
    assert.match(h.logged.join('\n'), /could not read the tracker tokens.*no keyring/);
  });
});

describe('Connect Jira', () => {
  it('asks the site and email when the settings have none, and writes them to the user settings', async () => {
    const h = new Harness();
    await h.trackers.environment();
    h.sites = ['acme.atlassian.net/'];
    h.emails = [' me@acme.com '];
    h.tokens = [JIRA];
    assert.equal(await h.trackers.connect('jira'), true);
    assert.deepEqual(h.asked, [
      'site',
      'email https://acme.atlassian.net',
      'token jira acme.atlassian.net',
    ]);
    assert.deepEqual(h.written, [
      ['issues.jira.url', 'https://acme.atlassian.net'],
      ['issues.jira.email', 'me@acme.com'],
    ]);
    assert.equal(h.secrets.values.get(tokenSecretName('jira')), JIRA);
    assert.deepEqual(h.starts, [{ DEVFOCUS_JIRA_TOKEN: JIRA }]);
    assert.ok(!h.visible().includes(JIRA));
  });
  it('asks only the token when the site and email are set', async () => {
    const h = new Harness();
    h.settings = { ...h.settings, jiraUrl: 'https://acme.atlassian.net', jiraEmail: 'me@acme.com' };
    h.tokens = [JIRA];
    assert.equal(await h.trackers.connect('jira'), true);
    assert.deepEqual(h.asked, ['token jira acme.atlassian.net']);
    assert.deepEqual(h.written, []);
  });
  it('writes nothing when cancelled on the way', async () => {
    const h = new Harness();
    h.sites = ['https://acme.atlassian.net'];
    h.emails = ['me@acme.com'];
    h.tokens = [undefined];
    assert.equal(await h.trackers.connect('jira'), false);
    assert.deepEqual(h.written, []);
    h.sites = [undefined];
    assert.equal(await h.trackers.connect('jira'), false);
    assert.deepEqual(h.asked.slice(-1), ['site']);
    assert.equal(h.secrets.values.size, 0);
  });
});

describe('Disconnect', () => {
  it('removes the token and restarts the server without it', async () => {
    const h = new Harness();
    await h.secrets.store(tokenSecretName('github'), GITHUB);
    await h.secrets.store(tokenSecretName('jira'), JIRA);
    await h.trackers.environment();
    assert.equal(await h.trackers.disconnect('github'), true);
    assert.equal(h.secrets.values.has(tokenSecretName('github')), false);
    assert.deepEqual(h.starts, [{ DEVFOCUS_JIRA_TOKEN: JIRA }]);
    assert.match(h.told[0], /GitHub token was removed/);
  });
  it('says so when no token is stored, and when the environment still has one', async () => {
    const h = new Harness({ DEVFOCUS_JIRA_TOKEN: 'inherited' });
    assert.equal(await h.trackers.disconnect('jira'), false);
    assert.match(h.told[0], /no Jira token is stored/);
    assert.match(h.told[0], /still reads DEVFOCUS_JIRA_TOKEN/);
    assert.equal(h.restarts, 0);
  });
});
