"""One interaction's life: created by a person, acknowledged (or not) by the bot.

The emulator's REST handlers move an `Interaction` through its states; the people API
waits on it. `settled` means the person would now see the bot's final answer: a message,
an update, autocomplete choices or a modal — or a rejection, or the bot deleted its answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.emulator.changes import Changes
from bot.emulator.errors import Rejection

if TYPE_CHECKING:
    from bot.emulator.people import Member
    from bot.emulator.world import Channel, Message, User

PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
PONG, MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 1, 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9

ALLOWED_RESPONSES: dict[int, set[int]] = {
    PING: {PONG},
    APPLICATION_COMMAND: {MESSAGE, DEFERRED_MESSAGE, MODAL},
    MESSAGE_COMPONENT: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    AUTOCOMPLETE: {AUTOCOMPLETE_RESULT},
    MODAL_SUBMIT: {MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}
ACK_DEADLINE = 3.0
TOKEN_LIFETIME = 15 * 60.0
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


class Interaction:
    def __init__(
        self,
        *,
        interaction_id: int,
        token: str,
        kind: int,
        application_id: int,
        data: dict[str, Any],
        user: User,
        member: Member | None,
        channel: Channel,
        created_at: float,
        message: Message | None = None,
        app_permissions: int = 0,
        member_permissions: int = 0,
        attachment_size_limit: int = ATTACHMENT_SIZE_LIMIT,
    ) -> None:
        self.id = interaction_id
        self.token = token
        self.type = kind
        self.application_id = application_id
        self.data = data
        self.user = user
        self.member = member
        self.channel = channel
        self.created_at = created_at
        self.message = message
        self.app_permissions = app_permissions
        self.member_permissions = member_permissions
        self.attachment_size_limit = attachment_size_limit
        self.response_type: int | None = None
        self.original: Message | None = None
        self.followups: list[Message] = []
        self.modal: dict[str, Any] | None = None
        self.choices: list[dict[str, Any]] | None = None
        self.rejections: list[Rejection] = []
        self.settled = False
        self._changes = Changes()

    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None

    # -- state changes (called by the server) -----------------------------------------------
    def notify(self, *, settle: bool = False) -> None:
        if settle:
            self.settled = True
        self._changes.notify()

    def reject(self, rejection: Rejection) -> None:
        self.rejections.append(rejection)
        self.notify(settle=True)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float) -> bool:  # noqa: ASYNC109
        """Wait for `predicate()` to hold after some state change; False on timeout."""
        return await self._changes.wait_until(predicate, timeout)

    # -- payload --------------------------------------------------------------------------
    def owners(self) -> dict[str, str]:
        guild = self.channel.guild
        return {"0": str(guild.id) if guild else "0"}

    def payload(self) -> dict[str, Any]:
        guild = self.channel.guild
        body: dict[str, Any] = {
            "id": str(self.id),
            "application_id": str(self.application_id),
            "type": self.type,
            "data": self.data,
            "channel_id": str(self.channel.id),
            "channel": self.channel.payload(),
            "token": self.token,
            "version": 1,
            "locale": "en-US",
            "app_permissions": str(self.app_permissions),
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": self.owners(),
            "context": 0 if guild is not None else 1,
            "attachment_size_limit": self.attachment_size_limit,
        }
        if guild is not None and self.member is not None:
            body["guild_id"] = str(guild.id)
            body["guild"] = {"id": str(guild.id), "locale": "en-US", "features": []}
            body["guild_locale"] = "en-US"
            body["member"] = {**self.member.payload(), "permissions": str(self.member_permissions)}
        else:
            body["user"] = self.user.payload()
        if self.message is not None:
            body["message"] = self.message.payload()
        return body

    def __repr__(self) -> str:
        return f"<Interaction {self.id} type={self.type} response={self.response_type}>"
