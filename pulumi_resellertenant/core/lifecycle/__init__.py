"""A tenant's lifecycle on typed values: the Args/State declaration, input rules,
create/read/update/delete over any API's client, and the messages of a failed operation.
Of Pulumi it knows only the marker of a value not yet known (``UNKNOWN``).
"""

from ._inputs import UNKNOWN, is_unknown
from ._lifecycle import Applier, Created, TenantLifecycle
from ._lost_answers import LOOKUP_FIRST_DELAY, LOOKUP_MAX_DELAY, post_resolving_lost_answers
from ._operation_errors import TenantOperationError, failure_message
from ._resource_model import Input, Output, TenantArgs, TenantState

__all__ = [
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
]
