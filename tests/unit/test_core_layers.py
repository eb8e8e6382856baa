"""core/ in four layers: each imports only the layers below it, exports a short list that is
pinned here, and the API clients use the transport layer alone."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import pulumi_resellertenant
from pulumi_resellertenant import core
from pulumi_resellertenant.core import faces, lifecycle, pacing, transport

PACKAGE = Path(pulumi_resellertenant.__file__).parent
LAYERS = ("pacing", "transport", "lifecycle", "faces")  # bottom up

# A change to a layer's surface is a change to this list: made on purpose, and reviewed.
EXPORTS = {
    pacing: {"MAX_HOLD", "Account", "PacingStoreError", "RateLimiter", "Slot"}
    | {"shared_rate_limiter"},
    transport: {
        "GONE_STATUSES",
        "MAX_SHOWN",
        "AccountTenant",
        "AdoptionRules",
        "ApiFunction",
        "parse_time",
        "SETTING_KEYS",
        "Answer",
        "ApiClient",
        "ApiError",
        "ApiResponseError",
        "ApiSettings",
        "ApiSpec",
        "Argument",
        "AuthenticationError",
        "ClientCache",
        "ConfigLookup",
        "ConfigurationError",
        "ConflictError",
        "Deadline",
        "DeadlineExceededError",
        "Gathering",
        "HttpClient",
        "InputProblem",
        "InvalidInputError",
        "InvalidRequestError",
        "Listing",
        "Listings",
        "Naming",
        "NotFoundError",
        "PermissionDeniedError",
        "PYTHON",
        "PositiveWholeNumber",
        "RateLimitedError",
        "RequestTimeoutError",
        "ResellerTenantError",
        "ServerError",
        "TransportError",
        "UnexpectedResponseError",
        "WholeNumber",
        "at_most",
        "boolean",
        "build_request",
        "chain",
        "env_var",
        "error_from_response",
        "load_settings",
        "non_empty_text",
        "one_line",
        "one_of",
        "optional_id",
        "parse_answer",
        "parse_error_body",
        "parse_retry_after",
        "positive_whole_number",
        "shared_clients",
        "shown",
    },
    lifecycle: {
        "LOOKUP_FIRST_DELAY",
        "LOOKUP_MAX_DELAY",
        "UNKNOWN",
        "Applier",
        "Created",
        "Input",
        "Output",
        "TenantArgs",
        "TenantLifecycle",
        "TenantOperationError",
        "TenantState",
        "failure_message",
        "is_unknown",
        "post_resolving_lost_answers",
    },
    faces: {
        "CheckedInputs",
        "InputChanges",
        "PulumiCli",
        "PulumiCliError",
        "StackConfig",
        "TenantFace",
        "TenantProvider",
        "TenantResource",
    },
}


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """The modules ``path`` imports, relative imports resolved; those only type checkers read
    (under ``if TYPE_CHECKING:``) left out."""
    tree = ast.parse(path.read_text())
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    checking_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for inner in block.body
        for node in ast.walk(inner)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in checking_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = (
                package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            )
            module = ".".join([*base, node.module] if node.module else base)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] == ["pulumi_resellertenant", "core"] and len(parts) > 2 and parts[2] in LAYERS:
        return parts[2]
    return None


def test_every_core_module_lives_in_a_layer() -> None:
    assert sorted(p.name for p in (PACKAGE / "core").glob("*.py")) == ["__init__.py"]
    assert sorted(
        p.name for p in (PACKAGE / "core").iterdir() if p.is_dir() and p.name != "__pycache__"
    ) == sorted(LAYERS)


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_imports_only_the_layers_below_it_and_no_api(layer: str) -> None:
    rank = LAYERS.index(layer)
    wrong = []
    for path in sorted((PACKAGE / "core" / layer).glob("*.py")):
        for module in imports_of(path):
            target = layer_of(module)
            if target is not None and LAYERS.index(target) > rank:
                wrong.append(f"{path.name} imports {module} (the {target} layer is above)")
            elif module.startswith("pulumi_resellertenant.") and not module.startswith(
                ("pulumi_resellertenant.core.", "pulumi_resellertenant.__version__")
            ):
                wrong.append(f"{path.name} imports {module} (core names no API)")
    assert wrong == []


@pytest.mark.parametrize("layer", list(EXPORTS), ids=lambda m: m.__name__.rpartition(".")[2])
def test_a_layer_exports_its_pinned_names_and_each_resolves(layer: object) -> None:
    exported = layer.__all__  # type: ignore[attr-defined]
    assert set(exported) == EXPORTS[layer]  # type: ignore[index]
    assert len(exported) == len(set(exported))
    assert all(getattr(layer, name, None) is not None for name in exported)


def test_the_core_import_path_offers_every_layers_names_once() -> None:
    every = [name for names in EXPORTS.values() for name in names]
    assert len(every) == len(set(every))
    assert sorted(core.__all__) == sorted(every)
    assert all(
        getattr(core, name) is getattr(layer, name) for layer in EXPORTS for name in layer.__all__
    )  # type: ignore[attr-defined]


@pytest.mark.parametrize("api", ["mailbux", "easymailarchive"])
def test_an_api_client_and_its_models_use_the_transport_layer_alone(api: str) -> None:
    for name in ("client.py", "models.py"):
        used = {
            layer_of(m)
            for m in imports_of(PACKAGE / api / name)
            if m.startswith("pulumi_resellertenant.core")
        }
        assert used == {"transport"}, name


def test_the_transport_and_pacing_layers_load_no_pulumi() -> None:
    code = (
        "import sys\n"
        "import pulumi_resellertenant.core.transport, pulumi_resellertenant.core.pacing\n"
        "print(sorted(m for m in sys.modules if m == 'pulumi' or m.startswith('pulumi.')))"
    )
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
