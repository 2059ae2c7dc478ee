"""The tool's own errors: each carries one line a user can act on."""


class ErrcontractError(Exception):
    """Base class: the message is one line saying what is wrong and how to fix it."""

    exit_code = 2


class UsageError(ErrcontractError):
    """Bad command-line input (unknown provider, bad URL, wrong option value)."""


class ContractError(ErrcontractError):
    """A contract file is unreadable or invalid; the message names the file and key path."""
