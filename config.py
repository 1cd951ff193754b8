"""Configuration read from the environment.

Every setting a deployment changes comes from an environment variable; the
defaults make a newcomer's `make run` work with nothing else installed.
"""
import os

from flask_appbuilder.const import AUTH_DB

BASE_DIR = os.path.abspath(os.path.dirname(__file__))

# The key a development checkout runs with. The production guard refuses it.
DEFAULT_SECRET_KEY = "hoso-dev-secret-not-for-production"
# The development keys for sensitive record fields (Fernet, base64 of 32 bytes) and for
# the keyed hash of the số định danh (DESIGN §9). The production guard refuses both.
DEFAULT_RECORD_KEY = "aG9zby1kZXYtcmVjb3JkLWtleS1ub3QtZm9yLXByb2Q="
DEFAULT_IDENTITY_HASH_KEY = "hoso-dev-identity-hash-key-not-for-production"
DEFAULT_AUDIT_CHAIN_KEY = "hoso-dev-audit-chain-key-not-for-production"

DEVELOPMENT = "development"
PRODUCTION = "production"
TEST = "test"
ENVIRONMENTS = (DEVELOPMENT, PRODUCTION, TEST)

# Flask-AppBuilder's two built-in roles, named as users see them (role names
# are data shown in the UI, so they are Vietnamese).
ROLE_ADMIN = "Quản trị hệ thống"
ROLE_PUBLIC = "Khách"

# Passwords: scrypt with N=2**15, r=8, p=1, pinned here rather than left to werkzeug's
# default: 32 MiB and about 0.1-0.2 s a hash on this kind of server, slow for a guesser on
# purpose. PASSWORD_HASH_CONCURRENCY caps the hashes computed at once in one process
# (app/accounts/passwords.py), so a crowd signing in at once waits its turn instead of
# taking 32 MiB each: a worker holds at most CONCURRENCY x 32 MiB for hashing.
PASSWORD_HASH_METHOD = "scrypt:32768:8:1"
# what FAB checks an unknown user name against (the same cost: failure and success take
# as long); the hash of a password nobody has
FAKE_PASSWORD_HASH = (
    "scrypt:32768:8:1$TMeG5IrAj0ySzOQ2$864d3ccebfbaf8914b08b5739ac88f971d207ce4741775692bd"
    "aacbda24d73aaa184a4d1352290c1fca559c79d4006641e692678d15ca6374f6e1f3333dc8bb5")


def _flag(value, default=False):
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


DEFAULT_PROFILE = "vinh_phuc"


def instance_dir(profile=DEFAULT_PROFILE):
    """Where a checkout keeps its database, files, keys and backups by default: instance/
    for the default profile, instance/<profile>/ for another, so that switching
    PROVINCE_PROFILE on a checkout opens that profile's own demo province (its terms,
    approvers and transfer steps are the profile's from the day each case began) instead
    of one loaded under another regulation."""
    base = os.path.join(BASE_DIR, "instance")
    return base if profile == DEFAULT_PROFILE else os.path.join(base, profile)


def default_sqlite_url(profile=DEFAULT_PROFILE):
    return "sqlite:///" + os.path.join(instance_dir(profile), "hoso.db")


def normalize_database_url(url):
    """Pin PostgreSQL URLs to psycopg2 (SQLAlchemy 2.1 would pick psycopg 3)."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg2://" + url[len(scheme):]
    return url


LOOPBACK_HOSTS = ("localhost", "::1", "[::1]")


def is_loopback(host):
    """Whether a bind address reaches only this machine (127.0.0.0/8, ::1, localhost)."""
    host = (host or "").strip().lower()
    return host in LOOPBACK_HOSTS or host.startswith("127.")


# The national database's stand-in (app/sync/standin.py) in development: one account per
# agency of the demo (app/application/demo.py; a code owns the codes below it), the same
# accounts `make run` starts the stand-in with. Never the default outside development.
DEV_SYNC_AGENCIES = ("H44", "H44.01", "H44.02", "H44.03", "H44.04", "H44.06", "H44.08",
                     "H44.09", "H44.10", "H44.11", "H44.12", "H44.13", "H44.14")
DEV_SYNC_CREDENTIALS = ",".join(
    f"{code}:hoso_{code.lower().replace('.', '_')}:standin-demo" for code in DEV_SYNC_AGENCIES)


def parse_sync_credentials(value):
    """SYNC_CREDENTIALS as {org code: (user, password)}: "code:user:password" entries,
    comma-separated, or the path of a file holding them (one a line or comma-separated,
    "#" comments). A value without ":" is a path."""
    value = (value or "").strip()
    if value and ":" not in value:
        with open(value, encoding="utf-8") as f:
            value = ",".join(line.split("#", 1)[0] for line in f)
    credentials = {}
    for entry in value.replace("\n", ",").split(","):
        entry = entry.strip()
        if not entry:
            continue
        code, user, password = (entry.split(":", 2) + ["", ""])[:3]
        if not (code.strip() and user.strip() and password):
            raise ValueError("SYNC_CREDENTIALS: each entry is code:user:password")
        credentials[code.strip()] = (user.strip(), password)
    return credentials


def sync_account_code(credentials, org_code):
    """The code whose account sends for org_code: its own, else its nearest listed parent
    (H44.02.01 is sent with H44.02's account); None without one."""
    code = org_code or ""
    while code:
        if code in credentials:
            return code
        code = code.rpartition(".")[0]
    return None


def sync_account(credentials, org_code):
    """The (user, password) that sends for org_code (``sync_account_code``'s)."""
    code = sync_account_code(credentials, org_code)
    return credentials[code] if code else None


def from_environ(environ=None):
    """Build the app's configuration mapping from an environment mapping."""
    env = os.environ if environ is None else environ
    environment = env.get("HOSO_ENV", PRODUCTION)
    profile = env.get("PROVINCE_PROFILE") or DEFAULT_PROFILE
    instance = instance_dir(profile)
    # cookies only over HTTPS in production (a development checkout runs on plain HTTP)
    secure_cookies = _flag(env.get("SESSION_COOKIE_SECURE"), environment == PRODUCTION)
    return {
        # production unless told otherwise: a deployment that forgets to say
        # what it is gets the guard, not the development shortcuts.
        "HOSO_ENV": environment,
        # the address run.py (or `flask run`) listens on: anything but loopback runs
        # the production guard's checks, whatever HOSO_ENV says
        "BIND_HOST": env.get("HOST") or env.get("FLASK_RUN_HOST") or "127.0.0.1",
        "SECRET_KEY": env.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        # Encrypts the sensitive fields of records. Several keys, comma-separated, newest
        # first: older ones still decrypt while records are re-encrypted (key rotation).
        "RECORD_ENCRYPTION_KEYS": env.get("RECORD_ENCRYPTION_KEYS", DEFAULT_RECORD_KEY),
        # HMAC key of the số định danh's look-up hash; separate from the encryption key.
        "IDENTITY_HASH_KEY": env.get("IDENTITY_HASH_KEY", DEFAULT_IDENTITY_HASH_KEY),
        # HMAC key of the audit log's chain, kept outside the database, and the file
        # (outside the database too) that anchors the chain's head (app/audit/services.py)
        "AUDIT_CHAIN_KEY": env.get("AUDIT_CHAIN_KEY", DEFAULT_AUDIT_CHAIN_KEY),
        "AUDIT_ANCHOR_FILE": env.get("AUDIT_ANCHOR_FILE") or os.path.join(
            instance, "audit", "anchors.jsonl"),
        # Digitized documents: kept by SHA-256 outside the database (app/files/store.py).
        "FILE_STORE": env.get("FILE_STORE") or "folder:" + os.path.join(instance, "files"),
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL", ""),
        "ATTACHMENT_MAX_BYTES": int(env.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))),
        # Pixels an attached image may declare (width × height, read from its header): a
        # small file that declares more is a decompression bomb. 40 million holds an A3
        # page scanned at 300 dpi (4961 × 7016); Pillow's own ceiling caps it anyway.
        "ATTACHMENT_MAX_PIXELS": int(env.get("ATTACHMENT_MAX_PIXELS", "40000000")),
        # Signatures: the CA certificates (a PEM bundle) whose signatures count; nothing
        # else is trusted (no web roots). The demo writes its demo CA here.
        "SIGNING_TRUST_FILE": env.get("SIGNING_TRUST_FILE") or os.path.join(
            instance, "signing", "trusted-ca.pem"),
        # The PKCS#11 module of the tokens or HSM that hold signing keys.
        "PKCS11_LIBRARY": env.get("PKCS11_LIBRARY", "/usr/lib/softhsm/libsofthsm2.so"),
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(
            env.get("DATABASE_URL") or default_sqlite_url(profile)
        ),
        # The schema's owner, for `flask db upgrade` and restores (docs/security.md): the
        # app itself connects as DATABASE_URL's role, which owns nothing and cannot
        # rewrite the audit log. Empty: the migrations run as DATABASE_URL (SQLite).
        "DATABASE_OWNER_URL": normalize_database_url(env.get("DATABASE_OWNER_URL") or ""),
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        # a database error names its statement, never its values (people's names, numbers)
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
        "PROVINCE_PROFILE": profile,
        # overlays the profile switches on but this deployment does not want, e.g. "nd27_2026"
        "OVERLAYS_OFF": env.get("HOSO_OVERLAYS_OFF", ""),
        # Mail (reminders, rejections). Tests point these at their own SMTP server.
        "MAIL_SERVER": env.get("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _flag(env.get("MAIL_USE_SSL")),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "hoso@localhost"),
        # seconds to connect and for each SMTP reply; an empty MAIL_SERVER sends no mail
        "MAIL_TIMEOUT": float(env.get("MAIL_TIMEOUT") or "10"),
        # The national database (CSDLQG về CBCCVC, README "National sync"): the receiver's
        # base URL (the stand-in of `make run` by default), each unit's account there
        # (parse_sync_credentials; the demo's accounts in development only) and the
        # seconds a request may take before it counts as timed out
        "SYNC_ENDPOINT": env.get("SYNC_ENDPOINT", "http://127.0.0.1:8099"),
        "SYNC_CREDENTIALS": env.get("SYNC_CREDENTIALS") or (
            DEV_SYNC_CREDENTIALS if environment == DEVELOPMENT else ""),
        "SYNC_TIMEOUT": float(env.get("SYNC_TIMEOUT") or "10"),
        # the address people open the application at: the links in mail the scheduled
        # jobs send (outside any request) start with it
        "PUBLIC_URL": env.get("PUBLIC_URL", "http://127.0.0.1:8080/"),
        # Language: Vietnamese first, English second.
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        # Absolute: flask-babel would resolve a relative path against app/ (STACK-NOTES).
        "BABEL_TRANSLATION_DIRECTORIES": os.path.join(BASE_DIR, "translations"),
        "LANGUAGES": {
            "vi": {"flag": "vn", "name": "Tiếng Việt"},
            "en": {"flag": "gb", "name": "English"},
        },
        # Flask-AppBuilder.
        "APP_NAME": "HoSo CBCCVC",
        "AUTH_TYPE": AUTH_DB,
        "AUTH_ROLE_ADMIN": ROLE_ADMIN,
        "AUTH_ROLE_PUBLIC": ROLE_PUBLIC,
        # How passwords are hashed (FAB's add_user and app.accounts alike). Only the
        # test suite lowers it, through create_app's overrides; the production guard
        # refuses anything but this default.
        "FAB_PASSWORD_HASH_METHOD": PASSWORD_HASH_METHOD,
        "AUTH_DB_FAKE_PASSWORD_HASH_CHECK": FAKE_PASSWORD_HASH,
        # hashes computed at once per process, and how long a sign-in waits for its turn
        # before it is told the server is busy (503)
        "PASSWORD_HASH_CONCURRENCY": int(env.get("PASSWORD_HASH_CONCURRENCY") or "2"),
        "PASSWORD_HASH_WAIT_SECONDS": float(env.get("PASSWORD_HASH_WAIT_SECONDS") or "10"),
        # Tables come from migrations, never from create_all at start-up; roles
        # and permissions are synced explicitly (see app/application/roles_sync.py).
        "FAB_CREATE_DB": False,
        "FAB_UPDATE_PERMS": False,
        "FAB_ADD_SECURITY_API": False,
        "FAB_API_SWAGGER_UI": True,
        "WTF_CSRF_ENABLED": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        # Strict-Transport-Security in production (app/application/headers.py)
        "HSTS_SECONDS": int(env.get("HSTS_SECONDS") or str(365 * 24 * 3600)),
        # Failed sign-ins (Flask-Limiter's syntax), per account named and per address;
        # the limiter counts in this process's memory
        "SIGN_IN_LIMIT_PER_ACCOUNT": env.get("SIGN_IN_LIMIT_PER_ACCOUNT", "5 per minute"),
        "SIGN_IN_LIMIT_PER_ADDRESS": env.get("SIGN_IN_LIMIT_PER_ADDRESS", "30 per minute"),
        "RATELIMIT_ENABLED": _flag(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        # An automatic lockout (after the profile's accounts.lockout_after_failures)
        # lasts this long, twice as long each time in a row, at most the maximum.
        "LOCKOUT_MINUTES": int(env.get("LOCKOUT_MINUTES") or "15"),
        "LOCKOUT_MAX_MINUTES": int(env.get("LOCKOUT_MAX_MINUTES") or str(24 * 60)),
        # Wrong signing PINs: this many within the window, and the account's keys
        # unlock nothing until the oldest of them is older than the window.
        "PIN_MAX_FAILURES": int(env.get("PIN_MAX_FAILURES") or "5"),
        "PIN_FAILURE_WINDOW_MINUTES": int(env.get("PIN_FAILURE_WINDOW_MINUTES") or "15"),
        # Backups (app/backup/services.py): the key that encrypts the archives (base64 of
        # 32 bytes; several comma-separated, newest first: older ones still open old
        # archives), kept apart from the record keys and never inside an archive. The
        # default is the development key, which `flask backup` refuses in production.
        "BACKUP_KEY": env.get("BACKUP_KEY") or "aG9zby1kZXYtYmFja3VwLWtleS1ub3QtZm9yLXByb2Q=",
        # where `flask backup create` writes and `flask backup prune` thins the archives
        "BACKUP_DIR": env.get("BACKUP_DIR") or os.path.join(instance, "backups"),
    }
