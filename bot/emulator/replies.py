"""What a person sees after acting (`Reply`), and acting on it: click, select, submit.

A Reply is live: its message is the emulator's Message, so later edits show up in it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from bot.emulator.interactions import MESSAGE_COMPONENT, MODAL_SUBMIT, Interaction
from bot.emulator.refusals import BotDidNotRespond, CommandRefused
from bot.emulator.world import Message

if TYPE_CHECKING:
    from bot.emulator.errors import Rejection
    from bot.emulator.people import Member
    from bot.emulator.rules import Pings

DEFAULT_TIMEOUT = 5.0


class Reply:
    """What a person sees after acting: the bot's message (live), modal or choices."""

    def __init__(self, by: Member, interaction: Interaction, message: Message | None) -> None:
        self.by = by
        self.interaction = interaction
        self._message = message

    @classmethod
    def posted(cls, by: Member, message: Message) -> Reply:
        """A message the bot posted by itself, to act on (no interaction of `by` behind it:
        only its buttons and menus are used)."""
        return cls(by, message.interaction, message)  # type: ignore[arg-type]

    @classmethod
    async def settle(
        cls,
        by: Member,
        inter: Interaction,
        timeout: float,  # noqa: ASYNC109
        what: str,
        *,
        expect_reply: bool = True,
    ) -> Reply:
        if not await inter.wait_until(lambda: inter.settled, timeout) and expect_reply:
            raise BotDidNotRespond(_no_answer(by, inter, timeout, what))
        return cls(by, inter, inter.original)

    # -- what is shown ---------------------------------------------------------------------
    @property
    def message(self) -> Message | None:
        return self._message if self._message is not None else self.interaction.original

    @property
    def answered(self) -> bool:
        """The bot gave its final answer (False only with expect_reply=False and silence)."""
        return self.interaction.settled

    @property
    def raw(self) -> dict[str, Any] | None:
        """The message as Discord's JSON (what the client would receive)."""
        return self.message.payload() if self.message else None

    @property
    def error(self) -> Rejection | None:
        """The last rejection of a request the bot made with this interaction, if any."""
        rejections = self.interaction.rejections
        return rejections[-1] if rejections else None

    @property
    def content(self) -> str:
        return self.message.content if self.message else ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.message.embeds if self.message else []

    @property
    def embed(self) -> dict[str, Any]:
        if not self.embeds:
            raise AssertionError(f"the reply has no embed: {self!r}")
        return self.embeds[0]

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.message.components if self.message else []

    @property
    def files(self) -> dict[str, bytes]:
        return self.message.files if self.message else {}

    @property
    def ephemeral(self) -> bool:
        return bool(self.message and self.message.ephemeral)

    @property
    def pinged(self) -> Pings:
        from bot.emulator.rules import Pings

        return self.message.pings if self.message else Pings()

    @property
    def edits(self) -> list[dict[str, Any]]:
        """Earlier versions of the message (payloads), oldest first."""
        return list(self.message.history) if self.message else []

    @property
    def deleted(self) -> bool:
        return bool(self.message and self.message.deleted)

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.interaction.modal

    @property
    def followups(self) -> list[Reply]:
        return [Reply(self.by, self.interaction, m) for m in self.interaction.followups]

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in _walk(self.components) if c.get("type") == 2]

    @property
    def labels(self) -> list[str]:
        return [b.get("label") or (b.get("emoji") or {}).get("name") or "" for b in self.buttons]

    @property
    def selects(self) -> list[dict[str, Any]]:
        return [c for c in _walk(self.components) if c.get("type") in (3, 5, 6, 7, 8)]

    @property
    def options(self) -> list[dict[str, Any]]:
        """The options of every string select menu on the message."""
        return [o for s in self.selects for o in s.get("options") or []]

    @property
    def text(self) -> str:
        """Content plus every embed's visible text, one piece per line (robust assertions)."""
        pieces = [self.content] if self.content else []
        for embed in self.embeds:
            pieces.extend(_embed_text(embed))
        for comp in _walk(self.components):
            if comp.get("type") == 10:
                pieces.append(comp.get("content", ""))
        return "\n".join(p for p in pieces if p)

    def __repr__(self) -> str:
        if self.modal is not None:
            return f"<Reply modal {self.modal.get('title')!r}>"
        if self.error is not None and self.message is None:
            return f"<Reply error {self.error.describe()}>"
        kind = "ephemeral " if self.ephemeral else ""
        return f"<Reply {kind}{self.text[:120]!r} buttons={self.labels}>"

    # -- acting on it -----------------------------------------------------------------------
    async def click(
        self,
        target: str,
        *,
        by: Member | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
        expect_reply: bool = True,
    ) -> Reply:
        """Click the button whose label (or custom_id, or emoji) is `target`."""
        message = self._require_message("click")
        button = _find_button(self.buttons, target)
        if button is None:
            raise CommandRefused(f"no button {target!r} on the message; buttons: {self.labels}")
        if button.get("disabled"):
            raise CommandRefused(f"button {target!r} is disabled")
        if button.get("style") in (5, 6) or "custom_id" not in button:
            raise CommandRefused(f"button {target!r} opens a link; nothing is sent to the bot")
        data = {"custom_id": button["custom_id"], "component_type": 2}
        return await self._component(
            by, data, message, timeout, f"click {target!r}", expect_reply=expect_reply
        )

    async def select(
        self,
        *values: str,
        by: Member | None = None,
        menu: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
        expect_reply: bool = True,
    ) -> Reply:
        """Pick options (by label or value) in a string select menu."""
        message = self._require_message("select")
        menus = [s for s in self.selects if s.get("type") == 3]
        if menu is not None:
            menus = [s for s in menus if menu in (s.get("custom_id"), s.get("placeholder"))]
        for candidate in menus:
            chosen = [_find_option(candidate.get("options") or [], v) for v in values]
            if all(c is not None for c in chosen):
                break
        else:
            labels = [o.get("label") for o in self.options]
            raise CommandRefused(f"no select menu offers {list(values)}; options: {labels}")
        if candidate.get("disabled"):
            raise CommandRefused("the select menu is disabled")
        low, high = candidate.get("min_values", 1), candidate.get("max_values", 1)
        if not low <= len(values) <= high:
            raise CommandRefused(f"pick between {low} and {high} options")
        data = {
            "custom_id": candidate["custom_id"],
            "component_type": 3,
            "values": [c["value"] for c in chosen if c is not None],
        }
        return await self._component(
            by, data, message, timeout, f"select {list(values)}", expect_reply=expect_reply
        )

    async def submit_modal(
        self,
        values: dict[str, str],
        *,
        by: Member | None = None,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
        expect_reply: bool = True,
    ) -> Reply:
        """Fill the modal this reply opened (keys: input label or custom_id) and submit it."""
        modal = self.modal
        if modal is None:
            raise CommandRefused(f"no modal is open: {self!r}")
        remaining = dict(values)
        components = [_fill(c, remaining) for c in modal.get("components") or []]
        if remaining:
            raise CommandRefused(f"the modal has no field(s) {sorted(remaining)}")
        person = by or self.by
        data = {"custom_id": modal["custom_id"], "components": components}
        inter = person._start(
            MODAL_SUBMIT, data, self.interaction.channel, self.interaction.message
        )
        what = f"submit modal {modal.get('title')!r}"
        return await Reply.settle(person, inter, timeout, what, expect_reply=expect_reply)

    async def wait_for(
        self,
        predicate: Callable[[Reply], bool],
        *,
        timeout: float = DEFAULT_TIMEOUT,  # noqa: ASYNC109
    ) -> Reply:
        """Wait until `predicate(self)` holds (e.g. a follow-up arrived)."""
        if not await self.interaction.wait_until(lambda: predicate(self), timeout):
            raise BotDidNotRespond(f"condition not met within {timeout}s: {self!r}")
        return self

    async def _component(
        self,
        by: Member | None,
        data: dict[str, Any],
        message: Message,
        timeout: float,  # noqa: ASYNC109
        what: str,
        *,
        expect_reply: bool = True,
    ) -> Reply:
        person = by or self.by
        inter = person._start(MESSAGE_COMPONENT, data, message.channel, message)
        return await Reply.settle(person, inter, timeout, what, expect_reply=expect_reply)

    def _require_message(self, action: str) -> Message:
        if self.message is None or self.message.deleted:
            raise CommandRefused(f"cannot {action}: the reply has no message ({self!r})")
        return self.message


def _walk(components: Iterable[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for comp in components:
        yield comp
        yield from _walk(comp.get("components") or [])
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                yield from _walk([comp[key]])


def _find_button(buttons: list[dict[str, Any]], target: str) -> dict[str, Any] | None:
    tests: list[Callable[[dict[str, Any]], bool]] = [
        lambda b: b.get("label") == target,
        lambda b: (b.get("label") or "").lower() == target.lower(),
        lambda b: b.get("custom_id") == target,
        lambda b: (b.get("emoji") or {}).get("name") == target,
    ]
    for test in tests:
        found = [b for b in buttons if test(b)]
        if found:
            return found[0]
    return None


def _find_option(options: list[dict[str, Any]], wanted: str) -> dict[str, Any] | None:
    for key in ("label", "value"):
        for option in options:
            if option.get(key) == wanted:
                return option
    return None


def _fill(component: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    kind = component.get("type")
    if kind == 1:
        return {
            "type": 1,
            "components": [_fill(c, values) for c in component.get("components") or []],
        }
    if kind == 18:
        child = component["component"]
        label = component.get("label")
        if label in values and child.get("custom_id") not in values:
            values[child["custom_id"]] = values.pop(label)
        return {"type": 18, "component": _fill(child, values)}
    if kind == 4:
        custom_id = component["custom_id"]
        label = component.get("label")
        key = custom_id if custom_id in values else label if label in values else None
        value = values.pop(key) if key is not None else component.get("value") or ""
        if component.get("required", True) and not value:
            raise CommandRefused(f"modal field {label or custom_id!r} is required")
        low, high = component.get("min_length", 0), component.get("max_length", 4000)
        if value and not low <= len(value) <= high:
            raise CommandRefused(
                f"modal field {label or custom_id!r} takes {low}-{high} characters"
            )
        return {"type": 4, "custom_id": custom_id, "value": value}
    if kind == 3:
        custom_id = component["custom_id"]
        picked = values.pop(custom_id, None)
        chosen = [picked] if isinstance(picked, str) else list(picked or [])
        found = [_find_option(component.get("options") or [], v) for v in chosen]
        if any(f is None for f in found):
            raise CommandRefused(f"select {custom_id!r} has no option {chosen}")
        return {"type": 3, "custom_id": custom_id, "values": [f["value"] for f in found if f]}
    return {"type": kind, **({"id": component["id"]} if "id" in component else {})}


def _embed_text(embed: dict[str, Any]) -> list[str]:
    pieces = [(embed.get("author") or {}).get("name"), embed.get("title"), embed.get("description")]
    for fld in embed.get("fields") or []:
        pieces.extend([fld.get("name"), fld.get("value")])
    pieces.append((embed.get("footer") or {}).get("text"))
    return [p for p in pieces if p]


def _no_answer(by: Member, inter: Interaction, timeout: float, what: str) -> str:
    if inter.response_type is None:
        state = "never acknowledged the interaction"
    else:
        state = f"acknowledged with type {inter.response_type} but never sent its final answer"
    text = f"{what} by {by.name}: the bot {state} within {timeout}s"
    errors = by.emu.logged_errors[-3:]
    if errors:
        formatted = "\n".join(_format_record(r) for r in errors)
        text += f"\nthe bot logged:\n{formatted}"
    return text


def _format_record(record: logging.LogRecord) -> str:
    text = f"{record.name}: {record.getMessage()}"
    if record.exc_info:
        text += "\n" + logging.Formatter().formatException(record.exc_info)
    return text
