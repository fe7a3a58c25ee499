"""Discord's error replies: status, JSON code, message and the nested `errors` tree.

A `DiscordError` raised anywhere in a request handler becomes the JSON body Discord would
send, so discord.py raises `discord.HTTPException` (or NotFound / Forbidden) exactly as it
would against Discord, and the emulator records it as a `Rejection`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class DiscordError(Exception):
    """A request Discord refuses."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        errors: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            body["errors"] = self.errors
        return body


def field_error(path: list[str | int], code: str, message: str) -> dict[str, Any]:
    """The `errors` tree for one field: {"a": {"0": {"b": {"_errors": [...]}}}}."""
    tree: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for key in reversed(path):
        tree = {str(key): tree}
    return tree


def merge_trees(trees: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for tree in trees:
        _merge(out, tree)
    return out


def _merge(into: dict[str, Any], tree: dict[str, Any]) -> None:
    for key, value in tree.items():
        if key == "_errors":
            into.setdefault("_errors", []).extend(value)
        else:
            _merge(into.setdefault(key, {}), value)


def invalid_form(path: list[str | int], code: str, message: str) -> DiscordError:
    """400 / 50035 Invalid Form Body for one field."""
    return DiscordError(400, 50035, "Invalid Form Body", field_error(path, code, message))


def unknown_interaction() -> DiscordError:
    return DiscordError(404, 10062, "Unknown interaction")


def already_acknowledged() -> DiscordError:
    return DiscordError(400, 40060, "Interaction has already been acknowledged.")


def unknown_channel() -> DiscordError:
    return DiscordError(404, 10003, "Unknown Channel")


def unknown_message() -> DiscordError:
    return DiscordError(404, 10008, "Unknown Message")


def unknown_webhook() -> DiscordError:
    return DiscordError(404, 10015, "Unknown Webhook")


def missing_access() -> DiscordError:
    return DiscordError(403, 50001, "Missing Access")


def missing_permissions() -> DiscordError:
    return DiscordError(403, 50013, "Missing Permissions")


def empty_message() -> DiscordError:
    return DiscordError(400, 50006, "Cannot send an empty message")


def too_large() -> DiscordError:
    return DiscordError(413, 40005, "Request entity too large")


@dataclass(slots=True)
class Rejection:
    """One request the emulator refused, as Discord would have."""

    method: str
    path: str
    status: int
    code: int
    message: str
    errors: dict[str, Any] | None = None
    body: Any = None
    interaction_id: int | None = None
    expected: bool = field(default=False)

    def describe(self) -> str:
        text = f"{self.method} {self.path} -> {self.status}/{self.code} {self.message}"
        if self.errors:
            text += f" {flatten_errors(self.errors)}"
        return text


def flatten_errors(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        if key == "_errors":
            out[prefix or "_"] = "; ".join(e["message"] for e in value)
        elif isinstance(value, dict):
            out.update(flatten_errors(value, f"{prefix}.{key}" if prefix else key))
    return out
