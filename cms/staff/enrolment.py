"""The admin's second-factor views: set up an authenticator app, and verify a code.

Both sit under /admin/ and look like Wagtail's sign-in page. After either, the user goes on to
``next`` (where they were headed when SecondFactorMiddleware stopped them).
"""

from django import forms
from django.contrib.auth.views import RedirectURLMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView

from . import mfa


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class SecondFactorView(RedirectURLMixin, FormView):
    form_class = CodeForm

    def get_default_redirect_url(self):
        return reverse("wagtailadmin_home")

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.get_redirect_url(), **kwargs)

    def wrong_code(self, form, message):
        form.add_error("code", message)
        return self.form_invalid(form)


class SetUpView(SecondFactorView):
    """Shows a new app's key (QR code and text); a right code makes it the user's factor.

    Open to a user without a factor, and to a verified user replacing theirs; a user with a
    factor who has not given it yet is sent to verify it first.
    """

    template_name = "cms/mfa/setup.html"

    def dispatch(self, request, *args, **kwargs):
        if mfa.has_factor(request.user) and not request.user.is_verified():
            return redirect(f"{reverse('cms_mfa_verify')}?{request.GET.urlencode()}")
        self.device = mfa.pending_app(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            qr_code=mfa.qr_code_svg(self.device),
            secret=mfa.secret(self.device),
            replacing=mfa.has_factor(self.request.user),
            **kwargs,
        )

    def form_valid(self, form):
        codes = mfa.confirm_app(self.request, self.device, form.cleaned_data["code"])
        if codes is None:
            return self.wrong_code(form, "That is not the app's current code. Try the next one.")
        context = self.get_context_data(recovery_codes=codes)
        return self.response_class(
            request=self.request, template="cms/mfa/recovery_codes.html", context=context
        )


class VerifyView(SecondFactorView):
    """Asks for the app's code (or a recovery code) after the password."""

    template_name = "cms/mfa/verify.html"

    def dispatch(self, request, *args, **kwargs):
        if not mfa.has_factor(request.user):
            return redirect(f"{reverse('cms_mfa_setup')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        if not mfa.verify(self.request, form.cleaned_data["code"]):
            return self.wrong_code(
                form,
                "That code is not right, was used already, or came too soon after a wrong one.",
            )
        return redirect(self.get_success_url())
