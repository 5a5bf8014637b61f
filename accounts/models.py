from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """One person: a buyer, possibly the owner or staff of a shop, and (as Django staff) an operator."""

    email = models.EmailField(_("email address"), blank=True)
    # What the person reads us in: notifications, e-mails and chat notices are rendered in it. Set from the
    # request's language at sign-up, log-in and the language switch; editable in the settings and `me`.
    language = models.CharField(
        verbose_name=_("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username


class OperatorAction(models.Model):
    """The audit log: who did what to which object, when and why. Append-only."""

    # No index of its own: the index on (actor_id, created_at) leads with it.
    actor = models.ForeignKey(
        User, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="operator_actions", db_index=False
    )
    action = models.CharField(verbose_name=_("action"), max_length=60)
    object_type = models.CharField(verbose_name=_("object type"), max_length=60)
    object_id = models.CharField(verbose_name=_("object id"), max_length=60)
    object_repr = models.CharField(verbose_name=_("object repr"), max_length=200, blank=True)
    reason = models.CharField(verbose_name=_("reason"), max_length=500, blank=True)
    data = models.JSONField(verbose_name=_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("operator action")
        verbose_name_plural = _("operator actions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["actor", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} {self.object_type}#{self.object_id}"


class UserSession(AbstractBaseSession):
    """A browser session (the SESSION_ENGINE accounts.sessions), with the id of the person signed in to it.

    Django's own session table is keyed by a random id only, so finding one person's sessions meant
    decoding every live one; this index makes "log out everywhere" one indexed DELETE. Not a foreign key:
    a session is written on every request that changes it, and must never fail on a user deleted meanwhile.
    """

    account_id = models.BigIntegerField(verbose_name=_("account id"), null=True, blank=True, db_index=True)

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_user_session"

    @classmethod
    def get_session_store_class(cls):
        from accounts.sessions import SessionStore

        return SessionStore
