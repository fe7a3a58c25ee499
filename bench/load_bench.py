"""Load benchmark: the real StoryBot through the loopback Discord, the emulator in its own
process (so it does not take the bot's CPU).

    .venv/bin/python bench/load_bench.py              # rate ladders + 2,000 burst (~3 min)
    .venv/bin/python bench/load_bench.py --quick      # short ladders, 500 burst (~40 s)

This process runs the bot (its own database, seeded with `--stories` synthetic stories);
a child process (`--emulator`) runs the emulator and the load: it fires interactions
open-loop at a fixed rate and times each from its creation to the bot's acknowledgement
arriving at the emulator (what Discord's 3-s deadline measures).

Ladders, per kind (autocomplete on /story's title box, /story by id — and, as its
baseline in the same run, /story with the card cache kept empty — /rate): rates from 50
to 1,000 interactions/s, `--seconds` each; the sustainable rate is the highest whose p99
is ≤ 20 ms with every interaction acknowledged. A kind's ladder stops once p99 passes
200 ms. Then the burst: 2,000 ★ clicks on one card in one instant, with admission and —
the baseline, in the same run — with admission off (every handler started at once, as
before bot/admission.py): acknowledged in time, refused (10062), told saved / busy, and
whether the ratings table holds exactly the members told "saved".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import json
import logging
import os
import platform
import pstats
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RATES = [50, 100, 200, 300, 400, 500, 600, 800, 1000]
QUICK_RATES = [100, 300, 500, 800]
KINDS = ["autocomplete", "story", "story-uncached", "rate"]
# "story-uncached": the same /story, with the bot's card cache (bot/library/cards.py) kept
# empty — the baseline for /story in the same run: every card read from the database
P99_TARGET_MS = 20.0
GIVE_UP_MS = 200.0
MEMBERS = 400
WORDS = """love heart shadow night dark light moon star dragon wolf storm fire ice rain snow
winter summer home time life war peace kiss secret promise letter song dance road river sea
garden house city crown sword ghost dream memory""".split()  # noqa: SIM905 - a word list
BUSY_MARK = "nothing was changed or saved"
NEVER = 1e9


# ================================================================ the emulator process


class Load:
    """In the emulator process: the world, the members, and firing interactions."""

    def __init__(self) -> None:
        from bot.emulator.harness import build_demo_world
        from bot.emulator.server import Emulator

        self.emu = Emulator()
        self.world: dict[str, Any] = {}
        self._build = build_demo_world
        self.members: list[Any] = []

    async def start(self) -> None:
        await self.emu.start()
        self.world = self._build(self.emu)
        guild = self.world["guild"]
        self.members = [guild.create_member(f"load{i:04d}") for i in range(MEMBERS)]

    def command(self, name: str) -> dict[str, Any]:
        return next(c for c in self.emu.commands_for(self.world["guild"]) if c["name"] == name)

    def payload(self, kind: str, n: int, story_ids: list[int], prefixes: list[str]) -> Any:
        from bot.emulator.interactions import APPLICATION_COMMAND, AUTOCOMPLETE

        story_id = story_ids[n % len(story_ids)]
        if kind == "autocomplete":
            cmd = self.command("story")
            typed = {"name": "story", "type": 3, "value": prefixes[n % len(prefixes)]}
            return AUTOCOMPLETE, {**_data(cmd), "options": [{**typed, "focused": True}]}
        if kind in ("story", "story-uncached"):
            cmd = self.command("story")
            option = {"name": "story", "type": 3, "value": str(story_id)}
            return APPLICATION_COMMAND, {**_data(cmd), "options": [option]}
        cmd = self.command("rate")
        options = [
            {"name": "story", "type": 3, "value": str(story_id)},
            {"name": "stars", "type": 4, "value": 1 + n % 5},
        ]
        return APPLICATION_COMMAND, {**_data(cmd), "options": options}

    async def timed(self, inter: Any, started: float, out: list[float]) -> None:
        answered = await inter.wait_until(lambda: inter.acknowledged or inter.rejections, 10.0)
        if answered and inter.acknowledged and not inter.rejections:
            out.append(time.perf_counter() - started)

    async def ladder_step(
        self, kind: str, rate: int, seconds: float, story_ids: list[int], prefixes: list[str]
    ) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        channel = self.world["general"]
        latencies: list[float] = []
        waits: list[asyncio.Task[None]] = []
        total = int(rate * seconds)
        begin = loop.time()
        for n in range(total):
            due = begin + n / rate
            delay = due - loop.time()
            if delay > 0.002:
                await asyncio.sleep(delay)
            member = self.members[n % len(self.members)]
            kind_code, data = self.payload(kind, n, story_ids, prefixes)
            started = time.perf_counter()
            inter = member._start(kind_code, data, channel)
            waits.append(loop.create_task(self.timed(inter, started, latencies)))
        offered = total / max(loop.time() - begin, 1e-9)
        await asyncio.gather(*waits)
        return {
            "emulator_cpu_s": _cpu_seconds(),
            "emulator_loop_cpu_s": time.thread_time(),
            "kind": kind,
            "rate": rate,
            "offered": round(offered),
            "sent": total,
            "acknowledged": len(latencies),
            **_percentiles(latencies),
        }

    async def burst(self, size: int, story_id: int) -> dict[str, Any]:
        from bot.emulator.interactions import APPLICATION_COMMAND, MESSAGE_COMPONENT
        from bot.emulator.replies import Reply

        channel = self.world["general"]
        reader = self.world["reader"]
        card_data = {
            **_data(self.command("story")),
            "options": [{"name": "story", "type": 3, "value": str(story_id)}],
        }
        card = reader._start(APPLICATION_COMMAND, card_data, channel)
        await card.wait_until(lambda: card.settled, 10)
        message = card.original
        star = next(
            c
            for row in message.components
            for c in row.get("components", [])
            if c.get("label") == "★4"
        )
        data = {"custom_id": star["custom_id"], "component_type": 2}
        guild = self.world["guild"]
        fans = [
            guild.create_member(f"burst{size}-{i:04d}-{random.random():.6f}") for i in range(size)
        ]
        started = time.perf_counter()
        latencies: list[float] = []
        inters = [m._start(MESSAGE_COMPONENT, data, channel, message) for m in fans]
        fired = time.perf_counter() - started
        await asyncio.gather(*(self.timed(i, started, latencies) for i in inters))
        await asyncio.gather(*(i.wait_until(lambda i=i: i.settled, 20) for i in inters))
        saved, busy, silent = [], 0, 0
        for member, inter in zip(fans, inters, strict=True):
            reply = Reply(member, inter, inter.original)
            seen = "\n".join([reply.text, *(f.text for f in reply.followups)])
            if "You rated" in seen or "Your rating" in seen:
                saved.append(member.id)
            elif BUSY_MARK in seen:
                busy += 1
            else:
                silent += 1
        return {
            "size": size,
            "fired_in_s": round(fired, 3),
            "acknowledged_in_time": sum(1 for i in inters if i.acknowledged and not i.rejections),
            "refused_10062": sum(1 for i in inters if i.rejections),
            "told_saved": len(saved),
            "told_busy": busy,
            "told_nothing": silent,
            "saved_ids": saved,
            **_percentiles(latencies),
        }


def _cpu_seconds() -> float:
    """CPU time (user + system) this process has used so far, all its threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _data(cmd: dict[str, Any]) -> dict[str, Any]:
    return {"id": cmd["id"], "name": cmd["name"], "type": 1}


def _percentiles(latencies: list[float]) -> dict[str, Any]:
    if not latencies:
        return {"p50_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(p99 * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


async def emulator_main(profile_to: Path | None = None) -> None:
    """The child: start the emulator, say where it is, then follow orders on stdin.
    With `profile_to`, its event loop is profiled during the ladders (stats to that file)."""
    logging.basicConfig(level=logging.ERROR)
    profile = cProfile.Profile() if profile_to else None
    load = Load()
    await load.start()
    say({"port": load.emu.port, "token": load.emu.token, "guild": load.world["guild"].id})
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        order = json.loads(line)
        if order["do"] == "ladder":
            # The loopback Discord keeps every message and interaction it has seen; its
            # collector walking that growing heap paused the load generator for 100-400 ms
            # in 4-s steps (measured: with its collector off the stalls went away, with the
            # bot's off they stayed). Real Discord's pauses are not the bot's: freeze what
            # earlier steps left, so each step measures the bot.
            gc.collect()
            gc.freeze()
            if profile is not None:
                profile.enable()
            result = await load.ladder_step(
                order["kind"], order["rate"], order["seconds"], order["ids"], order["prefixes"]
            )
            if profile is not None:
                profile.disable()
        elif order["do"] == "burst":
            result = await load.burst(order["size"], order["story"])
        elif order["do"] == "cpu":
            result = {"cpu_s": _cpu_seconds(), "loop_cpu_s": time.thread_time()}
        elif order["do"] == "wait_connected":
            await load.emu.wait_connected(30)
            result = {"ok": True}
        else:
            break
        say(result)
    await load.emu.stop()
    if profile is not None and profile_to is not None:
        profile.dump_stats(profile_to)


def say(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


# ================================================================ the bot process


async def seed(
    database: Path, guild_id: int, stories: int
) -> tuple[list[int], list[str], list[str]]:
    from bot.library.model import Chapter, ParsedStory, Rating, RatingLevel, Status
    from bot.library.service import Library

    rng = random.Random(8)
    ids: list[int] = []
    titles: list[str] = []
    library = await Library.open(database)
    try:
        for n in range(stories):
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5))).title()
            title = f"{title} {n}"
            text = "\n\n".join(
                f"{title}, paragraph {p}. " + "The night went on. " * 30 for p in range(6)
            )
            story = ParsedStory(
                title=title,
                authors=[f"Writer {n % 40}"],
                rating=Rating(declared="General", level=RatingLevel.GENERAL, inferred=False),
                chapters=[Chapter(number=1, label="Chapter 1", title=None, text=text)],
                status=Status.COMPLETE,
            )
            outcome = await library.add_parsed(guild_id, story, actor_id=None)
            ids.append(outcome.story_id)
            titles.append(title)
    finally:
        await library.close()
    prefixes = sorted({t[: rng.randint(3, 8)].lower() for t in titles})
    return ids, titles, prefixes


def raters(database: Path, story_id: int) -> set[int]:
    with contextlib.closing(sqlite3.connect(database)) as db:
        rows = db.execute("SELECT user_id FROM reader_ratings WHERE story_id = ?", (story_id,))
        return {row[0] for row in rows}


class Child:
    def __init__(self, profile_to: Path | None = None) -> None:
        profiling = ["--profile", str(profile_to)] if profile_to else []
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--emulator", *profiling],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    async def ask(self, order: dict[str, Any] | None = None) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        if order is not None:
            self.proc.stdin.write(json.dumps(order) + "\n")
            self.proc.stdin.flush()
        line = await asyncio.to_thread(self.proc.stdout.readline)
        if not line:
            raise RuntimeError("the emulator process ended")
        return json.loads(line)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            assert self.proc.stdin is not None
            self.proc.stdin.write(json.dumps({"do": "stop"}) + "\n")
            self.proc.stdin.flush()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    import discord.gateway
    import discord.http
    import yarl

    from bot.admission import Admission, Limits
    from bot.client import StoryBot
    from bot.config import Config

    # the baseline burst logs thousands of refused answers: keep the report readable
    logging.basicConfig(level=logging.CRITICAL)
    pass_through = Limits(  # every handler started at once, none deferred: the old way
        concurrency=10**9, start_within=NEVER, guard_at=NEVER, guard_autocomplete_at=NEVER
    )
    folder = Path(tempfile.mkdtemp(prefix="load-bench-"))
    database = folder / "storybot.db"
    child = Child(args.profile.with_suffix(".emulator") if args.profile else None)
    where = await child.ask()
    t0 = time.perf_counter()
    ids, _titles, prefixes = await seed(database, where["guild"], args.stories)
    seeded = time.perf_counter() - t0
    discord.http.Route.BASE = f"http://127.0.0.1:{where['port']}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(
        f"ws://127.0.0.1:{where['port']}/gateway"
    )
    config = replace(Config(), token=where["token"], database=database)
    bot = StoryBot(config, guild_ready_timeout=0.05)
    results: dict[str, Any] = {"seeded_stories": len(ids), "seed_s": round(seeded, 1)}
    connect: asyncio.Task[None] | None = None
    try:
        await bot.login(where["token"])
        connect = asyncio.get_running_loop().create_task(bot.connect(reconnect=False))
        await asyncio.wait_for(bot.wait_until_ready(), 30)
        await child.ask({"do": "wait_connected"})
        await bot.tree.sync()
        ladders: list[dict[str, Any]] = []
        rates = args.rates or (QUICK_RATES if args.quick else RATES)
        profile = cProfile.Profile() if args.profile else None
        cpu = await child.ask({"do": "cpu"})
        emulator_cpu, emulator_loop = cpu["cpu_s"], cpu["loop_cpu_s"]
        for kind in args.kinds:
            if "story-uncached" in args.kinds:
                from bot.library.cards import CARDS_KEPT

                cards = bot.library._cards  # the baseline keeps it empty: no card kept
                cards.size = 0 if kind == "story-uncached" else CARDS_KEPT
                cards.forget(None)
            for rate in rates:
                bot_cpu, bot_loop = _cpu_seconds(), time.thread_time()
                if profile is not None:
                    profile.enable()  # this thread only: the bot's event loop
                step = await child.ask(
                    {
                        "do": "ladder",
                        "kind": kind,
                        "rate": rate,
                        "seconds": args.seconds,
                        "ids": ids,
                        "prefixes": prefixes,
                    }
                )
                if profile is not None:
                    profile.disable()
                # CPU per interaction: the bot process (all threads: event loop + database)
                # and its event loop alone (one thread: what caps its rate); the same for
                # the emulator process (load generator + loopback Discord)
                sent = step["sent"]
                step["bot_cpu_ms"] = round((_cpu_seconds() - bot_cpu) * 1000 / sent, 2)
                step["bot_loop_ms"] = round((time.thread_time() - bot_loop) * 1000 / sent, 2)
                step["emulator_cpu_ms"] = round(
                    (step["emulator_cpu_s"] - emulator_cpu) * 1000 / sent, 2
                )
                step["emulator_loop_ms"] = round(
                    (step["emulator_loop_cpu_s"] - emulator_loop) * 1000 / sent, 2
                )
                emulator_cpu = step.pop("emulator_cpu_s")
                emulator_loop = step.pop("emulator_loop_cpu_s")
                step["loadavg"] = round(os.getloadavg()[0], 2)
                ladders.append(step)
                print(json.dumps(step), file=sys.stderr)
                if step["p99_ms"] is None or step["p99_ms"] > GIVE_UP_MS:
                    break
        results["ladders"] = ladders
        if profile is not None:
            profile.dump_stats(args.profile)
            stats = pstats.Stats(profile, stream=sys.stderr)
            stats.sort_stats("tottime").print_stats(30)
            stats.sort_stats("cumulative").print_stats(50)
        results["sustainable"] = {
            kind: max(
                (
                    s["rate"]
                    for s in ladders
                    if s["kind"] == kind
                    and s["acknowledged"] == s["sent"]
                    and s["p99_ms"] is not None
                    and s["p99_ms"] <= P99_TARGET_MS
                ),
                default=0,
            )
            for kind in args.kinds
        }
        bursts = {}
        for label, limits in (
            ("admission", Limits()),
            ("no admission (baseline)", pass_through),
        )[: 2 if args.burst else 0]:
            bot.admission = Admission(limits)
            await asyncio.sleep(1)
            before = raters(database, ids[0])
            burst = await child.ask({"do": "burst", "size": args.burst, "story": ids[0]})
            saved_ids = set(burst.pop("saved_ids"))
            await asyncio.sleep(3)  # handlers still writing after their answer was refused
            in_db = raters(database, ids[0]) - before
            burst["in_db"] = len(in_db)
            burst["db_matches_told_saved"] = in_db == saved_ids
            burst["saved_but_not_told"] = len(in_db - saved_ids)
            burst["loadavg"] = round(os.getloadavg()[0], 2)
            bursts[label] = burst
            print(label, json.dumps(burst), file=sys.stderr)
        results["bursts"] = bursts
    finally:
        with contextlib.suppress(Exception):
            await bot.close()
        if connect is not None:
            connect.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await connect
        child.stop()
    return results


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "python": platform.python_version(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def report(results: dict[str, Any]) -> str:
    lines = [
        f"machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, "
        f"Python {results['machine']['python']}, load average at start "
        f"{results['machine']['loadavg_start']}",
        "",
        "| kind | offered/s | acknowledged | p50 ms | p99 ms | max ms | bot CPU ms "
        "(loop) | emulator CPU ms (loop) | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in results["ladders"]:
        lines.append(
            f"| {s['kind']} | {s['offered']} | {s['acknowledged']}/{s['sent']} | "
            f"{s['p50_ms']} | {s['p99_ms']} | {s['max_ms']} | {s['bot_cpu_ms']} "
            f"({s['bot_loop_ms']}) | {s['emulator_cpu_ms']} ({s['emulator_loop_ms']}) | "
            f"{s['loadavg']} |"
        )
    lines += [
        "",
        "Sustainable (p99 ≤ 20 ms, all acknowledged): "
        + ", ".join(f"{k} {v}/s" for k, v in results["sustainable"].items()),
        "",
    ]
    lines += [
        "| burst | acknowledged in 3 s | refused 10062 | told saved | told busy | told nothing "
        "| saved, not told | ratings table = told saved | p99 ack ms | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for label, b in results["bursts"].items():
        lines.append(
            f"| {label}: {b['size']} ★ clicks | {b['acknowledged_in_time']} | "
            f"{b['refused_10062']} | {b['told_saved']} | {b['told_busy']} | "
            f"{b['told_nothing']} | {b['saved_but_not_told']} | "
            f"{'yes' if b['db_matches_told_saved'] else 'no'} | {b['p99_ms']} | {b['loadavg']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--emulator", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="short ladders, 500 burst")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per rate step")
    parser.add_argument("--stories", type=int, default=1000, help="stories in the library")
    parser.add_argument("--burst", type=int, default=None, help="★ clicks in the burst")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=KINDS, help="ladders to run")
    parser.add_argument("--rates", nargs="+", type=int, default=None, help="rates to offer")
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="cProfile the bot's event loop during the ladders; stats to this file "
        "(and the emulator's to the same name with the suffix .emulator)",
    )
    args = parser.parse_args()
    if args.emulator:
        asyncio.run(emulator_main(args.profile))
        return
    args.seconds = args.seconds or (1.5 if args.quick else 4.0)
    if args.burst is None:
        args.burst = 500 if args.quick else 2000
    if args.quick:
        args.stories = min(args.stories, 200)
    info = machine()
    results = asyncio.run(run(args))
    results["machine"] = info
    results["command"] = " ".join(["bench/load_bench.py", *sys.argv[1:]])
    results["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    print(report(results))


if __name__ == "__main__":
    main()
