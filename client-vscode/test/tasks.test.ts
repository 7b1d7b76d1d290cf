import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IssueSyncResult, LastSwitch, StatusTask, WireStatus, WireTask } from '../src/protocol';
import {
  ANNOTATE_SWITCH_COMMAND,
  TOOLTIP_LINKS,
  lastSwitchLines,
  present,
  safeUrl,
  taskLinkLines,
} from '../src/status';
import {
  ASK_MINUTES,
  REASON_ITEMS,
  ago,
  annotation,
  askUntil,
  clipboardUrl,
  setTaskArguments,
  syncMessage,
  taskGroups,
  taskItem,
  taskPages,
  urlProblem,
} from '../src/tasks';

const NOW = Date.parse('2026-11-22T10:30:00Z');

function task(overrides: Partial<WireTask> = {}): WireTask {
  return {
    key: '#123',
    title: 'Crash when saving',
    label: '#123 Crash when saving (bug, high)',
    kind: 'bug',
    priority: 'high',
    state: 'open',
    tracker: 'github',
    scope: 'acme/shop',
    url: 'https://github.com/acme/shop/issues/123',
    assignedToMe: true,
    labels: ['bug', 'p1'],
    project: '/src/shop',
    seconds: 2 * 3600 + 5 * 60,
    lastWorked: '2026-11-22T07:30:00Z',
    updated: '2026-11-21T10:00:00Z',
    links: [],
    ...overrides,
  };
}

function current(overrides: Partial<StatusTask> = {}): StatusTask {
  return {
    title: 'Crash when saving',
    kind: 'bug',
    ref: '#123',
    label: '#123 Crash when saving (bug, high)',
    source: 'branch',
    priority: 'high',
    url: 'https://github.com/acme/shop/issues/123',
    tracker: 'github',
    links: [],
    ...overrides,
  };
}

describe('the Pick Task list', () => {
  it('shows key and title, kind, priority and state, and time spent and where', () => {
    const item = taskItem(task(), NOW);
    assert.equal(item.label, '$(issues) #123 Crash when saving');
    assert.equal(item.description, 'bug · high · assigned to you');
    assert.equal(item.detail, '2h 05m spent · last worked on 3 h ago · GitHub acme/shop · bug, p1');
  });
  it('marks the current task, a closed issue, and a task set by hand', () => {
    const closed = taskItem(task({ state: 'closed', assignedToMe: false }), NOW, current());
    assert.equal(closed.label, '$(issue-closed) #123 Crash when saving');
    assert.equal(closed.description, 'current · bug · high · closed');
    const manual = taskItem(
      task({
        key: null,
        title: 'Write the release notes',
        kind: null,
        priority: null,
        state: null,
        tracker: null,
        scope: null,
        url: null,
        assignedToMe: false,
        labels: [],
        seconds: 0,
        lastWorked: null,
      }),
      NOW,
      current({ ref: null, title: 'Write the release notes' }),
    );
    assert.equal(manual.label, '$(tasklist) Write the release notes');
    assert.equal(manual.description, 'current');
    assert.equal(manual.detail, 'no time spent yet');
  });
  it('keeps the server’s order, in two groups when both have tasks', () => {
    const mine = task({ key: '#1' });
    const other = task({ key: 'ABC-42', tracker: 'jira', assignedToMe: false });
    const groups = taskGroups([mine, other], NOW);
    assert.deepEqual(
      groups.map((g) => [g.title, g.items.map((i) => i.task.key)]),
      [
        ['assigned to you', ['#1']],
        ['recent', ['ABC-42']],
      ],
    );
    assert.deepEqual(
      taskGroups([other], NOW).map((g) => g.title),
      [''],
    );
    assert.deepEqual(taskGroups([], NOW), []);
  });
  it('sets a picked issue by its key, with its title and a kind the server knows', () => {
    assert.deepEqual(setTaskArguments(task()), {
      title: 'Crash when saving',
      kind: 'bug',
      ref: '#123',
    });
    assert.deepEqual(setTaskArguments(task({ key: null, kind: 'Story' })), {
      title: 'Crash when saving',
      kind: null,
    });
  });
  it('says how long ago in words', () => {
    assert.equal(ago('2026-11-22T10:29:40Z', NOW), 'just now');
    assert.equal(ago('2026-11-22T10:00:00Z', NOW), '30 min ago');
    assert.equal(ago('2026-11-21T09:00:00Z', NOW), 'yesterday');
    assert.equal(ago('2026-11-18T09:00:00Z', NOW), '4 days ago');
    assert.equal(ago('not a time', NOW), undefined);
  });
});

describe('the current task’s links in the tooltip', () => {
  it('lists the issue page, then its links, as Markdown links, the page once', () => {
    const lines = taskLinkLines(
      current({
        links: [
          { url: 'https://github.com/acme/shop/issues/123', title: '#123', source: 'tracker' },
          { url: 'https://github.com/acme/shop/pull/7', title: 'Fix save [wip]', source: 'pull' },
          { url: 'https://docs.acme.com/save_(old)', title: '', source: 'user' },
        ],
      }),
    );
    assert.deepEqual(lines, [
      '$(link-external) [Open \\#123 in GitHub](https://github.com/acme/shop/issues/123)',
      '$(git-pull-request) [Fix save \\[wip\\]](https://github.com/acme/shop/pull/7)',
      '$(link) [docs\\.acme\\.com/save\\_\\(old\\)](https://docs.acme.com/save_%28old%29)',
    ]);
  });
  it('leaves out what is not a web page, and counts what does not fit', () => {
    const links = Array.from({ length: TOOLTIP_LINKS + 2 }, (_, i) => ({
      url: `https://example.com/${i}`,
      title: `page ${i}`,
      source: 'user',
    }));
    links.push({ url: 'javascript:alert(1)', title: 'bad', source: 'user' });
    const lines = taskLinkLines(current({ url: undefined, links }));
    assert.equal(lines.length, TOOLTIP_LINKS + 1);
    assert.equal(lines.at(-1), 'and 2 more links');
    assert.ok(!lines.join('\n').includes('javascript'));
    assert.equal(safeUrl('command:devfocus.showMenu'), undefined);
    assert.deepEqual(taskLinkLines(null), []);
  });
  it('puts them under the current task, in the status item’s tooltip', () => {
    const status = {
      state: 'idle',
      sessionStart: null,
      sessionSeconds: 0,
      todaySeconds: 60,
      context: null,
      switchesLastHour: 0,
      deepWork: false,
      deepWorkSeconds: 0,
      task: current(),
      focusBlock: null,
      goals: [],
    } satisfies WireStatus;
    const tooltip = present(status, NOW, undefined).tooltip;
    const at = tooltip.findIndex((line) => line.startsWith('Current task:'));
    assert.match(tooltip[at + 1], /^\$\(link-external\) \[Open \\#123 in GitHub\]\(https:/);
  });
  it('gives Open Task in Browser the issue page first, then the links', () => {
    const pages = taskPages(
      current({ links: [{ url: 'https://docs.acme.com/a', title: 'A', source: 'user' }] }),
    );
    assert.deepEqual(
      pages.map((p) => p.url),
      ['https://github.com/acme/shop/issues/123', 'https://docs.acme.com/a'],
    );
    assert.deepEqual(taskPages(current({ url: undefined, links: [] })), []);
  });
});

describe('a switch’s reason', () => {
  const last: LastSwitch = {
    at: '2026-11-22T10:25:00Z',
    before: 'shop · main',
    after: 'billing · fix/42',
    reason: null,
  };
  it('offers the reasons the server takes, other last', () => {
    assert.deepEqual(
      REASON_ITEMS.map((r) => r.reason),
      ['interrupt', 'meeting', 'review', 'blocked', 'planned', 'other'],
    );
  });
  it('annotates the switch at its time; other only with words', () => {
    assert.deepEqual(annotation('meeting', undefined, last.at), { reason: 'meeting', at: last.at });
    assert.deepEqual(annotation('other', '  prod is down ', last.at), {
      reason: 'other',
      note: 'prod is down',
      at: last.at,
    });
    assert.equal(annotation('other', '   ', last.at), undefined);
    assert.equal(annotation('other', undefined, last.at), undefined);
    assert.equal(annotation('other', 'x'.repeat(600), last.at)?.note?.length, 500);
  });
  it('asks in the status bar for a while after the switch, until it has a reason', () => {
    const at = Date.parse(last.at);
    assert.equal(askUntil(last, NOW, new Set()), at + ASK_MINUTES * 60_000);
    assert.equal(askUntil(last, at + ASK_MINUTES * 60_000 + 1, new Set()), undefined);
    assert.equal(askUntil({ ...last, reason: 'meeting' }, NOW, new Set()), undefined);
    assert.equal(askUntil(last, NOW, new Set([last.at])), undefined);
    assert.equal(askUntil(undefined, NOW, new Set()), undefined);
  });
  it('shows the switch in the tooltip with a Why? link, or its reason', () => {
    const [, line] = lastSwitchLines(last);
    assert.match(line, /^Last switch at \d\d:\d\d: shop · main → billing · fix\/42/);
    assert.ok(line.endsWith(`[Why?](command:${ANNOTATE_SWITCH_COMMAND})`));
    assert.match(lastSwitchLines({ ...last, reason: 'review' })[1], /\(review\)$/);
    assert.match(lastSwitchLines(last, new Map([[last.at, 'meeting']]))[1], /\(meeting\)$/);
    assert.deepEqual(lastSwitchLines(undefined), []);
  });
});

describe('Link Page to Task', () => {
  it('takes http and https addresses only', () => {
    assert.equal(urlProblem('https://github.com/acme/shop/pull/7'), null);
    assert.match(urlProblem('github.com/acme') ?? '', /http or https/);
    assert.match(urlProblem('file:///etc/passwd') ?? '', /http or https/);
    assert.match(urlProblem(`https://a.com/${'x'.repeat(2000)}`) ?? '', /2000/);
  });
  it('fills the box from the clipboard only when it holds one address', () => {
    assert.equal(clipboardUrl(' https://a.com/x \n'), 'https://a.com/x');
    assert.equal(clipboardUrl('see https://a.com/x'), undefined);
    assert.equal(clipboardUrl(''), undefined);
  });
});

describe('what Sync Issues says', () => {
  const github = {
    tracker: 'github',
    scope: 'acme/shop',
    issues: 12,
    pulls: 3,
    requests: 2,
    notModified: 1,
    seconds: 0.5,
  };
  it('counts what came, from how many sources', () => {
    const result: IssueSyncResult = { syncs: [github], cancelled: false };
    assert.deepEqual(syncMessage(result), {
      text: 'DevFocus: 12 new or changed issues and 3 pull requests from 1 source.',
      error: false,
    });
  });
  it('names each source that failed, and a sync stopped early', () => {
    const jira = { ...github, tracker: 'jira', scope: 'acme.atlassian.net', issues: 0, pulls: 0 };
    const result: IssueSyncResult = {
      syncs: [github, { ...jira, error: 'the token was refused (401)' }],
      cancelled: true,
    };
    assert.deepEqual(syncMessage(result), {
      text:
        'DevFocus: 12 new or changed issues and 3 pull requests from 1 of 2 sources; stopped ' +
        'before the end; Jira acme.atlassian.net: the token was refused (401).',
      error: true,
    });
  });
  it('says why nothing was synced', () => {
    assert.deepEqual(syncMessage({ syncs: [], cancelled: false }), {
      text: 'DevFocus: no issues synced: no issue tracker is set up (Connect GitHub, Connect Jira).',
      error: false,
    });
    assert.equal(
      syncMessage({ syncs: [], cancelled: false, reason: 'the workspace is not trusted' }).text,
      'DevFocus: no issues synced: the workspace is not trusted.',
    );
  });
});
