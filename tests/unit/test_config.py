"""Settings from the client: defaults, accepted shapes, and one problem per unusable value."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from devfocus.config import (
    DEFAULT_AI_EXCLUDES,
    DEFAULT_EXCLUDES,
    Settings,
    database_url,
    layer,
    load_settings,
    setting_specs,
)

IDLE_KEY = "devfocus.sessions.idleTimeoutMinutes"
DEEP_KEY = "devfocus.sessions.deepWorkMinutes"
EXCLUDE_KEY = "devfocus.tracking.exclude"
URL_KEY = "devfocus.database.url"
DOC_KEYS = [
    "devfocus.docs.style",
    "devfocus.docs.missing",
    "devfocus.docs.severity",
    "devfocus.docs.lineLength",
    "devfocus.docs.inferTypes",
]
GIT_KEYS = [
    "devfocus.git.enabled",
    "devfocus.git.authors",
    "devfocus.git.sessionGapMinutes",
    "devfocus.git.firstCommitMinutes",
    "devfocus.git.coach",
    "devfocus.git.hover",
    "devfocus.git.trust",
]
# The insight sections: key → (default, a valid value that is not it, as sent on the wire).
INSIGHT_SETTINGS: dict[str, tuple[Any, Any]] = {
    "devfocus.reports.workWeek": (("mon", "tue", "wed", "thu", "fri"), ["sun", "mon", "tue"]),
    "devfocus.insights.switchesPerHour": (6.0, 9),
    "devfocus.insights.lowFocusShare": (0.5, 0.25),
    "devfocus.insights.fragmentedSessionMinutes": (20.0, 15),
    "devfocus.insights.longStretchMinutes": (90.0, 120),
    "devfocus.insights.lateHour": (22.0, 21),
    "devfocus.insights.bulkLines": (8.0, 20),
    "devfocus.insights.hotspotCommits": (3.0, 5),
    "devfocus.insights.hotspotSeverity": ("hint", "off"),
    "devfocus.goals.dailyFocusMinutes": (0.0, 240),
    "devfocus.goals.weeklyFocusMinutes": (0.0, 1200),
    "devfocus.goals.dailyDeepWorkMinutes": (0.0, 120),
    "devfocus.goals.weeklyDeepWorkMinutes": (0.0, 600),
    "devfocus.focusBlock.minutes": (25.0, 50),
    "devfocus.nudges.contextSwitching": (False, True),
    "devfocus.nudges.longStretch": (False, True),
    "devfocus.nudges.switchesPerHour": (8.0, 10),
    "devfocus.nudges.stretchMinutes": (100.0, 80),
    "devfocus.ai.provider": ("none", "openai-compatible"),
    "devfocus.ai.model": ("", "llama3.2"),
    "devfocus.ai.baseUrl": ("", "http://localhost:11434/v1"),
    "devfocus.ai.apiKeyEnv": ("", "MY_GATEWAY_KEY"),
    "devfocus.ai.timeoutSeconds": (60.0, 30),
    "devfocus.ai.maxRetries": (2.0, 0),
    "devfocus.ai.maxConcurrent": (4.0, 2),
    "devfocus.ai.requestsPerMinute": (50.0, 20),
    "devfocus.ai.sendCode": (False, True),
    "devfocus.ai.exclude": (DEFAULT_AI_EXCLUDES, ["*.secret.py"]),
    "devfocus.issues.syncMinutes": (60.0, 30),
    "devfocus.issues.closedDays": (90.0, 30),
    "devfocus.issues.kindMap": ((), {"spike": "feature", "Papercut": "bug"}),
    "devfocus.issues.github.enabled": (False, True),
    "devfocus.issues.github.apiUrl": ("https://api.github.com", "https://ghe.example.com/api/v3"),
    "devfocus.issues.github.repositories": ((), ["acme/shop"]),
    "devfocus.issues.github.query": ("", "assignee:@me is:open"),
    "devfocus.issues.jira.url": ("", "https://acme.atlassian.net"),
    "devfocus.issues.jira.email": ("", "dev@example.com"),
    "devfocus.issues.jira.jql": ("", "project = SHOP"),
    "devfocus.team.databaseUrl": ("", "postgresql://ann@db.example.com/team"),
    "devfocus.team.share": ("totals", "totals+projects"),
    "devfocus.team.shareName": (False, True),
    "devfocus.team.aliases": ((), {"acme-secret": "client work"}),
    "devfocus.team.pushMinutes": (10.0, 30),
}


def _parsed(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):  # an object of strings is kept as its sorted pairs
        return tuple(sorted(value.items()))
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


# Every setting set to a valid value that is not its default.
VALID: dict[str, Any] = {
    "sessions": {"idleTimeoutMinutes": 10, "deepWorkMinutes": 40},
    "tracking": {"exclude": ["*.log"]},
    "database": {"url": "sqlite:///elsewhere.db"},
    "docs": {
        "style": "numpy",
        "missing": "all",
        "severity": "warning",
        "lineLength": 100,
        "inferTypes": False,
    },
    "git": {
        "enabled": False,
        "authors": ["ada@example.com", "Ada"],
        "sessionGapMinutes": 120,
        "firstCommitMinutes": 0,
        "coach": False,
        "hover": False,
        "trust": ["/srv/work", "~/src"],
    },
    **{key.removeprefix("devfocus."): valid for key, (_, valid) in INSIGHT_SETTINGS.items()},
}


def values(settings: Settings) -> dict[str, Any]:
    return {
        IDLE_KEY: settings.sessions.idle_timeout_minutes,
        DEEP_KEY: settings.sessions.deep_work_minutes,
        EXCLUDE_KEY: settings.tracking.exclude,
        URL_KEY: settings.database.url,
        DOC_KEYS[0]: settings.docs.style,
        DOC_KEYS[1]: settings.docs.missing,
        DOC_KEYS[2]: settings.docs.severity,
        DOC_KEYS[3]: settings.docs.line_length,
        DOC_KEYS[4]: settings.docs.infer_types,
        GIT_KEYS[0]: settings.git.enabled,
        GIT_KEYS[1]: settings.git.authors,
        GIT_KEYS[2]: settings.git.session_gap_minutes,
        GIT_KEYS[3]: settings.git.first_commit_minutes,
        GIT_KEYS[4]: settings.git.coach,
        GIT_KEYS[5]: settings.git.hover,
        GIT_KEYS[6]: settings.git.trust,
        **{
            spec.key: _attribute(settings, spec.path)
            for spec in setting_specs()
            if spec.key in INSIGHT_SETTINGS
        },
    }


def _attribute(settings: Settings, path: tuple[str, ...]) -> Any:
    value: Any = settings
    for name in path:
        value = getattr(value, name)
    return value


DEFAULTS = {
    IDLE_KEY: 15.0,
    DEEP_KEY: 25.0,
    EXCLUDE_KEY: DEFAULT_EXCLUDES,
    URL_KEY: "",
    **dict(zip(DOC_KEYS, ["auto", "public", "information", 0.0, True], strict=True)),
    **dict(zip(GIT_KEYS, [True, (), 30.0, 30.0, True, True, "owned"], strict=True)),
    **{key: default for key, (default, _) in INSIGHT_SETTINGS.items()},
}
VALID_VALUES = {
    IDLE_KEY: 10.0,
    DEEP_KEY: 40.0,
    EXCLUDE_KEY: ("*.log",),
    URL_KEY: "sqlite:///elsewhere.db",
    **dict(zip(DOC_KEYS, ["numpy", "all", "warning", 100.0, False], strict=True)),
    **dict(
        zip(
            GIT_KEYS,
            [False, ("ada@example.com", "Ada"), 120.0, 0.0, False, False, ("/srv/work", "~/src")],
            strict=True,
        )
    ),
    **{key: _parsed(valid) for key, (_, valid) in INSIGHT_SETTINGS.items()},
}


# -- accepted shapes --------------------------------------------------------------------------


def test_no_settings_give_the_defaults() -> None:
    settings, problems = load_settings(None)
    assert problems == []
    assert settings == Settings()
    assert values(settings) == DEFAULTS


def test_an_empty_section_gives_the_defaults() -> None:
    assert load_settings({}) == (Settings(), [])


def test_nested_camel_case_settings_are_read() -> None:
    settings, problems = load_settings({"sessions": {"idleTimeoutMinutes": 10}})
    assert problems == []
    assert settings.sessions.idle_timeout_minutes == 10.0
    assert settings.sessions.deep_work_minutes == 25.0


def test_every_setting_can_be_set() -> None:
    settings, problems = load_settings(VALID)
    assert problems == []
    assert values(settings) == VALID_VALUES


def test_whole_numbers_become_floats() -> None:
    settings, _ = load_settings({"sessions": {"idleTimeoutMinutes": 10}})
    assert isinstance(settings.sessions.idle_timeout_minutes, float)


def test_flat_dotted_keys_are_read() -> None:
    settings, problems = load_settings(
        {"sessions.idleTimeoutMinutes": 10, "database.url": "sqlite:///x.db"}
    )
    assert problems == []
    assert settings.sessions.idle_timeout_minutes == 10.0
    assert settings.database.url == "sqlite:///x.db"


def test_a_section_wrapped_in_devfocus_is_read() -> None:
    settings, problems = load_settings({"devfocus": {"sessions": {"deepWorkMinutes": 50}}})
    assert problems == []
    assert settings.sessions.deep_work_minutes == 50.0


def test_fully_qualified_dotted_keys_are_read() -> None:
    settings, problems = load_settings({"devfocus.sessions.idleTimeoutMinutes": 5})
    assert problems == []
    assert settings.sessions.idle_timeout_minutes == 5.0


@pytest.mark.parametrize(
    "raw",
    [
        {"sessions": {"deepWorkMinutes": 30}, "sessions.idleTimeoutMinutes": 10},
        {"sessions.idleTimeoutMinutes": 10, "sessions": {"deepWorkMinutes": 30}},
    ],
)
def test_flat_and_nested_keys_can_be_mixed(raw: dict[str, Any]) -> None:
    settings, problems = load_settings(raw)
    assert problems == []
    assert settings.sessions.idle_timeout_minutes == 10.0
    assert settings.sessions.deep_work_minutes == 30.0


def test_a_list_of_excludes_is_kept_in_order() -> None:
    settings, _ = load_settings({"tracking": {"exclude": ["build/**", "*.log"]}})
    assert settings.tracking.exclude == ("build/**", "*.log")


def test_an_empty_exclude_list_excludes_nothing() -> None:
    settings, problems = load_settings({"tracking": {"exclude": []}})
    assert problems == []
    assert settings.tracking.exclude == ()


def test_null_values_mean_the_default() -> None:
    settings, problems = load_settings({"sessions": {"idleTimeoutMinutes": None}})
    assert problems == []
    assert settings.sessions.idle_timeout_minutes == 15.0


def test_unknown_keys_are_ignored() -> None:
    raw = {"colour": "blue", "sessions": {"idleTimeoutMinutes": 10, "snooze": 3}, "x.y": 1}
    settings, problems = load_settings(raw)
    assert problems == []
    assert settings.sessions.idle_timeout_minutes == 10.0


# -- problems ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        (IDLE_KEY, "15"),
        (IDLE_KEY, True),
        (DEEP_KEY, [30]),
        (DEEP_KEY, {"minutes": 30}),
        (EXCLUDE_KEY, ["*.log", 3]),
        (EXCLUDE_KEY, "*.log"),
        (URL_KEY, 5),
        (URL_KEY, {"host": "db"}),
    ],
)
def test_a_value_of_the_wrong_type_is_one_problem_and_the_default(key: str, bad: Any) -> None:
    raw = copy.deepcopy(VALID)
    _, group, name = key.split(".")
    raw[group][name] = bad
    settings, problems = load_settings(raw)
    assert [p.key for p in problems] == [key]
    assert values(settings) == {**VALID_VALUES, key: DEFAULTS[key]}


def test_a_flat_dotted_value_of_the_wrong_type_is_one_problem() -> None:
    settings, problems = load_settings(
        {"sessions.idleTimeoutMinutes": "15", "sessions.deepWorkMinutes": 40}
    )
    assert [p.key for p in problems] == [IDLE_KEY]
    assert settings.sessions.idle_timeout_minutes == 15.0
    assert settings.sessions.deep_work_minutes == 40.0


def test_a_problem_names_the_key_the_value_and_the_default() -> None:
    _, problems = load_settings({"sessions": {"idleTimeoutMinutes": "15"}})
    (problem,) = problems
    text = str(problem)
    assert text.startswith(IDLE_KEY + ": ")
    assert "'15'" in text
    assert "0.1 to 480" in text
    assert "default 15" in text


@pytest.mark.parametrize("bad", [0, 0.09, -5, 480.5, 10_000])
def test_a_number_out_of_range_is_one_problem_and_the_default(bad: float) -> None:
    settings, problems = load_settings({"sessions": {"idleTimeoutMinutes": bad}})
    assert [p.key for p in problems] == [IDLE_KEY]
    assert settings.sessions.idle_timeout_minutes == 15.0


@pytest.mark.parametrize("edge", [0.1, 480])
def test_the_range_limits_themselves_are_accepted(edge: float) -> None:
    settings, problems = load_settings({"sessions": {"deepWorkMinutes": edge}})
    assert problems == []
    assert settings.sessions.deep_work_minutes == float(edge)


@pytest.mark.parametrize("raw", ["fast", 5, ["sessions"], True])
def test_a_section_that_is_not_an_object_is_one_problem(raw: Any) -> None:
    settings, problems = load_settings(raw)
    assert [p.key for p in problems] == ["devfocus"]
    assert settings == Settings()


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"sessions": 5, "database": {"url": "sqlite:///x.db"}}, "devfocus.sessions"),
        ({"tracking": ["*.log"], "database": {"url": "sqlite:///x.db"}}, "devfocus.tracking"),
    ],
)
def test_a_group_that_is_not_an_object_is_one_problem(raw: dict[str, Any], key: str) -> None:
    settings, problems = load_settings(raw)
    assert [p.key for p in problems] == [key]
    assert settings.database.url == "sqlite:///x.db"


def test_several_bad_values_are_one_problem_each() -> None:
    raw = {
        "sessions": {"idleTimeoutMinutes": "15", "deepWorkMinutes": 0},
        "tracking": {"exclude": [1]},
        "database": {"url": "sqlite:///x.db"},
    }
    settings, problems = load_settings(raw)
    assert sorted(p.key for p in problems) == sorted([IDLE_KEY, DEEP_KEY, EXCLUDE_KEY])
    assert settings.database.url == "sqlite:///x.db"


# -- specs ------------------------------------------------------------------------------------


def test_setting_specs_list_every_leaf_with_key_default_and_description() -> None:
    specs = setting_specs()
    assert [s.key for s in specs] == [
        EXCLUDE_KEY,
        IDLE_KEY,
        DEEP_KEY,
        URL_KEY,
        *DOC_KEYS,
        *GIT_KEYS,
        *INSIGHT_SETTINGS,
    ]
    assert {s.key: s.default for s in specs} == DEFAULTS
    assert all(s.description.strip() for s in specs)


def test_setting_specs_match_the_settings_object() -> None:
    defaults = Settings()
    for spec in setting_specs():
        value: Any = defaults
        for attr in spec.path:
            value = getattr(value, attr)
        assert value == spec.default


def test_number_specs_carry_their_bounds() -> None:
    bounds = {s.key: (s.minimum, s.maximum) for s in setting_specs()}
    assert bounds[IDLE_KEY] == (0.1, 480)
    assert bounds[DEEP_KEY] == (0.1, 480)
    assert bounds[URL_KEY] == (None, None)


# -- layering and the database ----------------------------------------------------------------


def test_a_later_section_overrides_only_the_keys_it_sets() -> None:
    base = {"sessions": {"idleTimeoutMinutes": 10, "deepWorkMinutes": 30}}
    settings, problems = load_settings(layer(base, {"sessions.idleTimeoutMinutes": 5}))
    assert problems == []
    assert settings.sessions.idle_timeout_minutes == 5.0
    assert settings.sessions.deep_work_minutes == 30.0


def test_no_later_section_keeps_the_first() -> None:
    base = {"sessions": {"idleTimeoutMinutes": 10}}
    assert layer(base, None) == base


def test_the_default_database_is_a_file_in_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DEVFOCUS_DATA_DIR", str(tmp_path))
    assert database_url(Settings()) == f"sqlite:///{(tmp_path / 'devfocus.db').as_posix()}"


def test_a_blank_database_setting_means_the_default_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DEVFOCUS_DATA_DIR", str(tmp_path))
    settings, _ = load_settings({"database": {"url": "   "}})
    assert database_url(settings) == f"sqlite:///{(tmp_path / 'devfocus.db').as_posix()}"


def test_a_database_setting_is_used_without_surrounding_spaces(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DEVFOCUS_DATA_DIR", str(tmp_path))
    settings, _ = load_settings({"database": {"url": " postgresql+psycopg://dev@db/devfocus "}})
    assert database_url(settings) == "postgresql+psycopg://dev@db/devfocus"


def test_a_value_outside_the_choices_is_refused_by_name() -> None:
    settings, problems = load_settings({"docs": {"style": "googel", "severity": "warning"}})
    assert settings.docs.style == "auto"
    assert settings.docs.severity == "warning"
    assert [p.key for p in problems] == ["devfocus.docs.style"]
    assert "one of auto, google, numpy, sphinx, epytext, pep257" in problems[0].message


# -- devfocus.git.trust: a choice or a list of folders ----------------------------------------
TRUST_KEY = "devfocus.git.trust"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("owned", "owned"), ("never", "never"), (["/srv/a", "~/b"], ("/srv/a", "~/b")), ([], ())],
)
def test_git_trust_is_a_choice_or_a_list_of_folders(raw: Any, expected: Any) -> None:
    settings, problems = load_settings({"git": {"trust": raw}})
    assert problems == []
    assert settings.git.trust == expected


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("always", "expected owned, never or a list of folders, got 'always'"),
        (True, "expected owned, never or a list of folders, got True"),
        (["/srv/a", 3], "expected owned, never or a list of folders"),
        (["src"], "expected absolute folders (or ~/...), got ['src']"),
    ],
)
def test_a_bad_git_trust_is_named_and_the_default_kept(bad: Any, says: str) -> None:
    settings, problems = load_settings({"git": {"trust": bad}})
    assert settings.git.trust == "owned"
    assert [p.key for p in problems] == [TRUST_KEY]
    assert says in problems[0].message
    assert "using the default 'owned'" in problems[0].message


def test_git_trust_is_a_machine_setting() -> None:
    """A workspace's own settings must not set it (VS Code ignores machine settings there)."""
    scopes = {s.key: s.scope for s in setting_specs()}
    assert scopes[TRUST_KEY] == "machine"


def test_every_setting_type_has_a_reader():
    from devfocus.config import _STRUCTURE, setting_specs

    assert {spec.type for spec in setting_specs()} <= set(_STRUCTURE)


def test_a_kind_map_naming_no_kind_is_refused_and_the_default_kept() -> None:
    settings, problems = load_settings({"issues": {"kindMap": {"spike": "epic"}}})
    assert settings.issues.kind_map == ()
    assert [p.key for p in problems] == ["devfocus.issues.kindMap"]
    assert "kinds among feature, bug, refactor, docs, test, chore (not epic)" in problems[0].message
    settings, problems = load_settings({"issues": {"kindMap": ["bug"]}})
    assert "an object of strings" in problems[0].message


def test_groups_within_groups_are_read_and_a_bad_one_is_named() -> None:
    settings, problems = load_settings({"issues": {"github": {"enabled": True}, "jira": "x"}})
    assert settings.issues.github.enabled is True
    assert [p.key for p in problems] == ["devfocus.issues.jira"]
