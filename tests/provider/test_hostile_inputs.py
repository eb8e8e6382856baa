"""Hostile `check` and `diff` inputs, sent through the real `python -m pulumi.dynamic` server.

Whatever property bag the engine hands over (wrong types, huge, negative and non-finite
numbers, any unicode, unknowns at any depth, missing and extra fields, nested lists and
objects, secret wrappers), `check` answers with failures that each name a field, or with
inputs the models accept again, and `diff` answers. Never an RPC error with a traceback.

One provider server per API for the module: its first Mailbux check reads the reseller
overview from the session's emulator (the quota pre-check), and every later check claims
against that figure, as in one deployment. The pool is set very large, so the quota claims
of ordinary values pass and only absurd ones are refused (naming quota_gb).

Lone UTF-16 surrogates are not in the case set: protobuf strings are UTF-8, so no engine can
send one (the first test shows the Struct refusing it).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from pulumi_resellertenant import easymailarchive, mailbux
from pulumi_resellertenant.core import TenantArgs
from pulumi_resellertenant.easymailarchive import models as archive_models
from pulumi_resellertenant.easymailarchive.tenant_models import EasyMailArchiveTenantArgs
from pulumi_resellertenant.mailbux import models as mailbux_models
from pulumi_resellertenant.mailbux.tenant_models import MailbuxTenantArgs
from support.emulator_handle import EMA_KEY, EMA_OTHER_KEY, MAILBUX_KEY, EmulatorHandle
from support.engine_steps import stack_config
from support.provider_server import (
    PROVIDER_KEY,
    UNKNOWN,
    CheckOutcome,
    ProviderCallError,
    ProviderServer,
    is_unknown,
)
from support.pulumi_mocks import register

CHECK_EXAMPLES = 330  # per API: each example is 1-3 RPCs (check, re-check, diff)
DIFF_EXAMPLES = 200  # per API
MAX_REASON = 400  # a failure is one readable line, however big the refused value
SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
POOL_GB = 2**53  # the emulator's largest setting
SECRET_CONFIG = ("mailbux:apiKey", "easymailarchive:apiKey")


# --- the APIs under test -------------------------------------------------------------------


@dataclass(frozen=True)
class Api:
    name: str
    args: type[TenantArgs]
    good: Mapping[str, Any]
    """A good value per input: what an unknown becomes when the model re-validates."""
    id_field: str

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(self.args.input_names())

    @property
    def required(self) -> frozenset[str]:
        return frozenset(n for n, info in self.args.model_fields.items() if info.is_required())

    def request_models(self, inputs: Mapping[str, Any]) -> list[BaseModel]:
        """The API requests a create would send: they must not refuse accepted inputs."""
        if self.name == "mailbux":
            return [mailbux_models.CreateTenantRequest(quota_gb=inputs["quota_gb"])]
        return [archive_models.CreateTenantRequest(slug=inputs["slug"], name=inputs["name"])]


MAILBUX = Api(
    "mailbux",
    MailbuxTenantArgs,
    {"quota_gb": 5, "suspended": False, "deletion_policy": "terminate", "adopt_tenant_id": "42"},
    "tenant_id",
)
ARCHIVE = Api(
    "easymailarchive",
    EasyMailArchiveTenantArgs,
    {"slug": "acme-corp", "name": "Acme", "suspended": False, "adopt_existing": False},
    "slug",
)


# --- values the engine could send ----------------------------------------------------------

# Any code point but the surrogates (category Cs), NUL and the other controls included.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
AWKWARD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\t\n",
        "\x00",
        "a\x00b",
        "\u202e\u0645\u0631\u062d\u0628\u0627",  # right-to-left override, Arabic
        "e\u0301\u0301\u0301",  # combining marks
        "\U0001f4a5\U0001f469\u200d\U0001f467",  # emoji, zero-width joiner
        "\ufeff\ufffe\uffff",
        "None",
        "null",
        "true",
        "5",
        "5.0",
        "-1",
        "1e309",
        "0x10",
        " 42 ",
        "terminate ",
        "SUSPEND",
        "acme-",
        "-acme",
        "ab",
        "a" * 49,
        "acme\n",
        "Acme Corp",
        "acme_corp",
        UNKNOWN.upper(),
        SECRET_SIG["4dabf18193072939515e22adb298388d"],
    ]
)
# Long strings, built lazily so that hypothesis' reports stay readable.
LONG_TEXT = st.sampled_from([61, 10_000, 100_000]).map(lambda n: "x" * n)
NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),  # NaN and the infinities included
    st.sampled_from(
        [0, -0.0, 1, -1, 0.5, 1.5, 2**53, 2**53 + 1, 2**63, 1e16, 1e308, -1e308, 5e-324]
    ),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), NUMBERS, TEXT, AWKWARD_TEXT, LONG_TEXT, st.just(UNKNOWN)
)
KEYS = TEXT.filter(lambda key: key != PROVIDER_KEY)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(KEYS, inner, max_size=4),
        inner.map(lambda value: {**SECRET_SIG, "value": value}),
    ),
    max_leaves=10,
)


def good_values(api: Api, field: str) -> st.SearchStrategy[Any]:
    """Values a program would send (numbers arrive as floats), to reach the accepted path."""
    if field == "quota_gb":
        return st.integers(1, 10_000).map(float)
    if field == "deletion_policy":
        return st.sampled_from(["terminate", "suspend"])
    if field == "adopt_tenant_id":
        return st.one_of(st.sampled_from(["42", "", " 7 "]), st.integers(1, 10**6).map(float))
    if field == "slug":
        return st.from_regex(r"[a-z0-9][a-z0-9-]{1,46}[a-z0-9]", fullmatch=True)
    if field == "name":
        return TEXT.filter(str.strip)
    return st.booleans()


def props(api: Api) -> st.SearchStrategy[dict[str, Any]]:
    """A property bag: each input absent, good, unknown or hostile; extra fields besides.
    Half the bags are mostly good, so that the accepted path is walked as often."""
    hostile = st.one_of(st.just(UNKNOWN), AWKWARD_TEXT, LONG_TEXT, NUMBERS, VALUES)

    def bag(good_weight: int, *, required: frozenset[str]) -> st.SearchStrategy[dict[str, Any]]:
        values = {
            # sampled_from keeps the repeats (one_of would merge equal strategies).
            field: st.sampled_from([good_values(api, field)] * good_weight + [hostile]).flatmap(
                lambda strategy: strategy
            )
            for field in sorted(api.fields)
        }
        present = {name: value for name, value in values.items() if name in required}
        optional = {name: value for name, value in values.items() if name not in required}
        return st.fixed_dictionaries(present, optional=optional)

    mostly_good = bag(12, required=api.required)
    extras = st.dictionaries(KEYS.filter(lambda key: key not in api.fields), VALUES, max_size=3)
    return st.tuples(st.one_of(bag(1, required=frozenset()), mostly_good), extras).map(
        lambda parts: {**parts[1], **parts[0]}
    )


def has_nan(value: Any) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, dict):
        return any(has_nan(v) for v in value.values())
    if isinstance(value, list):
        return any(has_nan(v) for v in value)
    return False


def comparable(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Checked inputs with unknowns made comparable (Unknown objects compare by identity)."""
    return {name: "<unknown>" if is_unknown(v) else v for name, v in inputs.items()}


# --- the servers ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def servers(
    emulator: EmulatorHandle, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, ProviderServer]]:
    """One provider process per API, configured as the engine does, for the whole module;
    their logs must hold no traceback and no key."""
    emulator.reset()
    emulator.configure_reseller(api="mailbux", api_key=MAILBUX_KEY, quota_gb=POOL_GB)
    [mailbux_tenant] = register(lambda: mailbux.Tenant("mail", quota_gb=1))
    [archive_tenant] = register(lambda: easymailarchive.Tenant("archive", slug="abc", name="A"))
    pickles = {"mailbux": mailbux_tenant.provider, "easymailarchive": archive_tenant.provider}
    logs = tmp_path_factory.mktemp("hostile")
    started: dict[str, ProviderServer] = {}
    with ExitStack() as stack:
        for name, pickled in pickles.items():
            server = ProviderServer.start(pickled, stderr_path=logs / f"{name}.log")
            started[name] = stack.enter_context(server)
            server.configure(stack_config(emulator), secrets=SECRET_CONFIG)
        yield started
    emulator.reset()
    for server in started.values():
        text = server.stderr_text()
        assert "Traceback" not in text, text[-3000:]
        for key in (MAILBUX_KEY, EMA_KEY, EMA_OTHER_KEY):
            assert key not in text


# --- the properties ------------------------------------------------------------------------


def test_lone_surrogates_cannot_reach_a_provider(servers: dict[str, ProviderServer]) -> None:
    with pytest.raises(UnicodeEncodeError):
        servers["easymailarchive"].check({}, {"slug": "ab\ud800c", "name": "A"})


def test_a_huge_refused_slug_is_quoted_short(servers: dict[str, ProviderServer]) -> None:
    outcome = servers["easymailarchive"].check({}, {"slug": "x" * 100_000, "name": "A"})
    [(field, reason)] = outcome.failures
    assert field == "slug"
    assert len(reason) <= MAX_REASON


def assert_check_answers(api: Api, outcome: CheckOutcome, news: Mapping[str, Any]) -> None:
    for field, reason in outcome.failures:
        assert field in api.fields, (field, reason)
        assert reason.startswith(field), (field, reason)  # "quota_gb must ..."
        assert "\n" not in reason
        assert len(reason) <= MAX_REASON, f"{field}: a reason of {len(reason)} characters"
    named = {field for field, _ in outcome.failures}
    for field in api.fields:
        value = news.get(field)
        if value is None and field in api.required:
            assert field in named, f"missing {field} not refused"
        if value == UNKNOWN:
            assert is_unknown(outcome.inputs.get(field)), f"unknown {field} not kept"
    assert set(outcome.inputs) <= api.fields, "extra fields must not become inputs"


def assert_accepted_inputs_revalidate(
    api: Api, server: ProviderServer, inputs: dict[str, Any]
) -> None:
    unknown = {name for name, value in inputs.items() if is_unknown(value)}
    filled = {**inputs, **{name: api.good[name] for name in unknown}}
    # What create does with them: the schema's parse, then the model.
    args = api.args.model_validate(api.args.input_schema().parse(filled))
    for name, value in filled.items():
        assert getattr(args, name) == value, name
    api.request_models(dict(args))
    # Checking the checked inputs again (the engine does, on the next run) changes nothing.
    again = server.check(inputs, inputs)
    assert again.failures == []
    assert comparable(again.inputs) == comparable(inputs)
    if not unknown:
        # A tenant recorded with exactly these inputs has nothing to change.
        state = {**inputs, api.id_field: str(inputs.get(api.id_field) or "7")}
        diff = server.diff(state[api.id_field], state, inputs)
        assert (diff.changes, diff.replaces) == ("none", [])


def check_case(
    api: Api, server: ProviderServer, olds: dict[str, Any], news: dict[str, Any]
) -> None:
    try:
        outcome = server.check(olds, news)
    except ProviderCallError as error:
        pytest.fail(f"check crashed: {error.code.name}: {error.details[-2000:]}")
    assert_check_answers(api, outcome, news)
    event("refused" if outcome.failures else "accepted")
    for field, _ in outcome.failures:
        event(f"refused {field}")
    if not outcome.failures:
        assert_accepted_inputs_revalidate(api, server, outcome.inputs)


def diff_case(
    api: Api, server: ProviderServer, id_: str, olds: dict[str, Any], news: dict[str, Any]
) -> None:
    try:
        diff = server.diff(id_, olds, news)
    except ProviderCallError as error:
        pytest.fail(f"diff crashed: {error.code.name}: {error.details[-2000:]}")
    event(f"diff {diff.changes}, replaces {diff.replaces}")
    assert diff.changes in ("none", "some")
    assert set(diff.replaces) <= api.fields
    if diff.replaces:
        assert diff.changes == "some"
    if not has_nan(news) and UNKNOWN not in str(news):
        # The same bag as state and as inputs: nothing changes (NaN differs from itself,
        # and an unknown may change once known).
        same = server.diff(id_, news, news)
        assert (same.changes, same.replaces) == ("none", [])


CASES = settings(
    max_examples=CHECK_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DIFF_CASES = settings(CASES, max_examples=DIFF_EXAMPLES)


@CASES
@given(olds=st.one_of(st.just({}), props(MAILBUX)), news=props(MAILBUX))
def test_mailbux_check_answers_every_input(
    servers: dict[str, ProviderServer], olds: dict[str, Any], news: dict[str, Any]
) -> None:
    check_case(MAILBUX, servers["mailbux"], olds, news)


@CASES
@given(olds=st.one_of(st.just({}), props(ARCHIVE)), news=props(ARCHIVE))
def test_archive_check_answers_every_input(
    servers: dict[str, ProviderServer], olds: dict[str, Any], news: dict[str, Any]
) -> None:
    check_case(ARCHIVE, servers["easymailarchive"], olds, news)


@DIFF_CASES
@given(id_=st.one_of(TEXT, AWKWARD_TEXT), olds=props(MAILBUX), news=props(MAILBUX))
def test_mailbux_diff_always_answers(
    servers: dict[str, ProviderServer], id_: str, olds: dict[str, Any], news: dict[str, Any]
) -> None:
    diff_case(MAILBUX, servers["mailbux"], id_, olds, news)


@DIFF_CASES
@given(id_=st.one_of(TEXT, AWKWARD_TEXT), olds=props(ARCHIVE), news=props(ARCHIVE))
def test_archive_diff_always_answers(
    servers: dict[str, ProviderServer], id_: str, olds: dict[str, Any], news: dict[str, Any]
) -> None:
    diff_case(ARCHIVE, servers["easymailarchive"], id_, olds, news)
