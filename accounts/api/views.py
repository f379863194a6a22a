"""Account endpoints: thin adapters that validate input and call the account services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.generics import GenericAPIView
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.serializers import (
    AcceptedSerializer,
    EmailChangeSerializer,
    LoginSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    PersonalDataSerializer,
    ProfileUpdateSerializer,
    RefreshSerializer,
    RegisterSerializer,
    SessionSerializer,
    TokenObtainSerializer,
    TokenPairSerializer,
    UserSerializer,
    VerifyEmailSerializer,
)
from accounts.domain.codes import AccountErrorCode
from accounts.services import recovery, sessions, verification
from core.api.codes import error_codes
from core.api.throttling import (
    AnonRateThrottle,
    LoginEmailThrottle,
    LoginIpThrottle,
    PasswordResetEmailThrottle,
    RegisterEmailThrottle,
    UserRateThrottle,
    VerificationResendThrottle,
    login_device,
    login_device_token,
)
from core.client_ip import client_ip

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import LoginSession, User


def _me(request: Request) -> User:
    """The authenticated user (every view here but the auth ones requires authentication)."""
    return cast("User", request.user)


def _valid(serializer_class: type[Any], request: Request, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _pair(pair: sessions.TokenPair) -> dict[str, str]:
    return {"access": pair.access, "refresh": pair.refresh}


def _user_agent(request: Request) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))


def _client(request: Request) -> sessions.Client:
    return sessions.Client(user_agent=_user_agent(request), ip=client_ip(request))


class RegisterView(APIView):
    permission_classes = (permissions.AllowAny,)
    authentication_classes = ()
    throttle_classes = (AnonRateThrottle, LoginIpThrottle, RegisterEmailThrottle)

    @extend_schema(
        request=RegisterSerializer,
        responses={202: AcceptedSerializer},
        tags=["auth"],
        description=(
            "Creates a customer account and e-mails it a link to verify the address. An address "
            "that already has an account gets the same answer (its owner is e-mailed instead), "
            "so the answer never tells whether an address has an account: sign in next."
        ),
    )
    @error_codes()
    def post(self, request: Request) -> Response:
        services.user_register(**_valid(RegisterSerializer, request))
        detail = _(
            "Check your e-mail: we have sent a message to this address. You can sign in with "
            "your password."
        )
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class TokenObtainView(APIView):
    permission_classes = (permissions.AllowAny,)
    authentication_classes = ()
    throttle_classes = (LoginIpThrottle, LoginEmailThrottle)

    @extend_schema(request=TokenObtainSerializer, responses={200: LoginSerializer}, tags=["auth"])
    @error_codes({401: [AccountErrorCode.INVALID_CREDENTIALS]})
    def post(self, request: Request) -> Response:
        data = _valid(TokenObtainSerializer, request)
        pair = services.token_obtain(
            email=data["email"],
            password=data["password"],
            client_ip=client_ip(request),
            user_agent=_user_agent(request),
        )
        device = login_device(data.get("device"), data["email"])
        return Response({**_pair(pair), "device": login_device_token(data["email"], device=device)})


class TokenRefreshView(APIView):
    permission_classes = (permissions.AllowAny,)
    authentication_classes = ()

    @extend_schema(request=RefreshSerializer, responses={200: TokenPairSerializer}, tags=["auth"])
    @error_codes()
    def post(self, request: Request) -> Response:
        data = _valid(RefreshSerializer, request)
        pair = services.token_refresh(refresh=data["refresh"], client=_client(request))
        return Response(_pair(pair))


class LogoutView(APIView):
    permission_classes = (permissions.AllowAny,)
    authentication_classes = ()

    @extend_schema(
        request=RefreshSerializer,
        responses={204: OpenApiResponse(description="The refresh token is revoked.")},
        tags=["auth"],
    )
    @error_codes()
    def post(self, request: Request) -> Response:
        data = _valid(RefreshSerializer, request)
        services.token_revoke(refresh=data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses={200: UserSerializer}, tags=["me"])
    @error_codes()
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(_me(request)).data)

    @extend_schema(request=ProfileUpdateSerializer, responses={200: UserSerializer}, tags=["me"])
    @error_codes()
    def patch(self, request: Request) -> Response:
        changes = _valid(ProfileUpdateSerializer, request, partial=True)
        user = services.user_update_profile(user=_me(request), actor=_me(request), **changes)
        return Response(UserSerializer(user).data)

    @extend_schema(
        responses={204: OpenApiResponse(description="Personal data anonymised, account closed.")},
        tags=["me"],
    )
    @error_codes()
    def delete(self, request: Request) -> Response:
        services.user_delete_account(user=_me(request), actor=_me(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordView(APIView):
    @extend_schema(
        request=PasswordChangeSerializer,
        responses={204: OpenApiResponse(description="Changed; every session is signed out.")},
        tags=["me"],
    )
    @error_codes()
    def post(self, request: Request) -> Response:
        data = _valid(PasswordChangeSerializer, request)
        services.user_change_password(
            user=_me(request),
            old_password=data["old_password"],
            new_password=data["new_password"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExportView(APIView):
    @extend_schema(responses={200: PersonalDataSerializer}, tags=["me"])
    @error_codes()
    def get(self, request: Request) -> Response:
        data = selectors.user_personal_data(user=_me(request))
        response = Response(data)
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response


class PasswordResetView(APIView):
    permission_classes = (permissions.AllowAny,)
    authentication_classes = ()
    throttle_classes = (AnonRateThrottle, LoginIpThrottle, PasswordResetEmailThrottle)

    @extend_schema(
        request=PasswordResetSerializer,
        responses={202: AcceptedSerializer},
        tags=["auth"],
        description=(
            "E-mails a link to choose a new password to the account with this address, if there "
            "is one. The answer is the same either way."
        ),
    )
    @error_codes()
    def post(self, request: Request) -> Response:
        data = _valid(PasswordResetSerializer, request)
        recovery.password_reset_request(email=data["email"])
        detail = _(
            "If an account has this e-mail address, we have sent it a link to choose a new "
            "password. Check your e-mail."
        )
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(APIView):
    permission_classes = (permissions.AllowAny,)
    authentication_classes = ()
    throttle_classes = (AnonRateThrottle, LoginIpThrottle)

    @extend_schema(
        request=PasswordResetConfirmSerializer,
        responses={204: OpenApiResponse(description="Set; every session is signed out.")},
        tags=["auth"],
    )
    @error_codes({400: [AccountErrorCode.PASSWORD_RESET_TOKEN_INVALID]})
    def post(self, request: Request) -> Response:
        data = _valid(PasswordResetConfirmSerializer, request)
        recovery.password_reset_confirm(token=data["token"], new_password=data["new_password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class VerifyEmailView(APIView):
    permission_classes = (permissions.AllowAny,)
    authentication_classes = ()
    throttle_classes = (AnonRateThrottle, LoginIpThrottle)

    @extend_schema(
        request=VerifyEmailSerializer,
        responses={
            204: OpenApiResponse(description="The address is verified (or changed to it)."),
            409: OpenApiResponse(
                description="A change of address whose new address another account took "
                "meanwhile (`email_taken`)."
            ),
        },
        tags=["auth"],
    )
    @error_codes(
        {
            400: [AccountErrorCode.EMAIL_VERIFICATION_TOKEN_INVALID],
            409: [AccountErrorCode.EMAIL_TAKEN],
        }
    )
    def post(self, request: Request) -> Response:
        data = _valid(VerifyEmailSerializer, request)
        verification.email_verify(token=data["token"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class VerifyEmailResendView(APIView):
    throttle_classes = (UserRateThrottle, VerificationResendThrottle)

    @extend_schema(
        request=None,
        responses={202: AcceptedSerializer},
        tags=["auth"],
        description="E-mails another verification link to your address (3 an hour).",
    )
    @error_codes()
    def post(self, request: Request) -> Response:
        if verification.email_verification_resend(user=_me(request)):
            detail = _("Check your e-mail: we have sent you a new verification link.")
        else:
            detail = _("Your e-mail address is verified already.")
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


class SessionListView(ListModelMixin, GenericAPIView["LoginSession"]):
    serializer_class = SessionSerializer
    filter_backends = ()

    def get_queryset(self) -> QuerySet[LoginSession]:
        return selectors.active_sessions(user=_me(self.request))

    def get_serializer_context(self) -> dict[str, Any]:
        claims = getattr(self.request.auth, "payload", None) or {}
        current = claims.get(sessions.SESSION_CLAIM)
        return {**super().get_serializer_context(), "current_session": current}

    @extend_schema(
        summary="My signed-in devices",
        description=(
            "The active sessions of the API (one per login, renewed by each refresh), the one "
            "last used first."
        ),
        responses={200: SessionSerializer(many=True)},
        tags=["me"],
    )
    @error_codes()
    def get(self, request: Request) -> Response:
        return self.list(request)


class SessionDetailView(APIView):
    @extend_schema(
        summary="Sign a device out",
        description=(
            "Revokes the session's refresh token. Its access token works until it expires (at "
            "most 15 minutes)."
        ),
        responses={
            204: OpenApiResponse(description="Signed out."),
            404: OpenApiResponse(description="No such active session of yours."),
        },
        tags=["me"],
    )
    @error_codes({404: [AccountErrorCode.SESSION_NOT_FOUND]})
    def delete(self, request: Request, session_id: UUID) -> Response:
        sessions.session_end(user=_me(request), session_id=session_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="Every session is signed out.")},
        tags=["auth"],
        description=(
            "Revokes every refresh token of the account (every device, this one included). "
            "Access tokens work until they expire (at most 15 minutes)."
        ),
    )
    @error_codes()
    def post(self, request: Request) -> Response:
        services.user_revoke_refresh_tokens(user=_me(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailChangeView(APIView):
    throttle_classes = (UserRateThrottle, VerificationResendThrottle)

    @extend_schema(
        request=EmailChangeSerializer,
        responses={202: AcceptedSerializer},
        tags=["me"],
        description=(
            "E-mails a link to the new address; the address changes when the link is opened "
            "(POST auth/verify-email with its token), and the old address is told. Counted with "
            "the verification links (3 an hour)."
        ),
    )
    @error_codes({409: [AccountErrorCode.EMAIL_TAKEN]})
    def post(self, request: Request) -> Response:
        data = _valid(EmailChangeSerializer, request)
        verification.email_change_request(
            user=_me(request), password=data["password"], new_email=data["new_email"]
        )
        detail = _(
            "Check your e-mail at the new address: your address changes when you open the link "
            "we have sent there."
        )
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)
