// Reports open rendered, with their charts: the server writes the HTML report to a private file
// in its data directory, and it is shown here in a webview panel with a strict Content Security
// Policy (no scripts, no network; the charts are inline SVG). A Markdown report file (the
// standup notes) opens in VS Code's Markdown preview, not as its source.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const REPORT_VIEW = 'devfocus.report';
/** The server's report files: `<data dir>/reports/devfocus-report-<period>-<time>-<id>.<ext>`. */
const REPORT_FOLDER = 'reports';
const REPORT_PREFIX = 'devfocus-report-';
/** What a report page may load: its own inline styles and data: images, nothing else. */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; " +
  "script-src 'none'; form-action 'none'; frame-src 'none'";

/** Whether `uri` names a report file the server wrote for the editor to show. */
export function isReportFile(uri: vscode.Uri): boolean {
  if (uri.scheme !== 'file') {
    return false;
  }
  const name = path.basename(uri.fsPath);
  return (
    path.basename(path.dirname(uri.fsPath)) === REPORT_FOLDER &&
    name.startsWith(REPORT_PREFIX) &&
    (name.endsWith('.html') || name.endsWith('.md'))
  );
}

/** `html` with the report page's Content Security Policy as the first thing in its head. */
export function withPolicy(html: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) {
    const at = head.index + head[0].length;
    return html.slice(0, at) + meta + html.slice(at);
  }
  return `<!doctype html><html><head>${meta}</head><body>${html}</body></html>`;
}

export class ReportViews implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** Shows the report file at `uri`: HTML in the report panel, Markdown in its preview. */
  async showFile(uri: vscode.Uri): Promise<boolean> {
    if (uri.fsPath.endsWith('.md')) {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
      return true;
    }
    let html: string;
    try {
      html = await fs.readFile(uri.fsPath, 'utf8');
    } catch (error) {
      this.log.error(`cannot read the report ${uri.fsPath}: ${String(error)}`);
      void vscode.window.showErrorMessage(`DevFocus: cannot read the report (${String(error)}).`);
      return false;
    }
    this.showHtml(titleOf(html), html);
    return true;
  }

  /** Shows `html` in the one report panel (made, or brought forward, beside the editor). */
  showHtml(title: string, html: string): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(
        REPORT_VIEW,
        title,
        { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
        // No scripts, no local files: the page is its own HTML and inline SVG.
        { enableScripts: false, enableCommandUris: false, localResourceRoots: [] },
      );
      this.panel.onDidDispose(() => {
        this.panel = undefined;
      });
    }
    this.panel.title = title;
    this.panel.webview.html = withPolicy(html);
    this.panel.reveal(undefined, false);
  }

  /** Closes the report panel (after Delete My Data). */
  clear(): void {
    this.panel?.dispose();
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

function titleOf(html: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(html)?.[1];
  return title ? decodeEntities(title) : 'DevFocus report';
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
