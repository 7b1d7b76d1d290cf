"""Secrets never reach a model: each kind is redacted in a realistic sample, what surrounds it
is kept, and ordinary code (digests, UUIDs, images, identifiers, type hints) is left alone.

Vendor tokens are assembled from pieces so that this file does not itself look like a leak
to secret scanners; every one has the length and alphabet of the real thing.
"""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path

import pytest

from devfocus.ai import secrets
from devfocus.ai.secrets import (
    ENV_VALUE,
    KINDS,
    KNOWN_VALUE,
    RULES,
    kinds_markdown,
    redact,
    redact_env_file,
    redact_everywhere,
    redact_known,
)

ROOT = Path(__file__).resolve().parents[2]
ALNUM = "aB3dE5fG7hJ9kL2mN4pQ6rS8tU1vW0xYz"  # 34 characters, both cases and digits


def chars(count: int, alphabet: str = ALNUM) -> str:
    """``count`` characters cycling through ``alphabet``: the shape of a random token."""
    return (alphabet * (count // len(alphabet) + 1))[:count]


def mark(kind: str) -> str:
    return f"«redacted:{kind}»"


HEX32 = chars(32, "0123456789abcdef")
PEM_BODY = "MIIEowIBAAKCAQEA" + chars(48) + "\n" + chars(64) + "\n" + chars(20) + "=="
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"
ACCOUNT_KEY = chars(86, ALNUM + "+/") + "=="
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0"
    + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)

# (kind, text, the text as redacted): one realistic sample (or more) per kind.
SAMPLES: list[tuple[str, str, str]] = [
    (
        "private-key",
        "key = '''\n-----BEGIN RSA PRIVATE KEY-----\n"
        f"{PEM_BODY}\n-----END RSA PRIVATE KEY-----\n'''",
        f"key = '''\n{mark('private-key')}\n'''",
    ),
    (
        "private-key",
        f"-----BEGIN OPENSSH PRIVATE KEY-----\n{PEM_BODY}\n-----END OPENSSH PRIVATE KEY-----",
        mark("private-key"),
    ),
    (
        "private-key",
        f"-----BEGIN EC PRIVATE KEY-----\n{PEM_BODY}\n-----END EC PRIVATE KEY-----",
        mark("private-key"),
    ),
    (
        "private-key",
        f"-----BEGIN ENCRYPTED PRIVATE KEY-----\n{PEM_BODY}\n-----END ENCRYPTED PRIVATE KEY-----",
        mark("private-key"),
    ),
    (
        "private-key",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBF"
        + chars(60)
        + "\n-----END PGP PRIVATE KEY BLOCK-----\nfooter",
        f"{mark('private-key')}\nfooter",
    ),
    (  # a block cut off by a diff's size budget: everything after its start goes
        "private-key",
        f"+cert = 1\n+-----BEGIN PRIVATE KEY-----\n+{chars(64)}\n+{chars(64)}",
        f"+cert = 1\n+{mark('private-key')}",
    ),
    (
        "gcp-service-account-key",
        '{"type": "service_account", "private_key_id": "' + HEX32 + '",\n'
        ' "private_key": "-----BEGIN PRIVATE KEY-----\\n'
        + chars(64)
        + "\\n"
        + chars(40)
        + '\\n-----END PRIVATE KEY-----\\n", "client_email": "ci@proj.iam.gserviceaccount.com"}',
        '{"type": "service_account", "private_key_id": "' + HEX32 + '",\n'
        ' "private_key": "' + mark("gcp-service-account-key") + '", '
        '"client_email": "ci@proj.iam.gserviceaccount.com"}',
    ),
    (
        "aws-access-key-id",
        "aws_access_key_id = AKIA" + "IOSFODNN7EXAMPLE",
        "aws_access_key_id = " + mark("aws-access-key-id"),
    ),
    (
        "aws-access-key-id",
        'session = boto3.Session(aws_access_key_id="ASIA' + 'Y34FZKBOKMUTVV7A")',
        f'session = boto3.Session(aws_access_key_id="{mark("aws-access-key-id")}")',
    ),
    (
        "aws-secret-access-key",
        f"[default]\naws_secret_access_key = {AWS_SECRET}\n",
        f"[default]\naws_secret_access_key = {mark('aws-secret-access-key')}\n",
    ),
    (
        "aws-secret-access-key",
        f'awsSecretKey: "{AWS_SECRET}"',
        f'awsSecretKey: "{mark("aws-secret-access-key")}"',
    ),
    (
        "gcp-api-key",
        'maps.load({key: "AIza' + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY" + '"})',
        f'maps.load({{key: "{mark("gcp-api-key")}"}})',
    ),
    (
        "azure-account-key",
        "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey="
        + ACCOUNT_KEY
        + ";EndpointSuffix=core.windows.net",
        "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey="
        + mark("azure-account-key")
        + ";EndpointSuffix=core.windows.net",
    ),
    (
        "azure-account-key",
        "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey="
        + chars(43)
        + "=",
        "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey="
        + mark("azure-account-key"),
    ),
    (
        "azure-sas-signature",
        "https://acme.blob.core.windows.net/c/report.csv?sv=2022-11-02&sr=b&sp=r"
        "&se=2026-01-01T00:00:00Z&sig=Zb7m1Xo%2FqL3kP9vR2tY8uW4eA6sD0fG1hJ5kL7zX9cV%3D",
        "https://acme.blob.core.windows.net/c/report.csv?sv=2022-11-02&sr=b&sp=r"
        "&se=2026-01-01T00:00:00Z&sig=" + mark("azure-sas-signature"),
    ),
    (
        "github-token",
        "gh auth login --with-token <<< ghs_" + chars(36),
        f"gh auth login --with-token <<< {mark('github-token')}",
    ),
    (
        "github-token",
        "GH_TOKEN = ghp_" + chars(36) + "  # classic",
        f"GH_TOKEN = {mark('github-token')}  # classic",
    ),
    (
        "github-token",
        "token: github_pat_" + chars(22) + "_" + chars(59),
        f"token: {mark('github-token')}",
    ),
    (
        "github-token",
        "gho_" + chars(36) + " ghu_" + chars(36) + " ghr_" + chars(36),
        f"{mark('github-token')} {mark('github-token')} {mark('github-token')}",
    ),
    (
        "gitlab-token",
        'curl --header "PRIVATE-TOKEN: glpat-' + chars(20) + '" https://gitlab.com/api/v4/user',
        f'curl --header "PRIVATE-TOKEN: {mark("gitlab-token")}" https://gitlab.com/api/v4/user',
    ),
    (
        "bitbucket-app-password",
        "git remote add origin https://alice:" + chars(24) + "@bitbucket.org/acme/app.git",
        f"git remote add origin https://alice:{mark('bitbucket-app-password')}"
        "@bitbucket.org/acme/app.git",
    ),
    (
        "bitbucket-app-password",
        "BITBUCKET_APP_PASSWORD is ATBB" + chars(32) + "C4F2A1B3",
        f"BITBUCKET_APP_PASSWORD is {mark('bitbucket-app-password')}",
    ),
    (
        "slack-token",
        'client = WebClient(token="xoxb-' + "1234567890-1234567890123-" + chars(24) + '")',
        f'client = WebClient(token="{mark("slack-token")}")',
    ),
    (
        "slack-token",
        "xoxp-" + "1234567890-1234567890-1234567890123-" + HEX32,
        mark("slack-token"),
    ),
    (
        "slack-webhook",
        "post(url='https://hooks.slack.com/services/T0ABCDEFG/B0ABCDEFG/" + chars(24) + "')",
        f"post(url='https://hooks.slack.com/services/{mark('slack-webhook')}')",
    ),
    (
        "discord-webhook",
        "https://discord.com/api/webhooks/112233445566778899/" + chars(68, ALNUM + "_-"),
        f"https://discord.com/api/webhooks/112233445566778899/{mark('discord-webhook')}",
    ),
    (
        "discord-bot-token",
        "bot.run('MTA5ODc2NTQzMjEwOTg3NjU0.GhIjKl." + chars(38) + "')",
        f"bot.run('{mark('discord-bot-token')}')",
    ),
    (
        "telegram-bot-token",
        "TELEGRAM = 1234567890:AA" + chars(33),
        f"TELEGRAM = {mark('telegram-bot-token')}",
    ),
    (
        "telegram-bot-token",
        "requests.get(f'https://api.telegram.org/bot1234567890:AA" + chars(33) + "/getMe')",
        f"requests.get(f'https://api.telegram.org/bot{mark('telegram-bot-token')}/getMe')",
    ),
    (
        "stripe-secret-key",
        "stripe.api_key = 'sk_live_" + chars(24) + "'",
        f"stripe.api_key = '{mark('stripe-secret-key')}'",
    ),
    (
        "stripe-secret-key",
        "rk_live_" + chars(24) + " sk_test_" + chars(99),
        f"{mark('stripe-secret-key')} {mark('stripe-secret-key')}",
    ),
    (
        "stripe-webhook-secret",
        "endpoint_secret = 'whsec_" + chars(32) + "'",
        f"endpoint_secret = '{mark('stripe-webhook-secret')}'",
    ),
    (
        "square-token",
        "SQUARE_ACCESS = EAAA" + chars(60, ALNUM + "-_"),
        f"SQUARE_ACCESS = {mark('square-token')}",
    ),
    (
        "square-token",
        "oauth: sq0csp-" + chars(43, ALNUM + "-_") + " and sq0atp-" + chars(22),
        f"oauth: {mark('square-token')} and {mark('square-token')}",
    ),
    (
        "braintree-token",
        "gateway = BraintreeGateway(access_token='access_token$production$"
        + chars(16, "abcdefghijklmnopqrstuvwxyz0123456789")
        + "$"
        + HEX32
        + "')",
        f"gateway = BraintreeGateway(access_token='{mark('braintree-token')}')",
    ),
    (
        "anthropic-key",
        "client = Anthropic(api_key='sk-ant-api03-" + chars(93, ALNUM + "-_") + "AA')",
        f"client = Anthropic(api_key='{mark('anthropic-key')}')",
    ),
    (
        "openai-key",
        "OPENAI_KEY = sk-proj-" + chars(74, ALNUM + "-_") + "T3BlbkFJ" + chars(74),
        f"OPENAI_KEY = {mark('openai-key')}",
    ),
    (
        "openai-key",
        "export KEY=sk-" + chars(20) + "T3BlbkFJ" + chars(20),
        f"export KEY={mark('openai-key')}",
    ),
    (
        "huggingface-token",
        "login(token='hf_" + chars(34, "aBcDeFgHiJkLmNoPqRsTuVwXyZ") + "')",
        f"login(token='{mark('huggingface-token')}')",
    ),
    (
        "npm-token",
        "//registry.npmjs.org/:_authToken=npm_" + chars(36),
        f"//registry.npmjs.org/:_authToken={mark('npm-token')}",
    ),
    (
        "pypi-token",
        "password = pypi-AgEIcHlwaS5vcmc" + chars(70, ALNUM + "-_"),
        f"password = {mark('pypi-token')}",
    ),
    (
        "sendgrid-key",
        "sg = SendGridAPIClient('SG." + chars(22, ALNUM + "-_") + "." + chars(43) + "')",
        f"sg = SendGridAPIClient('{mark('sendgrid-key')}')",
    ),
    (
        "twilio-api-key",
        "Client('SK" + HEX32 + "', secret, account_sid)",
        f"Client('{mark('twilio-api-key')}', secret, account_sid)",
    ),
    (
        "twilio-auth-token",
        "TWILIO_ACCOUNT_SID = 'AC" + HEX32 + "'\nTWILIO_AUTH_TOKEN = '" + HEX32[::-1] + "'",
        "TWILIO_ACCOUNT_SID = 'AC" + HEX32 + "'\nTWILIO_AUTH_TOKEN = '"
        f"{mark('twilio-auth-token')}'",
    ),
    (
        "mailgun-key",
        "auth=('api', 'key-" + HEX32 + "')",
        f"auth=('api', '{mark('mailgun-key')}')",
    ),
    (
        "jwt",
        f"cookie session={JWT}; Path=/",
        f"cookie session={mark('jwt')}; Path=/",
    ),
    (
        "authorization-header",
        'curl -H "Authorization: Bearer ' + chars(40) + '" https://api.example.com',
        f'curl -H "Authorization: Bearer {mark("authorization-header")}" https://api.example.com',
    ),
    (
        "authorization-header",
        "headers = {'Authorization': 'Basic " + "YWxhZGRpbjpvcGVuc2VzYW1l" + "'}",
        f"headers = {{'Authorization': 'Basic {mark('authorization-header')}'}}",
    ),
    (
        "authorization-header",
        "request.headers['Authorization'] = 'Token " + HEX32 + "'",
        f"request.headers['Authorization'] = 'Token {mark('authorization-header')}'",
    ),
    (
        "authorization-header",
        "Got 401 with Bearer " + chars(40),
        f"Got 401 with Bearer {mark('authorization-header')}",
    ),
    (
        "connection-string",
        'DATABASE_URL = "postgresql://app:Tr0ub4dor&3@db.internal:5432/app"',
        f'DATABASE_URL = "postgresql://app:{mark("connection-string")}@db.internal:5432/app"',
    ),
    (
        "connection-string",
        "engine = create_engine('mysql+pymysql://root:s3cr3t@localhost/shop')",
        f"engine = create_engine('mysql+pymysql://root:{mark('connection-string')}@localhost/shop')",
    ),
    (
        "connection-string",
        "MONGO = mongodb+srv://admin:pa55word@cluster0.ab1cd.mongodb.net/test?retryWrites=true",
        f"MONGO = mongodb+srv://admin:{mark('connection-string')}"
        "@cluster0.ab1cd.mongodb.net/test?retryWrites=true",
    ),
    (
        "connection-string",
        "redis://:hunter2@cache:6379/0 and amqp://guest:guest@rabbit:5672/",
        f"redis://:{mark('connection-string')}@cache:6379/0 and "
        f"amqp://guest:{mark('connection-string')}@rabbit:5672/",
    ),
    (
        "connection-string",
        '"Server=tcp:acme.database.windows.net,1433;Initial Catalog=shop;User ID=app;'
        'Password=My Pa55;Encrypt=True;"',
        '"Server=tcp:acme.database.windows.net,1433;Initial Catalog=shop;User ID=app;'
        f'Password={mark("connection-string")};Encrypt=True;"',
    ),
    (
        "connection-string",
        "DRIVER={ODBC Driver 18};SERVER=db;UID=sa;PWD={p@ss;word}",
        f"DRIVER={{ODBC Driver 18}};SERVER=db;UID=sa;PWD={mark('connection-string')}",
    ),
    (
        "url-credentials",
        "pip install --index-url https://deploy:hunter2@pypi.acme.dev/simple acme",
        f"pip install --index-url https://deploy:{mark('url-credentials')}"
        "@pypi.acme.dev/simple acme",
    ),
    (
        "url-credentials",
        "ftp://anonymous:guest@ftp.example.org/pub",
        f"ftp://anonymous:{mark('url-credentials')}@ftp.example.org/pub",
    ),
    (
        "password",
        'def connect(user: str = "admin", password: str = "hunter2"):',
        f'def connect(user: str = "admin", password: str = "{mark("password")}"):',
    ),
    ("password", 'DB_PASSWORD = "correct horse"', f'DB_PASSWORD = "{mark("password")}"'),
    ("password", "PASSWORD: supersecret", f"PASSWORD: {mark('password')}"),
    ("password", "export PGPASSWORD=supersecret", f"export PGPASSWORD={mark('password')}"),
    ("password", '{"password": "letmein"}', f'{{"password": "{mark("password")}"}}'),
    ("password", "login(user, password='letmein')", f"login(user, password='{mark('password')}')"),
    ("password", 'dbPassword := "s3cret"', f'dbPassword := "{mark("password")}"'),
    ("password", "mysql --password=s3cret -u root", f"mysql --password={mark('password')} -u root"),
    ("password", "psql --db-password s3cret", f"psql --db-password {mark('password')}"),
    ("password", "smtp_pass = Sup3r!", f"smtp_pass = {mark('password')}"),
    ("password", "conn.auth(password=b'hunter2')", f"conn.auth(password=b'{mark('password')}')"),
    ("password", "<add key='x' /> passwd: 'abc'", f"<add key='x' /> passwd: '{mark('password')}'"),
    (
        "api-key",
        'config = {"api_key": "' + chars(32) + '", "region": "eu"}',
        f'config = {{"api_key": "{mark("api-key")}", "region": "eu"}}',
    ),
    ("api-key", "API_KEY=" + HEX32, f"API_KEY={mark('api-key')}"),
    ("api-key", "apiKey: '" + chars(40) + "'", f"apiKey: '{mark('api-key')}'"),
    ("api-key", "tool --api-key " + chars(30) + " run", f"tool --api-key {mark('api-key')} run"),
    (
        "api-key",
        "GET /v1/search?q=x&api_key=" + chars(32) + "&page=2",
        f"GET /v1/search?q=x&api_key={mark('api-key')}&page=2",
    ),
    (
        "secret",
        "CLIENT_SECRET = '" + chars(40) + "'",
        f"CLIENT_SECRET = '{mark('secret')}'",
    ),
    (
        "secret",
        "SECRET_KEY = 'django-insecure-" + chars(40) + "'",
        f"SECRET_KEY = '{mark('secret')}'",
    ),
    ("secret", "jwt_secret: " + chars(24), f"jwt_secret: {mark('secret')}"),
    (
        "token",
        "GET /callback?code=abc&access_token=" + chars(40) + "&state=xyz",
        f"GET /callback?code=abc&access_token={mark('token')}&state=xyz",
    ),
    ("token", "refresh_token = '" + chars(40) + "'", f"refresh_token = '{mark('token')}'"),
    ("token", "VAULT_TOKEN=hvs." + chars(24), f"VAULT_TOKEN={mark('token')}"),
    ("token", "--token=" + chars(20), f"--token={mark('token')}"),
]

# Ordinary code and text: nothing of it is a secret.
ORDINARY = [
    "sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'",
    "commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904 (HEAD -> main)",
    "run_id = '123e4567-e89b-12d3-a456-426614174000'",
    "md5: d41d8cd98f00b204e9800998ecf8427e",
    "logo = 'data:image/png;base64," + base64.b64encode(bytes(range(256)) * 3).decode() + "'",
    "def test_stripe_sk_live_keys_are_redacted_from_every_prompt_we_build(): ...",
    "class AbstractSingletonProxyFactoryBeanWithAVeryLongNameIndeed: pass",
    "def login(user: str, password: str) -> Session:",
    "    password: str",
    "    token: Token | None = None",
    "token = self.token",
    "password = getpass.getpass()",
    "API_KEY = os.environ['API_KEY']",
    "SECRET_KEY = os.environ.get('SECRET_KEY')",
    "PASSWORD = None",
    "api_key = settings.api_key",
    "headers = {'Authorization': f'Bearer {token}'}",
    "headers['Authorization'] = 'Bearer ' + token",
    "tokens = tokenize(source)",
    "response = client.create(max_tokens=4096, model='gpt')",
    "MAX_TOKEN = 4096",
    "eos_token = '</s>'",
    "def check_password(password, hashed):",
    "url = f'postgresql://{user}:{password}@{host}/{db}'",
    "dsn = 'postgres://%s:%s@%s/%s' % (user, password, host, db)",
    "git clone git@github.com:acme/app.git",
    "see https://example.com:8080/docs#install for details",
    "Args:\n    password: The password to check.\n    token: The session token.",
    "The bearer token authentication scheme is described in RFC 6750.",
    "import sklearn  # sk-learn is its name on some indexes",
    "task-list-of-things-to-do-before-release",
    "if mode == 'bypass': pass",
    "pass",
    "keys = {k: v for k, v in items}",
    "$ ls -la ~/.ssh",
    "version = '2.31.0'",
    "parser.add_argument('--password', help='the password')",
    "AKIA is the prefix of AWS access key ids",
    "x = a.b.c.d.eeeeee.ffffff.gggggg",
    "authorization: Optional[str] = None",
]


@pytest.mark.parametrize(("kind", "text", "expected"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_each_kind_is_redacted_and_the_rest_kept(kind: str, text: str, expected: str) -> None:
    result = redact(text)
    assert result.text == expected
    assert kind in result.kinds


def test_every_kind_has_a_sample() -> None:
    assert {kind for kind, _, _ in SAMPLES} == set(KINDS)


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_code_is_not_redacted(text: str) -> None:
    result = redact(text)
    assert result.text == text
    assert result.kinds == ()


def test_several_secrets_in_one_text_each_once_in_kinds() -> None:
    text = (
        "+DATABASE_URL=postgres://app:pw1@db/app\n"
        + "+STRIPE=sk_live_"
        + chars(24)
        + "\n+OTHER=sk_live_"
        + chars(30)
        + "\n def f(): pass\n"
    )
    result = redact(text)
    assert result.text == (
        f"+DATABASE_URL=postgres://app:{mark('connection-string')}@db/app\n"
        f"+STRIPE={mark('stripe-secret-key')}\n+OTHER={mark('stripe-secret-key')}\n"
        " def f(): pass\n"
    )
    assert result.kinds == ("connection-string", "stripe-secret-key")


def test_a_token_of_a_known_shape_is_named_by_its_shape_wherever_it_is() -> None:
    result = redact(f"Authorization: Bearer {JWT}\npassword = 'sk_live_{chars(24)}'")
    assert (
        result.text
        == f"Authorization: Bearer {mark('jwt')}\npassword = '{mark('stripe-secret-key')}'"
    )
    assert result.kinds == ("jwt", "stripe-secret-key")


def test_a_secret_inside_a_diff_hunk_and_a_commit_message() -> None:
    diff = "@@ -1,3 +1,3 @@\n-GITHUB_TOKEN=\n+GITHUB_TOKEN=ghp_" + chars(36) + "\n DEBUG=1\n"
    assert redact(diff).text == (
        f"@@ -1,3 +1,3 @@\n-GITHUB_TOKEN=\n+GITHUB_TOKEN={mark('github-token')}\n DEBUG=1\n"
    )


def test_the_fast_path_finds_exactly_what_every_rule_everywhere_finds() -> None:
    """The first pass only narrows where to look: the result is that of trying every rule at
    every character, on every sample, on the samples run together, and on real code."""
    texts = [text for _, text, _ in SAMPLES] + ORDINARY
    texts.append("\n".join(texts))
    source = "".join(
        path.read_text(encoding="utf-8")
        for path in sorted((ROOT / "server" / "devfocus").rglob("*.py"))[:80]
    )
    texts.append(source[:150_000])
    for text in texts:
        assert redact(text) == redact_everywhere(text), text[:200]


def test_a_megabyte_of_code_is_redacted_quickly() -> None:
    """It runs on every prompt: about 25 ms for a megabyte of code; the bound leaves room
    for a loaded machine and catches a return to trying every rule at every character."""
    files = sorted((ROOT / "server" / "devfocus").rglob("*.py"))
    text = "".join(path.read_text(encoding="utf-8") for path in files)
    text = (text * (1_000_000 // len(text) + 1))[:1_000_000]
    text += "\naws_secret_access_key = " + AWS_SECRET + "\n"
    best = min(_seconds(redact, text) for _ in range(3))
    assert redact(text).kinds[-1] == "aws-secret-access-key"
    assert best < 0.25, f"{best * 1000:.0f} ms for 1 MB"


def _seconds(function: object, text: str) -> float:
    assert callable(function)
    start = time.perf_counter()
    function(text)
    return time.perf_counter() - start


def test_known_values_are_redacted_wherever_they_are() -> None:
    key = "local-" + chars(20)
    text = f"# configured with {key}\nprint('{key}')"
    result = redact(text, known=[key, "ab"])  # too short to look for: would be everywhere
    assert result.text == f"# configured with {mark(KNOWN_VALUE)}\nprint('{mark(KNOWN_VALUE)}')"
    assert result.kinds == (KNOWN_VALUE,)
    assert redact_known("nothing here", [key]).kinds == ()
    assert redact_known("ab ab", ["ab"]).text == "ab ab"


def test_a_known_value_containing_another_is_replaced_whole() -> None:
    result = redact_known("key=abcdef123456", ["abcdef", "abcdef123456"], kind="api-key")
    assert result.text == f"key={mark('api-key')}"


def test_an_env_file_keeps_its_names_and_loses_every_value() -> None:
    text = (
        "# production settings\n"
        "DEBUG=false\n"
        "export DATABASE_URL='postgres://app:pw@db/app'\n"
        'GREETING="hello world"  # shown on the front page\n'
        "EMPTY=\n"
        'MULTILINE="first\n'
        'second"\n'
        "  SPACED = value with spaces\n"
        "not an assignment\n"
    )
    result = redact_env_file(text)
    value = mark(ENV_VALUE)
    assert result.text == (
        "# production settings\n"
        f"DEBUG={value}\n"
        f"export DATABASE_URL={value}\n"
        f"GREETING={value}  # shown on the front page\n"
        "EMPTY=\n"
        f"MULTILINE={value}\n"
        f"  SPACED = {value}\n"
        f"{value}\n"
    )
    assert result.kinds == (ENV_VALUE,)


def test_a_comment_in_an_env_file_is_redacted_like_any_text() -> None:
    result = redact_env_file("# old: ghp_" + chars(36) + "\nTOKEN=x\n")
    assert result.text == f"# old: {mark('github-token')}\nTOKEN={mark(ENV_VALUE)}\n"
    assert set(result.kinds) == {ENV_VALUE, "github-token"}


def test_every_rule_compiles_alone_and_names_its_secret_groups() -> None:
    for rule in RULES:
        pattern = re.compile(rule.pattern)
        assert set(pattern.groupindex) <= {"s", "s2", "s3", "s4", "s5", "s6", "f"}, rule.kind
        assert rule.anchors, rule.kind


def test_the_documentation_lists_every_kind() -> None:
    """docs/ai.md holds the table kinds_markdown() makes from the rules."""
    page = (ROOT / "docs" / "ai.md").read_text(encoding="utf-8")
    assert kinds_markdown() in page
    for kind in (*KINDS, ENV_VALUE, KNOWN_VALUE):
        assert f"`{kind}`" in kinds_markdown()


def test_kinds_are_unique_and_spelled_for_the_mark() -> None:
    assert len(set(KINDS)) == len(KINDS)
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", kind) for kind in KINDS)
    assert secrets.MARK.format("x") == "«redacted:x»"


@pytest.mark.parametrize(
    "text",
    [
        "token=" * 17_000,
        "://" * 33_000,
        "sk-" * 33_000,
        "pass " * 20_000,
        "-----BEGIN PRIVATE KEY-----\n" + "-----BEGIN x\n" * 5_000,
        ("eyJ" + "a" * 10 + ".") * 7_000,
        "x = self.token(password, secret) if api_key else None; " * 2_000,
    ],
    ids=["assignments", "urls", "openai", "pass", "pem", "jwt", "one-line"],
)
def test_hostile_text_dense_with_anchors_takes_bounded_time(text: str) -> None:
    """A minified line full of anchors costs time in proportion to its length, not its square:
    100 kB within a second even on a loaded machine."""
    assert _seconds(redact, text) < 1.0


def test_redacting_twice_changes_nothing_more() -> None:
    """Builders may redact a text that holds an already redacted one (a diff of a prompt)."""
    for expected in [redacted for _, _, redacted in SAMPLES]:
        assert redact(expected) == secrets.Redaction(expected, ())
