"""The names of DevFocus's own notifications and commands.

Apart from the typed arguments and results of :mod:`devfocus.lsp.messages`: the features register
their handlers under these names while the server starts, and the typed classes (a few dozen
dataclasses, whose creation is most of their import) load with the first command.
"""

from __future__ import annotations

# -- notifications ---------------------------------------------------------------------------------
STATUS = "devfocus/status"  # server → client: WireStatus
WINDOW_STATE = "devfocus/windowState"  # client → server: WindowStateParams
ACTIVE_EDITOR = "devfocus/activeEditor"  # client → server: ActiveEditorParams
WORKSPACE_TRUST = "devfocus/workspaceTrust"  # client → server: WorkspaceTrustParams

# -- commands (workspace/executeCommand) -----------------------------------------------------------
STATUS_COMMAND = "devfocus.status"
PAUSE = "devfocus.tracking.pause"
RESUME = "devfocus.tracking.resume"
REPORT = "devfocus.report"
GIT_IMPORT = "devfocus.git.import"
SET_TASK = "devfocus.task.set"
EXPORT = "devfocus.export"
DELETE = "devfocus.data.delete"
GENERATE_FILE = "devfocus.docs.generateFile"
GENERATE_WORKSPACE = "devfocus.docs.generateWorkspace"
GENERATE_WITH_AI = "devfocus.docs.generateWithAI"
INSIGHTS = "devfocus.insights"
FOCUS_START = "devfocus.focus.start"
FOCUS_STOP = "devfocus.focus.stop"
WRITE_COMMIT_WITH_AI = "devfocus.commit.writeWithAI"
ISSUES_SYNC = "devfocus.issues.sync"
TASKS_LIST = "devfocus.tasks.list"
TASK_LINK = "devfocus.task.link"
SWITCH_ANNOTATE = "devfocus.switch.annotate"
TEAM_PUSH = "devfocus.team.push"
TEAM_PREVIEW = "devfocus.team.preview"
