"""Vietnamese first: the UI language is Vietnamese unless the visitor chose another.

Django's LocaleMiddleware follows the browser's Accept-Language header. Many
phones in Vietnam run with an English system language, and their owners
would get English menus around Vietnamese content. So only an explicit
choice (the language switch in the footer, stored in Django's language
cookie) changes the language here.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
