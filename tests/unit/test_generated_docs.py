"""The pages under docs/ are what tools/gen_docs.py writes from the package's declarations
(the tfplugindocs pattern): a change to a model, a setting or the registry that is not
regenerated fails here, naming the page."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from pulumi_resellertenant.apis import APIS
from support.emulator_handle import REPO_ROOT
from support.pulumi_mocks import register


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_docs", REPO_ROOT / "tools" / "gen_docs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATED = _generator().pages()


@pytest.mark.parametrize("path", list(GENERATED), ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_the_committed_page_is_the_generated_one(path: Path) -> None:
    assert path.is_file(), f"{path.relative_to(REPO_ROOT)} is missing: run tools/gen_docs.py"
    assert path.read_text() == GENERATED[path], (
        f"{path.relative_to(REPO_ROOT)} is stale: run tools/gen_docs.py"
    )


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.namespace)
def test_each_resource_pages_python_example_declares_its_resource(api: object) -> None:
    page = GENERATED[REPO_ROOT / "docs" / "resources" / f"{api.namespace}-tenant.md"]  # type: ignore[attr-defined]
    [example] = re.findall(r"```python\n(.*?)```", page, re.S)
    namespace: dict[str, object] = {}

    [registered] = register(lambda: exec(example, namespace))  # noqa: S102 (our own page)

    assert registered.type_token == api.dynamic_type  # type: ignore[attr-defined]
