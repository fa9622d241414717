"""The `famille` subcommands of each context: rules, billing."""
