"""Mailbux email hosting: the reseller API client and its models."""

from .client import MAILBUX, MailbuxClient
from .models import CreatedTenant, MailbuxTenant, ResellerOverview

__all__ = ["MAILBUX", "CreatedTenant", "MailbuxClient", "MailbuxTenant", "ResellerOverview"]
