"""The policy pack directory (`PulumiPolicy.yaml`, `__main__.py`) shipped in the package;
a package only so that installing the package installs it."""
