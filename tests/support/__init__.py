"""The tests' own helpers: the emulator as a process, the Pulumi CLI in a sandbox, the engine's
steps against a provider, fake clocks and mocks, and a third API for the shared cases."""
