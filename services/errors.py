"""Domain errors raised by more than one service, defined once: a caller catching one catches it
whichever service raised it.

Lookups that name nothing are `LookupError`s (`handlers.errors` answers an uncaught one as «no
longer there»).
"""

from __future__ import annotations

__all__ = ["TextTooLong", "TextTooShort", "UnknownAgency", "UnknownMember"]


class TextTooShort(ValueError):
    """A text shorter than `minimum` once cleaned; `field` names it."""

    def __init__(self, field_name: str, minimum: int) -> None:
        super().__init__(f"{field_name} shorter than {minimum}")
        self.field = field_name
        self.minimum = minimum


class TextTooLong(ValueError):
    """A text of `length` characters once cleaned, over its `maximum`; `field` names it."""

    def __init__(self, field_name: str, length: int, maximum: int) -> None:
        super().__init__(f"{field_name} of {length} characters, over {maximum}")
        self.field = field_name
        self.length = length
        self.maximum = maximum


class UnknownMember(LookupError):
    """No council member with that id (for a meeting or a resolution: none active in the
    neighbourhood)."""

    def __init__(self, member_id: int) -> None:
        super().__init__(f"no council member {member_id} here")
        self.member_id = member_id


class UnknownAgency(LookupError):
    """No executive agency with that key or id; `known` lists the keys there are, when given."""

    def __init__(self, agency: str | int | None, known: tuple[str, ...] = ()) -> None:
        super().__init__(
            f"no executive agency {agency!r}" + (f"; known: {', '.join(known)}" if known else "")
        )
        self.agency, self.known = agency, known
