from django.core.asgi import get_asgi_application

from config.settings import use_default_settings

use_default_settings()
application = get_asgi_application()
