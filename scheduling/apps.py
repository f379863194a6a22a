from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        from pricing import public as pricing
        from scheduling import public

        # Price rules match the booking's local start: pricing asks us for the site's clock.
        pricing.site_timezone.provide(public.site_timezone)
