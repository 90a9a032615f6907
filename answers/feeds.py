"""The RSS feed of an answers index."""

from django.contrib.syndication.views import Feed
from django.utils.translation import gettext as _


class AnswerFeed(Feed):
    """RSS 2.0: the newest published answers of one index."""

    def __init__(self, index):
        super().__init__()
        self.index = index

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.index.title

    def link(self):
        return self.index.get_url(request=self.request)

    def description(self):
        return self.index.intro or _("New answers to citizens' questions.")

    def items(self):
        return self.index.answers().order_by("-first_published_at", "-pk")[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.question

    def item_link(self, item):
        return item.get_url(request=self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_categories(self, item):
        return [item.field.name] if item.field_id else []
