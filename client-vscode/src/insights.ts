// The live insights in a quick pick: each shows its sentence, kind and period; picking one opens
// its evidence: the file at its definition when it points at code, else a read-only document of
// the numbers, sessions, files and commits behind it.

import * as vscode from 'vscode';
import { InsightsArguments, InsightsResult, WireInsight } from './protocol';

export const EVIDENCE_SCHEME = 'devfocus-insight';

type Period = NonNullable<InsightsArguments['period']>;
type Ask = (period: Period) => Promise<InsightsResult | undefined>;

const ICONS: Record<string, string> = {
  warning: '$(warning)',
  information: '$(info)',
  hint: '$(lightbulb)',
};

interface InsightItem extends vscode.QuickPickItem {
  insight: WireInsight;
}

export class InsightsView implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(EVIDENCE_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Asks the server for the insights of `period` and shows them; opens the picked one. */
  async pick(ask: Ask, period: Period = 'week'): Promise<void> {
    const quickPick = vscode.window.createQuickPick<InsightItem>();
    quickPick.title = 'DevFocus: Insights';
    quickPick.placeholder = 'Reading your activity…';
    quickPick.matchOnDescription = true;
    quickPick.matchOnDetail = true;
    quickPick.busy = true;
    quickPick.show();
    const result = await ask(period);
    if (!result) {
      quickPick.dispose();
      return;
    }
    quickPick.busy = false;
    quickPick.items = result.insights.map((insight) => itemOf(insight));
    quickPick.placeholder = result.insights.length
      ? `${result.insights.length} insight${result.insights.length === 1 ? '' : 's'} — ` +
        `${spanText(result.period.start, result.period.end)}: pick one to see its evidence`
      : `Nothing stands out in ${spanText(result.period.start, result.period.end)}.`;
    const picked = await new Promise<InsightItem | undefined>((resolve) => {
      quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]));
      quickPick.onDidHide(() => resolve(undefined));
    });
    quickPick.dispose();
    if (picked) {
      await this.open(picked.insight);
    }
  }

  /** The insight's evidence: its definition in its file, else a document of what it stands on. */
  async open(insight: WireInsight): Promise<void> {
    if (insight.path) {
      const uri = vscode.Uri.file(insight.path);
      try {
        const document = await vscode.workspace.openTextDocument(uri);
        const line = insight.definition ? definitionLine(document, insight.definition) : 0;
        const at = new vscode.Range(line, 0, line, 0);
        await vscode.window.showTextDocument(document, { selection: at, preview: true });
        return;
      } catch {
        // Moved or deleted since: the evidence is still worth showing.
      }
    }
    const uri = vscode.Uri.from({
      scheme: EVIDENCE_SCHEME,
      path: `/${insight.kind}.md`,
      query: insight.id,
    });
    this.contents.set(uri.toString(), evidenceMarkdown(insight));
    // A .md path: VS Code shows it as Markdown, read-only (a content provider's document).
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
  }

  /** Forgets every evidence document (after Delete My Data). */
  clear(): void {
    this.contents.clear();
  }

  dispose(): void {
    this.registration.dispose();
  }
}

function itemOf(insight: WireInsight): InsightItem {
  const where = insight.path
    ? ` · ${insight.path.split('/').pop()}${insight.definition ? ` ${insight.definition}` : ''}`
    : '';
  return {
    label: `${ICONS[insight.severity] ?? '$(info)'} ${insight.message}`,
    description: insight.kind,
    detail: `${spanText(insight.start, insight.end)}${where}`,
    insight,
  };
}

/** The line of `definition` ("Cart.total") in `document`: each name found below the one before. */
export function definitionLine(document: vscode.TextDocument, definition: string): number {
  let line = 0;
  for (const name of definition.split('.')) {
    const pattern = new RegExp(`^\\s*(?:async\\s+def|def|class)\\s+${escapeRegExp(name)}\\b`);
    for (let i = line; i < document.lineCount; i++) {
      if (pattern.test(document.lineAt(i).text)) {
        line = i;
        break;
      }
    }
  }
  return line;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function spanText(start: string, end: string): string {
  const first = new Date(start);
  const last = new Date(end);
  const day = (d: Date) =>
    d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
  const clock = (d: Date) =>
    d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return first.toDateString() === last.toDateString()
    ? `${day(first)} ${clock(first)}–${clock(last)}`
    : `${day(first)} – ${day(last)}`;
}

/** What an insight stands on, as Markdown. */
export function evidenceMarkdown(insight: WireInsight): string {
  const { numbers, sessions, files, commits } = insight.evidence;
  const lines = [
    `# ${insight.kind} (${insight.severity})`,
    '',
    insight.message,
    '',
    `Period: ${spanText(insight.start, insight.end)}`,
  ];
  if (insight.path) {
    lines.push(`File: ${insight.path}${insight.definition ? ` (${insight.definition})` : ''}`);
  }
  const named = Object.entries(numbers);
  if (named.length) {
    lines.push('', '## Numbers', '', '| | |', '|---|---:|');
    lines.push(...named.map(([name, value]) => `| ${name} | ${formatNumber(value)} |`));
  }
  if (sessions.length) {
    lines.push('', '## Sessions', '');
    lines.push(...sessions.map((s) => `- ${spanText(s.start, s.end)}`));
  }
  if (files.length) {
    lines.push('', '## Files', '');
    lines.push(...files.map((f) => `- ${f}`));
  }
  if (commits.length) {
    lines.push('', '## Commits', '');
    lines.push(...commits.map((c) => `- \`${c}\``));
  }
  return lines.join('\n') + '\n';
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
