"""The built-in rule pack: Elastic's relay rules in our own words (see docs/rules.md)."""
