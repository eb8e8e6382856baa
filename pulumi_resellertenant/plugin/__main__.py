"""``python -m pulumi_resellertenant.plugin <engine address>`` serves the provider plugin."""

from .serve import main

if __name__ == "__main__":
    main()
