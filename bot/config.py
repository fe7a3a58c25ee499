"""Every setting storybot reads, in one place (python-dotenv loads `.env` first)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

from bot.library.limits import DEFAULT_MAX_BYTES

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_DB = DATA_DIR / "storybot.db"
SAMPLES_DIR = DATA_DIR / "samples"
DISCORD_UPLOAD_LIMIT = DEFAULT_MAX_BYTES  # Discord's default attachment size limit


class ConfigError(ValueError):
    """A setting has a value storybot cannot use."""


def _int(env: dict[str, str], name: str, default: int | None) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


@dataclass(frozen=True, slots=True)
class Config:
    token: str | None = None
    database: Path = DEFAULT_DB
    dev_guild_id: int | None = None
    max_upload_bytes: int = DISCORD_UPLOAD_LIMIT
    moderator_role: str | None = None
    list_adult_titles: bool = False
    log_level: str = "INFO"
    daily_pick_check_seconds: float = 60.0  # how often due daily picks are looked for


def load_config(env: dict[str, str] | None = None, *, dotenv: bool = True) -> Config:
    """Read settings from `env` (default: the process environment, after loading `.env`)."""
    if env is None:
        if dotenv:
            load_dotenv(ROOT / ".env", override=False)
        env = dict(os.environ)
    db = env.get("STORYBOT_DATABASE", "").strip()
    max_upload = _int(env, "STORYBOT_MAX_UPLOAD_BYTES", DISCORD_UPLOAD_LIMIT)
    if max_upload is not None and max_upload <= 0:
        raise ConfigError("STORYBOT_MAX_UPLOAD_BYTES must be positive")
    return Config(
        token=env.get("DISCORD_TOKEN", "").strip() or None,
        database=Path(db) if db else DEFAULT_DB,
        dev_guild_id=_int(env, "STORYBOT_DEV_GUILD_ID", None),
        max_upload_bytes=max_upload or DISCORD_UPLOAD_LIMIT,
        moderator_role=env.get("STORYBOT_MODERATOR_ROLE", "").strip() or None,
        list_adult_titles=_bool(env, "STORYBOT_LIST_ADULT_TITLES", False),
        log_level=env.get("STORYBOT_LOG_LEVEL", "INFO").strip().upper() or "INFO",
    )
