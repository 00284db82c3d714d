"""The admin's pages for accounts (issue 14, item 8): the list with a search, adding a person, one person's page
and its actions: change their role and links, deactivate and reactivate, reset two-factor sign-in, sign out
everywhere, and a one-time link to choose a password (the service sends no email).

Every action is a POST with CSRF; the ones that take something away (deactivate, reset two-factor, sign out
everywhere, a new link that replaces the last) are behind a confirmation page. An admin may not deactivate
their own account, reset their own two-factor sign-in here, or take away their own admin role. A change of
links saved from a page opened before a colleague's change is refused with a 409 showing theirs: the page
carries the account's version, and the save is a conditional UPDATE from it (deactivating, reactivating,
resetting two-factor sign-in and signing out everywhere raise it too).
No deactivation or change of role may leave no active administrator, even two admins removing each other at
the same moment (assess.data.admin_users: locked, then counted again after the change): a GOV.UK error, 409."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from assess.admin import user_forms
from assess.admin.blueprint import bp
from assess.auth.decorators import admin_required
from assess.auth.loaders import user_required
from assess.data import admin_users, password_links
from assess.data.areas import get_sites_by_codes
from assess.data.two_factor import reset_two_factor as reset_two_factor_of
from assess.data.users import end_all_sessions, get_user_by_email
from assess.services import admin_users as accounts

if TYPE_CHECKING:
    from assess.models import User

Page = str | Response | tuple[str, int]

NO_ADMIN_LEFT_ROLE = (
    "{name} is the only active administrator left, so their admin role cannot be taken away: give someone else "
    "the admin role first"
)
NO_ADMIN_LEFT_DEACTIVATE = (
    "{name} is the only active administrator left, so their account cannot be deactivated: give someone else "
    "the admin role first. Nothing has been changed."
)


def _lookups() -> user_forms.Lookups:
    areas, labels = accounts.areas_to_choose()
    return user_forms.Lookups(
        sites_by_code=get_sites_by_codes,
        areas_by_code=areas,
        area_labels=labels,
        email_in_use=lambda email: get_user_by_email(email) is not None,
    )


def _is_self(user: User) -> bool:
    return bool(user.id == current_user.id)


@bp.route("/users")
@admin_required
def users() -> str:
    search = request.args.get("q", "").strip()[: admin_users.MAX_SEARCH]
    return render_template("admin/users.html", accounts=accounts.list_accounts(search), search=search)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_user() -> Page:
    form = user_forms.AddAccountForm().use(_lookups())
    if form.validate_on_submit() and form.links is not None:
        links = form.links
        try:
            user = admin_users.create_user_without_password(
                form.normalised_email,
                (form.name.data or "").strip(),
                links.role,
                current_user,
                sites=links.sites,
                remit=links.remit,
                areas=links.areas,
            )
        except admin_users.EmailInUse:
            form.email.errors = ["There is already an account with this email address"]
            return render_template("admin/user_form.html", form=form, adding=True, hints=user_forms.ROLE_HINTS), 409
        token, link = password_links.make_password_link(user, current_user)
        return _show_link(user, token, link, created=True)
    return render_template("admin/user_form.html", form=form, adding=True, hints=user_forms.ROLE_HINTS)


@bp.route("/users/<int:user_id>")
@admin_required
@user_required
def user(user: User) -> str:
    return render_template(
        "admin/user.html",
        account=accounts.summarise(user),
        link=accounts.password_link_state(user),
        is_self=_is_self(user),
        form=user_forms.ConfirmForm(),
    )


@bp.route("/users/<int:user_id>/change", methods=["GET", "POST"])
@admin_required
@user_required
def change_user(user: User) -> Page:
    form = user_forms.ChangeAccountForm().use(_lookups())
    if request.method == "GET":
        summary = accounts.summarise(user)
        form.name.data = summary.name
        form.show(
            summary.role, [code for code, _ in summary.sites], summary.remit_pairs, [code for code, _ in summary.areas]
        )
        form.fingerprint.data = accounts.fingerprint(user)
        return _change_page(user, form)
    if not form.validate_on_submit() or form.links is None:
        return _change_page(user, form)
    links = form.links
    if _is_self(user) and links.role != "admin":
        form.role.errors = ["You cannot take away your own admin role: ask another administrator to do it"]
        return _change_page(user, form), 403
    admin_users.lock_user(user)
    seen = accounts.version_in(form.fingerprint.data)
    try:
        if seen is None or form.fingerprint.data != accounts.fingerprint(user):
            raise admin_users.ChangedMeanwhile(user.id)
        # One conditional UPDATE from the version the page showed: of two saves at the same moment (SQLite takes
        # no row lock) only one matches.
        admin_users.claim_version(user, seen)
    except admin_users.ChangedMeanwhile:
        # A colleague changed the account after this page was opened: nothing is saved; their version is shown,
        # with what this admin chose kept in the form, and saving again (with the new fingerprint) keeps it.
        admin_users.lock_user(user)
        form.fingerprint.data = accounts.fingerprint(user)
        return _change_page(user, form, conflict=True), 409
    try:
        changed = admin_users.change_user_links(
            user,
            (form.name.data or "").strip(),
            links.role,
            current_user,
            sites=links.sites,
            remit=links.remit,
            areas=links.areas,
        )
    except admin_users.NoAdminLeft:
        form.role.errors = [NO_ADMIN_LEFT_ROLE.format(name=user.name)]
        return _change_page(user, form), 409
    flash(f"{user.name}'s account has been changed." if changed else "Nothing was changed.", "success")
    return redirect(url_for("admin.user", user_id=user.id))


def _change_page(user: User, form: user_forms.ChangeAccountForm, conflict: bool = False) -> str:
    return render_template(
        "admin/user_form.html",
        form=form,
        adding=False,
        account=accounts.summarise(user),
        hints=user_forms.ROLE_HINTS,
        conflict=conflict,
        has_errors=conflict,
    )


# -- Actions on an account ----------------------------------------------------------------------------------

ACTIONS: dict[str, dict[str, str]] = {
    "deactivate": {
        "title": "Deactivate {name}'s account",
        "button": "Deactivate the account",
        "self": "You cannot deactivate your own account: ask another administrator to do it.",
        "done": "{name}'s account has been deactivated. They have been signed out and cannot sign in.",
    },
    "reset-two-factor": {
        "title": "Reset {name}'s two-factor sign-in",
        "button": "Reset two-factor sign-in",
        "self": "You cannot reset your own two-factor sign-in here: another administrator must do it, so that "
        "someone who has taken over your session cannot remove your second factor. To change your own, "
        "go to Your account.",
        "done": "{name}'s two-factor sign-in has been reset and they have been signed out.",
    },
    "sign-out-everywhere": {
        "title": "Sign {name} out everywhere",
        "button": "Sign them out everywhere",
        "self": "",
        "done": "{name} has been signed out on every computer.",
    },
    "password-link": {
        "title": "Make a link for {name} to choose a password",
        "button": "Make the link",
        "self": "",
        "done": "",
    },
}


def _confirm_page(action: str, user: User, form: user_forms.ConfirmForm, refused: str = "") -> str:
    texts = ACTIONS[action]
    return render_template(
        "admin/user_confirm.html",
        action=action,
        title=texts["title"].format(name=user.name),
        button=texts["button"],
        refused=refused,
        account=accounts.summarise(user),
        link=accounts.password_link_state(user),
        form=form,
        has_errors=bool(refused),
    )


def _done(action: str, user: User) -> Response:
    flash(ACTIONS[action]["done"].format(name=user.name), "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@admin_required
@user_required
def deactivate_user(user: User) -> Page:
    form = user_forms.ConfirmForm()
    if _is_self(user):
        return _confirm_page("deactivate", user, form, ACTIONS["deactivate"]["self"]), 403
    if not form.validate_on_submit():
        return _confirm_page("deactivate", user, form)
    try:
        admin_users.deactivate_keeping_an_admin(user, current_user)
    except admin_users.NoAdminLeft:
        return _confirm_page("deactivate", user, form, NO_ADMIN_LEFT_DEACTIVATE.format(name=user.name)), 409
    return _done("deactivate", user)


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@admin_required
@user_required
def reactivate_user(user: User) -> Response:
    form = user_forms.ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if admin_users.reactivate_user(user, current_user):
        flash(f"{user.name}'s account has been reactivated: they can sign in again.", "success")
    else:
        flash(f"{user.name}'s account was already active.", "success")
    return redirect(url_for("admin.user", user_id=user.id))


@bp.route("/users/<int:user_id>/reset-two-factor", methods=["GET", "POST"])
@admin_required
@user_required
def reset_two_factor(user: User) -> Page:
    form = user_forms.ConfirmForm()
    if _is_self(user):
        return _confirm_page("reset-two-factor", user, form, ACTIONS["reset-two-factor"]["self"]), 403
    if not user.has_two_factor:
        flash(f"{user.name} has not set up two-factor sign-in: there is nothing to reset.")
        return redirect(url_for("admin.user", user_id=user.id))
    if not form.validate_on_submit():
        return _confirm_page("reset-two-factor", user, form)
    reset_two_factor_of(user, current_user)
    admin_users.bump_version(user)
    return _done("reset-two-factor", user)


@bp.route("/users/<int:user_id>/sign-out-everywhere", methods=["GET", "POST"])
@admin_required
@user_required
def sign_out_everywhere(user: User) -> Page:
    form = user_forms.ConfirmForm()
    if not form.validate_on_submit():
        return _confirm_page("sign-out-everywhere", user, form)
    end_all_sessions(user, current_user, action="signed-out-everywhere", reason="signed out everywhere by an admin")
    admin_users.bump_version(user)
    return _done("sign-out-everywhere", user)


@bp.route("/users/<int:user_id>/password-link", methods=["GET", "POST"])
@admin_required
@user_required
def password_link(user: User) -> Page:
    form = user_forms.ConfirmForm()
    if not user.active:
        refused = f"{user.name}'s account is deactivated: reactivate it first, then make a link."
        return _confirm_page("password-link", user, form, refused), 409
    if not form.validate_on_submit():
        return _confirm_page("password-link", user, form)
    token, link = password_links.make_password_link(user, current_user)
    return _show_link(user, token, link, created=False)


def _show_link(user: User, token: str, link: Any, created: bool) -> str:
    """The link, shown this once (only its hash is stored): the response is never cached (no-store)."""
    return render_template(
        "admin/password_link.html",
        account=accounts.summarise(user),
        url=url_for("choose_password.open_link", token=token, _external=True),
        expires_at=link.expires_at,
        expires_in=accounts.hours_until(link.expires_at),
        created=created,
    )
