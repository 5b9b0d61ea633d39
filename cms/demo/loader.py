"""Load the whole demo set in order, with a progress bar."""
from django.db import transaction
from tqdm import tqdm

from cms.demo import events, figures, news, norms, practices, site


def load_all(stdout=None, disable_progress=False):
    total = 1 + norms.norm_count() + figures.figure_count() + practices.PRACTICE_COUNT + events.EVENT_COUNT + len(news.NEWS)
    with tqdm(total=total, desc="Contenuti dimostrativi", unit="pag", file=stdout, disable=disable_progress) as bar:
        with transaction.atomic():
            tree = site.build_tree()
            bar.update(1)
            acts = norms.load_norms(tree["quadro-normativo"], bar)
            figures.load_figures(tree["dati"], bar)
            practices.load_practices(tree["buone-pratiche"], acts, bar)
            events.load_seminars(tree["seminari"], acts, bar)
            events.load_workshops(tree["laboratori"], acts, bar)
            news.load_news(tree["notizie"], acts, bar)
    return tree
