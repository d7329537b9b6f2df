"""``reportbot zalo-oa authorize``: the administrator's first grant of the Zalo OA (OAuth v4 with PKCE).

Without ``--code`` it prints the permission link (with a fresh PKCE verifier to keep); after the administrator
allows it, Zalo redirects with ``?code=…`` and ``--code CODE --verifier VERIFIER`` exchanges it for the first
token pair, stored in the database where the bot keeps rotating it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
from urllib.parse import urlencode

import typer

from bot.channels.zalo_oa import oa_channel
from bot.cli.app import app
from bot.config import Settings
from bot.services import Services
from dialogs.errors import ConfigError
from dialogs.messages import t

zalo_oa_app = typer.Typer(help="Set up the Zalo Official Account channel.", no_args_is_help=True)
app.add_typer(zalo_oa_app, name="zalo-oa")


def pkce() -> tuple[str, str]:
    """A PKCE verifier and its S256 challenge.

    >>> verifier, challenge = pkce()
    >>> len(verifier) >= 43 and "=" not in challenge
    True
    """
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


@zalo_oa_app.command("authorize")
def authorize(
    redirect: str = typer.Option("", "--redirect", help="The callback URL registered for the app (default: "
                                 "REPORTBOT_PUBLIC_URL + /zalo-oa/callback)."),
    code: str = typer.Option("", "--code", help="The code Zalo put in the callback URL."),
    verifier: str = typer.Option("", "--verifier", help="The verifier printed with the permission link."),
) -> None:
    """Grant the bot access to the Zalo OA: print the permission link, then exchange the code it returns."""
    settings = Settings()
    channel = oa_channel(settings)
    if not code:
        redirect = redirect or settings.public_url.rstrip("/") + "/zalo-oa/callback"
        verifier, challenge = pkce()
        query = urlencode({"app_id": settings.zalo_oa_app_id, "redirect_uri": redirect,
                           "code_challenge": challenge, "state": secrets.token_hex(8)})
        typer.echo(t("bot.cli.zalo_oa_authorize_open", url=f"{channel.oauth_url}/v4/oa/permission?{query}",
                     redirect=redirect, verifier=verifier))
        return
    if not verifier:
        raise ConfigError(msg="bot.cli.zalo_oa_needs", names="--verifier")
    Services(settings)  # the database exists and is migrated

    async def grant() -> float | None:
        try:
            got = await channel.exchange_code(code, verifier)
            if got is None:
                return None
            await channel.tokens.store(*got)
            return got[2]
        finally:
            await channel.close()
            channel.tokens.close()

    seconds = asyncio.run(grant())
    if seconds is None:
        raise ConfigError(msg="bot.cli.zalo_oa_grant_failed")
    typer.echo(t("bot.cli.zalo_oa_authorized", hours=int(seconds // 3600)))
