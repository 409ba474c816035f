"""Configuration from the environment (and an optional `.env` file)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

if TYPE_CHECKING:
    from services.credentials import CredentialPolicy
    from services.sms import SmsPolicy

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite+aiosqlite:///{PROJECT_ROOT / 'data' / 'mahalleyar.db'}"
# Signs ID cards when CARD_SECRET is not set: fine on a developer's machine and in the sandbox,
# warned about when the bot runs with real tokens (anyone can forge a card signed with it).
DEV_CARD_SECRET = "mahalleyar-development-card-secret"


class Settings(BaseSettings):
    """Every setting the bot reads; `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    bale_bot_token: SecretStr | None = None
    bale_api_base: str = "https://tapi.bale.ai"

    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    # Prefix for every Redis key, so tests and several deployments can share one server.
    redis_prefix: str = "mahalleyar"

    # Where the trained request router is kept between starts (services/routing_cache.py); the
    # bot's own directory: the artefacts are pickles. Relative to the project; empty: retrain at
    # every start. The parsed message catalogs are kept next to it, in `catalogs/` (services/i18n.py).
    router_cache_dir: str = "data/cache/router"

    admin_phones: Annotated[list[str], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Tehran"
    default_locale: str = "fa"

    # Webhook mode (optional; polling is the default).
    webhook_base_url: str | None = None
    webhook_path: str = "/webhook"
    webhook_secret: SecretStr | None = None
    webhook_host: str = "0.0.0.0"
    webhook_port: int = 8443

    # Sandbox (the local web chat that runs when no token is configured).
    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = 8080

    # Outbox delivery pace: stay under Telegram's ~30 msg/s overall and 1 msg/s per chat.
    outbox_global_rate: float = 28.0
    outbox_per_chat_interval: float = 1.05
    outbox_max_attempts: int = 8
    outbox_batch_size: int = 50

    # Requests a resident may submit per day (Tehran calendar day); emergencies are never limited.
    request_daily_limit: int = 5
    # Announcements a neighbourhood's residents get from people (/announce) in seven days; the
    # operator's `python -m bot broadcast` is not limited.
    announcement_weekly_limit: int = Field(default=3, ge=0)

    # Fairness (bot/fairness.py): a token bucket per person, THROTTLE_BURST at once then
    # THROTTLE_RATE updates a second; 0 turns it off. In Redis when REDIS_URL is set.
    throttle_burst: int = Field(default=10, ge=0)
    throttle_rate: float = Field(default=1.0, gt=0)

    # Reminders about resolutions (Tehran time): the morning digest to each responsible person,
    # escalation thresholds (overdue by more than N days), the weekly county digest.
    digest_hour: int = Field(default=9, ge=0, le=23)
    digest_minute: int = Field(default=0, ge=0, le=59)
    resolution_due_soon_days: int = Field(default=3, ge=0)
    resolution_escalate_manager_days: int = Field(default=7, ge=0)
    resolution_escalate_county_days: int = Field(default=14, ge=0)
    county_digest_day: Literal["sat", "sun", "mon", "tue", "wed", "thu", "fri"] = "sat"
    county_digest_hour: int = Field(default=9, ge=0, le=23)
    county_digest_minute: int = Field(default=30, ge=0, le=59)

    # Optional SMS fallback (off by default): an emergency to the manager, an escalation, or the
    # digest to someone who has not joined after SMS_AFTER_DAYS days, when the person cannot be
    # reached on a messenger now. Kavenegar is the gateway supported (bot/sms_delivery.py).
    sms_provider: Literal["none", "kavenegar"] = "none"
    sms_api_key: SecretStr | None = None
    sms_sender: str | None = None
    sms_api_base: str = "https://api.kavenegar.com"
    sms_after_days: int = Field(default=3, ge=0)
    sms_rate: float = Field(default=2.0, gt=0)
    sms_join_link: str | None = None

    # Incoming updates: handled in order per chat, at most UPDATE_CONCURRENCY at once across chats
    # (the database pool and the Redis pool are sized from it); at most UPDATE_BACKLOG received
    # and waiting before polling waits (backpressure). On SIGTERM the updates being handled get
    # SHUTDOWN_GRACE seconds to finish; what waits is stored and handled at the next start.
    update_concurrency: int = Field(default=32, ge=1, le=1000)
    update_backlog: int = Field(default=1000, ge=1)
    shutdown_grace: float = Field(default=10.0, ge=0)
    # A direct reply (or apology) that meets flood control, a 5xx or a network error is tried
    # again, at most REPLY_RETRY_ATTEMPTS times within REPLY_RETRY_SECONDS.
    reply_retry_attempts: int = Field(default=4, ge=1)
    reply_retry_seconds: float = Field(default=15.0, ge=0)
    # Who is talking is remembered per account for IDENTITY_CACHE_SECONDS (0: read every update;
    # services/identity_cache.py): changes made in this process are seen at once, changes made
    # by another (the command line, another instance) within that time.
    identity_cache_seconds: float = Field(default=10.0, ge=0)

    # Appointment letters and ID cards (services/credentials): the secret that signs the token in
    # a card's QR code (the development default is warned about when the bot runs with real
    # tokens), the public address of the bot's web app where `/verify/<token>` is served
    # (default: WEBHOOK_BASE_URL, else the sandbox's address), and how long a card is valid.
    card_secret: SecretStr = SecretStr(DEV_CARD_SECRET)
    public_base_url: str | None = None
    card_valid_days: int = Field(default=730, ge=1, le=3650)

    polling_timeout: int = 10

    # Operations (bot/ops.py): GET /healthz and GET /metrics. In webhook mode they are on the
    # webhook server; in polling mode on OPS_HOST:OPS_PORT (0 turns that server off). Unhealthy
    # when a polling loop has not reached its server for HEALTH_RECEIVE_WINDOW seconds, or the
    # oldest due outbox row has waited more than HEALTH_OUTBOX_MAX_AGE seconds (0: never judged).
    ops_host: str = "127.0.0.1"
    ops_port: int = Field(default=8081, ge=0, le=65535)
    health_receive_window: float = Field(default=120.0, gt=0)
    health_outbox_max_age: float = Field(default=1800.0, ge=0)
    log_level: str = "INFO"

    @field_validator("admin_phones", mode="before")
    @classmethod
    def _split_phones(cls, value: object) -> object:
        # Allow ADMIN_PHONES=0912...,0935... besides a JSON list.
        if isinstance(value, str) and not value.strip().startswith("["):
            return [p.strip() for p in value.split(",") if p.strip()]
        return value

    @field_validator(
        "telegram_bot_token",
        "bale_bot_token",
        "redis_url",
        "webhook_base_url",
        "sms_api_key",
        "sms_sender",
        "sms_join_link",
        "public_base_url",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("card_secret", mode="before")
    @classmethod
    def _empty_secret_is_the_default(cls, value: object) -> object:
        # CARD_SECRET= (as in .env.example) means "not set", never an empty key.
        return DEV_CARD_SECRET if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _sms_complete(self) -> Settings:
        # An SMS without the link, or a gateway without a key, is worse than a clear refusal to start.
        if self.sms_provider != "none" and (self.sms_api_key is None or not self.sms_join_link):
            raise ValueError("SMS_PROVIDER needs SMS_API_KEY and SMS_JOIN_LINK")
        return self

    @property
    def sms_enabled(self) -> bool:
        return self.sms_provider != "none"

    def sms_policy(self) -> SmsPolicy:
        """What the services are told about the SMS fallback (off unless SMS_PROVIDER is set)."""
        from services.sms import SmsPolicy  # here, so reading the settings stays light

        return SmsPolicy(
            enabled=self.sms_enabled, after_days=self.sms_after_days, join_link=self.sms_join_link or ""
        )

    def credential_policy(self) -> CredentialPolicy:
        """What the letters and cards are signed with and where their QR codes point."""
        from services.credentials import CredentialPolicy  # here, so reading the settings stays light

        base = (
            self.public_base_url or self.webhook_base_url or f"http://{self.sandbox_host}:{self.sandbox_port}"
        )
        return CredentialPolicy(
            secret=self.card_secret.get_secret_value().encode("utf-8"),
            base_url=base.rstrip("/"),
            card_valid_days=self.card_valid_days,
        )

    @property
    def card_secret_is_default(self) -> bool:
        return self.card_secret.get_secret_value() == DEV_CARD_SECRET

    @property
    def has_tokens(self) -> bool:
        return self.telegram_bot_token is not None or self.bale_bot_token is not None

    @property
    def router_cache_path(self) -> Path | None:
        if not self.router_cache_dir.strip():
            return None
        return PROJECT_ROOT / Path(self.router_cache_dir).expanduser()  # an absolute path stays

    @property
    def catalog_cache_path(self) -> Path | None:
        """Where parsed message catalogs are kept between starts: beside the router's cache, and
        off with it."""
        router = self.router_cache_path
        return None if router is None else router.parent / "catalogs"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
