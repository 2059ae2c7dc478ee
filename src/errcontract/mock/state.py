"""The mock's mutable world: accounts with credits, keys, tasks/jobs and rate-limit windows.

Built fresh on every start from mock.yaml: keys and generated ids are random per start, so a
suite can only learn them from the fixtures line the mock prints.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from errcontract.core.errors import ContractError
from errcontract.mock.config import MockConfig
from errcontract.mock.document import AccountDoc, PlanDoc

DAY_S = 86400.0
MINUTE_S = 60.0


def random_text(length: int) -> str:
    """Random letters and digits (hex: fast, and alphanumeric for every key pattern)."""
    return secrets.token_hex(length // 2 + 1)[:length]


@dataclass
class Account:
    name: str
    account_id: str
    plan_name: str
    plan: PlanDoc
    credits: int
    saturated: bool = False
    display_name: str = ""


@dataclass(frozen=True)
class ApiKey:
    value: str
    account: Account
    scopes: tuple[str, ...] = ("*",)
    revoked: bool = False
    expired: bool = False
    refused_with: str | None = None  # a documented code the key is always refused with

    def grants(self, needed: str) -> bool:
        """`*` grants all; `models:*` grants `models:read`; otherwise an exact match."""
        family = needed.split(":", 1)[0]
        return any(s in ("*", needed, f"{family}:*") for s in self.scopes)


@dataclass
class Resource:
    """A task (VicSee) or job (Vydra): owned, billed, moving from pending to done."""

    id: str
    owner: Account
    model: str
    status: str
    credits: int = 0
    prompt: str = ""
    has_result: bool = True
    created: float = field(default_factory=time.time)
    refunded: int = 0


@dataclass
class Usage:
    """Requests counted against one account's window: the limit, what is used, when it resets."""

    limit: int
    used: int
    reset_at: float  # unix seconds

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit


class MockState:
    """Everything a request can change. One lock: the mock is small and never the bottleneck."""

    def __init__(self, config: MockConfig) -> None:
        self.config = config
        self.lock = threading.Lock()
        self.accounts = {name: _account(config, name, raw) for name, raw in config.accounts.items()}
        self.keys: dict[str, ApiKey] = {}
        self.fixtures: dict[str, str] = {}
        self.resources: dict[str, Resource] = {}
        self._hits: dict[str, deque[float]] = {}
        self._daily: dict[str, tuple[str, int]] = {}
        self._make_keys()
        self._seed_resources()
        self._add_defaults()

    def _make_keys(self) -> None:
        spec = self.config.keys
        pattern = re.compile(self.config.contract.auth.key_pattern)
        for fixture, raw in self.config.key_fixtures.items():
            account = self.accounts[raw["account"]]
            value = spec["template"].format(
                user=account.account_id, random=random_text(int(spec.get("random_length", 32)))
            )
            if not pattern.search(value):
                raise ContractError(f"mock.yaml: key template gives {value!r}, not {pattern.pattern}")
            key = ApiKey(
                value,
                account,
                tuple(raw.get("scopes", ["*"])),
                bool(raw.get("revoked")),
                bool(raw.get("expired")),
                raw.get("refused_with"),
            )
            self.keys[value] = key
            self.fixtures[fixture] = value

    def _seed_resources(self) -> None:
        for name, raw in self.config.resources.get("seed", {}).items():
            is_fixture = name in self.config.contract.fixtures
            resource = Resource(
                id=self.new_resource_id() if is_fixture else name,
                owner=self.accounts[raw["owner"]],
                model=raw["model"],
                status=raw["status"],
                has_result=bool(raw.get("has_result", True)),
                created=time.time() - 3600,
            )
            self.resources[resource.id] = resource
            if is_fixture:
                self.fixtures[name] = resource.id

    def _add_defaults(self) -> None:
        for name, value in self.config.fixture_values.items():
            self.fixtures.setdefault(name, str(value))
        missing = set(self.config.contract.fixtures) - set(self.fixtures)
        if missing:
            raise ContractError(f"mock.yaml provides no value for fixtures {sorted(missing)}")

    def new_resource_id(self) -> str:
        spec = self.config.resources
        if spec.get("id_template") == "uuid":
            return str(uuid.uuid4())
        return str(spec["id_template"]).format(random=random_text(int(spec.get("random_length", 24))))

    def status_of(self, resource: Resource) -> str:
        """Created tasks finish `completes_after_s` after creation; seeded ones never move."""
        spec = self.config.resources
        pending = spec.get("pending_statuses", [])
        if (
            resource.status in pending
            and resource.credits
            and (time.time() - resource.created >= float(spec.get("completes_after_s", 0)))
        ):
            resource.status = spec["done_status"]
        return resource.status

    def count_request(self, account: Account) -> Usage:
        """Count one request in the account's window and say where it stands."""
        with self.lock:
            if self.config.window == "day":
                return self._count_daily(account)
            return self._count_sliding(account)

    def _count_daily(self, account: Account) -> Usage:
        now = datetime.now(UTC)
        today = now.strftime("%Y-%m-%d")
        day, used = self._daily.get(account.name, (today, 0))
        used = (used if day == today else 0) + 1
        self._daily[account.name] = (today, used)
        midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
        return self._usage(account, used, midnight.timestamp())

    def _count_sliding(self, account: Account) -> Usage:
        now = time.time()
        hits = self._hits.setdefault(account.name, deque())
        while hits and hits[0] <= now - MINUTE_S:
            hits.popleft()
        hits.append(now)
        return self._usage(account, len(hits), hits[0] + MINUTE_S)

    def _usage(self, account: Account, used: int, reset_at: float) -> Usage:
        limit = int(account.plan["limit"])
        return Usage(limit, limit + 1 if account.saturated else used, reset_at)

    def anonymous_usage(self) -> Usage:
        """What the rate-limit headers show a request no account is known for: the first plan's
        limit, nothing used, the window's next reset (the docs put the headers on every response)."""
        plans = self.config.plans
        limit = int(next(iter(plans.values()))["limit"]) if plans else 0
        now = datetime.now(UTC)
        if self.config.window == "day":
            reset = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
            return Usage(limit, 0, reset.timestamp())
        return Usage(limit, 0, time.time() + MINUTE_S)

    def peek_usage(self, account: Account) -> Usage:
        """Where the account stands without counting a request (for uncounted responses)."""
        usage = self.count_request(account)
        with self.lock:
            if self.config.window == "day":
                day, used = self._daily[account.name]
                self._daily[account.name] = (day, used - 1)
            else:
                self._hits[account.name].pop()
        return Usage(usage.limit, usage.used - 1, usage.reset_at)

    def charge(self, account: Account, credits: int) -> bool:
        with self.lock:
            if account.credits < credits:
                return False
            account.credits -= credits
            return True

    def refund(self, account: Account, credits: int) -> None:
        with self.lock:
            account.credits += credits


def _account(config: MockConfig, name: str, raw: AccountDoc) -> Account:
    plan_name = raw["plan"]
    return Account(
        name=name,
        account_id=random_text(10),
        plan_name=plan_name,
        plan=config.plans[plan_name],
        credits=int(raw.get("credits", 0)),
        saturated=bool(raw.get("saturated")),
        display_name=str(raw.get("name", name)),
    )
