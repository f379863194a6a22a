from django.apps import AppConfig


class CompositionRootConfig(AppConfig):
    """The composition root as an app only so that its commands are found (`seed_demo`): no
    models, no migrations, no admin (docs/adr/0006-demo-data-in-the-composition-root.md)."""

    name = "config"
    verbose_name = "Composition root"
