"""Settings arrive from initializationOptions and workspace/configuration, are re-read on change,
and a bad value is named in a warning while its default is used."""

from __future__ import annotations

from lsprotocol import types

from tests.lsp.conftest import TIMEOUT, end_session, expose_client, start_session


async def test_invalid_value_warns_naming_the_key_and_uses_the_default(
    request, repo, data_dir, preset
) -> None:
    s = await start_session(
        repo,
        data_dir,
        preset,
        initialization_options={
            "sessions": {"idleTimeoutMinutes": "soon", "deepWorkMinutes": 40},
            "tracking": {"exclude": "node_modules"},
        },
    )
    expose_client(request, s.client)
    try:
        await s.statuses.wait_for(lambda st: True)  # ready: queued warnings went out first
        warnings = [m.message for m in s.client.messages if m.type == types.MessageType.Warning]
        assert any(
            "devfocus.sessions.idleTimeoutMinutes" in m and "default 15" in m for m in warnings
        ), warnings
        assert any("devfocus.tracking.exclude" in m for m in warnings), warnings
        assert len(warnings) == 2  # the valid deepWorkMinutes is not complained about
        # The default exclusions still hold: node_modules is not recorded.
        (repo / "node_modules").mkdir()
        s.type_lines(s.open("node_modules/x.js", "1\n", "javascript"), line=1, count=1)
        s.type_lines(s.open("app.py"), line=0, count=1)
        await s.wait_for_events(lambda rows: any(r["path"] == "app.py" for r in rows))
        assert not any(r["path"] == "node_modules/x.js" for r in s.events())
    finally:
        await end_session(s)


async def test_workspace_configuration_layers_over_initialization_options(
    request, repo, data_dir, preset
) -> None:
    (repo / "private").mkdir()
    (repo / "generated").mkdir()
    s = await start_session(
        repo,
        data_dir,
        preset,
        initialization_options={"tracking": {"exclude": ["private/**"]}},
        configuration={"sessions": {"idleTimeoutMinutes": 30}},
    )
    expose_client(request, s.client)
    try:
        s.type_lines(s.open("private/notes.py", "n = 1\n"), line=1, count=1)
        s.type_lines(s.open("app.py"), line=0, count=1)
        await s.wait_for_events(lambda rows: any(r["path"] == "app.py" for r in rows))
        assert not any(r["path"] == "private/notes.py" for r in s.events())

        # The editor's settings change: re-read on didChangeConfiguration.
        seen = len(s.client.log_messages)
        s.client.set_configuration({"tracking": {"exclude": ["generated/**"]}}, section="devfocus")
        s.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings=None)
        )
        await s.wait_for_log("settings applied", after=seen)
        s.type_lines(s.open("generated/out.py", "g = 1\n"), line=1, count=1)
        s.type_lines(s.open("private/notes.py", "n = 1\n"), line=1, count=1, version=5)
        await s.wait_for_events(lambda rows: any(r["path"] == "private/notes.py" for r in rows))
        assert not any(r["path"] == "generated/out.py" for r in s.events())
    finally:
        await end_session(s)


async def test_clients_without_configuration_requests_push_settings(
    request, repo, data_dir
) -> None:
    """A client that cannot answer workspace/configuration sends settings in the notification."""
    s = await start_session(repo, data_dir, "visual-studio-code", push_only=True)
    expose_client(request, s.client)
    try:
        (repo / "tmp").mkdir()
        seen = len(s.client.log_messages)
        s.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(
                settings={"devfocus": {"tracking": {"exclude": ["tmp/**"]}}}
            )
        )
        await s.wait_for_log("settings applied", after=seen)
        s.type_lines(s.open("tmp/scratch.py", "s = 1\n"), line=1, count=1)
        s.type_lines(s.open("app.py"), line=0, count=1)
        await s.wait_for_events(lambda rows: any(r["path"] == "app.py" for r in rows))
        assert not any(r["path"] == "tmp/scratch.py" for r in s.events())
    finally:
        await end_session(s)


async def test_visual_studio_code_is_asked_to_send_configuration_changes(
    request, repo, data_dir
) -> None:
    s = await start_session(repo, data_dir, "visual-studio-code")
    expose_client(request, s.client)
    try:
        await s.statuses.wait_for(lambda st: True, TIMEOUT)
        assert [r.method for r in s.registrations] == ["workspace/didChangeConfiguration"]
    finally:
        await end_session(s)
