"""The interface language: GNU gettext catalogues, one per language, chosen once per run.

The English text in the code is the message id. `_()` translates it when it is shown, so a
message is written `_("visit {visit} is {status}").format(visit=..., status=...)`, never as an
f-string (the catalogue holds the sentence with its named placeholders). `N_()` only marks a
text for the catalogue where it is defined at import time (help texts, labels): it is
translated where it is shown (`_()` on the marked text, or cli.app's help translation).

The catalogues are `locale/<ll_CC>/LC_MESSAGES/receptionctl.po` in the package, extracted and
compiled with Babel (`make i18n`; the build compiles them into `.mo` files, see setup.py).
Values stored in the database (states, roles, kinds) stay English codes and are translated
when shown (`code()`); JSON keys and values never change with the language.

This module is a leaf: every layer may import it, it imports none of them.
"""

from __future__ import annotations

import gettext as _gettext
import os
from pathlib import Path

DOMAIN = "receptionctl"
LANGS = ("en", "zh-CN", "zh-TW")
DEFAULT = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# the catalogue folder of each language (gettext's names)
_FOLDER = {"zh-CN": "zh_CN", "zh-TW": "zh_TW"}

_current: _gettext.NullTranslations = _gettext.NullTranslations()
_lang = DEFAULT


def setup(lang: str | None) -> str:
    """Use `lang` (one of LANGS; None or unknown: English) for this run. Returns the language in
    force."""
    global _current, _lang
    lang = lang if lang in LANGS else DEFAULT
    _lang = lang
    _current = _gettext.NullTranslations() if lang == DEFAULT else _catalogue(_FOLDER[lang])
    return lang


def _catalogue(folder: str) -> _gettext.NullTranslations:
    """The compiled catalogue (.mo) of a language; compiled in memory from its .po when the .mo is
    missing or older (a checkout not yet built), or from the .po that RECEPTIONCTL_CATALOGUE names
    (to try a translation before it is merged)."""
    override = os.environ.get("RECEPTIONCTL_CATALOGUE")
    po = Path(override) if override else LOCALE_DIR / folder / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    try:
        stamp = (str(po), po.stat().st_mtime_ns if po.exists() else 0, mo.stat().st_mtime_ns if mo.exists() else 0)
    except OSError:
        stamp = (str(po), 0, 0)
    if stamp not in _LOADED:
        for old in [k for k in _LOADED if k[0] == stamp[0]]:  # this catalogue, changed since
            del _LOADED[old]
        _LOADED[stamp] = _read(po, mo, override)
    return _LOADED[stamp]


_LOADED: dict[tuple, _gettext.NullTranslations] = {}  # each catalogue read once per process (the tests switch)


def _read(po: Path, mo: Path, override: str | None) -> _gettext.NullTranslations:
    try:
        if not override and mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
            with mo.open("rb") as f:
                return _gettext.GNUTranslations(f)
        if po.exists():
            import io

            from babel.messages.mofile import write_mo
            from babel.messages.pofile import read_po

            with po.open("rb") as f:
                catalog = read_po(f)
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            buffer.seek(0)
            return _gettext.GNUTranslations(buffer)
    except (OSError, ValueError):
        pass  # an unreadable catalogue: English rather than no answer
    return _gettext.NullTranslations()


def from_locale(environ: dict | None = None) -> str | None:
    """The language the machine's locale asks for (LC_ALL, LC_MESSAGES, LANG, in POSIX order), if
    it is one of ours other than English: zh_CN/zh_SG → zh-CN, zh_TW/zh_HK/zh_MO → zh-TW."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = (env.get(var) or "").strip()
        if not value:
            continue
        tag = value.split(".")[0].split("@")[0].replace("-", "_").lower()
        if tag in ("zh_cn", "zh_sg", "zh", "zh_hans", "zh_hans_cn"):
            return "zh-CN"
        if tag in ("zh_tw", "zh_hk", "zh_mo", "zh_hant", "zh_hant_tw"):
            return "zh-TW"
        return None  # the first variable set decides, as for gettext
    return None


def lang() -> str:
    """The language in force for this run."""
    return _lang


def chinese() -> bool:
    return _lang.startswith("zh")


def _(message: str) -> str:
    """`message` in the language of the run (itself when the catalogue lacks it)."""
    return _current.gettext(message) if message else message


def label(message: str) -> str:
    """A table header: `message`, or one whose English word means different things in different
    tables, with its message id `context|English` (as `code|VALUE`), shown as its translation, else as
    the English after the bar."""
    text = _(message)
    return message.split("|", 1)[1] if "|" in message and text == message else text


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


def translated(message: str, lang: str) -> str:
    """`message` in `lang` (one of LANGS), whatever the run's language: for words written for
    someone else than the person running the command (a mail to a client, a task's Chinese
    title). English, and a language without a catalogue, give the message itself."""
    if not message or lang not in _FOLDER:
        return message
    return _catalogue(_FOLDER[lang]).gettext(message)


def N_(message: str) -> str:
    """Marks a text for the catalogue; translated where it is shown."""
    return message


def code(value: str | None, kind: str = "") -> str | None:
    """A stored code (a state, role, kind) as it is shown: the English code itself, or its
    translation. The catalogue holds codes as `code|VALUE` (or `code|KIND|VALUE` where one word
    means different things), so a code never collides with a sentence."""
    if value is None or _lang == DEFAULT:
        return value
    for msgid in ((f"code|{kind}|{value}",) if kind else ()) + (f"code|{value}",):
        text = _current.gettext(msgid)
        if text != msgid:
            return text
    return value


# -- codes as people type them ---------------------------------------------------------------
# A person may type a stored code in their own words: `--kind 包裹` is `--kind parcel`. The words
# of a code are its translation in the Simplified Chinese catalogue (`code|VALUE`, or
# `code|KIND|VALUE` where one word means two things, as code() shows it), in the run's catalogue
# too when that is another Chinese one, and the aliases below: a shorter word where the
# catalogue's is long, or another word as common. Keyed as the catalogue's ids, without `code|`.
# Read in every language: an English run takes Chinese words as well.
ALIASES_ZH: dict[str, tuple[str, ...]] = {
    "talk": ("洽谈", "商务"), "tour": ("参观", "考察"), "tech": ("技术",), "signing": ("签约仪式",),
    "role|tech": ("技术", "技术员"), "host": ("主陪", "接待人"), "coordinator": ("协调人",), "greeter": ("迎宾员",),
    "vip": ("贵宾",), "key": ("重要", "重点客户"), "normal": ("一般",),
    "critical": ("严重",), "medium": ("中等",), "none": ("没有",),
    "itinerary": ("行程",), "equipment": ("设备",),
    "won": ("成交",), "intent": ("意向",),
    "email": ("电子邮件", "邮箱"), "form": ("反馈表",),
    "letter": ("信",), "newspaper": ("报",),
    "repair": ("维修",), "help": ("帮助",), "request": ("请求",),
    "ok": ("好", "无异常"), "problem": ("问题", "异常"),
    "done": ("完成",), "completed": ("完成",), "cancelled": ("取消",), "all": ("全部", "所有"),
    "passed": ("合格",), "failed": ("不合格",),
}
_INPUT = "zh-CN"  # the catalogue whose words every run reads


def _typed_catalogues() -> list[_gettext.NullTranslations]:
    found = [_catalogue(_FOLDER[_INPUT])]
    if chinese() and _lang != _INPUT:
        found.append(_current)
    return found


def words(value: str, kind: str = "", catalogues: list | None = None) -> tuple[str, ...]:
    """The words a person may type for the stored code `value` besides the code itself (see
    ALIASES_ZH): its translations, then its aliases."""
    keys = ((f"{kind}|{value}",) if kind else ()) + (value,)
    found: list[str] = []
    key = None  # the catalogue id the words are of: the kind's own, else the plain one
    for catalogue in catalogues if catalogues is not None else _typed_catalogues():
        for candidate in keys:
            text = catalogue.gettext(f"code|{candidate}")
            if text != f"code|{candidate}":
                found.append(text)
                key = key or candidate
                break
    if key is None:
        key = next((k for k in keys if k in ALIASES_ZH), value)
    return tuple(dict.fromkeys(found + list(ALIASES_ZH.get(key, ()))))


def _folded(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", text).strip().casefold()


def typed(text: str | None, codes, kind: str = "") -> str | None:
    """The code among `codes` that a person's `text` names: the code itself, or one of its words
    (words(); in any case, full-width forms read as the ASCII ones); None when it names none of
    them, or several."""
    if text is None:
        return None
    codes = list(codes)
    plain = str(text).strip()
    if plain in codes:
        return plain
    wanted = _folded(plain)
    if not wanted:
        return None
    catalogues = _typed_catalogues()
    found = {c for c in codes if wanted in {_folded(w) for w in words(c, kind, catalogues)}}
    return found.pop() if len(found) == 1 else None


def choices(codes, kind: str = "") -> str:
    """The codes a person may give, as a list in the run's language: `vip, key, normal` in English,
    `VIP、重点、普通` (their words, code()) in Chinese."""
    codes = list(codes)
    if not chinese():
        return ", ".join(codes)
    return "、".join(code(c, kind) or c for c in codes)


def code_in(lang: str, value: str | None, kind: str = "") -> str | None:
    """`value` as `code()` shows it in `lang`, whatever the run's language: for a text written once in
    that language and kept (a task's Chinese title, filled in when the task opens)."""
    if value is None or lang not in _FOLDER:
        return value
    catalogue = _catalogue(_FOLDER[lang])
    for msgid in ((f"code|{kind}|{value}",) if kind else ()) + (f"code|{value}",):
        text = catalogue.gettext(msgid)
        if text != msgid:
            return text
    return value


def day_label(day, pattern_en: str = "%a %d %b") -> str:
    """A day as people read it: `Wed 25 Nov`; in Chinese `11月25日 星期三` (Babel, CLDR data)."""
    if not chinese():
        return day.strftime(pattern_en)
    from babel.dates import format_date

    locale = "zh_Hans_CN" if _lang == "zh-CN" else "zh_Hant_TW"
    return format_date(day, "M月d日 EEEE", locale=locale)


def money(amount, currency: str = "CNY") -> str:
    """An amount of money: `¥8,000.00` (Babel, in the language's conventions)."""
    if not chinese():
        return f"{amount:,.2f} {currency}"
    from babel.numbers import format_currency

    locale = "zh_Hans_CN" if _lang == "zh-CN" else "zh_Hant_TW"
    return format_currency(amount, currency, locale=locale)
