"""Arabic text for the replica: headlines, leads and body paragraphs.

Real sentences taken from RT Arabic pages are mixed with sentences built from
templates, then "decorated" the way real copy is: tashkeel on some words,
alef/hamza and ta-marbuta/alef-maqsura spelling variants, tatweel,
Arabic-Indic digits, Latin names (RT, Telegram), emoji and both «» and ""
quotes. Every function takes a ``random.Random`` so that the text of an
article depends only on (seed, id).

The strings returned here are already normalised (single spaces, no
invisible characters); ``dirty_html`` is what adds no-break spaces and
zero-width characters to the HTML of some paragraphs.
"""

import html
import re
from random import Random
from urllib.parse import quote

#: Sentences from real RT Arabic articles.
REAL_SENTENCES = [
    "وأعلن الرئيس الأمريكي دونالد ترامب عبر حسابه في منصة \"تروث سوشيال\" عن إجرائه محادثة هاتفية \"مثمرة للغاية\" مع نظيره الروسي فلاديمير بوتين.",
    "كما أعرب ترامب عن اعتقاده بأن النجاح في ملف الشرق الأوسط سيسهم في تسريع مفاوضات إنهاء الحرب بين روسيا وأوكرانيا.",
    "واتفق الرئيسان على عقد اجتماع لمستشاريهما رفيعي المستوى الأسبوع المقبل، برئاسة وزير الخارجية الأمريكي ماركو روبيو للجانب الأمريكي.",
    "وكانت الموضوعات الرئيسية لمعظم محادثات بوتين وترامب هي استعادة العلاقات الثنائية والوضع في أوكرانيا.",
    "وعادة ما يذكر الزعيمان أيضا القضايا الراهنة، كما في حالة الشرق الأوسط.",
    "وأضافت: \"لا أعرف كيف سيتغير العالم، ولكن لا أحد يستطيع تخيل هذا العالم بدون RT اليوم\".",
    "وتحتفل RT اليوم الجمعة، بمرور 20 عاما على انطلاقها، حيث هنأ العديد من القادة والسياسيين في العالم القناة بهذه المناسبة.",
    "ووصل 43 قتيلا و111 مصابا إلى المستشفيات خلال الساعات الأربع والعشرين الأخيرة.",
    "واستهدف الطيران الإسرائيلي أيضا بلدتي عبسان وخزاعة شرقي مدينة خانيونس جنوبي القطاع.",
    "كما شهدت مناطق متفرقة من القطاع معارك ضارية حيث اندلعت اشتباكات عنيفة في محاور التوغل.",
    "وأكد يوآف غالانت أن الجيش سيواصل عمله حتى لا تتمكن الحركة من إعادة بناء قوتها.",
    "ومن المقرر أن تقام المباراة في الأول من ديسمبر بالرياض، ويتصدر الهلال لائحة ترتيب فرق البطولة برصيد 38 نقطة.",
    "وسبق لكاراسيف إدارة مباريات هذه الفرق مرتين عام (2015، 2022)، وفي المرتين فاز الهلال.",
    "ووفقا للصحيفة، أصبحت قناة RT الناطقة باللغة الإنجليزية واحدة من أنجح القنوات التلفزيونية حول العالم.",
    "وأوضح المقال أنه بالرغم من الانتقادات الواسعة، تمكنت RT من تنظيم بث واسع النطاق باللغة الإنجليزية.",
    "وقال المتحدث باسم الخارجية الروسية: \"ما من شك في أن من غزا العراق قبل 10 سنوات ساهم بشكل كبير في زعزعة الاستقرار\".",
    "وفي خضم المداولات التي عقدت في مجلس الشيوخ، عرضت السيناتور نسخة مكبرة للصورة المذكورة.",
    "ودانت الخارجية الروسية عملية الاغتيال، ووصفت استهدافه بالجريمة السياسية.",
    "فكيف تتابع موسكو مسارات التصعيد المحتمل في الشرق الأوسط؟",
    "وتعتبر المحادثة الهاتفية بين الرئيسين الثامنة خلال العام الجاري، والأولى بعد 59 يوما من آخر اتصال بينهما.",
    "ويمكنكم متابعة آخر الأخبار عبر قناتنا على Telegram على مدار الساعة.",
]

PEOPLE = [
    ("بوتين", "الرئيس الروسي فلاديمير بوتين"),
    ("لافروف", "وزير الخارجية الروسي سيرغي لافروف"),
    ("زاخاروفا", "المتحدثة باسم الخارجية الروسية ماريا زاخاروفا"),
    ("بيسكوف", "المتحدث باسم الكرملين دميتري بيسكوف"),
    ("ترامب", "الرئيس الأمريكي دونالد ترامب"),
    ("غوتيريش", "الأمين العام للأمم المتحدة أنطونيو غوتيريش"),
    ("أردوغان", "الرئيس التركي رجب طيب أردوغان"),
    ("ماكرون", "الرئيس الفرنسي إيمانويل ماكرون"),
    ("نتنياهو", "رئيس الوزراء الإسرائيلي بنيامين نتنياهو"),
    ("زيلينسكي", "الرئيس الأوكراني فولوديمير زيلينسكي"),
    ("شويغو", "أمين مجلس الأمن الروسي سيرغي شويغو"),
    ("السيسي", "الرئيس المصري عبد الفتاح السيسي"),
    ("الركراكي", "مدرب المنتخب المغربي وليد الركراكي"),
    ("صلاح", "النجم المصري محمد صلاح"),
]

PLACES = [
    "غزة", "دمشق", "بيروت", "القاهرة", "الرياض", "بغداد", "موسكو", "واشنطن", "كييف", "طهران",
    "الرباط", "الجزائر", "تونس", "عمّان", "الخرطوم", "صنعاء", "أنقرة", "بكين", "حلب", "طرابلس",
]

CLAIMS = [
    "لا أحد يستطيع تجاهل دور روسيا في المنطقة",
    "الغرب يتحمل مسؤولية انعدام الاستقرار",
    "المفاوضات دخلت مرحلة جديدة",
    "العقوبات لن تغير موقفنا",
    "نرحب بأي مبادرة لوقف إطلاق النار",
    "الحوار هو الطريق الوحيد لحل الأزمة",
    "التصعيد الأخير يهدد الأمن الإقليمي",
    "سنرد على أي استفزاز بحزم",
    "العلاقات الثنائية تشهد تطورا ملحوظا",
    "الاتفاق الجديد يخدم مصالح الشعبين",
    "لم نتلق أي مقترحات رسمية حتى الآن",
    "الوضع الإنساني كارثي ويتطلب تحركا عاجلا",
]

EVENTS = [
    "اشتباكات عنيفة في محيط المدينة",
    "انقطاع واسع للكهرباء يضرب الأحياء الجنوبية",
    "احتجاجات غاضبة أمام مقر الحكومة",
    "افتتاح أكبر معرض للتكنولوجيا في المنطقة",
    "ارتفاع قياسي في أسعار الذهب",
    "زلزال بقوة 5.4 درجات يضرب المنطقة",
    "أمطار غزيرة تغرق الشوارع",
    "إطلاق قمر صناعي جديد للاتصالات",
    "قمة طارئة لبحث التطورات الأخيرة",
    "اكتشاف أثري يعود إلى العصر البرونزي",
    "تحذيرات من موجة حر غير مسبوقة",
    "توقيع اتفاقية تعاون في مجال الطاقة",
    "حريق هائل يلتهم مستودعا للوقود",
    "فوز مثير في الدقائق الأخيرة من المباراة",
]

SUBJECTS = [
    "وزارة الدفاع الروسية", "البنك المركزي", "منظمة الصحة العالمية", "الجيش السوري", "الخارجية الصينية",
    "وكالة الفضاء الروسية روسكوسموس", "الاتحاد الأوروبي", "منظمة أوبك+", "الاتحاد الدولي لكرة القدم",
    "شركة غازبروم", "الحكومة العراقية", "البرلمان اللبناني", "وزارة الصحة المصرية",
]

ACTIONS = [
    "تعلن عن إجراءات جديدة", "تكشف تفاصيل خطة", "تحذر من عواقب", "تنفي صحة تقارير", "ترد على اتهامات",
    "تطلق مبادرة", "تعلق على قرار", "تتوقع تراجع", "تدعو إلى تحقيق دولي في", "ترصد تحركات",
]

OBJECTS = [
    "أسعار النفط", "الأزمة الأوكرانية", "ملف الهجرة", "البرنامج النووي الإيراني", "الأمن الغذائي",
    "الحرب في غزة", "سوق العملات الرقمية", "انتشار فيروس كورونا", "الذكاء الاصطناعي", "موسم الحج",
    "كأس أمم إفريقيا", "التغير المناخي", "محطة الفضاء الدولية", "الهواتف الذكية",
]

SUFFIXES = ["", "", "", "", " (فيديو)", " (صور)", " (صور + فيديو)", " 🔴"]

CLAUSES = [
    "الجانبين ناقشا سبل تعزيز التعاون في المجالات كافة",
    "الوضع على الأرض لا يزال متوترا رغم الجهود الدبلوماسية",
    "بلاده مستعدة للحوار دون شروط مسبقة",
    "الإجراءات الجديدة ستدخل حيز التنفيذ مطلع الشهر المقبل",
    "الخسائر الأولية تقدر بملايين الدولارات",
    "فرق الإنقاذ تواصل عملها في المنطقة المنكوبة",
    "القرار جاء بعد مشاورات استمرت عدة أسابيع",
    "الأرقام الرسمية تشير إلى تحسن ملحوظ مقارنة بالعام الماضي",
    "المسؤولين لم يقدموا أي تفسير لما حدث",
    "المباحثات ستستأنف في جولة جديدة الأسبوع المقبل",
    "التقارير المتداولة عبر وسائل التواصل الاجتماعي لا أساس لها من الصحة",
    "التعاون مع الشركاء الإقليميين يبقى أولوية",
]

SPEAKERS = [
    "وقال {person}", "وأكد {person}", "وأشار {person} إلى", "وأوضح {person}", "وصرح {person}",
]

OUTLETS = ["RT", "وكالة \"نوفوستي\"", "وكالة \"تاس\"", "صحيفة \"إزفيستيا\"", "قناة \"روسيا 24\"", "وكالة \"رويترز\""]

CONNECTORS = ["وفي السياق،", "من جهة أخرى،", "وفي وقت سابق،", "إلى ذلك،", "وبحسب مصادر مطلعة،"]

EMOJI = ["🔴", "⚽", "📸", "🚀"]

_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_TASHKEEL = ["\u064e", "\u064f", "\u0650", "\u0651", "\u0652"]


def to_arabic_indic(text: str) -> str:
    """Western digits replaced by Arabic-Indic ones (٠١٢...)."""
    return text.translate(_ARABIC_INDIC)


def headline(rng: Random) -> str:
    """A news headline in the shapes RT Arabic uses ("X: ...", "Place.. event", "Org does Y")."""
    form = rng.randrange(4)
    if form == 0:
        text = f"{rng.choice(PEOPLE)[0]}: {rng.choice(CLAIMS)}"
    elif form == 1:
        text = f"{rng.choice(PLACES)}.. {rng.choice(EVENTS)}"
    elif form == 2:
        text = f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)} {rng.choice(OBJECTS)}"
    else:
        text = f"{rng.choice(EVENTS)} في {rng.choice(PLACES)} و{rng.choice(PEOPLE)[0]} يعلق"
    number = rng.randrange(100)
    if number < 30:
        text += f" بعد {number + 2} يوما"
    return text + rng.choice(SUFFIXES)


def edited_headline(rng: Random, original: str) -> str:
    """The headline after an editor rewrote it (the URL slug keeps the original)."""
    return f"{rng.choice(PEOPLE)[0]}: {rng.choice(CLAIMS)} ({original.split(':')[0].split('..')[0]})"


def lead(rng: Random) -> str:
    """The one-sentence lead (meta description and p.intro)."""
    person = rng.choice(PEOPLE)[1]
    return f"أكد {person} أن {rng.choice(CLAUSES)}، مشيرا إلى أن {rng.choice(CLAUSES)}."


def sentence(rng: Random) -> str:
    """One body sentence: a real one or a generated quote/report."""
    kind = rng.randrange(5)
    if kind == 0:
        return rng.choice(REAL_SENTENCES)
    if kind == 1:
        speaker = rng.choice(SPEAKERS).format(person=rng.choice(PEOPLE)[1])
        return f"{speaker} في تصريح لـ{rng.choice(OUTLETS)} أن {rng.choice(CLAUSES)}."
    if kind == 2:
        return f"{rng.choice(CONNECTORS)} أعلنت {rng.choice(SUBJECTS)} أن {rng.choice(CLAUSES)}."
    if kind == 3:
        quote = rng.choice(CLAIMS)
        return f"{rng.choice(SPEAKERS).format(person=rng.choice(PEOPLE)[1])}: «{quote}»."
    return f"وتشير التقديرات إلى أن {rng.randrange(3, 900)} شخصا تأثروا، وأن {rng.choice(CLAUSES)}."


def decorate(rng: Random, text: str) -> str:
    """Spelling as found in real copy: tashkeel, hamza/alef and ة/ه, ى/ي variants, tatweel, digits."""
    roll = rng.random()
    if roll < 0.15:
        words = text.split(" ")
        i = rng.randrange(len(words))
        word = words[i]
        if len(word) > 3 and word.isalpha():
            words[i] = word[0] + rng.choice(_TASHKEEL) + word[1:]
        text = " ".join(words)
    elif roll < 0.25:
        text = text.replace("إلى", "الى", 1).replace("أن ", "ان ", 1)
    elif roll < 0.32:
        text = text.replace("ة ", "ه ", 1).replace("على", "علي", 1)
    elif roll < 0.40:
        text = re.sub(r"\bلل(\w)", "لـل\\1", text, count=1).replace("جديد", "جـديد", 1)
    elif roll < 0.50:
        text = to_arabic_indic(text)
    elif roll < 0.53:
        text = f"{text} {rng.choice(EMOJI)}"
    return text


def paragraph(rng: Random) -> str:
    """A body paragraph of one to three sentences."""
    return decorate(rng, " ".join(sentence(rng) for _ in range(rng.randint(1, 3))))


SUBHEADS = [
    "تفاصيل الاتفاق", "ردود الفعل الدولية", "خلفية الأزمة", "ماذا بعد؟", "أرقام ودلالات", "موقف موسكو",
    "الجانب الإنساني", "سياق التصعيد", "ما الذي تغير؟", "التداعيات الاقتصادية",
]


def subhead(rng: Random) -> str:
    """A subhead inside a body (``<h2>``/``<h3>``): short, no final stop."""
    return rng.choice(SUBHEADS)


def list_item(rng: Random) -> str:
    """One item of a list inside a body."""
    return decorate(rng, f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)} {rng.choice(OBJECTS)}")


def quotation(rng: Random) -> str:
    """A quotation set as a ``<blockquote>`` (article text, not an embed)."""
    return f"«{rng.choice(CLAIMS)}، و{rng.choice(CLAUSES)}»"


def quoting_paragraph(other_headline: str) -> str:
    """A paragraph that cites another article's headline inside a longer sentence (it is article prose)."""
    return f"وكانت RT قد نشرت في وقت سابق تقريرا بعنوان «{other_headline}»، تناول خلفيات هذه التطورات بالتفصيل."


def slugify(title: str) -> str:
    """The URL slug of a headline: words joined by '-', punctuation dropped, Latin lower-cased."""
    words = re.findall(r"[\w\u064b-\u0652\u0640]+", title)
    return "-".join(w.lower() for w in words)


def encode_slug(slug: str) -> str:
    """Percent-encoded (UTF-8, upper-case hex) as in the site's hrefs."""
    return quote(slug, safe="-_")


def dirty_html(rng: Random, text: str) -> str:
    """Escaped ``text`` with the invisible noise of real pages (NBSP, ZWSP, RLM, double spaces)."""
    out = html.escape(text, quote=False)
    roll = rng.random()
    if roll < 0.15:
        out = out.replace(" ", "&nbsp;", 2)
    elif roll < 0.25:
        out = out.replace(" ", "\u00a0 ", 1)
    elif roll < 0.35:
        cut = out.find(" ")
        if cut > 0:
            out = out[:cut] + "\u200b" + out[cut:]
        out = "\u200f" + out
    elif roll < 0.45:
        out = "\n    " + out.replace(" ", "  ", 1) + " \n"
    return out
