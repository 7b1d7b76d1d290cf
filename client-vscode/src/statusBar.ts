// The status-bar item: the session clock ticks here, once a second, with no server traffic.

import * as vscode from 'vscode';
import { PAUSED_CONTEXT } from './manifest';
import { WireStatus } from './protocol';
import {
  ANNOTATE_SWITCH_COMMAND,
  Look,
  MANAGE_TRUST_COMMAND,
  SET_AI_KEY_COMMAND,
  focusBlockEnd,
  present,
  sessionAnchor,
  timeOfDay,
} from './status';
import { askUntil } from './tasks';

// VS Code gives an item's background only the error and warning colours (paused has the
// warning one); a running focus block stands out by its icon and its own foreground colour.
const BACKGROUNDS: Partial<Record<Look, string>> = { paused: 'statusBarItem.warningBackground' };
const FOREGROUNDS: Partial<Record<Look, string>> = { deep: 'charts.orange', focus: 'charts.blue' };

export class FocusStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private status: WireStatus | undefined;
  private anchor: number | undefined;
  private blockEnd: number | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** The status the tooltip was built for: it changes only with a notification. */
  private tooltipFor: WireStatus | undefined;
  /**
   * The small "why?" item beside the main one, shown for a while after a context switch that has
   * no reason yet. Its own item rather than only a link in the tooltip: a hover-only link is found
   * by few, and the item stays out of the way (no colour, one icon and a word, gone after
   * ASK_MINUTES, hidden for good from the status bar's context menu like any item).
   */
  private readonly why: vscode.StatusBarItem;
  private whyTimer: ReturnType<typeof setTimeout> | undefined;
  /** Reasons given here, by the switch's time, until the server's status carries them. */
  private readonly notes = new Map<string, string>();

  constructor(menuCommand: string) {
    // A fixed id keeps the item's place (and lets people hide it) across restarts.
    this.item = vscode.window.createStatusBarItem('status', vscode.StatusBarAlignment.Left, 100);
    this.item.name = 'DevFocus';
    this.item.command = menuCommand;
    this.why = vscode.window.createStatusBarItem(
      'switchReason',
      vscode.StatusBarAlignment.Left,
      99, // just right of the main item
    );
    this.why.name = 'DevFocus: why did you switch?';
    this.why.command = ANNOTATE_SWITCH_COMMAND;
    this.why.text = '$(question) why?';
    this.starting();
    this.item.show();
  }

  /** While the server starts: the item is there at once, so the layout does not jump. */
  starting(): void {
    this.stopTicking();
    this.hideWhy();
    this.status = undefined;
    this.tooltipFor = undefined;
    this.item.text = '$(loading~spin) DevFocus';
    this.item.tooltip = 'DevFocus is starting its server…';
    this.item.backgroundColor = undefined;
    this.item.color = undefined;
    this.item.accessibilityInformation = { label: 'DevFocus is starting' };
  }

  /** The server is not running: say so, and let a click explain. */
  stopped(reason: string, command: string): void {
    this.stopTicking();
    this.hideWhy();
    this.status = undefined;
    this.item.text = '$(error) DevFocus';
    this.item.tooltip = new vscode.MarkdownString(
      `**DevFocus is not running.** ${reason}\n\nClick to see the output.`,
    );
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    this.item.color = undefined;
    this.item.command = command;
    this.item.accessibilityInformation = { label: `DevFocus is not running: ${reason}` };
  }

  update(status: WireStatus, menuCommand: string): void {
    this.status = status;
    const now = Date.now();
    this.anchor = sessionAnchor(status, now);
    this.blockEnd = focusBlockEnd(status, now);
    this.item.command = menuCommand;
    void vscode.commands.executeCommand('setContext', PAUSED_CONTEXT, status.state === 'paused');
    const shown = this.render();
    if (shown.ticking) {
      this.timer ??= setInterval(() => this.render(), 1000);
    } else {
      this.stopTicking();
    }
    this.askWhy();
  }

  get current(): WireStatus | undefined {
    return this.status;
  }

  /** The switch at `at` was given `reason` here: the item goes, the tooltip says so at once. */
  noted(at: string, reason: string): void {
    this.notes.set(at, reason);
    this.askWhy();
    if (this.status) {
      this.tooltipFor = undefined;
      this.render();
    }
  }

  /** Shows the "why?" item while the last switch waits for a reason, and hides it after. */
  private askWhy(): void {
    const last = this.status?.lastSwitch;
    const until = askUntil(last, Date.now(), new Set(this.notes.keys()));
    if (!last || until === undefined) {
      this.hideWhy();
      return;
    }
    const at = Date.parse(last.at);
    this.why.tooltip =
      `Why did you switch from ${last.before} to ${last.after} ` +
      `at ${timeOfDay(at)}? Click to note the reason; reports count switches by reason.`;
    this.why.accessibilityInformation = {
      label: `DevFocus: why did you switch from ${last.before} to ${last.after}?`,
    };
    this.why.show();
    if (this.whyTimer !== undefined) {
      clearTimeout(this.whyTimer);
    }
    this.whyTimer = setTimeout(() => this.askWhy(), Math.max(1000, until - Date.now()));
  }

  private hideWhy(): void {
    if (this.whyTimer !== undefined) {
      clearTimeout(this.whyTimer);
      this.whyTimer = undefined;
    }
    this.why.hide();
  }

  private render(): ReturnType<typeof present> {
    const status = this.status as WireStatus;
    const shown = present(status, Date.now(), this.anchor, this.blockEnd, this.notes);
    this.item.text = `$(${shown.icon}) ${shown.text}`;
    const background = BACKGROUNDS[shown.look];
    const foreground = FOREGROUNDS[shown.look];
    this.item.backgroundColor = background ? new vscode.ThemeColor(background) : undefined;
    this.item.color = foreground ? new vscode.ThemeColor(foreground) : undefined;
    if (this.tooltipFor !== status) {
      // Rebuilt only when a notification came: every second would make an open hover flicker.
      this.tooltipFor = status;
      const tooltip = new vscode.MarkdownString(shown.tooltip.join('  \n'), true);
      // Its links open the Workspace Trust editor, Set AI API Key and the switch's "why?"
      // (besides the task's web pages); no other command runs from it.
      tooltip.isTrusted = {
        enabledCommands: [MANAGE_TRUST_COMMAND, SET_AI_KEY_COMMAND, ANNOTATE_SWITCH_COMMAND],
      };
      this.item.tooltip = tooltip;
    }
    this.item.accessibilityInformation = { label: `DevFocus: ${shown.text}` };
    return shown;
  }

  private stopTicking(): void {
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  dispose(): void {
    this.stopTicking();
    this.hideWhy();
    this.item.dispose();
    this.why.dispose();
  }
}
