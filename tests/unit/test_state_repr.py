"""A state's repr and str hide its secret outputs (``Output(secret=True)``), for every
State model: a log line or a traceback that shows a state must not show the password."""

from __future__ import annotations

from typing import Annotated, ClassVar

import pytest

from pulumi_resellertenant.core import Output, TenantState
from pulumi_resellertenant.easymailarchive.tenant_models import EasyMailArchiveTenantState
from pulumi_resellertenant.mailbux.tenant_models import MailbuxTenantArgs, MailbuxTenantState

PASSWORD = "hunter2-a1b2c3d4e5f6"


def mailbux_state() -> MailbuxTenantState:
    return MailbuxTenantState(
        tenant_id="7", tenant_username="user7", quota_gb=5, tenant_password=PASSWORD
    )


@pytest.mark.parametrize("show", [repr, str, lambda s: f"{s}", lambda s: f"{s!r}"])
def test_a_mailbux_state_never_shows_its_password(show: object) -> None:
    assert callable(show)
    text = show(mailbux_state())
    assert PASSWORD not in text
    assert "tenant_password=[secret]" in text or "tenant_password='[secret]'" in text
    assert "tenant_username='user7'" in text  # the rest is still there to read


def test_a_state_inside_a_container_hides_it_too() -> None:
    assert PASSWORD not in repr([mailbux_state()])
    assert PASSWORD not in repr({"state": mailbux_state()})


def test_the_value_itself_is_untouched() -> None:
    state = mailbux_state()
    assert state.tenant_password == PASSWORD
    assert state.outputs()["tenant_password"] == PASSWORD


def test_an_unset_secret_shows_as_unset() -> None:
    state = MailbuxTenantState(tenant_id="7", quota_gb=5)
    assert "tenant_password=None" in repr(state)


class _ThirdState(TenantState, MailbuxTenantArgs):
    """Any State model, not only Mailbux's: the base class hides what is marked secret."""

    id_field: ClassVar[str] = "tenant_id"
    tenant_id: str
    token: Annotated[str | None, Output(secret=True)] = None


def test_every_state_model_hides_its_secrets() -> None:
    state = _ThirdState(tenant_id="1", quota_gb=1, token="tok-9f8e7d6c")
    assert "tok-9f8e7d6c" not in repr(state)
    assert "tok-9f8e7d6c" not in str(state)
    archive = EasyMailArchiveTenantState(slug="acme-corp", name="Acme")
    assert "name='Acme'" in repr(archive)  # nothing secret there: shown as is
