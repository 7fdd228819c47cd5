"""The one settings object, read from ``RELAIS_*`` environment variables (and ``.env``)."""

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.conversation import HELPLINE_PATTERN
from domain.policy import CasePolicy, ConversationPolicy, EvidencePolicy


class Role(StrEnum):
    COUNSELLOR = "counsellor"
    SUPERVISOR = "supervisor"
    INTEGRATOR = "integrator"
    AUDITOR = "auditor"


class TokenGrant(BaseModel):
    subject: str
    role: Role


class TelemetryExporter(StrEnum):
    NONE = "none"
    CONSOLE = "console"
    OTLP = "otlp"


class EvidenceStoreKind(StrEnum):
    FOLDER = "folder"  # a folder on this machine (the local run)
    S3 = "s3"  # an S3-compatible bucket (production)


class BuiltInChannel(StrEnum):
    """The messaging channels Relais ships (plugins add others)."""

    WHATSAPP = "whatsapp"
    MESSENGER = "messenger"
    WEBCHAT = "webchat"


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"  # one JSON object per line, with trace and span ids


# The local run's master key: public on purpose, so never for real data. Production sets
# RELAIS_MASTER_KEYS and RELAIS_ACTIVE_MASTER_KEY (see docs/privacy.md).
LOCAL_MASTER_KEY_ID = "local-1"
_LOCAL_MASTER_KEY = "cmVsYWlzLWxvY2FsLW1hc3Rlci1rZXktMzItYnl0ZXM="


def _local_master_keys() -> dict[str, SecretStr]:
    return {LOCAL_MASTER_KEY_ID: SecretStr(_LOCAL_MASTER_KEY)}


def _local_ui_origins() -> list[str]:
    return ["http://127.0.0.1:8233", "http://localhost:8233"]


LOCAL_COLLEAGUE_TOKEN = "local-colleague-token"


def _local_tokens() -> dict[str, TokenGrant]:
    """Static bearer tokens for the local run only (one per role, and a second
    counsellor to hand cases over to); production sets RELAIS_API_TOKENS."""
    tokens = {
        f"local-{role.value}-token": TokenGrant(subject=f"local-{role.value}", role=role)
        for role in Role
    }
    tokens[LOCAL_COLLEAGUE_TOKEN] = TokenGrant(subject="local-colleague", role=Role.COUNSELLOR)
    return tokens


class ChatSettings(BaseModel):
    """The web chat at ``/chat`` (docs/chat.md): its session, its page, the young
    person's write limit, how long a closed page keeps its place in the queue, and
    how its live feed polls (``RELAIS_CHAT__<FIELD>``)."""

    session_secret: SecretStr = Field(
        default=SecretStr("local-chat-session-secret-not-for-production"),
        min_length=32,
        description="Signs the chat's session cookie (HS256): at least 32 characters",
    )
    session_hours: float = Field(
        default=4.0, gt=0, description="A chat session ends this long after the last page load"
    )
    secure_cookies: bool | None = Field(
        default=None,
        description="Secure session cookie; by default on unless the public URL is plain "
        "http on this machine (local run)",
    )
    quick_exit_url: str = Field(
        default="https://meteofrance.com/",
        pattern=r"^https?://",
        description="The neutral site the quick exit (button, Esc) replaces the page with",
    )
    frame_ancestors: list[str] = Field(
        default_factory=list,
        description="Origins allowed to embed the chat in an iframe (CSP frame-ancestors); "
        "none by default. The session cookie is SameSite=Strict: only a page of the same "
        "site (e.g. www.3018.fr embedding chat.3018.fr) keeps the session in a frame",
    )
    message_burst: int = Field(
        default=10, ge=1, description="Messages a young person may send at once"
    )
    message_interval_seconds: float = Field(
        default=2.0, gt=0, description="Then one message per this long (429 beyond it)"
    )
    away_grace_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A page closed while waiting (its beacon) and not back within this is "
        "counted as having left the queue (a reload comes back in time)",
    )
    silent_after_seconds: float = Field(
        default=900.0,
        gt=0,
        description="A waiting young person whose page has not been in touch for this long "
        "(no beacon: a phone asleep, a lost network) is counted as having left",
    )
    absence_check_seconds: float = Field(
        default=10.0, gt=0, description="How often each API replica looks for pages gone"
    )
    stream_seconds: float = Field(
        default=60.0,
        gt=0,
        description="A live stream (server-sent events) ends after a time drawn between "
        "half of this and this (pages opened together do not reconnect together); the page "
        "reconnects at once (a server stopping waits at most this long on open streams)",
    )
    place_refresh_seconds: float = Field(
        default=5.0, gt=0, description="While waiting: the place and expected wait re-read"
    )
    live_poll_seconds: float = Field(
        default=0.2,
        gt=0,
        description="Each API replica looks for changes of the conversations its pages "
        "watch this often (one query for all of them)",
    )
    typing_seconds: float = Field(
        default=6.0, gt=0, description="How long an 'is writing' hint lasts after a keystroke"
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RELAIS_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    data_dir: Path = Path("data")

    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "relais-cases"
    worker_cached_cases: int = Field(
        default=200,
        ge=10,
        description="Workflows a worker keeps in memory between their tasks (the sticky cache); "
        "one beyond it is replayed from its short history when it next acts",
    )
    worker_cached_conversations: int = Field(
        default=500,
        ge=0,
        description="More room in the sticky cache for the conversations open at once (and "
        "their queue): a conversation is read every second by its counsellor's screen and "
        "its young person's page, so one evicted is replayed from its whole history at "
        "each read; the cache holds worker_cached_cases + worker_cached_conversations",
    )

    database_url: str = "sqlite+aiosqlite:///data/relais.db"

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    public_api_url: str = Field(
        default="http://127.0.0.1:8000", description="Where platforms send their webhooks"
    )

    simulator_url: str = "http://127.0.0.1:8100"
    adapters_config: Path | None = Field(
        default=None, description="Adapter configuration file (TOML or YAML), see docs"
    )
    adapters_tolerate_errors: bool = Field(
        default=False, description="Start without the adapters that fail to load (reported)"
    )
    webhook_secret: SecretStr = SecretStr("local-webhook-secret")
    webhook_tolerance_seconds: int = 300

    api_tokens: dict[str, TokenGrant] = Field(default_factory=_local_tokens)

    # Privacy: payload encryption keys, the UI's codec endpoint, JWT bearer tokens.
    master_keys: dict[str, SecretStr] = Field(
        default_factory=_local_master_keys,
        description="Master key id -> base64 AES-256 key; they wrap the per-case keys",
    )
    active_master_key: str = Field(
        default=LOCAL_MASTER_KEY_ID, description="The master key that wraps new case keys"
    )
    key_cache_seconds: float = Field(
        default=60.0, ge=0, description="How long a process keeps an unwrapped case key"
    )
    ui_origins: list[str] = Field(
        default_factory=_local_ui_origins, description="Temporal UI origins allowed by CORS"
    )
    codec_session_secret: SecretStr = Field(
        default=SecretStr("local-codec-session-secret-not-for-production"),
        min_length=32,  # an HS256 key as long as the hash (RFC 7518 3.2)
        description="Signs the codec session cookie (HS256): at least 32 characters",
    )
    codec_session_minutes: int = Field(default=480, ge=1, le=7 * 24 * 60)
    jwt_jwks_url: str | None = Field(default=None, description="Identity provider's JWKS")
    jwt_keys: dict[str, str] = Field(
        default_factory=dict, description="Static JWT verification keys: kid -> PEM public key"
    )
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_role_claim: str = Field(
        default="relais_role", description="Claim (dotted path) naming the caller's role(s)"
    )
    jwt_algorithms: list[str] = Field(default_factory=lambda: ["RS256", "ES256", "EdDSA"])

    # The counsellor console (/console): its session, sign-in and the Temporal UI it links to.
    console_session_secret: SecretStr = Field(
        default=SecretStr("local-console-session-secret-not-for-production"),
        min_length=32,
        description="Signs the console's session cookie (HS256): at least 32 characters",
    )
    console_idle_minutes: float = Field(
        default=15.0, gt=0, description="Sign a console user out after this long without activity"
    )
    console_session_hours: float = Field(
        default=12.0, gt=0, description="A console session ends after this long, active or not"
    )
    console_secure_cookies: bool | None = Field(
        default=None,
        description="Secure session cookies; by default on unless the public URL is "
        "plain http on this machine (local run)",
    )
    console_oidc_issuer: str | None = Field(
        default=None, description="OpenID Connect provider of the console's sign-in"
    )
    console_oidc_client_id: str | None = None
    console_oidc_client_secret: SecretStr | None = None
    console_oidc_scopes: str = "openid profile"
    temporal_ui_url: str = Field(
        default="http://127.0.0.1:8233", description="The Temporal Web UI the console links to"
    )

    telemetry_exporter: TelemetryExporter = TelemetryExporter.NONE
    otlp_endpoint: str = "http://127.0.0.1:4318/v1/traces"
    service_name: str = "relais"
    log_format: LogFormat = LogFormat.TEXT

    # Metrics (Prometheus): the API serves GET /metrics on its own port; each worker
    # serves the Temporal SDK's runtime metrics and its /livez, /readyz on two ports.
    metrics_enabled: bool = Field(
        default=True, description="Serve metrics (off: no /metrics, no SDK metrics port)"
    )
    metrics_cache_seconds: float = Field(
        default=5.0, ge=0, description="How long the API reuses the figures read for /metrics"
    )
    worker_http_host: str = Field(
        default="127.0.0.1", description="Where a worker's metrics and health ports listen"
    )
    worker_metrics_port: int = Field(
        default=9464, ge=0, le=65535, description="Worker: the Temporal SDK's /metrics (0: off)"
    )
    worker_health_port: int = Field(
        default=9465, ge=0, le=65535, description="Worker: /livez and /readyz (0: off)"
    )

    # Evidence files (docs/evidence.md): encrypted with the case's key, kept outside Temporal.
    evidence_store: EvidenceStoreKind = Field(
        default=EvidenceStoreKind.FOLDER,
        description="Where evidence objects live: a folder (local run) or an S3 bucket",
    )
    evidence_dir: Path | None = Field(
        default=None, description="The evidence folder; by default <data_dir>/evidence"
    )
    evidence_s3_endpoint: str | None = Field(
        default=None, description="S3-compatible endpoint URL (none: AWS in the region)"
    )
    evidence_s3_bucket: str | None = None
    evidence_s3_region: str = "us-east-1"
    evidence_s3_access_key_id: SecretStr | None = None
    evidence_s3_secret_access_key: SecretStr | None = None
    evidence_s3_allow_http: bool = Field(
        default=False, description="Plain http to the endpoint (a store on this machine only)"
    )
    evidence_policy: EvidencePolicy = Field(default_factory=EvidencePolicy)
    upload_link_secret: SecretStr = Field(
        default=SecretStr("local-upload-link-secret-not-for-production"),
        min_length=32,
        description="Derives one-time upload links' tokens (HMAC-SHA256): at least 32 characters",
    )

    # Messaging channels (docs/channels.md). The local defaults are the simulator's
    # (docs/simulator-meta.md): public on purpose, so never for a real app.
    channels_enabled: list[BuiltInChannel] = Field(
        default_factory=lambda: list(BuiltInChannel),
        description="The built-in messaging channels registered (whatsapp, messenger, webchat)",
    )
    channels_max_webhook_bytes: int = Field(
        default=3 * 1024 * 1024, gt=0, description="A channel webhook over this is refused unread"
    )
    meta_graph_url: str | None = Field(
        default=None, description="Meta's Graph API; by default the simulator's URL"
    )
    meta_graph_version: str = Field(default="v21.0", pattern=r"^v\d{1,2}\.\d$")
    whatsapp_app_secret: SecretStr = SecretStr("local-whatsapp-app-secret")
    whatsapp_access_token: SecretStr = SecretStr("local-whatsapp-access-token")
    whatsapp_verify_token: SecretStr = SecretStr("local-whatsapp-verify-token")
    whatsapp_phone_number_ids: list[str] = Field(
        default_factory=lambda: ["110000000003018"], min_length=1
    )
    messenger_app_secret: SecretStr = SecretStr("local-messenger-app-secret")
    messenger_page_access_token: SecretStr = SecretStr("local-messenger-page-token")
    messenger_verify_token: SecretStr = SecretStr("local-messenger-verify-token")
    messenger_page_ids: list[str] = Field(default_factory=lambda: ["120000000003018"], min_length=1)
    messenger_human_agent_tag: bool = Field(
        default=True, description="A counsellor's Messenger reply may go for 7 days (HUMAN_AGENT)"
    )

    # Conversations (web chat, WhatsApp, Messenger): the helpline's queue and its rules.
    helpline: str = Field(
        default="3018",
        pattern=HELPLINE_PATTERN,
        description="The helpline's name: its conversations wait in queue-<helpline>",
    )
    conversations: ConversationPolicy = Field(
        default_factory=ConversationPolicy,
        description="Conversation and queue durations; their opening hours are the "
        "helpline's (RELAIS_POLICY__OPENING_HOURS__*)",
    )
    chat: ChatSettings = Field(default_factory=ChatSettings)

    policy: CasePolicy = Field(default_factory=CasePolicy)
    policy_scale: float = Field(
        default=1.0, gt=0, description="Multiply every policy duration (local demos, tests)"
    )

    def graph_url(self) -> str:
        return self.meta_graph_url or self.simulator_url

    def evidence_folder(self) -> Path:
        return self.evidence_dir or self.data_dir / "evidence"

    def case_policy(self) -> CasePolicy:
        return self.policy if self.policy_scale == 1.0 else self.policy.scaled(self.policy_scale)

    def conversation_policy(self) -> ConversationPolicy:
        """The conversations' rules, open when the helpline is (its opening hours are
        the cases'). Not scaled by ``policy_scale``: its waits are minutes already."""
        hours = self.case_policy().opening_hours
        return self.conversations.model_copy(update={"opening_hours": hours})


@lru_cache
def get_settings() -> Settings:
    return Settings()
