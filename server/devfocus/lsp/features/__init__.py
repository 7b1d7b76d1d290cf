"""LSP features, one module each; each registers its handlers on the server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from devfocus.lsp.features.activity import ActivityFeature
from devfocus.lsp.features.commits import CommitCoachingFeature
from devfocus.lsp.features.data import DataFeature
from devfocus.lsp.features.docs import DocsFeature
from devfocus.lsp.features.git import GitFeature
from devfocus.lsp.features.history import HistoryFeature
from devfocus.lsp.features.report import ReportFeature
from devfocus.lsp.features.settings import SettingsFeature
from devfocus.lsp.features.status import StatusFeature

if TYPE_CHECKING:
    from devfocus.lsp.server import DevFocusServer


@dataclass(frozen=True)
class Features:
    settings: SettingsFeature
    status: StatusFeature
    activity: ActivityFeature
    report: ReportFeature
    docs: DocsFeature
    commits: CommitCoachingFeature
    git: GitFeature
    history: HistoryFeature
    data: DataFeature


def register_all(server: DevFocusServer) -> Features:
    status = StatusFeature(server)
    docs = DocsFeature(server)
    commits = CommitCoachingFeature(server)
    docs.code_action_providers.append(commits)  # one codeAction handler serves both
    history = HistoryFeature(server, docs)
    return Features(
        settings=SettingsFeature(
            server, status, on_change=[docs.settings_changed, commits.settings_changed]
        ),
        status=status,
        activity=ActivityFeature(server, status, documents=[docs, commits]),
        report=ReportFeature(server),
        docs=docs,
        commits=commits,
        git=GitFeature(server, status),
        history=history,
        data=DataFeature(server, status, on_erase=[history.data_erased]),
    )
