"""LSP features, one module each; each registers its handlers on the server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from devfocus.lsp.features.activity import ActivityFeature
from devfocus.lsp.features.docs import DocsFeature
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


def register_all(server: DevFocusServer) -> Features:
    status = StatusFeature(server)
    docs = DocsFeature(server)
    return Features(
        settings=SettingsFeature(server, status, on_change=[docs.settings_changed]),
        status=status,
        activity=ActivityFeature(server, status, documents=[docs]),
        report=ReportFeature(server),
        docs=docs,
    )
