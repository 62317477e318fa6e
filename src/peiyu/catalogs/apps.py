from django.apps import AppConfig


class CatalogsConfig(AppConfig):
    name = "peiyu.catalogs"
    label = "catalogs"
    verbose_name = "参考目录"
