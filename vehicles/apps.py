from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VehiclesConfig(AppConfig):
    name = "vehicles"
    verbose_name = _("Vehicles")

    def ready(self) -> None:
        from accounts.public import account_erased, personal_data_requested
        from vehicles import receivers
        from vehicles.receivers import personal_data_section

        personal_data_requested.connect(
            personal_data_section, dispatch_uid="vehicles.personal_data_section"
        )
        account_erased.connect(receivers.account_erased, dispatch_uid="vehicles.account_erased")
