"""`reconcile --import-file`: the `pulumi import --file` document built from the findings
(tokens, names, ids, what is skipped, order, uniqueness), its atomic write, and the option
in the command, with a canned `pulumi` and mock APIs."""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import stat
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_resellertenant.apis import APIS
from pulumi_resellertenant.core.transport._clients import ClientCache
from pulumi_resellertenant.reconcile import cli
from pulumi_resellertenant.reconcile.account import AccountTenant
from pulumi_resellertenant.reconcile.compare import AccountView, Findings, compare
from pulumi_resellertenant.reconcile.export import StackState, StateTenant
from pulumi_resellertenant.reconcile.import_file import (
    PLUGIN_TYPES,
    ImportDocument,
    build_document,
    import_document,
    write_document,
)

MAILBUX = "resellertenant:mailbux:Tenant"
EMA = "resellertenant:easymailarchive:Tenant"
MBX_KEY = "mbx-import-key-1234567890"
EMA_KEY = "ema-import-key-0987654321"


def mail(id_: str, username: str | None = None, status: str = "active") -> AccountTenant:
    return AccountTenant("mailbux", id_, username or f"user{id_}", quota_gb=5, status=status)


def archive(slug: str, status: str = "active") -> AccountTenant:
    return AccountTenant("easymailarchive", slug, slug, name=slug.title(), status=status)


def managed(api: str, name: str, tenant_id: str) -> StateTenant:
    return StateTenant(
        "dev", api, f"urn:pulumi:dev::shop::{PLUGIN_TYPES[api]}::{name}", name, tenant_id
    )


def findings(tenants: list[AccountTenant], held: Sequence[StateTenant] = ()) -> Findings:
    """The comparison of one stack `dev` holding `held` with accounts listing `tenants`."""
    accounts = [
        AccountView(api, f"https://{api}.test", ("dev",), tuple(t for t in tenants if t.api == api))
        for api in ("mailbux", "easymailarchive")
    ]
    return compare([StackState("dev", "shop", tuple(held), ())], accounts)


def resources(document: ImportDocument) -> list[tuple[str, str, str]]:
    return [(r["type"], r["name"], r["id"]) for r in document.to_json()["resources"]]


# --- the document ---------------------------------------------------------------------------


def test_the_plugin_types_are_the_plugins_own_tokens() -> None:
    tokens = {api.namespace: api.plugin_type for api in APIS}
    assert tokens == PLUGIN_TYPES
    assert PLUGIN_TYPES == {"mailbux": MAILBUX, "easymailarchive": EMA}


def test_each_orphan_becomes_an_entry_with_the_plugin_type_a_name_and_its_id() -> None:
    found = findings(
        [mail("1"), mail("2"), archive("acme-corp"), archive("kept")],
        held=[managed("mailbux", "mail", "1"), managed("easymailarchive", "archive", "kept")],
    )

    document = import_document(found)

    assert document.to_json() == {
        "resources": [
            {"type": MAILBUX, "name": "mailbux-user2", "id": "2"},
            {"type": EMA, "name": "acme-corp", "id": "acme-corp"},
        ]
    }
    assert document.skipped == ()
    assert document.counts() == {"mailbux": 1, "easymailarchive": 1}


def test_only_orphans_go_in_suspended_unmanaged_and_terminated_tenants_stay_out() -> None:
    found = findings(
        [
            mail("3", status="suspended"),
            mail("4", status="terminated"),
            archive("left-over", status="suspended"),
            mail("5"),
        ]
    )

    assert resources(import_document(found)) == [(MAILBUX, "mailbux-user5", "5")]


@pytest.mark.parametrize(
    ("tenant", "reason"),
    [
        (mail("4a"), "a Mailbux tenant id is 1 to 20 digits"),
        (mail("../7"), "a Mailbux tenant id is 1 to 20 digits"),
        (mail("7\n"), "a Mailbux tenant id is 1 to 20 digits"),
        (mail("٣"), "a Mailbux tenant id is 1 to 20 digits"),  # a digit, but not 0-9
        (mail("1" * 21), "a Mailbux tenant id is 1 to 20 digits"),
        (archive("ab"), "a slug must be 3 to 48 characters long, not 2"),
        (archive("a" * 49), "a slug must be 3 to 48 characters long, not 49"),
        (archive("Acme"), "a slug may contain only lowercase letters a-z, digits and hyphens"),
        (archive("a/../b"), "a slug may contain only lowercase letters a-z, digits and hyphens"),
        (archive("acme\n"), "a slug may contain only lowercase letters a-z, digits and hyphens"),
        (archive("-acme"), "a slug must not start or end with a hyphen"),
        (archive("acme-"), "a slug must not start or end with a hyphen"),
    ],
)
def test_unsafe_ids_are_skipped_with_the_reason(tenant: AccountTenant, reason: str) -> None:
    document = build_document([tenant, mail("9")])

    assert resources(document) == [(MAILBUX, "mailbux-user9", "9")]
    [skipped] = document.skipped
    assert (skipped.api, skipped.id, skipped.reason) == (tenant.api, tenant.id, reason)
    assert "\n" not in skipped.shown
    assert len(skipped.shown) <= 62


def test_a_tenant_of_an_api_without_a_plugin_type_is_skipped() -> None:
    document = build_document([AccountTenant("third", "1", "one"), mail("1")])

    assert resources(document) == [(MAILBUX, "mailbux-user1", "1")]
    assert [(s.api, s.reason) for s in document.skipped] == [
        ("third", "no plugin type for 'third' tenants")
    ]


def test_a_username_unfit_for_a_name_gives_the_id_instead() -> None:
    document = build_document(
        [mail("1", "Jane.Doe"), mail("2", "x" * 41), mail("3", "ok_name-1"), mail("4", "-a")]
    )

    assert [name for _, name, _ in resources(document)] == [
        "mailbux-1",
        "mailbux-2",
        "mailbux-ok_name-1",
        "mailbux-4",
    ]


def test_the_order_is_by_api_then_id_whatever_the_listing_order() -> None:
    tenants = [mail("10"), mail("9"), mail("100"), archive("zeta"), archive("alpha"), mail("2")]
    expected = [
        (MAILBUX, "mailbux-user2", "2"),
        (MAILBUX, "mailbux-user9", "9"),
        (MAILBUX, "mailbux-user10", "10"),
        (MAILBUX, "mailbux-user100", "100"),
        (EMA, "alpha", "alpha"),
        (EMA, "zeta", "zeta"),
    ]
    shuffler = random.Random(7)
    for _ in range(5):
        shuffler.shuffle(tenants)
        assert resources(build_document(tenants)) == expected


def test_names_never_clash_with_each_other_or_with_the_stacks_tenants() -> None:
    document = build_document(
        [
            mail("1", "same"),
            mail("2", "same"),
            mail("3", "3"),  # the username "3" and the id 3 give one name
            archive("mailbux-same"),  # a slug that is a Mailbux name
            archive("archive"),  # the name of a tenant the program declares
            mail("4", "Not A Word"),
        ],
        taken={"archive", "mailbux-4"},
    )

    assert [name for _, name, _ in resources(document)] == [
        "mailbux-same",
        "mailbux-same-2",
        "mailbux-3",
        "mailbux-4-2",
        "archive-2",
        "mailbux-same-3",
    ]


def test_the_names_of_the_stacks_tenants_are_taken() -> None:
    held = [managed("easymailarchive", "acme", "acme-old")]
    found = findings([archive("acme-old"), archive("acme")], held)
    taken = {tenant.name for tenant in held}

    assert resources(import_document(found, taken=taken)) == [(EMA, "acme-2", "acme")]


def test_an_id_listed_twice_is_left_out_and_reported() -> None:
    document = build_document(
        [mail("5"), mail("5", "other"), archive("acme"), archive("acme"), mail("6")]
    )

    assert resources(document) == [(MAILBUX, "mailbux-user6", "6")]
    assert [(s.api, s.id, s.reason) for s in document.skipped] == [
        ("mailbux", "5", "listed 2 times: run reconcile for one stack"),
        ("easymailarchive", "acme", "listed 2 times: run reconcile for one stack"),
    ]


def test_many_random_tenants_give_unique_names_and_ids() -> None:
    chooser = random.Random(11)
    alphabet = "abc-_.X1"
    tenants = [
        mail(
            str(chooser.randrange(500)),
            "".join(chooser.choices(alphabet, k=chooser.randrange(1, 6))),
        )
        for _ in range(300)
    ] + [archive("".join(chooser.choices("ab-1", k=chooser.randrange(2, 8)))) for _ in range(300)]

    document = build_document(tenants, taken={"mailbux-a", "ab1"})

    names = [name for _, name, _ in resources(document)]
    assert len(names) == len(set(names))
    assert not {"mailbux-a", "ab1"} & set(names)
    keys = [(type_, id_) for type_, _, id_ in resources(document)]
    assert len(keys) == len(set(keys))
    assert resources(build_document(list(reversed(tenants)), taken={"ab1", "mailbux-a"})) == (
        resources(document)
    )


# --- the write ------------------------------------------------------------------------------


def test_the_file_is_the_json_pulumi_import_reads(tmp_path: Path) -> None:
    target = tmp_path / "import.json"

    write_document(build_document([mail("1"), archive("acme")]), target)

    assert json.loads(target.read_text()) == {
        "resources": [
            {"type": MAILBUX, "name": "mailbux-user1", "id": "1"},
            {"type": EMA, "name": "acme", "id": "acme"},
        ]
    }
    assert os.listdir(tmp_path) == ["import.json"]


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "import.json"
    target.write_text("old\n")

    def refuse(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", refuse)
    with pytest.raises(OSError, match="No space left"):
        write_document(build_document([mail("1")]), target)

    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["import.json"]


# --- the command ----------------------------------------------------------------------------

FAKE = """#!{python}
import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
line = " ".join(a for a in sys.argv[1:] if a != "--non-interactive")
answer = json.load(open(os.path.join(here, "answers.json"))).get(line)
if answer is None:
    sys.exit("error: unexpected command " + line)
sys.stdout.write(answer)
"""


def fake_pulumi(directory: Path, stacks: Mapping[str, list[dict[str, Any]]]) -> dict[str, str]:
    """A `pulumi` whose stacks hold `stacks` resources, configured for both APIs; returns
    an environment with it first on PATH."""
    config = {
        "mailbux:apiKey": {"value": MBX_KEY, "secret": True},
        "mailbux:baseUrl": {"value": "https://mailbux.test"},
        "easymailarchive:apiKey": {"value": EMA_KEY, "secret": True},
        "easymailarchive:baseUrl": {"value": "https://ema.test"},
    }
    table = {"stack ls --json": json.dumps([{"name": name} for name in stacks])}
    for name, held in stacks.items():
        table[f"stack export --stack {name}"] = json.dumps(
            {"version": 3, "deployment": {"resources": held}}
        )
        table[f"config --json --show-secrets --stack {name}"] = json.dumps(config)
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "pulumi"
    script.write_text(FAKE.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    (directory / "answers.json").write_text(json.dumps(table))
    return {"PATH": f"{directory}{os.pathsep}{os.environ.get('PATH', '')}"}


def held(name: str, type_: str, id_: str) -> dict[str, Any]:
    return {"urn": f"urn:pulumi:dev::shop::{type_}::{name}", "type": type_, "id": id_}


@pytest.fixture
def apis(monkeypatch: pytest.MonkeyPatch) -> Callable[[list[Any], list[Any]], None]:
    """Every client answers these Mailbux and Easy Mail Archive tenant lists."""

    def serve(mailbux: list[dict[str, Any]], archives: list[dict[str, Any]]) -> None:
        def answer(request: httpx.Request) -> httpx.Response:
            if request.url.path == "/api/user/tenants":
                return httpx.Response(200, json={"success": True, "data": mailbux})
            assert request.url.path == "/api/reseller/tenants"
            meta = {"current_page": 1, "last_page": 1, "total": len(archives)}
            return httpx.Response(200, json={"data": archives, "meta": meta})

        monkeypatch.setattr(
            "pulumi_resellertenant.core.transport._api_client.shared_clients",
            ClientCache(transport=httpx.MockTransport(answer)),
        )

    return serve


def run(argv: list[str], env: Mapping[str, str]) -> tuple[int, str, str]:
    parser = cli.configure(argparse.ArgumentParser())
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(parser.parse_args(argv), stdout=out, stderr=err, environ=env)
    return code, out.getvalue(), err.getvalue()


MAILBUX_LIST = [
    {"id": 1, "tenant_username": "u1", "quota_gb": 5, "status": "active"},
    {"id": 2, "tenant_username": "u2", "quota_gb": 3, "status": "active"},
    {"id": "3x", "tenant_username": "u3", "quota_gb": 3, "status": "active"},
]
ARCHIVE_LIST = [
    {"slug": "acme", "name": "Acme", "status": "active"},
    {"slug": "new-co", "name": "New Co", "status": "active"},
]
STATE = [held("u1", MAILBUX, "1"), held("acme", EMA, "acme-old")]


def test_the_option_writes_the_file_and_the_report_names_the_command(
    tmp_path: Path, apis: Callable[[list[Any], list[Any]], None]
) -> None:
    env = fake_pulumi(tmp_path / "bin", {"dev": STATE})
    apis(MAILBUX_LIST, [*ARCHIVE_LIST, {"slug": "acme-old", "name": "Old", "status": "active"}])
    target = tmp_path / "out" / "import.json"
    target.parent.mkdir()

    code, out, err = run(["--cwd", str(tmp_path), "--import-file", str(target)], env)

    assert (code, err) == (1, "")
    assert json.loads(target.read_text()) == {
        "resources": [
            {"type": MAILBUX, "name": "mailbux-u2", "id": "2"},
            {"type": EMA, "name": "acme-2", "id": "acme"},
            {"type": EMA, "name": "new-co", "id": "new-co"},
        ]
    }
    findings_text, _, report = out.partition("\nImport file: ")
    assert findings_text.endswith("Action needed: 4 orphan(s).\n")
    assert report.splitlines() == [
        f"3 resource(s) written to {target} (Mailbux 1, Easy Mail Archive 2).",
        "  Adopt them all in one run, with the stack's resellertenant: provider config, then "
        "add the code it prints (or writes with --out FILE) to the stack's program:",
        f"    pulumi import --file {target} --stack dev --cwd {tmp_path}",
        "  Skipped: 1 tenant(s) whose id is not safe to use:",
        '    Mailbux tenant "3x": a Mailbux tenant id is 1 to 20 digits',
    ]
    assert MBX_KEY not in out


def test_the_json_report_keeps_its_keys_and_adds_the_import_file(
    tmp_path: Path, apis: Callable[[list[Any], list[Any]], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    env = fake_pulumi(tmp_path / "bin", {"dev": STATE})
    apis(MAILBUX_LIST, ARCHIVE_LIST)
    monkeypatch.chdir(tmp_path)
    plain = run(["--stack", "dev", "--json"], env)

    code, out, err = run(["--stack", "dev", "--json", "--import-file", "import.json"], env)

    assert (code, err) == (1, "")
    report = json.loads(out)
    written = report.pop("import_file")
    assert report == json.loads(plain[1])
    assert written == {
        "path": "import.json",  # as given: no --cwd moves the command elsewhere
        "resources": 3,
        "by_api": {"mailbux": 1, "easymailarchive": 2},
        "command": "pulumi import --file import.json --stack dev",
        "skipped": [
            {"api": "mailbux", "id": "3x", "reason": "a Mailbux tenant id is 1 to 20 digits"}
        ],
    }
    assert len(json.loads((tmp_path / "import.json").read_text())["resources"]) == 3


def test_with_cwd_a_relative_file_is_named_absolutely_in_the_command(
    tmp_path: Path, apis: Callable[[list[Any], list[Any]], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    env = fake_pulumi(tmp_path / "bin", {"dev": STATE})
    apis(MAILBUX_LIST, ARCHIVE_LIST)
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(tmp_path)

    code, out, _ = run(["--cwd", "project", "--json", "--import-file", "import.json"], env)

    assert code == 1
    written = json.loads(out)["import_file"]
    # `pulumi --cwd project` would look for a relative file in project/.
    assert written["command"] == (
        f"pulumi import --file {tmp_path / 'import.json'} --stack dev --cwd project"
    )
    assert (tmp_path / "import.json").is_file()


def test_with_nothing_to_adopt_the_file_is_empty_and_the_exit_code_0(
    tmp_path: Path, apis: Callable[[list[Any], list[Any]], None]
) -> None:
    env = fake_pulumi(tmp_path / "bin", {"dev": [held("u1", MAILBUX, "1")]})
    apis(MAILBUX_LIST[:1], [])
    target = tmp_path / "import.json"
    target.write_text("stale\n")

    code, out, _ = run(["--cwd", str(tmp_path), "--import-file", str(target)], env)

    assert code == 0
    assert json.loads(target.read_text()) == {"resources": []}
    assert out.endswith(
        f"\nImport file: 0 resource(s) written to {target}.\n  Nothing to import.\n"
    )


def test_the_option_needs_one_stack_and_a_directory_for_the_file(
    tmp_path: Path, apis: Callable[[list[Any], list[Any]], None]
) -> None:
    env = fake_pulumi(tmp_path / "bin", {"dev": STATE, "prod": []})
    apis(MAILBUX_LIST, ARCHIVE_LIST)
    target = tmp_path / "import.json"

    code, out, err = run(["--cwd", str(tmp_path), "--import-file", str(target)], env)
    assert (code, out) == (2, "")
    assert err == (
        "reconcile: --import-file is for one stack, and 2 are compared (dev, prod): pass "
        "--stack NAME once, naming the stack to import into\n"
    )
    code, out, err = run(
        ["--stack", "dev", "--stack", "prod", "--json", "--import-file", str(target)], env
    )
    assert code == 2
    assert json.loads(out)["error"].startswith("--import-file is for one stack")

    absent = tmp_path / "absent" / "import.json"
    code, _, err = run(["--stack", "dev", "--import-file", str(absent)], env)
    assert code == 2
    assert err == f"reconcile: --import-file {absent}: {absent.parent} is not a directory\n"
    assert not target.exists()


def test_a_file_that_cannot_be_written_exits_2_with_one_line(
    tmp_path: Path, apis: Callable[[list[Any], list[Any]], None]
) -> None:
    env = fake_pulumi(tmp_path / "bin", {"dev": STATE})
    apis(MAILBUX_LIST, ARCHIVE_LIST)
    target = tmp_path / "taken"
    target.mkdir()  # a directory where the file should go

    code, out, err = run(["--stack", "dev", "--import-file", str(target)], env)

    assert (code, out) == (2, "")
    assert err.startswith(f"reconcile: cannot write --import-file {target}: ")
    assert err.count("\n") == 1
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".taken")] == []
