"""A second project that uses the tenants stack's exports (config `producer`: its stack
name, `tenant`: the Mailbux tenant's resource name there)."""

import pulumi

config = pulumi.Config()
producer = pulumi.StackReference(config.require("producer"))
tenant = config.require("tenant")

username = producer.get_output(f"{tenant}_username")
password = producer.get_output(f"{tenant}_password")
pulumi.export("login", pulumi.Output.concat(username, "@webmail"))
pulumi.export("password", password)
pulumi.export("password_length", password.apply(len))
