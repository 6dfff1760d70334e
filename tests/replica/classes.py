"""Class names that no evidence shows, drawn at random per seed.

The site notes (shared/rt-site) name some of the markup: ``h1.heading``,
``div.text.js-text.js-mediator-article``, ``p.intro``, ``.photo``/``.caption``/``.copyright``,
``.news-tags``, the ``read-more`` card family, ``a.heading`` listing cards and so on. Everything else
(the stories strip, sidebars, comments, poll, the load-more control, wrappers of newer layouts)
is unknown, so the replica gives it names drawn from the seed: a crawler can pass the tests only
through evidenced selectors, page structure and meta/JSON-LD, never through a name made up here.

>>> names = ClassNames(seed=1)
>>> names("stories") == names("stories") != names("sidebar")
True
>>> ClassNames(seed=2)("stories") != names("stories")
True
"""

from random import Random

_SYLLABLES = ("ba", "bo", "da", "fe", "gu", "ka", "ki", "lo", "lu", "ma", "mo", "nu", "pe", "ri", "ro", "sa",
              "su", "ta", "to", "vi", "vo", "za", "zu", "ne")
#: Parts of evidenced class names (and words a crawler might guess): a drawn name holds none of them.
_AVOID = ("read", "more", "photo", "capt", "copy", "head", "text", "intro", "tag", "date", "time", "art",
          "news", "code", "embed", "title", "stor", "card", "list", "cross", "video", "tweet", "share", "menu",
          "link", "item", "media", "main", "foot", "side", "comm", "poll", "cook", "ad", "rt")


class ClassNames:
    """``names(role)``: the class name the replica uses for ``role`` on this seed's site."""

    def __init__(self, seed: int):
        self.seed = seed
        self._names: dict[str, str] = {}

    def __call__(self, role: str) -> str:
        name = self._names.get(role)
        if name is None:
            rng = Random(f"{self.seed}:class:{role}")
            taken = set(self._names.values())
            while True:
                words = ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))) for _ in range(2)]
                name = rng.choice(("-", "__", "_")).join(words)
                if name not in taken and not any(part in name for part in _AVOID):
                    break
            self._names[role] = name
        return name
