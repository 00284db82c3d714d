"""Two-factor sign-in in the database: set up, codes accepted once, recovery codes used once, reset.

The keys and codes are made and checked in assess.auth.two_factor; this module stores what it decides. A
code's time step and a recovery code are each taken with one conditional UPDATE, so that two requests with
the same code (a replay, or a double click on two servers) cannot both succeed.
"""

from __future__ import annotations

import json

from sqlalchemy import or_, select, update

from assess.data.audit import record
from assess.data.clock import now
from assess.data.users import end_all_sessions
from assess.extensions import db
from assess.models import User


def recovery_code_hashes(user: User) -> list[str]:
    try:
        hashes = json.loads(user.tf_recovery_codes or "[]")
    except ValueError:
        return []
    return [str(item) for item in hashes] if isinstance(hashes, list) else []


def set_up_two_factor(user: User, secret: str, counter: int, code_hashes: list[str], actor: User | None) -> bool:
    """Store a newly confirmed authenticator key (and the time step of the code that confirmed it, which is
    then used up) and a new set of recovery codes: only if the person has none (a conditional update, so that
    of two set-ups at the same moment, in two tabs or by someone else with the password, the first wins and the
    second is refused, never silently replacing the key the first person's app holds). False when refused."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, User.tf_totp_secret.is_(None))
        .values(
            tf_totp_secret=secret,
            tf_last_counter=counter,
            tf_recovery_codes=json.dumps(code_hashes),
            tf_set_up_at=now(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user, ["tf_totp_secret", "tf_last_counter", "tf_recovery_codes", "tf_set_up_at"])
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    record(
        actor or user,
        "two-factor-set-up",
        "user",
        user.email,
        after={"method": "authenticator app", "recovery_codes": len(code_hashes)},
    )
    return True


def take_time_step(user: User, counter: int) -> bool:
    """Use up a code's time step: true when no code of this or a later step was accepted before."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.tf_last_counter.is_(None), User.tf_last_counter < counter))
        .values(tf_last_counter=counter)
        .execution_options(synchronize_session=False)
    )
    taken = bool(result.rowcount)  # type: ignore[attr-defined]
    db.session.refresh(user, ["tf_last_counter"])
    return taken


def take_recovery_code(user: User, code_hash: str) -> int | None:
    """Use up a recovery code: the number left, or None when it is not one of this person's unused codes."""
    before = user.tf_recovery_codes
    hashes = recovery_code_hashes(user)
    if code_hash not in hashes:
        return None
    hashes.remove(code_hash)
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, User.tf_recovery_codes == before)
        .values(tf_recovery_codes=json.dumps(hashes))
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user, ["tf_recovery_codes"])
    if not result.rowcount:  # type: ignore[attr-defined]
        return None  # used (or replaced) at the same moment by another request
    record(user, "recovery-code-used", "user", user.email, after={"left": len(hashes)})
    return len(hashes)


def replace_recovery_codes(user: User, code_hashes: list[str]) -> None:
    user.tf_recovery_codes = json.dumps(code_hashes)
    db.session.flush()
    record(user, "recovery-codes-replaced", "user", user.email, after={"recovery_codes": len(code_hashes)})


def _clear(user: User) -> None:
    user.tf_totp_secret = None
    user.tf_last_counter = None
    user.tf_recovery_codes = None
    user.tf_set_up_at = None


def turn_off_two_factor(user: User) -> None:
    """A governor turns it off for themself (those who must use it cannot: the page does not offer it)."""
    _clear(user)
    db.session.flush()
    record(user, "two-factor-turned-off", "user", user.email)


def reset_two_factor(user: User, actor: User | None) -> None:
    """An admin's reset (a lost phone): the key and recovery codes are removed and every session of the person
    ends. Those who must use two-factor sign-in set it up again the next time they sign in."""
    had = user.has_two_factor
    _clear(user)
    db.session.flush()
    record(actor, "two-factor-reset", "user", user.email, before={"set_up": had}, after={"set_up": False})
    end_all_sessions(user, actor, reason="two-factor sign-in reset")


def get_user_by_identity(fs_uniquifier: str) -> User | None:
    """The person whose current identity this is (an identity ends with every session: see end_all_sessions)."""
    if not fs_uniquifier or len(fs_uniquifier) > 64:
        return None
    return db.session.scalar(select(User).where(User.fs_uniquifier == fs_uniquifier))
