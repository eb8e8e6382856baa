"""What Pulumi sees: the face both providers share, the dynamic provider and
resource, the engine's error lines, the server's threads, and stack config outside the
provider.
"""

from ._dynamic_provider import TenantProvider
from ._provider_face import CheckedInputs, InputChanges, TenantFace
from ._stack_config import PulumiCli, PulumiCliError, StackConfig
from ._tenant_resource import TenantResource

__all__ = [
    "CheckedInputs",
    "InputChanges",
    "PulumiCli",
    "PulumiCliError",
    "StackConfig",
    "TenantFace",
    "TenantProvider",
    "TenantResource",
]
