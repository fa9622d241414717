"""The rules adapter: YAML decision tables checked by our code and run by durable-rules.

Entry point: `famille.adapters.rules.engine.DurableRules`; CLI: `famille.adapters.cli.rules`.
"""
