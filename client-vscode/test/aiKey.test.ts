import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AIKeys,
  KeyPrompts,
  KeyProvider,
  KeySettings,
  SecretStore,
  keyEnvironment,
  keyProblem,
  keyVariable,
  secretName,
} from '../src/aiKey';

const KEY = 'sk-ant-test-0123456789';

describe('keyEnvironment', () => {
  it('hands the key under the variable the server reads for each provider', () => {
    assert.deepEqual(keyEnvironment('anthropic', '', KEY), { ANTHROPIC_API_KEY: KEY });
    assert.deepEqual(keyEnvironment('openai', '', KEY), { OPENAI_API_KEY: KEY });
    assert.deepEqual(keyEnvironment('openai-compatible', '', KEY), { OPENAI_API_KEY: KEY });
  });
  it('uses the variable devfocus.ai.apiKeyEnv names instead', () => {
    assert.deepEqual(keyEnvironment('anthropic', 'WORK_CLAUDE_KEY', KEY), {
      WORK_CLAUDE_KEY: KEY,
    });
    assert.deepEqual(keyEnvironment('openai', 'GATEWAY_KEY', KEY), { GATEWAY_KEY: KEY });
    assert.deepEqual(keyEnvironment('openai', ' GATEWAY_KEY', KEY), {}); // not a name
  });
  it('hands nothing without a key, without a provider, or to a name no environment holds', () => {
    assert.deepEqual(keyEnvironment('anthropic', '', undefined), {});
    assert.deepEqual(keyEnvironment('anthropic', '', ''), {});
    assert.deepEqual(keyEnvironment('none', '', KEY), {});
    assert.deepEqual(keyEnvironment('something-else', 'X', KEY), {});
    assert.deepEqual(keyEnvironment('anthropic', 'A=B', KEY), {});
    assert.deepEqual(keyEnvironment('anthropic', '1KEY', KEY), {});
  });
  it('names the variable, or none for an unusable apiKeyEnv', () => {
    assert.equal(keyVariable('anthropic', ''), 'ANTHROPIC_API_KEY');
    assert.equal(keyVariable('openai', 'MY_KEY'), 'MY_KEY');
    assert.equal(keyVariable('openai', 'MY KEY'), undefined);
  });
});

describe('keyProblem', () => {
  it('accepts a key and refuses what cannot be one', () => {
    assert.equal(keyProblem(KEY), null);
    assert.equal(keyProblem(`  ${KEY}\n`), null); // pasted with a line break: trimmed
    assert.match(keyProblem('') ?? '', /Paste/);
    assert.match(keyProblem('sk-ant one') ?? '', /no spaces/);
  });
});

/** SecretStorage in memory, with what was stored. */
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

/** What the user answers, and everything the commands said and logged. */
class Harness {
  readonly secrets = new Secrets();
  settings: KeySettings = { provider: 'anthropic', providers: ['anthropic'], apiKeyEnv: '' };
  picks: (KeyProvider | undefined)[] = [];
  typed: (string | undefined)[] = [];
  buttons: (string | undefined)[] = [];
  readonly offered: (readonly KeyProvider[])[] = [];
  readonly told: string[] = [];
  readonly logged: string[] = [];
  readonly used: KeyProvider[] = [];
  restarts = 0;
  readonly keys: AIKeys;

  constructor() {
    const prompts: KeyPrompts = {
      pickProvider: async (choices) => {
        this.offered.push(choices);
        return this.picks.shift();
      },
      askKey: async () => this.typed.shift(),
      tell: async (message) => {
        this.told.push(message);
        return this.buttons.shift();
      },
      useProvider: async (provider) => {
        this.used.push(provider);
      },
    };
    this.keys = new AIKeys(
      this.secrets,
      () => this.settings,
      prompts,
      async () => {
        this.restarts += 1;
        await this.keys.environment(); // what a start does
      },
      (message) => this.logged.push(message),
    );
  }

  /** Everything the user could read: messages and the output channel. */
  visible(): string {
    return [...this.told, ...this.logged].join('\n');
  }
}

describe('AIKeys.environment', () => {
  it('gives the server the configured provider’s stored key, and says where without the key', async () => {
    const h = new Harness();
    await h.secrets.store(secretName('anthropic'), KEY);
    await h.secrets.store(secretName('openai'), 'sk-openai-other');
    assert.deepEqual(await h.keys.environment(), { ANTHROPIC_API_KEY: KEY });
    assert.match(h.visible(), /ANTHROPIC_API_KEY/);
    assert.ok(!h.visible().includes(KEY));
  });
  it('gives nothing while the provider is none, even with keys stored', async () => {
    const h = new Harness();
    h.settings = { provider: 'none', providers: ['none'], apiKeyEnv: '' };
    await h.secrets.store(secretName('anthropic'), KEY);
    assert.deepEqual(await h.keys.environment(), {});
  });
  it('starts the server without a key when the secret storage fails', async () => {
    const h = new Harness();
    h.secrets.get = async () => {
      throw new Error('no keyring');
    };
    assert.deepEqual(await h.keys.environment(), {});
    assert.match(h.logged.join('\n'), /could not read the AI key.*no keyring/);
  });
});

describe('Set AI API Key', () => {
  it('stores the key under the configured provider and restarts the server with it', async () => {
    const h = new Harness();
    await h.keys.environment(); // the server started without a key
    h.typed = [`${KEY}\n`];
    assert.equal(await h.keys.set(), true);
    assert.deepEqual(h.offered, []); // the provider was not asked: it is configured
    assert.equal(h.secrets.values.get('devfocus.ai.apiKey.anthropic'), KEY);
    assert.equal(h.restarts, 1);
    assert.deepEqual(await h.keys.environment(), { ANTHROPIC_API_KEY: KEY });
    assert.ok(!h.visible().includes(KEY));
  });
  it('asks whose key it is while the provider is none, and offers to use that provider', async () => {
    const h = new Harness();
    h.settings = { provider: 'none', providers: ['none'], apiKeyEnv: '' };
    await h.keys.environment();
    h.picks = ['openai'];
    h.typed = [KEY];
    h.buttons = ['Use OpenAI'];
    assert.equal(await h.keys.set(), true);
    assert.deepEqual(h.offered, [['anthropic', 'openai', 'openai-compatible']]);
    assert.equal(h.secrets.values.get('devfocus.ai.apiKey.openai'), KEY);
    assert.deepEqual(h.used, ['openai']);
    assert.equal(h.restarts, 0); // the settings change restarts it, not the command
  });
  it('asks among the providers in effect when the folders disagree', async () => {
    const h = new Harness();
    h.settings = { provider: 'anthropic', providers: ['anthropic', 'openai'], apiKeyEnv: '' };
    h.picks = [undefined];
    assert.equal(await h.keys.set(), false);
    assert.deepEqual(h.offered, [['anthropic', 'openai']]);
  });
  it('stores nothing when the box is cancelled, left empty or holds spaces', async () => {
    const h = new Harness();
    await h.keys.environment();
    for (const typed of [undefined, '', '   ', 'two words']) {
      h.typed = [typed];
      assert.equal(await h.keys.set(), false);
    }
    assert.equal(h.secrets.values.size, 0);
    assert.equal(h.restarts, 0);
  });
  it('restarts once when the command and the secret storage event both ask', async () => {
    const h = new Harness();
    await h.keys.environment();
    const events: Promise<boolean>[] = [];
    const store = h.secrets.store.bind(h.secrets);
    h.secrets.store = async (name, value) => {
      await store(name, value);
      events.push(h.keys.refresh()); // SecretStorage.onDidChange, in this window
    };
    h.typed = [KEY];
    await h.keys.set();
    await Promise.all(events);
    assert.equal(events.length, 1);
    assert.equal(h.restarts, 1);
  });
});

describe('Clear AI API Key', () => {
  it('removes the configured provider’s key and restarts the server without it', async () => {
    const h = new Harness();
    await h.secrets.store(secretName('anthropic'), KEY);
    await h.secrets.store(secretName('openai'), 'sk-openai-other');
    assert.deepEqual(await h.keys.environment(), { ANTHROPIC_API_KEY: KEY });
    assert.equal(await h.keys.clear(), true);
    assert.equal(h.secrets.values.has(secretName('anthropic')), false);
    assert.equal(h.secrets.values.has(secretName('openai')), true);
    assert.equal(h.restarts, 1);
    assert.deepEqual(await h.keys.environment(), {});
  });
  it('asks which when several are stored and none is in use', async () => {
    const h = new Harness();
    h.settings = { provider: 'none', providers: ['none'], apiKeyEnv: '' };
    await h.secrets.store(secretName('anthropic'), KEY);
    await h.secrets.store(secretName('openai'), 'sk-openai-other');
    await h.keys.environment();
    h.picks = ['openai'];
    assert.equal(await h.keys.clear(), true);
    assert.deepEqual(h.offered, [['anthropic', 'openai']]);
    assert.deepEqual([...h.secrets.values.keys()], [secretName('anthropic')]);
    assert.equal(h.restarts, 0); // the server had no key to lose
  });
  it('says so when no key is stored', async () => {
    const h = new Harness();
    assert.equal(await h.keys.clear(), false);
    assert.match(h.told[0], /no AI API key is stored/);
  });
});

describe('AIKeys.refresh', () => {
  it('restarts only when the settings call for another environment', async () => {
    const h = new Harness();
    await h.secrets.store(secretName('anthropic'), KEY);
    await h.keys.refresh(); // not started yet: the first start reads the key
    assert.equal(h.restarts, 0);
    await h.keys.environment();
    await h.keys.refresh();
    assert.equal(h.restarts, 0);
    h.settings = { ...h.settings, apiKeyEnv: 'WORK_KEY' };
    assert.equal(await h.keys.refresh(), true);
    assert.deepEqual(await h.keys.environment(), { WORK_KEY: KEY });
    h.settings = { provider: 'openai', providers: ['openai'], apiKeyEnv: '' };
    assert.equal(await h.keys.refresh(), true); // no OpenAI key: the Anthropic one goes
    assert.deepEqual(await h.keys.environment(), {});
    assert.equal(h.restarts, 2);
  });
});
