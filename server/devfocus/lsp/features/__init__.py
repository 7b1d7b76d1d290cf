"""LSP features, one module each, every one a :class:`~devfocus.lsp.feature.LanguageFeature`.

A new feature is a module here and one line in ``FEATURES``. The server makes them in this order
and calls their hooks in it: the settings come first (the others read them), the tracker sees a
document before the status is told of it.
"""

from __future__ import annotations

from devfocus.lsp.feature import LanguageFeature
from devfocus.lsp.features.activity import ActivityFeature
from devfocus.lsp.features.commits import CommitCoachingFeature
from devfocus.lsp.features.data import DataFeature
from devfocus.lsp.features.docs import DocsFeature
from devfocus.lsp.features.focus import FocusFeature
from devfocus.lsp.features.git import GitFeature
from devfocus.lsp.features.history import HistoryFeature
from devfocus.lsp.features.hotspots import HotspotFeature
from devfocus.lsp.features.insights import InsightsFeature
from devfocus.lsp.features.report import ReportFeature
from devfocus.lsp.features.settings import SettingsFeature
from devfocus.lsp.features.status import StatusFeature
from devfocus.lsp.features.tasks import TasksFeature
from devfocus.lsp.features.team import TeamFeature

FEATURES: tuple[type[LanguageFeature], ...] = (
    SettingsFeature,
    ActivityFeature,
    StatusFeature,
    FocusFeature,
    ReportFeature,
    InsightsFeature,
    DocsFeature,
    CommitCoachingFeature,
    GitFeature,
    HistoryFeature,
    HotspotFeature,
    TasksFeature,
    TeamFeature,
    DataFeature,
)
