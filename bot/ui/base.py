"""A View base: errors answered like slash-command errors, an owner check, timeouts."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.ui.errors import answer, handle_error, reply

log = logging.getLogger(__name__)


class BaseView(discord.ui.View):
    """A non-persistent view remembering the interaction that sent it (to tidy up)."""

    def __init__(self, *, owner_id: int | None = None, timeout: float | None = 300) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self.origin: discord.Interaction | None = None  # the interaction that sent it
        self.message: discord.Message | None = None

    def owner_only(self, item: discord.ui.Item[Any]) -> bool:
        """Items only the opener may use; override for items anyone may use."""
        return True

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if self.owner_id is None or interaction.user.id == self.owner_id:
            return True
        custom_id = (interaction.data or {}).get("custom_id")
        item = next((c for c in self.children if getattr(c, "custom_id", None) == custom_id), None)
        if item is not None and not self.owner_only(item):
            return True
        await reply(
            interaction,
            "Only the member who opened this can use these buttons — "
            "run the command yourself to get your own.",
        )
        return False

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await handle_error(interaction, error)

    async def on_timeout(self) -> None:
        for child in self.children:
            if hasattr(child, "disabled"):
                child.disabled = True  # type: ignore[attr-defined]
        try:
            if self.origin is not None:
                await self.origin.edit_original_response(view=self)
            elif self.message is not None:
                await self.message.edit(view=self)
        except discord.HTTPException as exc:
            log.debug("could not disable a timed-out view: %s", exc)

    async def send(
        self,
        interaction: discord.Interaction,
        *,
        ephemeral: bool = False,
        **kwargs: Any,
    ) -> None:
        """Send this view as the interaction's answer (or its follow-up if deferred)."""
        if self.children:
            kwargs["view"] = self
        else:
            self.stop()
        followup = await answer(interaction, ephemeral=ephemeral, **kwargs)
        if followup is not None:
            self.message = followup
        self.origin = interaction
