"""Secrets taken out of text before a model sees it (pure: no I/O).

Every text a prompt takes from files, diffs or commits goes through :func:`redact`, which
replaces each secret it recognises with ``«redacted:KIND»``: the keys and tokens of the common
providers (by their published shapes), private keys, JWTs, passwords and tokens in assignments,
URLs and connection strings. The rules are one table, :data:`RULES`; rules that keep part of a
match (the name in ``password = "…"``, the scheme, user and host of a URL) replace only their
``s`` groups. The shapes are specific on purpose: digests, UUIDs, base64 of images and long
identifiers are ordinary code and stay as they are.

It runs on every prompt, so it reads a text twice, fast: one regex finds the rules' anchors
(``token``, ``://``, ``ghp_``…) at their rarest character, which the regex engine skips to;
then one regex of the rules anchored there reads the lines around them. A megabyte of code
takes about 25 ms (``redact_everywhere``, every rule at every character, takes seconds).

:func:`redact_env_file` empties every value of a ``.env``-style file, and :func:`redact_known`
replaces values known in advance (the configured API key), wherever they appear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

MARK = "«redacted:{}»"
ENV_VALUE = "env-value"  # the kind of a value of a .env-style file
KNOWN_VALUE = "configured-secret"  # the kind of a value redact_known() was given
MIN_KNOWN_LENGTH = 4  # shorter known values are not searched for: they would be everywhere
_DONE = re.compile(r"«redacted:[a-z0-9-]+»")


@dataclass(frozen=True)
class Redaction:
    """The text with its secrets replaced, and the kinds found (each once, in order found)."""

    text: str
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """One kind of secret: ``pattern`` matches it; its groups named ``s``, ``s2``, … (if any)
    are what is replaced, the rest of the match is kept. Every match holds one of ``anchors``
    (words, in any case, or patterns that start with a literal character): the text is only
    searched near them."""

    kind: str
    anchors: tuple[str | re.Pattern[str], ...]
    family: str
    finds: str  # what it finds, for the documentation
    pattern: str


# Case-insensitive names that say a value is a secret, by kind; the name must end with one
# (``DB_PASSWORD``, ``client_secret``, ``github_token``), so ``token_type`` or ``TOKEN_URL``
# do not count.
_NAMES = {
    "password": r"passw(?:or)?d|passphrase|pwd|pass",
    "secret": r"secret(?:[_-]?key)?",
    "token": r"token",
    "api-key": r"api[_-]?key|(?:access|auth|private|signing|encryption|master)[_-]?key",
}
# A name starts at a non-alphanumeric character or a camelCase hump (dbPassword).
_NAME_START = r"(?:(?<![A-Za-z0-9])|(?<=[a-z0-9])(?=[A-Z]))"
_END = r"""(?=[\s"'`,;&<>(){}\[\]#]|$)"""  # where an unquoted value ends
_BARE = r"""[^\s"'`,;&<>(){}\[\]#]"""  # a character of an unquoted value
# $VAR, ${VAR}, %(name)s, {name}: a placeholder, not a value; «redacted:…» is done.
_NOT_REFERENCE = r"(?![$%{«])"
_NOT_NUMBER = rf"(?![0-9]+(?:\.[0-9]+)?{_END})"  # MAX_TOKEN=4096 is a limit, not a token
# After an upper-case name (env, YAML, Dockerfile) any value counts, except code: a call, an
# attribute, an index, or None.
_ANY_VALUE = (
    rf"(?![A-Za-z_]\w{{0,100}}[ \t]*[.(\[])"
    rf"(?!(?:None|null|nil|undefined|True|False|true|false){_END}){_BARE}{{1,500}}+{_END}"
)
# After any other name, an unquoted value counts only when it looks generated (a digit or a
# symbol in it): `password=hunter2` is one, `password: str` and `token = self.token` are not.
_LOOKS_SECRET = rf"(?={_BARE}{{0,500}}?[0-9!@$%^*+/~?=|]){_BARE}{{3,500}}+{_END}"
# `=`, `:`, `:=`, `=>`, after a closing quote or bracket (`"api_key": …`, `env["TOKEN"] = …`)
# or a type (`password: str = …`).
_SEPARATOR = (
    r"""["']?\]?[ \t]*(?::[ \t]*[A-Za-z_][\w.\[\], |]{0,40}?[ \t]*(?==))?"""
    r"""(?::=|=>|[:=])[ \t]*"""
)
_B64URL = r"[A-Za-z0-9_-]"


def _quoted(kind: str, first: str, second: str) -> str:
    """A quoted value on one line: any for a password; for the others at least 8 characters
    without blanks (``eos_token = "</s>"`` is not a secret)."""
    any_text, no_blank = r"(?:[^{q}\\\n]|\\.){{1,500}}+", r"(?:[^{q}\\\s]|\\.){{8,500}}+"
    body = any_text if kind == "password" else no_blank
    double, single = body.format(q='"'), body.format(q="'")
    prefix = "[rRbBuU]{0,2}"  # b"…", r'…'
    return f"{prefix}(?:\"(?P<{first}>{double})\"|'(?P<{second}>{single})')"


def _assignment(kind: str) -> str:
    """``NAME = "value"`` in code, JSON, YAML, TOML, INI, shell; the name kept, the value
    replaced. The name must end with one of the kind's words."""
    name = _NAMES[kind]
    number = "" if kind == "password" else _NOT_NUMBER
    return (
        # An upper-case name may glue words (PGPASSWORD, MYSQL_PWD): only lower case or a digit
        # before it breaks it.
        rf"(?<![a-z0-9])(?:{name.upper()}){_SEPARATOR}"
        rf"(?:{_quoted(kind, 's', 's2')}|{_NOT_REFERENCE}{number}(?P<s3>{_ANY_VALUE}))"
        rf"|{_NAME_START}(?i:{name}){_SEPARATOR}"
        rf"(?:{_quoted(kind, 's4', 's5')}|{_NOT_REFERENCE}{number}(?P<s6>{_LOOKS_SECRET}))"
    )


def _flag_or_query(kind: str) -> str:
    """``--password=…``, ``--token …`` and ``?token=…``: whatever the value, it is one."""
    name = _NAMES[kind]
    return (
        rf"(?:(?<![\w-])--?(?i:[\w-]{{0,40}}?(?:{name}))(?:=|[ \t]+)[\"']?(?![-$%{{])"
        rf"|(?<=[?&;])(?i:[\w.-]{{0,40}}?(?:{name}))=)(?P<f>[^\s&#\"'`<>]{{1,500}})"
    )


def _named(kind: str) -> str:
    return _flag_or_query(kind) + "|" + _assignment(kind)


def _key_names() -> tuple[str, ...]:
    """The api-key rule's words as they are written: api_key, api-key, apiKey, APIKEY."""
    words = ("api", "access", "auth", "private", "signing", "encryption", "master")
    return tuple(f"{word}{joint}key" for word in words for joint in ("_", "-", ""))


RULES: tuple[Rule, ...] = (
    Rule(
        "private-key",
        ("-----begin",),
        "keys",
        "PEM private key blocks: RSA, EC, DSA, OpenSSH, PKCS#8, encrypted, PGP",
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
        r"[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\Z)",
    ),
    Rule(
        "gcp-service-account-key",
        ('"private_key"',),
        "cloud",
        'the `"private_key"` of a Google Cloud service-account JSON file',
        r'"private_key"[ \t]*:[ \t]*"(?P<s>[^"\n]{20,6000})"',
    ),
    Rule(
        "aws-access-key-id",
        (re.compile("A(?:KIA|SIA|BIA|CCA)"),),
        "cloud",
        "AWS access key ids (`AKIA…`, `ASIA…`)",
        r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])",
    ),
    Rule(
        "aws-secret-access-key",
        ("aws",),
        "cloud",
        "AWS secret access keys assigned to `aws_secret_access_key` and the like",
        r"(?i:aws[\w.-]{0,20}?secret[\w.-]{0,20}?)[\"']?[ \t]*(?::=|=>|[:=])[ \t]*[\"']?"
        r"(?P<s>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
    ),
    Rule(
        "gcp-api-key",
        (re.compile("AIza"),),
        "cloud",
        "Google Cloud API keys (`AIza…`)",
        rf"(?<![\w-])AIza{_B64URL}{{35}}(?![\w-])",
    ),
    Rule(
        "azure-account-key",
        ("accountkey=", "sharedaccesskey="),
        "cloud",
        "Azure storage and Service Bus keys in connection strings (`AccountKey=…`, "
        "`SharedAccessKey=…`)",
        r"(?:AccountKey|SharedAccessKey)=(?P<s>[A-Za-z0-9+/]{20,4000}={0,2})",
    ),
    Rule(
        "azure-sas-signature",
        ("sig=",),
        "cloud",
        "Azure shared access signatures (`sig=…` in a SAS URL or token)",
        r"(?<=[?&;])sig=(?P<s>[A-Za-z0-9%+/]{20,4000}(?:=|%3[Dd]){0,2})",
    ),
    Rule(
        "github-token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        "vcs",
        "GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`)",
        r"(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_\w{22,251})"
        r"(?![A-Za-z0-9_])",
    ),
    Rule(
        "gitlab-token",
        ("glpat-", "glptt-", "gldt-", "glrt-", "glcbt-", "glsoat-", "glffct-", "glagent-"),
        "vcs",
        "GitLab tokens (`glpat-` and the other `gl…-` prefixes)",
        r"(?<![\w-])gl(?:pat|ptt|dt|rt|cbt|soat|ffct|agent)-[A-Za-z0-9_.-]{20,4000}",
    ),
    Rule(
        "bitbucket-app-password",
        (re.compile("ATBB"), "://"),
        "vcs",
        "Bitbucket app passwords (`ATBB…`, or the password of a bitbucket.org URL)",
        r"(?<![\w-])ATBB[A-Za-z0-9_=.-]{28,4000}"
        r"|(?i:[a-z][a-z0-9+.-]{1,20}://[^\s:@/\"'<>]*:)(?![{$%])(?P<s>[^\s@/\"'<>]+)@"
        r"(?=(?:[\w-]+\.)*bitbucket\.org)",
    ),
    Rule(
        "slack-token",
        ("xoxa-", "xoxb-", "xoxe-", "xoxp-", "xoxr-", "xoxs-"),
        "chat",
        "Slack tokens (`xoxb-`, `xoxp-`, `xoxa-`, `xoxr-`, `xoxs-`, `xoxe-`)",
        r"(?<![\w-])xox[abeprs]-(?:\d+-)?[A-Za-z0-9-]{10,4000}",
    ),
    Rule(
        "slack-webhook",
        ("hooks.slack.com/",),
        "chat",
        "Slack incoming-webhook URLs",
        r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<s>[A-Za-z0-9_/+-]{20,4000})",
    ),
    Rule(
        "discord-webhook",
        ("/api/webhooks/",),
        "chat",
        "Discord webhook URLs",
        r"discord(?:app)?\.com/api/webhooks/\d+/(?P<s>[A-Za-z0-9_-]{40,4000})",
    ),
    Rule(
        "discord-bot-token",
        (re.compile(r"\.[A-Za-z0-9_-]{6}\."),),
        "chat",
        "Discord bot tokens (three dot-separated parts, the first starting with `M`, `N` or `O`)",
        r"(?<![\w.-])[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}"
        r"(?![\w-])",
    ),
    Rule(
        "telegram-bot-token",
        (":aa",),
        "chat",
        "Telegram bot tokens (`123456789:AA…`), also in `api.telegram.org/bot…` URLs",
        r"(?:(?<=bot)|(?<![\w:]))\d{6,12}:AA[A-Za-z0-9_-]{30,40}(?![\w-])",
    ),
    Rule(
        "stripe-secret-key",
        ("sk_live_", "sk_test_", "rk_live_", "rk_test_"),
        "payment",
        "Stripe secret and restricted keys (`sk_live_`, `rk_live_`, `sk_test_`, `rk_test_`)",
        r"(?<![A-Za-z0-9])[sr]k_(?:live|test)_[A-Za-z0-9]{16,247}(?![A-Za-z0-9])",
    ),
    Rule(
        "stripe-webhook-secret",
        ("whsec_",),
        "payment",
        "Stripe webhook signing secrets (`whsec_`)",
        r"(?<![A-Za-z0-9])whsec_[A-Za-z0-9+/=]{24,4000}",
    ),
    Rule(
        "square-token",
        ("sq0atp-", "sq0csp-", re.compile("EAAA")),
        "payment",
        "Square access tokens and OAuth secrets (`sq0atp-`, `sq0csp-`, `EAAA…`)",
        rf"(?<![\w-])(?:sq0(?:atp|csp)-{_B64URL}{{22,60}}|EAAA{_B64URL}{{60}})(?![\w-])",
    ),
    Rule(
        "braintree-token",
        ("$production$", "$sandbox$"),
        "payment",
        "PayPal Braintree access tokens (`access_token$production$…`)",
        r"access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32}",
    ),
    Rule(
        "anthropic-key",
        ("sk-ant-",),
        "ai",
        "Anthropic API keys (`sk-ant-…`)",
        rf"(?<![\w-])sk-ant-{_B64URL}{{32,4000}}",
    ),
    Rule(
        "openai-key",
        ("sk-",),
        "ai",
        "OpenAI API keys (`sk-…`, `sk-proj-…`, `sk-svcacct-…`, `sk-admin-…`)",
        rf"(?<![\w-])sk-(?:proj-|svcacct-|admin-)?(?={_B64URL}{{0,60}}?[0-9])(?={_B64URL}{{0,60}}?[A-Z])"
        rf"{_B64URL}{{20,4000}}",
    ),
    Rule(
        "huggingface-token",
        ("hf_",),
        "ai",
        "Hugging Face tokens (`hf_…`)",
        r"(?<![A-Za-z0-9_])hf_(?=[a-z]{0,40}[A-Z])[A-Za-z0-9]{34,40}(?![A-Za-z0-9_])",
    ),
    Rule(
        "npm-token",
        ("npm_",),
        "registry",
        "npm access tokens (`npm_…`)",
        r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])",
    ),
    Rule(
        "pypi-token",
        ("pypi-age",),
        "registry",
        "PyPI and TestPyPI API tokens (`pypi-AgE…`)",
        rf"(?<![\w-])pypi-AgE{_B64URL}{{50,4000}}",
    ),
    Rule(
        "sendgrid-key",
        ("sg.",),
        "email",
        "SendGrid API keys (`SG.….…`)",
        rf"(?<![\w.])SG\.{_B64URL}{{22}}\.{_B64URL}{{43}}(?![\w-])",
    ),
    Rule(
        "twilio-api-key",
        (re.compile(r"K(?<=SK)[0-9a-fA-F]{8}"),),
        "email",
        "Twilio API key SIDs (`SK` and 32 hexadecimal digits)",
        r"(?<![A-Za-z0-9])SK[0-9a-fA-F]{32}(?![A-Za-z0-9])",
    ),
    Rule(
        "twilio-auth-token",
        ("twilio", "auth_token", "authtoken"),
        "email",
        "Twilio auth tokens assigned to `TWILIO_AUTH_TOKEN`, `auth_token` and the like",
        r"(?i:(?:twilio[\w.-]{0,20}?|auth_?)token)[\"']?[ \t]*(?::=|=>|[:=])[ \t]*[\"']?"
        r"(?P<s>[0-9a-f]{32})(?![0-9A-Za-z])",
    ),
    Rule(
        "mailgun-key",
        ("key-",),
        "email",
        "Mailgun API keys (`key-…`)",
        r"(?<![\w-])key-[0-9a-f]{32}(?![\w-])",
    ),
    Rule(
        "jwt",
        ("eyj",),
        "keys",
        "JSON Web Tokens (`eyJ….eyJ….signature`)",
        rf"(?<![\w-])eyJ{_B64URL}{{8,4000}}\.eyJ{_B64URL}{{8,4000}}\.{_B64URL}{{0,4000}}",
    ),
    Rule(
        "authorization-header",
        ("authorization", "bearer"),
        "assignments",
        "credentials in `Authorization:` headers and after `Bearer`",
        # Without a scheme word the value must hold a digit (`authorization: Optional` is code).
        r"(?i:authorization)[\"']?\]?[ \t]*[:=][ \t]*[\"']?"
        r"(?:(?i:bearer|basic|token|digest|apikey)[ \t]+(?P<s>[A-Za-z0-9._~+/-]{8,4000}={0,3})"
        r"|(?=[A-Za-z._~+/-]{0,4000}[0-9])(?P<s2>[A-Za-z0-9._~+/-]{8,4000}={0,3}))"
        r"|(?<![\w-])(?i:bearer)[ \t]+(?=[A-Za-z._~+/-]{0,4000}[0-9])"
        r"(?P<s3>[A-Za-z0-9._~+/-]{16,4000}={0,3})",
    ),
    Rule(
        "connection-string",
        ("://", "password", "pwd"),
        "databases",
        "passwords in database URLs (PostgreSQL, MySQL, MariaDB, MongoDB, Redis, AMQP, MSSQL, "
        "Oracle) and in ADO.NET / ODBC / JDBC strings (`Password=…;`, `Pwd=…`)",
        r"(?<![\w+.-])(?i:(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?"
        r"|mssql|sqlserver|oracle|cockroachdb|clickhouse)(?:\+\w+)?://[^\s:@/\"'<>]*:)"
        r"(?![{$%])(?P<s>[^\s@/\"'<>]+)@"
        # Key=Value; pairs: after a `;`, or followed by `;` and another pair.
        r"|(?<=;)[ \t]*(?i:password|pwd)[ \t]*=[ \t]*"
        r"(?:(?P<s2>\{[^}\n]{0,500}\})|(?P<s3>[^;\"'\n]{0,500}[^;\"'\s]))(?=[ \t]*(?:;|[\"']|$))"
        r"|(?<![\w-])(?i:password|pwd)[ \t]*=[ \t]*"
        r"(?:(?P<s4>\{[^}\n]{0,500}\})|(?P<s5>[^;\"'\n]{0,500}[^;\"'\s]))"
        r"(?=[ \t]*;[ \t]*[A-Za-z][\w \t]{0,60}=)",
    ),
    Rule(
        "url-credentials",
        ("://",),
        "assignments",
        "passwords in URLs (`scheme://user:password@host`: the scheme, user and host are kept)",
        r"(?i:\b[a-z][a-z0-9+.-]{1,20}://[^\s:@/\"'<>]*:)(?![{$%])(?P<s>[^\s@/\"'<>]+)@",
    ),
    Rule(
        "password",
        ("pass", "pwd"),
        "assignments",
        'passwords in assignments (`password = "…"`, `PASSWORD: …`, `--password=…`)',
        _named("password"),
    ),
    Rule(
        "api-key",
        _key_names(),
        "assignments",
        'API keys in assignments (`"api_key": "…"`, `API_KEY=…`, `--api-key …`)',
        _named("api-key"),
    ),
    Rule(
        "secret",
        ("secret",),
        "assignments",
        'secrets in assignments (`client_secret = "…"`, `SECRET_KEY=…`)',
        _named("secret"),
    ),
    Rule(
        "token",
        ("token",),
        "assignments",
        'tokens in assignments and query strings (`token = "…"`, `?access_token=…`)',
        _named("token"),
    ),
)
KINDS: tuple[str, ...] = tuple(rule.kind for rule in RULES)
FAMILIES = {
    "cloud": "Cloud",
    "vcs": "Code hosting",
    "chat": "Chat",
    "payment": "Payment",
    "ai": "AI",
    "registry": "Package registries",
    "email": "Email and messaging",
    "keys": "Keys and tokens",
    "databases": "Databases",
    "assignments": "Passwords, secrets and tokens anywhere",
}

_GROUP = re.compile(r"\(\?P<(s\d*|f)>")
# Characters by how rarely they occur in code and prose, rarest first: each anchor is looked
# for at its rarest character, so the first pass skips most of the text at C speed.
_RARITY = "$%^~&?;!<>@+*\\|{}/'`[]#zqjkv-wxb=,)(y:\"gh.m_udcfplaoinsrte"
BEFORE = 128  # characters before an anchor where a match may start (a URL's scheme and user)
AFTER = 8192  # characters after an anchor a match may reach (a service account's key: 1.7 k)


@dataclass(frozen=True)
class _Anchor:
    pattern: re.Pattern[str]  # matches at the anchor's pivot character
    rules: tuple[int, ...]  # the rules (indexes in RULES) it stands for


def _anchors() -> tuple[re.Pattern[str], dict[str, tuple[_Anchor, ...]]]:
    """One regex finding every anchor at its pivot character, and by pivot character the
    anchors to try there, each with its rules. The regex is one alternative per character,
    each starting with it, so the engine skips at C speed to the characters that may start
    one, and there tries only that character's anchors."""
    rules_of: dict[tuple[str, str], list[int]] = {}
    for index, rule in enumerate(RULES):
        for anchor in rule.anchors:
            for part in _anchor_parts(anchor):
                rules_of.setdefault(part, []).append(index)
    by_pivot: dict[str, list[_Anchor]] = {}
    for (pivot, rest), rules in rules_of.items():
        compiled = _Anchor(re.compile(re.escape(pivot) + rest), tuple(rules))
        by_pivot.setdefault(pivot, []).append(compiled)
    alternatives = [  # the commonest characters first: each is found sooner
        re.escape(pivot)
        + "(?:"
        + "|".join(a.pattern.pattern[len(re.escape(pivot)) :] for a in anchors)
        + ")"
        for pivot, anchors in sorted(by_pivot.items(), key=lambda item: -_rank(item[0]))
    ]
    return re.compile("|".join(alternatives)), {p: tuple(a) for p, a in by_pivot.items()}


def _anchor_parts(anchor: str | re.Pattern[str]) -> list[tuple[str, str]]:
    """The anchor as (a literal character, the regex after it): a pattern's own first
    character; a word's rarest, in both cases, looking behind for what comes before it
    (``token`` is ``k`` then ``(?<=(?i:tok))(?i:en)``)."""
    if isinstance(anchor, re.Pattern):
        escaped = anchor.pattern.startswith("\\")
        return [(anchor.pattern[int(escaped)], anchor.pattern[1 + int(escaped) :])]
    at = min(range(len(anchor)), key=lambda i: (_rank(anchor[i]), i))
    pivot, before, after = anchor[at], anchor[:at], anchor[at + 1 :]
    behind = f"(?<=(?i:{re.escape(before + pivot)}))" if before else ""
    ahead = f"(?i:{re.escape(after)})" if after else ""
    return [(case, behind + ahead) for case in sorted({pivot.lower(), pivot.upper()})]


def _rank(character: str) -> int:
    found = _RARITY.find(character.lower())
    return found if found >= 0 else len(_RARITY)


_ANCHORS, _BY_PIVOT = _anchors()


@lru_cache(maxsize=128)
def _rules_pattern(rules: tuple[int, ...]) -> tuple[re.Pattern[str], dict[str, _Found]]:
    """One regex of the given rules, each branch ending in an empty group ``r<i>`` (the last
    group a match closes names its rule), its secret groups renamed ``r<i>_<name>``."""
    parts = []
    groups: dict[str, _Found] = {}
    for index in rules:
        rule, outer = RULES[index], f"r{index}"
        names = tuple(f"{outer}_{name}" for name in _GROUP.findall(rule.pattern))
        pattern = _GROUP.sub(rf"(?P<{outer}_\1>", rule.pattern)
        parts.append(f"(?:{pattern})(?P<{outer}>)")
        groups[outer] = _Found(rule.kind, names, rule.family in _GENERIC_FAMILIES)
    return re.compile("|".join(parts), re.MULTILINE), groups


@dataclass(frozen=True)
class _Found:
    kind: str
    secrets: tuple[str, ...]  # the names of the groups replaced (none: the whole match)
    generic: bool  # found by where it is (a name, a URL), not by its shape


def _windows(text: str) -> list[tuple[int, int, tuple[int, ...]]]:
    """Where secrets may be: around each anchor, within its line, merged; with the rules whose
    anchors are there. Every search is bounded, so a text dense with anchors (a minified line)
    costs time in proportion to its length."""
    merged: list[tuple[int, int, set[int]]] = []
    closing: int | None = None  # where the next "-----END" is (-1: none after this point)
    for hit in _ANCHORS.finditer(text):
        at = hit.start()
        rules = {
            rule
            for anchor in _BY_PIVOT[text[at]]
            if anchor.pattern.match(text, at)
            for rule in anchor.rules
        }
        start = max(0, at - BEFORE)
        start = text.rfind("\n", start, at) + 1 or start
        limit = min(len(text), at + AFTER)
        end = text.find("\n", at, limit)
        end = limit if end < 0 else end
        if _PRIVATE_KEY in rules:  # a block: to its last line, or the end of the text
            if closing is None or 0 <= closing < at:
                closing = text.find("-----END", at)
            if closing < 0:
                end = len(text)
            else:
                after = text.find("\n", closing, closing + BEFORE)
                end = max(end, closing + BEFORE if after < 0 else after)
        if merged and start <= merged[-1][1]:  # starts never decrease: merge with the last
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2] | rules)
        else:
            merged.append((start, end, rules))
    return [(start, min(end, len(text)), tuple(sorted(rules))) for start, end, rules in merged]


# Rules that find a value by where it is; the others know a token by its shape.
_GENERIC_FAMILIES = frozenset({"assignments", "databases"})
_VENDOR_RULES = tuple(i for i, r in enumerate(RULES) if r.family not in _GENERIC_FAMILIES)
_PRIVATE_KEY = next(i for i, rule in enumerate(RULES) if rule.kind == "private-key")
_EVERY_RULE = tuple(range(len(RULES)))


def redact(text: str, known: Iterable[str] = ()) -> Redaction:
    """``text`` with every secret replaced by ``«redacted:KIND»``; ``known`` values too
    (``KIND`` ``configured-secret``)."""
    redacted = _replace(text, _windows(text))
    if known:
        again = redact_known(redacted.text, known)
        return Redaction(again.text, tuple(dict.fromkeys(redacted.kinds + again.kinds)))
    return redacted


def redact_everywhere(text: str) -> Redaction:
    """:func:`redact` without the first pass: every rule tried at every character (slow; the
    reference the fast path is tested against)."""
    return _replace(text, [(0, len(text), _EVERY_RULE)])


def _replace(text: str, windows: list[tuple[int, int, tuple[int, ...]]]) -> Redaction:
    out: list[str] = []
    kinds: dict[str, None] = {}
    at = 0
    for start, end, rules in windows:
        pattern, groups = _rules_pattern(rules)
        for match in pattern.finditer(text, start, end):
            assert match.lastgroup is not None  # every branch ends in its rule's group
            found = groups[match.lastgroup]
            spans = [match.span(n) for n in found.secrets if match.start(n) >= 0]
            for first, last in sorted(spans) or [match.span()]:
                if _DONE.fullmatch(text, first, last):  # redacted before: left as it is
                    continue
                kind = (found.generic and _vendor_kind(text, first, last)) or found.kind
                kinds[kind] = None
                out.append(text[at:first])
                out.append(MARK.format(kind))
                at = last
    if not kinds:
        return Redaction(text, ())
    out.append(text[at:])
    return Redaction("".join(out), tuple(kinds))


def _vendor_kind(text: str, first: int, last: int) -> str | None:
    """The kind of a value a generic rule found, when it is a token of a known shape
    (``token = "ghp_…"`` is a github-token): what it is says more than where it was."""
    pattern, groups = _rules_pattern(_VENDOR_RULES)
    match = pattern.fullmatch(text, first, last)
    return None if match is None or match.lastgroup is None else groups[match.lastgroup].kind


def redact_known(text: str, values: Iterable[str], kind: str = KNOWN_VALUE) -> Redaction:
    """``text`` with each of ``values`` (of at least :data:`MIN_KNOWN_LENGTH` characters)
    replaced by ``«redacted:KIND»`` wherever it appears."""
    pattern = _known_pattern(frozenset(v for v in values if len(v) >= MIN_KNOWN_LENGTH))
    if pattern is None:
        return Redaction(text, ())
    redacted, count = pattern.subn(MARK.format(kind), text)
    return Redaction(redacted, (kind,) if count else ())


@lru_cache(maxsize=8)
def _known_pattern(values: frozenset[str]) -> re.Pattern[str] | None:
    if not values:
        return None
    # Longest first: a value that contains another is replaced whole.
    return re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)))


_ENV_LINE = re.compile(
    r"""^(?P<key>[ \t]*(?:export[ \t]+)?[A-Za-z_][\w.-]*[ \t]*[=:][ \t]*)"""
    r"""(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|[^\n]*?)(?P<tail>[ \t]*(?:[ \t]#[^\n]*)?)$""",
    re.MULTILINE,
)


def redact_env_file(text: str) -> Redaction:
    """A ``.env``-style file (``KEY=VALUE`` lines) with every value replaced by
    ``«redacted:env-value»``: the names stay, so a model still sees what is configured.
    Quoted values may span lines; comments are redacted like any text, and a line that is
    not an assignment is replaced whole."""
    mark = MARK.format(ENV_VALUE)
    out: list[str] = []
    found = False
    at = 0
    for match in _ENV_LINE.finditer(text):
        if match.start() < at:
            continue
        out.append(_env_other(text[at : match.start()]))
        value = match.group("value")
        if value:
            found = True
            out.append(match.group("key") + mark + match.group("tail"))
        else:
            out.append(match.group(0))
        at = match.end()
    out.append(_env_other(text[at:]))
    joined = "".join(out)
    kinds = dict.fromkeys([ENV_VALUE] if found or mark in joined else [])
    lines = []
    for line in joined.split("\n"):  # a comment may hold an old key
        if line.lstrip().startswith("#"):
            comment = redact(line)
            kinds.update(dict.fromkeys(comment.kinds))
            line = comment.text
        lines.append(line)
    return Redaction("\n".join(lines), tuple(kinds))


def _env_other(chunk: str) -> str:
    """What lies between assignments: blank lines and comments stay, anything else goes."""
    lines = chunk.split("\n")
    kept = [
        line if not line.strip() or line.lstrip().startswith("#") else MARK.format(ENV_VALUE)
        for line in lines
    ]
    return "\n".join(kept)


def kinds_markdown() -> str:
    """The table of what is redacted, by family, as docs/ai.md shows it."""
    lines = ["| kind | family | what it finds |", "|---|---|---|"]
    for family, title in FAMILIES.items():
        lines += [f"| `{r.kind}` | {title} | {r.finds} |" for r in RULES if r.family == family]
    lines.append(f"| `{ENV_VALUE}` | Files | every value of a `.env`-style file |")
    lines.append(f"| `{KNOWN_VALUE}` | Settings | the configured API key, wherever it appears |")
    return "\n".join(lines) + "\n"
