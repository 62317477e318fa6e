import os

from peiyu.core.wsgi import application_frozen

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peiyu.config.settings.dev")
application = application_frozen()  # start-up frozen for the garbage collector (core.wsgi)
