"""Pulumi resources for Mailbux and Easy Mail Archive reseller tenants."""

__version__ = "0.1.0"
