"""Admission: every interaction is acknowledged within Discord's 3 s, even in a burst.

Discord fails an interaction ("This interaction failed", 10062) unless the bot answers —
or defers — within 3 s of its creation. A burst of 2,000 handled all at once makes every
handler slow, so nearly all miss the deadline while their writes still happen. Instead:

- **A few at a time, in order.** At most `concurrency` handlers run before they have
  acknowledged; the rest wait in arrival order. A slot frees when its handler
  acknowledges (answers, defers, opens a form) — the 3-s clock only concerns that.
- **Shed before starting, never after.** An interaction that cannot start within
  `start_within` seconds of arriving — predicted on arrival from the measured service time,
  or found waiting that long — is answered with a clear, private "busy, try again; nothing
  was saved" and its handler never runs, so nothing is written. Autocomplete gets no
  choices instead.
- **Defer what is still working at the deadline.** A handler that has started but not
  acknowledged by `guard_at` is deferred on its behalf (`AdmittedResponse.take_over`):
  a button or form "updates later", a command "is thinking" privately. What the handler
  sends afterwards goes out as follow-ups / edits of the deferred message, so a member
  whose rating is saved is always told so. (A public answer deferred this way arrives
  privately: when unsure, private cannot hurt.)

`StoryBot` (bot/client.py) routes every INTERACTION_CREATE through `Admission.arrive`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import discord
from discord.enums import InteractionType

log = logging.getLogger(__name__)

BUSY = (
    "I'm swamped right now, so I didn't do that — nothing was changed or saved. "
    "Please try again in a moment."
)
SLOW_FORM = "That took me too long to open. Please try again."


@dataclass(frozen=True, slots=True)
class Limits:
    concurrency: int = 24  # handlers started and not yet acknowledged
    start_within: float = 1.0  # s after arrival: not started by then → answered "busy"
    guard_at: float = 1.8  # s after arrival: started, not acknowledged → deferred for it
    # autocomplete cannot be deferred: the guard can only offer no choices, so it waits
    # longer (an empty answer is cheap to send)
    guard_autocomplete_at: float = 2.4
    prior_service: float = 0.05  # s per handler assumed before any was measured
    answering: int = 48  # "busy" answers and deferrals in flight at once (oldest first)
    # under pressure (others waiting, or this one waited this long) a handler starts only
    # once its interaction is acknowledged (deferred): nothing is written for a member whose
    # acknowledgement would come too late
    defer_first_after: float = 0.3


@dataclass(eq=False, slots=True)
class Ticket:
    interaction: discord.Interaction
    route: Callable[[], None]
    arrived: float
    state: str = "queued"  # queued → running → acknowledged; or shed
    started: float = 0.0
    guard: asyncio.TimerHandle | None = field(default=None, repr=False)


@dataclass(slots=True)
class Counters:
    arrived: int = 0
    started: int = 0
    shed: int = 0
    taken_over: int = 0
    deferred_first: int = 0


class Admission:
    """The interactions in flight: admit, queue, shed or take over (see the module doc)."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.queue: deque[Ticket] = deque()
        self.waiting = 0  # tickets in the queue still queued (shed ones are skipped)
        self.active = 0
        self.service = self.limits.prior_service  # moving average, start → acknowledged
        self.counters = Counters()
        self._tasks: set[asyncio.Task[None]] = set()
        # admission's own answers, oldest first and a few at a time: thousands of requests
        # in flight at once would all finish late together
        self._answers: deque[Callable[[], Any]] = deque()
        self._answering = 0
        self._ages: deque[float] = deque(maxlen=128)

    # ---- arrivals --------------------------------------------------------------------

    def arrive(self, interaction: discord.Interaction, route: Callable[[], None]) -> None:
        """A new interaction; `route` hands it to its handler (discord.py's dispatch)."""
        loop = asyncio.get_running_loop()
        ticket = Ticket(interaction, route, loop.time() - self._delayed(interaction))
        interaction._cs_response = AdmittedResponse(  # type: ignore[attr-defined]
            interaction, on_ack=lambda: self._acknowledged(ticket)
        )
        self.counters.arrived += 1
        if self.active < self.limits.concurrency and not self.waiting:
            self._start(ticket)
            return
        late = loop.time() - ticket.arrived > self.limits.start_within
        if late or self.predicted_wait() > self.limits.start_within:
            self._shed(ticket)
            return
        self.queue.append(ticket)
        self.waiting += 1
        loop.call_at(ticket.arrived + self.limits.start_within, self._expire, ticket)

    def _delayed(self, interaction: discord.Interaction) -> float:
        """How long the interaction waited before it reached us (in a burst, the gateway
        delivers the last ones late): its age by its snowflake, less the least age seen
        recently (network latency plus any clock difference with Discord)."""
        created = discord.utils.snowflake_time(interaction.id).timestamp()
        age = time.time() - created
        self._ages.append(age)
        return min(max(age - min(self._ages), 0.0), self.limits.start_within * 2)

    def predicted_wait(self) -> float:
        """Seconds until one more interaction would start, at the measured pace."""
        pace = self.limits.concurrency / max(self.service, 1e-4)  # interactions per second
        return (self.waiting + 1) / pace

    # ---- state changes -----------------------------------------------------------------

    def _start(self, ticket: Ticket) -> None:
        loop = asyncio.get_running_loop()
        ticket.state = "running"
        ticket.started = loop.time()
        self.active += 1
        self.counters.started += 1
        guard_at = self.limits.guard_at
        if ticket.interaction.type is InteractionType.autocomplete:
            guard_at = max(guard_at, self.limits.guard_autocomplete_at)
        ticket.guard = loop.call_at(ticket.arrived + guard_at, self._guard, ticket)
        response = ticket.interaction.response
        pressed = self.waiting > 0 or loop.time() - ticket.arrived > self.limits.defer_first_after
        if (
            pressed
            and ticket.interaction.type is not InteractionType.autocomplete
            and isinstance(response, AdmittedResponse)
            and response.may_take_over()
        ):
            self.counters.deferred_first += 1
            response.reserve_take_over()
            self._answer(lambda: self._defer_then_route(ticket, response))
            return
        self._route(ticket)

    def _route(self, ticket: Ticket) -> None:
        try:
            ticket.route()
        except Exception:
            log.exception("could not dispatch interaction %s", ticket.interaction.id)

    async def _defer_then_route(self, ticket: Ticket, response: AdmittedResponse) -> None:
        """Acknowledge first; hand to the handler only if that worked (in time)."""
        await response.take_over()
        if response.is_done():
            self._route(ticket)

    def _acknowledged(self, ticket: Ticket) -> None:
        if ticket.state != "running":
            return
        loop = asyncio.get_running_loop()
        ticket.state = "acknowledged"
        if ticket.guard is not None:
            ticket.guard.cancel()
        self.service += 0.1 * (loop.time() - ticket.started - self.service)
        self._finish()

    def _guard(self, ticket: Ticket) -> None:
        """Still not acknowledged near the deadline: defer on the handler's behalf."""
        if ticket.state != "running":
            return
        ticket.state = "taken over"
        response = ticket.interaction.response
        if isinstance(response, AdmittedResponse) and response.may_take_over():
            self.counters.taken_over += 1
            response.reserve_take_over()
            self._answer(response.take_over)
        self._finish()

    def _expire(self, ticket: Ticket) -> None:
        if ticket.state == "queued":
            self.waiting -= 1
            self._shed(ticket)

    def _finish(self) -> None:
        self.active -= 1
        self._pump()

    def _pump(self) -> None:
        loop = asyncio.get_running_loop()
        while self.active < self.limits.concurrency and self.queue:
            ticket = self.queue.popleft()
            if ticket.state != "queued":
                continue
            self.waiting -= 1
            if loop.time() - ticket.arrived > self.limits.start_within:
                self._shed(ticket)
            else:
                self._start(ticket)

    def _shed(self, ticket: Ticket) -> None:
        ticket.state = "shed"
        self.counters.shed += 1
        response = ticket.interaction.response
        assert isinstance(response, AdmittedResponse)
        self._answer(response.refuse_busy)

    def _answer(self, send: Callable[[], Any]) -> None:
        self._answers.append(send)
        while self._answering < self.limits.answering and self._answers:
            self._answering += 1
            task = asyncio.get_running_loop().create_task(self._answer_next())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _answer_next(self) -> None:
        try:
            while self._answers:
                await self._answers.popleft()()
        finally:
            self._answering -= 1


class AdmittedResponse(discord.InteractionResponse):
    """`interaction.response` under admission: reports the acknowledgement, and after a
    take-over turns the handler's answer into follow-ups (see the module doc)."""

    __slots__ = ("_acked_as", "_claimed", "_on_ack", "_takeover")

    def __init__(self, parent: discord.Interaction, *, on_ack: Callable[[], None]) -> None:
        self._on_ack: Callable[[], None] | None = on_ack
        self._acked_as: discord.InteractionResponseType | None = None
        self._claimed = False  # the handler (or a refusal) has started to answer
        self._takeover: asyncio.Future[None] | None = None
        super().__init__(parent)

    @property
    def _response_type(self) -> discord.InteractionResponseType | None:  # type: ignore[override]
        return self._acked_as

    @_response_type.setter
    def _response_type(self, value: discord.InteractionResponseType | None) -> None:
        self._acked_as = value
        if value is not None and self._on_ack is not None:
            callback, self._on_ack = self._on_ack, None
            callback()

    # ---- admission's side ------------------------------------------------------------

    def may_take_over(self) -> bool:
        return not self._claimed and self._acked_as is None and self._takeover is None

    def reserve_take_over(self) -> None:
        """From now on the handler's answers wait for `take_over` and become follow-ups."""
        self._takeover = asyncio.get_running_loop().create_future()

    async def take_over(self) -> None:
        """Acknowledge now for a handler still at work: defer (or, for autocomplete, offer
        no choices). Its later answer becomes a follow-up."""
        done = self._takeover
        assert done is not None, "reserve_take_over first"
        parent = self._parent
        try:
            if parent.type is InteractionType.autocomplete:
                await super().autocomplete([])
            elif parent.type is InteractionType.component or (
                parent.type is InteractionType.modal_submit and parent.message is not None
            ):
                await super().defer()  # "the message will be updated"
            else:
                await super().defer(ephemeral=True, thinking=True)
        except discord.HTTPException as exc:
            log.warning("could not defer interaction %s in time: %s", parent.id, exc)
        finally:
            done.set_result(None)

    async def refuse_busy(self) -> None:
        """The handler will not run: say so (privately), or offer no choices."""
        self._claimed = True
        try:
            if self._parent.type is InteractionType.autocomplete:
                await super().autocomplete([])
            else:
                await super().send_message(BUSY, ephemeral=True)
        except discord.HTTPException as exc:
            log.warning("could not answer busy to interaction %s: %s", self._parent.id, exc)

    async def _taken_over(self) -> bool:
        """Called as the handler starts to answer: True if admission answered for it."""
        if self._takeover is not None:
            await asyncio.shield(self._takeover)
            return True
        self._claimed = True
        return False

    # ---- the handler's side ------------------------------------------------------------

    async def defer(self, *, ephemeral: bool = False, thinking: bool = False) -> Any:
        if await self._taken_over():
            return None
        return await super().defer(ephemeral=ephemeral, thinking=thinking)

    async def send_message(self, content: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
        if await self._taken_over():
            kwargs.pop("delete_after", None)
            return await self._parent.followup.send(content, wait=True, **kwargs)
        return await super().send_message(content, **kwargs)

    async def edit_message(self, **kwargs: Any) -> Any:  # type: ignore[override]
        if await self._taken_over():
            kwargs.pop("delete_after", None)
            kwargs.pop("suppress_embeds", None)
            return await self._parent.edit_original_response(**kwargs)
        return await super().edit_message(**kwargs)

    async def send_modal(self, modal: discord.ui.Modal, /) -> Any:
        if await self._taken_over():
            await self._parent.followup.send(SLOW_FORM, ephemeral=True)
            return None
        return await super().send_modal(modal)

    async def autocomplete(self, choices: Any) -> None:
        if await self._taken_over():
            return  # no choices were offered in time; the member types on
        await super().autocomplete(choices)
