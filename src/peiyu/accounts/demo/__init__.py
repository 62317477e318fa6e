"""The accounts demo section (journey 12), registered by accounts.hooks."""
