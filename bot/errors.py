"""The bot's exception tree: every error a user can see derives from CatalystBotError."""


class CatalystBotError(Exception):
    """Base class for errors reported to the user without a traceback."""


class ConfigError(CatalystBotError):
    """The configuration file is missing, unreadable or invalid."""


class MissingSecretError(CatalystBotError):
    """An adapter is configured but the environment variable holding its secret is not set."""


class StoreError(CatalystBotError):
    """The store cannot be opened or its schema is newer than this version understands."""
