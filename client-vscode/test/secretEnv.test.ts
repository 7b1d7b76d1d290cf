import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AIKeys, KeyPrompts, secretName } from '../src/aiKey';
import { SecretEnvironment, SecretStore, sameEnvironment } from '../src/secretEnv';
import { TEAM_SECRET, TeamConnection, TeamPrompts } from '../src/team';
import { TrackerPrompts, TrackerTokens, tokenSecretName } from '../src/trackers';

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

const silent = async (): Promise<undefined> => undefined;

/** The three kinds of secret the extension hands to the server, on one secret storage. */
function all(secrets: Secrets, restarts: string[]): SecretEnvironment[] {
  const ai = new AIKeys(
    secrets,
    () => ({ provider: 'anthropic', providers: ['anthropic'], apiKeyEnv: '' }),
    { pickProvider: silent, askKey: silent, tell: silent, useProvider: silent } as KeyPrompts,
    async () => {
      restarts.push('ai');
    },
    () => undefined,
  );
  const trackers = new TrackerTokens(
    secrets,
    () => ({ githubEnabled: true, githubApiUrl: '', jiraUrl: '', jiraEmail: '' }),
    {} as TrackerPrompts,
    async () => {
      restarts.push('trackers');
    },
    () => undefined,
  );
  const team = new TeamConnection(
    secrets,
    {} as TeamPrompts,
    async () => {
      restarts.push('team');
    },
    () => undefined,
  );
  return [ai, trackers, team];
}

describe('SecretEnvironment', () => {
  it('each kind owns its own names in the secret storage', () => {
    const [ai, trackers, team] = all(new Secrets(), []);
    assert.ok(ai.owns(secretName('anthropic')) && ai.owns(secretName('openai')));
    assert.ok(trackers.owns(tokenSecretName('github')) && trackers.owns(tokenSecretName('jira')));
    assert.ok(team.owns(TEAM_SECRET));
    for (const name of [secretName('anthropic'), tokenSecretName('jira'), TEAM_SECRET]) {
      assert.equal([ai, trackers, team].filter((s) => s.owns(name)).length, 1, name);
    }
    assert.ok(!team.owns('devfocus.something.else'));
  });
  it('restarts the server only for the kind whose secret changed', async () => {
    const secrets = new Secrets();
    const restarts: string[] = [];
    const kinds = all(secrets, restarts);
    for (const kind of kinds) {
      await kind.environment(); // the server started
    }
    await secrets.store(TEAM_SECRET, 'postgresql://alice:pw@host/team');
    const changed = await Promise.all(kinds.map((kind) => kind.refresh()));
    assert.deepEqual(changed, [false, false, true]);
    assert.deepEqual(restarts, ['team']);
  });
  it('compares environments by names and values', () => {
    assert.ok(sameEnvironment({}, {}));
    assert.ok(sameEnvironment({ A: '1', B: '2' }, { B: '2', A: '1' }));
    assert.ok(!sameEnvironment({ A: '1' }, { A: '2' }));
    assert.ok(!sameEnvironment({ A: '1' }, { A: '1', B: '2' }));
  });
});
