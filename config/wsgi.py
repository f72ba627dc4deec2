from django.core.wsgi import get_wsgi_application

from config.settings import use_default_settings

use_default_settings()
application = get_wsgi_application()
