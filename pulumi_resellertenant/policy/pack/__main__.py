"""The CrossGuard pack the engine starts (`--policy-pack DIR`): it only assembles the
policies of pulumi_resellertenant.policy, which the Python running it must have installed.
Each policy sets its own enforcement level (see policies.ALL)."""

from pulumi_policy import PolicyPack

from pulumi_resellertenant.policy import PACK_NAME
from pulumi_resellertenant.policy.policies import ALL

PolicyPack(name=PACK_NAME, policies=ALL)
