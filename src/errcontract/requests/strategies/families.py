"""Defect families: for one endpoint, every named kind of mistake a generated request can carry.

A family is a name ("auth", "body: JSON array", "model: non-ASCII string"), the part of the
request it changes (two mutations of the same part would contradict each other), and a strategy
of mutations. Each mutation carries its `Defect` (class and codes from the contract's
`defect_classes`, picked by the family's location) and whether it stops a request before billing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from hypothesis import strategies as st

from errcontract.contract.model import Contract, Endpoint
from errcontract.contract.parts import Auth
from errcontract.core.exchange import Defect, RequestSpec
from errcontract.requests.recipes import defect_class_for, literal_prefix
from errcontract.requests.strategies import values as sv

Change = Callable[[RequestSpec], RequestSpec]


@dataclass(frozen=True)
class Mutation:
    defect: Defect
    change: Change
    stops_billing: bool = False


@dataclass(frozen=True)
class Family:
    name: str
    target: str  # the part of the request it changes: auth, body, field:<name>, path:<p>, ...
    mutations: st.SearchStrategy[Mutation]
    stops_billing: bool = False  # every mutation it draws stops the request before billing

    def conflicts(self, other: Family) -> bool:
        kinds = {self.target.split(":")[0], other.target.split(":")[0]}
        return self.target == other.target or kinds == {"body", "field"}


@dataclass(frozen=True)
class Context:
    """What families are built from: the contract, one endpoint, its valid request, fixtures."""

    contract: Contract
    endpoint: Endpoint
    base: RequestSpec
    fixtures: dict[str, str]
    # location -> defect class and codes: worked out once, asked for on every drawn mutation
    classes: dict[str, tuple[str | None, tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def defect(self, name: str, location: str, certain: bool) -> Defect:
        if location not in self.classes:
            self.classes[location] = self._class_at(location)
        cls, codes = self.classes[location]
        return Defect(name, cls, codes, certain)

    def _class_at(self, location: str) -> tuple[str | None, tuple[str, ...]]:
        """An unknown value in a lookup field (a model name) is the class that lists `lookup`
        (OpenAI's 404 model case), and a body mistake as well: which one a server answers, the
        docs do not say. Without such a class it is a body mistake."""
        body = defect_class_for(self.contract, self.endpoint, "body")
        if location != "lookup":
            return defect_class_for(self.contract, self.endpoint, location)
        cls, codes = defect_class_for(self.contract, self.endpoint, "lookup")
        if cls is None:
            return body
        return cls, tuple(dict.fromkeys((*codes, *body[1])))

    def mutation(
        self, name: str, location: str, change: Change, certain: bool = True, stops: bool = False
    ) -> Mutation:
        return Mutation(self.defect(name, location, certain), change, stops and certain)


def _with_credential(auth: Auth, value: str | None, key_fixture: str | None) -> Change:
    """Put `value` as sent (already shaped) where the key travels; None takes it out."""

    def change(spec: RequestSpec) -> RequestSpec:
        headers, query = dict(spec.headers), dict(spec.query)
        auth.place(headers, query, None)
        if value is not None and auth.query:
            query[auth.query] = value
        elif value is not None:
            headers[auth.header] = value
        return replace(spec, headers=headers, query=query, key_fixture=key_fixture)

    return change


# -- credentials (header or query, as the contract's auth block says) ---------------------------
SCHEMED, BARE, QUERY = "scheme", "bare header", "query"
EVERY_KIND = frozenset({SCHEMED, BARE, QUERY})


@dataclass(frozen=True)
class AuthParts:
    """What every malformed credential is built from: the contract's auth block (where the key
    goes, its scheme, its pattern), the run's real key (if any) and keys shaped like it that no
    account has."""

    ctx: Context
    auth: Auth
    pattern: str
    prefix: str
    real: str | None
    fakes: st.SearchStrategy[str]

    @classmethod
    def of(cls, ctx: Context) -> AuthParts:
        auth = ctx.contract.auth
        pattern = auth.key_pattern
        prefix, real = literal_prefix(pattern), ctx.fixtures.get(ctx.contract.main_key)
        fakes = (
            sv.wrong_prefix_keys(pattern)
            if not real
            else st.one_of(sv.keys_like(pattern).filter(lambda k: k != real), sv.wrong_prefix_keys(pattern))
        )
        return cls(ctx, auth, pattern, prefix, real, fakes)

    @property
    def kind(self) -> str:
        return QUERY if self.auth.query else SCHEMED if self.auth.scheme else BARE

    @property
    def scheme(self) -> str:
        return self.auth.scheme

    @property
    def well_formed_fakes(self) -> st.SearchStrategy[str]:
        """Keys of the contract's shape that no account has (sent only where a real key exists)."""
        assert self.real is not None
        return sv.keys_like(self.pattern).filter(lambda k: k != self.real)

    @property
    def needed(self) -> bool:
        return self.ctx.endpoint.auth

    def with_scheme(self, key: str) -> str:
        """`key` as the docs send it (after the scheme, base64 for Basic, bare, or as a query value)."""
        return self.auth.value(key)

    def mutations(self, shape: AuthShape) -> st.SearchStrategy[Mutation]:
        # No shape here is the documented form, so the target need not know whose request it is
        # (key_fixture None: the rate-limit headers are not required of it).
        location = "query" if self.auth.query else "header"
        usable = shape.values(self).filter(lambda v: v is None or location == "query" or sv.h11_accepts(v))
        certain = shape.certain and self.needed
        return usable.map(
            lambda v: self.ctx.mutation(
                f"auth: {shape.name}", location, _with_credential(self.auth, v, None), certain, stops=True
            )
        )


@dataclass(frozen=True)
class AuthShape:
    """One kind of malformed credential (None: none at all), for the auth kinds it applies to."""

    name: str
    values: Callable[[AuthParts], st.SearchStrategy[str | None]]
    certain: bool = True
    needs_real_key: bool = False
    kinds: frozenset[str] = EVERY_KIND


BAD_KEY_SHAPES = (
    AuthShape("missing credential", lambda a: st.none()),
    AuthShape("scheme without key", lambda a: st.just(a.scheme), kinds=frozenset({SCHEMED})),
    AuthShape("empty key", lambda a: st.just(""), kinds=frozenset({BARE, QUERY})),
    AuthShape("wrong key prefix", lambda a: sv.wrong_prefix_keys(a.pattern).map(a.with_scheme)),
    AuthShape("very long key", lambda a: sv.very_long_keys(a.prefix).map(a.with_scheme)),
    AuthShape(
        "other scheme",
        lambda a: st.tuples(st.sampled_from(sv.OTHER_SCHEMES), a.fakes).map(" ".join),
        kinds=frozenset({SCHEMED, BARE}),
    ),
    AuthShape(
        "extra whitespace",
        lambda a: st.tuples(sv.inner_whitespace(), a.fakes).map(lambda t: a.scheme + t[0] + t[1]),
        kinds=frozenset({SCHEMED}),
    ),
    AuthShape(
        "unknown well-formed key",
        lambda a: a.well_formed_fakes.map(a.with_scheme),
        needs_real_key=True,
    ),
)
# Shapes that still carry the run's real key: a lenient target may serve (and bill) them.
REAL_KEY_SHAPES = (
    AuthShape(
        "real key, other scheme",
        lambda a: st.sampled_from(sv.OTHER_SCHEMES).map(lambda s: f"{s} {a.real}"),
        kinds=frozenset({SCHEMED, BARE}),
    ),
    AuthShape(
        "real key, scheme in other case",
        lambda a: (
            st.sampled_from([a.scheme.lower(), a.scheme.upper()])
            .filter(lambda s: s != a.scheme)
            .map(lambda s: a.auth.value(a.real or "", s))
        ),
        certain=False,
        kinds=frozenset({SCHEMED}),
    ),
    AuthShape(
        "real key, whitespace around key",
        lambda a: sv.inner_whitespace().map(lambda w: f"{a.scheme}{w}{a.real}"),
        certain=False,
        kinds=frozenset({SCHEMED}),
    ),
)


def auth_families(ctx: Context) -> list[Family]:
    """Malformed credentials of the contract's kind: a bare-header API gets no "wrong scheme"
    that is only a case change, a query-key API no header shapes."""
    parts = AuthParts.of(ctx)
    shapes = [s for s in BAD_KEY_SHAPES if parts.kind in s.kinds and (parts.real or not s.needs_real_key)]
    bad = st.one_of([parts.mutations(s) for s in shapes])
    families = [Family("auth", "auth", bad, stops_billing=parts.needed)]
    real_shapes = [s for s in REAL_KEY_SHAPES if parts.kind in s.kinds]
    if parts.real and parts.needed and real_shapes:
        real = st.one_of([parts.mutations(s) for s in real_shapes])
        families.append(Family("auth: real key", "auth", real.map(_not_stopping)))
    return families


def _not_stopping(mutation: Mutation) -> Mutation:
    """A shape that still carries the real key: a lenient target may serve (and bill) it."""
    return replace(mutation, stops_billing=False)


# -- path ids and query ------------------------------------------------------------------------
def _with_path(ctx: Context, param: str, segment: str) -> Change:
    """Replace one path parameter's segment (ids are always one segment: '/' is escaped)."""
    base = ctx.contract.base_path
    index = ctx.endpoint.path.split("/").index("{" + param + "}")

    def change(spec: RequestSpec) -> RequestSpec:
        parts = spec.path[len(base) :].split("/")
        parts[index] = segment
        return replace(spec, path=base + "/".join(parts))

    return change


def path_families(ctx: Context) -> list[Family]:
    """Per path parameter: ids no resource has (ASCII, then non-ASCII: two families, so a
    handler that breaks on either is met), and encoded or traversal-like ids (soft: a server
    that decodes them may route the request elsewhere)."""
    families = []
    for param in ctx.endpoint.path_params:

        def unknown(label: str, ids: st.SearchStrategy[str], p: str = param) -> Family:
            mutations = ids.map(
                lambda v: ctx.mutation(
                    f"{p}: {label}", "path", _with_path(ctx, p, quote(v, safe="")), stops=True
                )
            )
            return Family(f"{p}: {label}", f"path:{p}", mutations, stops_billing=True)

        encoded = st.one_of(
            sv.traversal_ids().map(lambda v: quote(v, safe="")), sv.percent_encoded_segments()
        )

        def encoded_id(seg: str, p: str = param) -> Mutation:
            label = f"{p}: encoded id (traversal-like or percent-escaped)"
            return ctx.mutation(label, "path", _with_path(ctx, p, seg), certain=False)

        odd = encoded.map(encoded_id)
        families += [
            unknown("unknown id", sv.ascii_unknown_ids()),
            unknown("non-ASCII id", sv.non_ascii_unknown_ids()),
            Family(f"{param}: encoded id", f"path:{param}", odd),
        ]
    return families


def _with_query(name: str, value: str) -> Change:
    return lambda spec: replace(spec, query={**spec.query, name: value})


def query_families(ctx: Context) -> list[Family]:
    documented = sorted(ctx.endpoint.query)
    if not documented:
        return []
    odd = st.tuples(st.sampled_from(documented), sv.odd_query_values()).map(
        lambda nv: ctx.mutation(f"query: odd value for {nv[0]}", "query", _with_query(*nv), certain=False)
    )
    names = st.text(alphabet=sv.KEY_CHARS + "_[]", min_size=1, max_size=12).filter(
        lambda n: n not in documented and n != ctx.contract.auth.query
    )
    unknown = st.tuples(names, sv.odd_query_values()).map(
        lambda nv: ctx.mutation("query: unknown parameter", "query", _with_query(*nv), certain=False)
    )
    return [
        Family("query: odd value", "query", odd),
        Family("query: unknown parameter", "query:extra", unknown),
    ]
