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
    public_url: str = Field(default="", alias="REPORTBOT_PUBLIC_URL")
    tz: str = Field(default="Asia/Ho_Chi_Minh", alias="REPORTBOT_TZ")
    #: Where the command line writes internal errors with their tracebacks (relative: the working directory).
    log_file: str = Field(default="reportbot.log", alias="REPORTBOT_LOG")

    def zone(self) -> ZoneInfo:
        """The reporting time zone."""
        return ZoneInfo(self.tz)

    def now(self) -> datetime:
        """The current time in the reporting time zone (the one place the clock is read)."""
        return datetime.now(self.zone())
