"""One way for a service to say no."""


class Refused(Exception):
    """An action that is not taken: not allowed to this person, not allowed now, or asking for
    something impossible. Nothing was changed. The message is for the person who tried, in
    their language; views show it and keep what they typed.

    `retry_after` (seconds) is set when waiting will help (a rate limit); `conflict` when
    someone else changed the same thing meanwhile (the page answers 409); `field` names the
    form field it is about, when it is about one (a page points its message there)."""

    def __init__(
        self,
        message,
        *,
        retry_after: int | None = None,
        conflict: bool = False,
        field: str | None = None,
    ):
        super().__init__(str(message))
        self.message = message
        self.retry_after = retry_after
        self.conflict = conflict
        self.field = field
