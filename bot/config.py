"""Settings from the environment (pydantic-settings): database, channel tokens, public URL, time zone, log file."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """reportbot's settings; every one has an environment variable (see the README)."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    database_url: str = Field(default="sqlite:///reportbot.db", alias="REPORTBOT_DATABASE_URL")
    telegram_bot_token: str = Field(default="", alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str = Field(default="https://api.telegram.org", alias="TELEGRAM_API_URL")
    zalo_bot_token: str = Field(default="", alias="ZALO_BOT_TOKEN")
    zalo_api_url: str = Field(default="https://bot-api.zaloplatforms.com", alias="ZALO_API_URL")
    #: Zalo Bot Platform flood limits (none documented; the free plan caps messages per month, not per second).
    zalo_rate: float = Field(default=20, alias="ZALO_RATE")
    zalo_chat_rate: float = Field(default=0, alias="ZALO_CHAT_RATE")
    #: Zalo Official Account (OA API v3): the app, the key that signs webhooks, the first token pair (afterwards
    #: the rotated pair lives in the database), the API and OAuth servers, and the flood limit (4,000 calls/min).
    zalo_oa_app_id: str = Field(default="", alias="ZALO_OA_APP_ID")
    zalo_oa_app_secret: str = Field(default="", alias="ZALO_OA_APP_SECRET")
    zalo_oa_secret_key: str = Field(default="", alias="ZALO_OA_SECRET_KEY")
    zalo_oa_access_token: str = Field(default="", alias="ZALO_OA_ACCESS_TOKEN")
    zalo_oa_refresh_token: str = Field(default="", alias="ZALO_OA_REFRESH_TOKEN")
    zalo_oa_api_url: str = Field(default="https://openapi.zalo.me", alias="ZALO_OA_API_URL")
    zalo_oauth_url: str = Field(default="https://oauth.zaloapp.com", alias="ZALO_OAUTH_URL")
    zalo_oa_rate: float = Field(default=50, alias="ZALO_OA_RATE")
    public_url: str = Field(default="", alias="REPORTBOT_PUBLIC_URL")
    tz: str = Field(default="Asia/Ho_Chi_Minh", alias="REPORTBOT_TZ")
    #: host:port of the web server (webhooks, /healthz, /metrics).
    listen: str = Field(default="127.0.0.1:8080", alias="REPORTBOT_LISTEN")
    #: Channel flood limits: messages per second in all, per chat sustained, per chat burst (0: no limit).
    telegram_rate: float = Field(default=30, alias="TELEGRAM_RATE")
    telegram_chat_rate: float = Field(default=1, alias="TELEGRAM_CHAT_RATE")
    telegram_chat_burst: float = Field(default=3, alias="TELEGRAM_CHAT_BURST")
    #: The loopback test channel (a fake provider on 127.0.0.1 for tests and benchmarks).
    loopback_api_url: str = Field(default="", alias="LOOPBACK_API_URL")
    loopback_secret: str = Field(default="", alias="LOOPBACK_SECRET")
    loopback_rate: float = Field(default=0, alias="LOOPBACK_RATE")
    loopback_chat_rate: float = Field(default=0, alias="LOOPBACK_CHAT_RATE")
    loopback_chat_burst: float = Field(default=0, alias="LOOPBACK_CHAT_BURST")
    #: Updates processed per commit (group commit), and the inbox retention.
    batch: int = Field(default=50, alias="REPORTBOT_BATCH")
    inbox_days: float = Field(default=7, alias="REPORTBOT_INBOX_DAYS")
    #: Processes that make the documents sent in the chat (0: made in the database thread, between cycles).
    document_workers: int = Field(default=1, ge=0, le=8, alias="REPORTBOT_DOCUMENT_WORKERS")
    #: The engine and the database in a process of their own beside the channels' (False: a thread of it).
    db_process: bool = Field(default=True, alias="REPORTBOT_DB_PROCESS")
    #: Where the command line writes internal errors with their tracebacks (relative: the working directory).
    log_file: str = Field(default="reportbot.log", alias="REPORTBOT_LOG")

    def host_port(self) -> tuple[str, int]:
        """``REPORTBOT_LISTEN`` as (host, port)."""
        host, _, port = self.listen.rpartition(":")
        return host or "127.0.0.1", int(port)

    def zone(self) -> ZoneInfo:
        """The reporting time zone."""
        return ZoneInfo(self.tz)

    def now(self) -> datetime:
        """The current time in the reporting time zone (the one place the clock is read)."""
        return datetime.now(self.zone())
