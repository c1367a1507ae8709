"""The bot's exception tree: every error a user can see derives from CatalystBotError."""


class CatalystBotError(Exception):
    """Base class for errors reported to the user without a traceback."""


class ConfigError(CatalystBotError):
    """The configuration file is missing, unreadable or invalid; `errors` has one line per problem."""

    def __init__(self, *errors: str) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


class MissingSecretError(CatalystBotError):
    """An adapter is configured but the environment variable holding its secret is not set."""


class StoreError(CatalystBotError):
    """The store cannot be opened or its schema is newer than this version understands."""


class DeliveryError(CatalystBotError):
    """A receiver could not post an alert. `permanent` errors (unknown channel, bad token) are not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class RateLimited(DeliveryError):
    """The chat API asked us to wait `retry_after` seconds before posting to this channel again."""

    def __init__(self, retry_after: float, message: str = "rate limited") -> None:
        super().__init__(f"{message}; retry after {retry_after:g}s")
        self.retry_after = retry_after
