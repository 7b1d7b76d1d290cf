// Reports open as read-only Markdown documents with the preview beside them: nothing to save, and
// nothing written to disk outside DevFocus's own data.

import * as vscode from 'vscode';

export const REPORT_SCHEME = 'devfocus-report';

export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changes.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Shows `markdown` as the document `name` (e.g. `Today.md`), with the rendered preview beside. */
  async show(name: string, markdown: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name}` });
    this.contents.set(uri.toString(), markdown);
    this.changes.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true });
    try {
      await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    } catch {
      // The built-in Markdown extension is disabled: the Markdown source is still there.
    }
  }

  /** Forgets every report (after Delete My Data). */
  clear(): void {
    for (const key of this.contents.keys()) {
      this.contents.set(key, '');
      this.changes.fire(vscode.Uri.parse(key));
    }
    this.contents.clear();
  }

  dispose(): void {
    this.changes.dispose();
  }
}
