// The extension's contributions that the code must agree with: commands and client settings.
// Pure, so the node tests compare it with package.json.

export interface PaletteCommand {
  id: string;
  title: string;
  /** The `when` clause for the command palette, if it is not always there. */
  when?: string;
}

/** Context key set while tracking is paused: the palette offers Resume instead of Pause. */
export const PAUSED_CONTEXT = 'devfocus.paused';
/** Context key set while the server is running: commands that need it are hidden otherwise. */
export const RUNNING_CONTEXT = 'devfocus.running';

const running = RUNNING_CONTEXT;

/** Every command the extension contributes, in palette order. */
export const COMMANDS: readonly PaletteCommand[] = [
  { id: 'devfocus.showTodayReport', title: "Show Today's Report", when: running },
  { id: 'devfocus.showWeeklyReport', title: 'Show Weekly Report', when: running },
  { id: 'devfocus.showStandup', title: 'Show Standup Notes', when: running },
  { id: 'devfocus.showIssueReport', title: 'Show Issue Report', when: running },
  { id: 'devfocus.showInsights', title: 'Show Insights', when: running },
  { id: 'devfocus.exportData', title: 'Export Data…', when: running },
  {
    id: 'devfocus.pauseTracking',
    title: 'Pause Tracking',
    when: `${running} && !${PAUSED_CONTEXT}`,
  },
  {
    id: 'devfocus.resumeTracking',
    title: 'Resume Tracking',
    when: `${running} && ${PAUSED_CONTEXT}`,
  },
  { id: 'devfocus.setCurrentTask', title: 'Set Current Task', when: running },
  { id: 'devfocus.pickTask', title: 'Pick Task', when: running },
  { id: 'devfocus.openTaskInBrowser', title: 'Open Task in Browser', when: running },
  { id: 'devfocus.linkPageToTask', title: 'Link Page to Task', when: running },
  { id: 'devfocus.annotateSwitch', title: 'Annotate Last Context Switch', when: running },
  { id: 'devfocus.startFocusBlock', title: 'Start Focus Block', when: running },
  { id: 'devfocus.stopFocusBlock', title: 'Stop Focus Block', when: running },
  {
    id: 'devfocus.generateDocstringsInFile',
    title: 'Generate Docstrings in File',
    when: `${running} && editorLangId == python`,
  },
  {
    id: 'devfocus.generateDocstringsInWorkspace',
    title: 'Generate Docstrings in Workspace',
    when: running,
  },
  { id: 'devfocus.importGitHistory', title: 'Import Git History', when: running },
  { id: 'devfocus.syncIssues', title: 'Sync Issues', when: running },
  { id: 'devfocus.deleteMyData', title: 'Delete My Data', when: running },
  // Team mode: the team's report and what this machine shares with it.
  { id: 'devfocus.teamReport', title: 'Team Report', when: running },
  { id: 'devfocus.teamPush', title: 'Push Team Aggregates Now', when: running },
  { id: 'devfocus.teamPreview', title: 'Preview What the Team Sees', when: running },
  // Stored in VS Code's secret storage, so they work before the server runs (and restart it).
  { id: 'devfocus.ai.setApiKey', title: 'Set AI API Key' },
  { id: 'devfocus.ai.clearApiKey', title: 'Clear AI API Key' },
  // The trackers' tokens, kept the same way (and they restart the server too).
  { id: 'devfocus.connectGitHub', title: 'Connect GitHub' },
  { id: 'devfocus.connectJira', title: 'Connect Jira' },
  { id: 'devfocus.disconnectGitHub', title: 'Disconnect GitHub' },
  { id: 'devfocus.disconnectJira', title: 'Disconnect Jira' },
  // The team database's URL, kept the same way (and it restarts the server too).
  { id: 'devfocus.connectTeam', title: 'Connect Team Database' },
  { id: 'devfocus.disconnectTeam', title: 'Disconnect Team Database' },
  { id: 'devfocus.showOutput', title: 'Show Output' },
  { id: 'devfocus.restartServer', title: 'Restart Server' },
  { id: 'devfocus.showMenu', title: 'Show Menu' },
];

/** Settings only the extension reads; every other `devfocus.*` setting is the server's. */
export const CLIENT_SETTINGS: readonly string[] = [
  'devfocus.server.command',
  'devfocus.trace.server',
];

export const CATEGORY = 'DevFocus';
