import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  aiLines,
  CONTEXT_WIDTH,
  contextLabel,
  escapeMarkdown,
  formatClock,
  formatDuration,
  focusBlockEnd,
  focusBlockLines,
  gitLines,
  goalLines,
  isWireStatus,
  MANAGE_TRUST_COMMAND,
  present,
  sessionAnchor,
  SET_AI_KEY_COMMAND,
  teamLines,
} from '../src/status';
import { WireStatus } from '../src/protocol';

const NOW = Date.parse('2026-11-22T10:30:00Z');

function status(overrides: Partial<WireStatus> = {}): WireStatus {
  return {
    state: 'active',
    sessionStart: '2026-11-22T10:00:00.000Z',
    sessionSeconds: 1500,
    todaySeconds: 7500,
    context: { project: 'shop', root: '/src/shop', branch: 'feature/login' },
    switchesLastHour: 3,
    deepWork: false,
    deepWorkSeconds: 3120,
    task: null,
    focusBlock: null,
    goals: [],
    ...overrides,
  };
}

describe('formatClock', () => {
  it('shows minutes and seconds under an hour, hours from an hour on', () => {
    assert.equal(formatClock(0), '0:00');
    assert.equal(formatClock(7), '0:07');
    assert.equal(formatClock(247), '4:07');
    assert.equal(formatClock(3599), '59:59');
    assert.equal(formatClock(3600), '1:00:00');
    assert.equal(formatClock(3727), '1:02:07');
    assert.equal(formatClock(36000 + 61), '10:01:01');
  });
  it('never shows a negative or fractional clock', () => {
    assert.equal(formatClock(-5), '0:00');
    assert.equal(formatClock(59.99), '0:59');
  });
});

describe('formatDuration', () => {
  it('shows whole minutes, with hours when there are any', () => {
    assert.equal(formatDuration(0), '0m');
    assert.equal(formatDuration(59), '0m');
    assert.equal(formatDuration(45 * 60), '45m');
    assert.equal(formatDuration(2 * 3600 + 5 * 60 + 30), '2h 05m');
  });
});

describe('contextLabel', () => {
  it('prefers the task, then the branch, then the project', () => {
    const task = {
      title: 'Login',
      kind: 'feature',
      ref: 'ABC-1',
      label: 'Login (ABC-1)',
      source: 'branch',
      links: [],
    };
    assert.equal(contextLabel(status({ task })), 'Login (ABC-1)');
    assert.equal(contextLabel(status()), 'feature/login');
    assert.equal(
      contextLabel(status({ context: { project: 'shop', root: '/s', branch: null } })),
      'shop',
    );
    assert.equal(contextLabel(status({ context: null })), undefined);
  });
  it('cuts long names to fit, with an ellipsis', () => {
    const branch = 'feature/ABC-1234-a-very-long-branch-name-indeed';
    const label = contextLabel(status({ context: { project: 'p', root: '/p', branch } }));
    assert.equal(label?.length, CONTEXT_WIDTH);
    assert.ok(label?.endsWith('…'));
    assert.ok(branch.startsWith(label!.slice(0, -1)));
  });
});

describe('sessionAnchor', () => {
  it('counts the clock back from the focus seconds the server sent', () => {
    assert.equal(sessionAnchor(status(), NOW), NOW - 1500_000);
  });
  it('has no clock unless a session is running', () => {
    assert.equal(
      sessionAnchor(status({ state: 'idle', sessionStart: null, sessionSeconds: 0 }), NOW),
      undefined,
    );
    assert.equal(sessionAnchor(status({ state: 'paused' }), NOW), undefined);
  });
});

describe('present', () => {
  it('ticks an active session from its anchor, with the context', () => {
    const shown = present(status(), NOW, NOW - 1500_000);
    assert.equal(shown.look, 'active');
    assert.equal(shown.icon, 'watch');
    assert.equal(shown.text, '25:00 · feature/login');
    assert.equal(shown.ticking, true);
    const later = present(status(), NOW + 61_000, NOW - 1500_000);
    assert.equal(later.text, '26:01 · feature/login');
  });
  it('has a look of its own for deep work', () => {
    const shown = present(status({ deepWork: true }), NOW, NOW - 3000_000);
    assert.equal(shown.look, 'deep');
    assert.equal(shown.icon, 'flame');
    assert.equal(shown.text, '50:00 · feature/login');
    assert.match(shown.tooltip[0], /Deep work/);
  });
  it('shows today’s total when idle, and does not tick', () => {
    const shown = present(
      status({ state: 'idle', sessionStart: null, sessionSeconds: 0, context: null }),
      NOW,
      undefined,
    );
    assert.equal(shown.look, 'idle');
    assert.equal(shown.text, '2h 05m today');
    assert.equal(shown.ticking, false);
  });
  it('says paused when paused', () => {
    const shown = present(status({ state: 'paused', sessionStart: null }), NOW, undefined);
    assert.equal(shown.look, 'paused');
    assert.equal(shown.icon, 'debug-pause');
    assert.equal(shown.text, 'Paused');
    assert.equal(shown.ticking, false);
    assert.ok(shown.tooltip.some((line) => /until you resume/.test(line)));
  });
  it('never shows a negative clock when the anchor is ahead of this clock', () => {
    assert.equal(present(status(), NOW, NOW + 5000).text, '0:00 · feature/login');
  });
  it('puts today’s focus, deep work, switches and the task in the tooltip', () => {
    const task = {
      title: 'Fix *crash*',
      kind: 'bug',
      ref: '#12',
      label: 'Fix *crash* (#12)',
      source: 'manual',
      links: [],
    };
    const lines = present(status({ task }), NOW, NOW).tooltip.join('\n');
    assert.match(lines, /Today's focus: \*\*2h 05m\*\*/);
    assert.match(lines, /Deep work today: 52m/);
    assert.match(lines, /Context switches in the last hour: 3/);
    assert.match(lines, /Current task: Fix \\\*crash\\\* \\\(\\#12\\\)/);
    assert.match(lines, /Project: shop · feature\/login/);
  });
});

describe('the tooltip on git', () => {
  const on = { state: 'on' as const, reason: null, notRead: [] };
  it('says nothing while git simply works, or with a server that sends no git part', () => {
    const plain = present(status(), NOW, NOW).tooltip;
    assert.deepEqual(present(status({ git: on }), NOW, NOW).tooltip, plain);
    assert.deepEqual(gitLines(undefined), []);
  });
  it('says git features wait for trust, with the way to grant it', () => {
    const untrusted = {
      state: 'untrusted' as const,
      reason: 'the workspace is not trusted: git features wait for trust',
      notRead: [],
    };
    const lines = present(status({ git: untrusted }), NOW, NOW).tooltip.join('\n');
    assert.match(lines, /\*\*Git features wait for trust\.\*\*/);
    assert.match(lines, /Restricted Mode/);
    assert.ok(lines.includes(`[Manage Workspace Trust](command:${MANAGE_TRUST_COMMAND})`));
    assert.ok(lines.trimEnd().endsWith('Click for DevFocus commands.'));
  });
  it('says why git is off', () => {
    const never = {
      state: 'off' as const,
      reason: 'devfocus.git.trust is `never`: DevFocus runs no git and reads no repository',
      notRead: [],
    };
    assert.deepEqual(gitLines(never), [
      '',
      'Git features are off: devfocus\\.git\\.trust is \\`never\\`: DevFocus runs no git and reads no repository.',
    ]);
  });
  it('names each repository that is not read, and why', () => {
    const reason =
      'not read: owned by nobody, not you; to trust it: git config --global --add safe.directory /srv/x';
    const lines = gitLines({ ...on, notRead: [{ root: '/srv/x', reason }] });
    assert.equal(lines.length, 2);
    assert.match(lines[1], /^Git: `\/srv\/x` not read: owned by nobody, not you;/);
    assert.match(lines[1], /safe\\\.directory \/srv\/x$/);
  });
});

describe('escapeMarkdown', () => {
  it('keeps user text from becoming Markdown or links', () => {
    assert.equal(escapeMarkdown('[x](http://a)'), '\\[x\\]\\(http://a\\)');
    assert.equal(escapeMarkdown('plain words'), 'plain words');
  });
});

describe('isWireStatus', () => {
  it('accepts what the server sends, and newer fields', () => {
    assert.ok(isWireStatus(status()));
    assert.ok(isWireStatus({ ...status(), focusBlock: null }));
  });
  it('rejects what the status bar cannot show', () => {
    assert.ok(!isWireStatus(null));
    assert.ok(!isWireStatus({ state: 'sleeping', todaySeconds: 1, sessionSeconds: 0 }));
    assert.ok(!isWireStatus({ state: 'idle' }));
  });
});

describe('a focus block', () => {
  const block = {
    start: '2026-11-22T10:20:00Z',
    end: '2026-11-22T10:45:00Z',
    remainingSeconds: 900,
    switches: 2,
  };

  it('counts down in the item with its own look, from when the status arrived', () => {
    const s = status({ focusBlock: block });
    const end = focusBlockEnd(s, NOW);
    assert.equal(end, NOW + 900_000);
    const shown = present(s, NOW + 61_000, sessionAnchor(s, NOW), end);
    assert.equal(shown.look, 'focus');
    assert.equal(shown.icon, 'target');
    assert.equal(shown.text, '13:59 focus · feature/login');
    assert.equal(shown.ticking, true);
  });

  it('shows it in an idle window too, and 0:00 once it is over until the server says so', () => {
    const s = status({ state: 'idle', sessionStart: null, focusBlock: block, context: null });
    const shown = present(s, NOW + 2_000_000, undefined, focusBlockEnd(s, NOW));
    assert.equal(shown.look, 'focus');
    assert.equal(shown.text, '0:00 focus');
  });

  it('gives way to the paused look while tracking is paused', () => {
    const shown = present(status({ state: 'paused', focusBlock: block }), NOW, undefined);
    assert.equal(shown.look, 'paused');
  });

  it('puts when it ends and its switches in the tooltip', () => {
    const [line] = focusBlockLines(status({ focusBlock: { ...block, switches: 1 } }));
    assert.match(
      line,
      /^\$\(target\) \*\*Focus block\*\* until \d\d:\d\d · 1 context switch so far$/,
    );
    assert.deepEqual(focusBlockLines(status()), []);
    const tooltip = present(status({ focusBlock: block }), NOW, undefined).tooltip;
    assert.ok(tooltip.some((l) => l.includes('2 context switches so far')));
  });

  it('has no end without one', () => {
    assert.equal(focusBlockEnd(status(), NOW), undefined);
  });
});

describe('goals in the tooltip', () => {
  it('shows each goal that is set with its share, and a check mark once met', () => {
    const lines = goalLines([
      { kind: 'dailyFocus', targetSeconds: 4 * 3600, doneSeconds: 3600 + 1800, share: 0.375 },
      { kind: 'weeklyDeepWork', targetSeconds: 3600, doneSeconds: 4000, share: 1.111 },
    ]);
    assert.deepEqual(lines, [
      '',
      "Today's focus goal: 1h 30m of 4h 00m (37%)",
      "This week's deep-work goal: 1h 06m of 1h 00m (111%) $(check)",
    ]);
  });

  it('says nothing without goals (or from a server that sends none)', () => {
    assert.deepEqual(goalLines([]), []);
    assert.deepEqual(goalLines(undefined), []);
    const tooltip = present(status(), NOW, undefined).tooltip;
    assert.ok(!tooltip.some((l) => l.includes('goal')));
  });

  it('are in the tooltip of the item', () => {
    const goals = [
      { kind: 'dailyDeepWork' as const, targetSeconds: 7200, doneSeconds: 3600, share: 0.5 },
    ];
    const tooltip = present(status({ goals }), NOW, undefined).tooltip;
    assert.ok(tooltip.includes("Today's deep-work goal: 1h 00m of 2h 00m (50%)"));
  });
});

describe('AI in the tooltip', () => {
  const ai = {
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    state: 'ready' as const,
    reason: null,
    message: null,
    pausedUntil: null,
  };
  it('says nothing while AI is off (the server sends no ai part)', () => {
    assert.deepEqual(aiLines(undefined), []);
    const tooltip = present(status(), NOW, undefined).tooltip;
    assert.ok(!tooltip.some((l) => l.includes('AI:')));
  });
  it('names the provider and the model, and the state', () => {
    assert.deepEqual(aiLines(ai), [
      '',
      '$(sparkle) AI: anthropic (claude\\-haiku\\-4\\-5) — ready',
    ]);
    const tooltip = present(status({ ai }), NOW, undefined).tooltip;
    assert.ok(tooltip.some((l) => l.startsWith('$(sparkle) AI: anthropic')));
  });
  it('says why it is degraded, and until when it is paused', () => {
    const paused = new Date(NOW + 5 * 60 * 1000);
    const lines = aiLines({
      ...ai,
      state: 'degraded',
      reason: 'paused after 5 failures in a row',
      message: null,
      pausedUntil: paused.toISOString(),
    });
    assert.equal(
      lines[1],
      '$(warning) AI: anthropic (claude\\-haiku\\-4\\-5) — degraded: paused after 5 failures in a row',
    );
    assert.match(lines[2], /^AI is paused until \d\d:\d\d\.$/);
  });
  it('shows the last failure in the server’s words', () => {
    const lines = aiLines({
      ...ai,
      state: 'degraded',
      reason: 'timeout',
      message: 'anthropic did not answer within 60 s',
    });
    assert.match(lines[1], /— degraded: the provider did not answer in time$/);
    assert.equal(lines[2], 'anthropic did not answer within 60 s');
  });
  it('puts the server’s reasons in words', () => {
    const lines = aiLines({ ...ai, state: 'unconfigured', reason: 'no-key' });
    assert.match(lines[1], /— not set up: no API key$/);
    assert.equal(lines[2], `[Set AI API Key](command:${SET_AI_KEY_COMMAND})`);
    const paused = aiLines({ ...ai, state: 'degraded', reason: 'paused' });
    assert.match(paused[1], /— degraded: paused after repeated failures$/);
    assert.equal(paused.length, 2);
  });
  it('links Set AI API Key when the provider has no key', () => {
    const lines = aiLines({
      ...ai,
      state: 'unconfigured',
      reason: 'no API key in ANTHROPIC_API_KEY',
    });
    assert.match(lines[1], /— not set up: no API key in ANTHROPIC\\_API\\_KEY$/);
    assert.equal(lines[2], `[Set AI API Key](command:${SET_AI_KEY_COMMAND})`);
    const noModel = aiLines({
      ...ai,
      provider: 'openai-compatible',
      model: '',
      state: 'unconfigured',
      reason: 'devfocus.ai.model is empty',
    });
    assert.equal(noModel.length, 2); // a key would not help
    assert.match(noModel[1], /AI: openai\\-compatible — not set up/);
  });
});

describe('the team in the tooltip', () => {
  it('shows the team’s deep-work share today, under your own deep work', () => {
    const tooltip = present(status({ teamDeepShareToday: 0.4239 }), NOW, undefined).tooltip;
    const own = tooltip.indexOf('Deep work today: 52m');
    assert.ok(own >= 0, tooltip.join('\n'));
    assert.equal(tooltip[own + 1], 'Team deep work today: 42%');
  });
  it('says nothing without a team database, or while the team is too small to show', () => {
    assert.deepEqual(teamLines(undefined), []);
    assert.deepEqual(teamLines(null), []);
    const tooltip = present(status(), NOW, undefined).tooltip;
    assert.ok(!tooltip.some((l) => l.includes('Team')));
    // A server may send null rather than leave the field out.
    const sent = { ...status(), teamDeepShareToday: null } as unknown as WireStatus;
    assert.ok(!present(sent, NOW, undefined).tooltip.some((l) => l.includes('Team')));
  });
  it('keeps the share between 0% and 100%', () => {
    assert.deepEqual(teamLines(0), ['Team deep work today: 0%']);
    assert.deepEqual(teamLines(1.2), ['Team deep work today: 100%']);
    assert.deepEqual(teamLines(Number.NaN), []);
  });
});
