"""French translations: the catalogue is complete, the compiled .mo matches it,
and pages follow the user's language (or the browser's before log-in).

When a test here fails after you added or changed an English string:
    cd src/caredesk
    DJANGO_SETTINGS_MODULE=caredesk.settings ../../.venv/bin/django-admin \
        makemessages -l fr --ignore "*/migrations/*" --no-location
    # translate the new/fuzzy entries in locale/fr/LC_MESSAGES/django.po, then
    ../../.venv/bin/django-admin compilemessages -l fr
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

import caredesk

SOURCE_DIR = Path(caredesk.__file__).resolve().parent
PO_PATH = SOURCE_DIR / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # key 0 when not plural
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0


def parse_po(text: str) -> list[Entry]:
    """A small .po parser: enough for gettext's own output (makemessages)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None

    def start(lineno: int) -> Entry:
        nonlocal entry
        if entry is None:
            entry = Entry(line=lineno)
            entries.append(entry)
        return entry

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            entry, target = None, None
            continue
        if line.startswith("#~"):
            start(lineno).obsolete = True
            continue
        if line.startswith("#,"):
            start(lineno).flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#"):
            start(lineno)
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$', line)
        if m:
            e = start(lineno)
            if m.group(1) == "msgid" and e.msgid:  # a new entry without a blank line
                entry = None
                e = start(lineno)
            keyword, index, value = m.group(1), int(m.group(2) or 0), ast.literal_eval(m.group(3))
            target = (keyword, index)
        elif line.startswith('"') and target is not None:
            e, (keyword, index), value = start(lineno), target, ast.literal_eval(line)
        else:
            raise AssertionError(f"django.po line {lineno}: cannot parse {raw!r}")
        if keyword == "msgstr":
            e.msgstr[index] = e.msgstr.get(index, "") + value
        elif keyword == "msgid":
            e.msgid += value
        else:
            setattr(e, keyword, (getattr(e, keyword) or "") + value)
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[Entry]:
    assert PO_PATH.exists(), f"{PO_PATH} is missing"
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(po_entries: list[Entry]) -> list[Entry]:
    return [e for e in po_entries if not e.obsolete and e.msgid]


@pytest.fixture(autouse=True)
def _back_to_default_language() -> Iterator[None]:
    # A French request activates French in this thread; do not leak it into other tests.
    yield
    translation.deactivate()


def test_catalogue_header_is_french(po_entries: list[Entry]) -> None:
    header = next(e for e in po_entries if e.msgid == "" and not e.obsolete)
    text = header.msgstr[0]
    assert "fuzzy" not in header.flags
    assert "Language: fr\n" in text
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in text


def test_every_message_is_translated(messages: list[Entry]) -> None:
    assert len(messages) > 100, "the catalogue looks truncated"
    fuzzy = [e.msgid for e in messages if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries in django.po: {fuzzy}"
    empty = []
    for e in messages:
        wanted = 2 if e.msgid_plural is not None else 1
        strs = [e.msgstr.get(i, "") for i in range(wanted)]
        if not all(s.strip() for s in strs):
            empty.append(e.msgid)
    assert not empty, f"untranslated entries in django.po: {empty}"


PLACEHOLDER = re.compile(r"%\([a-zA-Z_][a-zA-Z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%")


def test_translations_keep_every_placeholder(messages: list[Entry]) -> None:
    wrong = []
    for e in messages:
        for index, text in e.msgstr.items():
            source = e.msgid_plural if (e.msgid_plural is not None and index > 0) else e.msgid
            expected = sorted(PLACEHOLDER.findall(source))
            if sorted(PLACEHOLDER.findall(text)) != expected:
                wrong.append((e.msgid, text))
    assert not wrong, f"placeholders changed in translation: {wrong}"


def _translate(e: Entry, n: int = 1) -> str:
    if e.msgid_plural is not None:
        if e.msgctxt is not None:
            return translation.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n)
        return translation.ngettext(e.msgid, e.msgid_plural, n)
    if e.msgctxt is not None:
        return translation.pgettext(e.msgctxt, e.msgid)
    return translation.gettext(e.msgid)


def test_compiled_catalogue_matches_the_po(messages: list[Entry]) -> None:
    """The committed .mo must be compiled from this very .po (checked on every
    entry, so a string added without re-running compilemessages is caught)."""
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run compilemessages -l fr"
    assert MO_PATH.stat().st_size > 0
    stale = []
    with translation.override("fr"):
        for e in messages:
            if e.msgid_plural is not None:
                got = [_translate(e, 1), _translate(e, 5)]
                want = [e.msgstr.get(0), e.msgstr.get(1)]
            else:
                got, want = [_translate(e)], [e.msgstr.get(0)]
            if got != want:
                stale.append((e.msgid, want, got))
    assert not stale, f"django.mo is out of date (msgid, .po, .mo): {stale[:20]}"


def test_french_plural_rule(messages: list[Entry]) -> None:
    # French uses the singular for 0 and 1.
    plural = next((e for e in messages if e.msgid_plural is not None), None)
    if plural is None:
        pytest.skip("no plural entry in the catalogue")
    with translation.override("fr"):
        assert _translate(plural, 0) == plural.msgstr[0]
        assert _translate(plural, 1) == plural.msgstr[0]
        assert _translate(plural, 2) == plural.msgstr[1]


# The keywords makemessages gives xgettext: name -> (context index, msgid index, plural index).
KEYWORDS: dict[str, tuple[int | None, int, int | None]] = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}

Key = tuple[str | None, str]  # (msgctxt, msgid)


def _literal(args: list[ast.expr], index: int) -> str | None:
    if index < len(args):
        arg = args[index]
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return arg.value
    return None


def _python_messages(source: str) -> set[Key]:
    found: set[Key] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in KEYWORDS:
            continue
        ctx_i, id_i, _plural_i = KEYWORDS[name]
        msgid = _literal(node.args, id_i)
        context = _literal(node.args, ctx_i) if ctx_i is not None else None
        if msgid is None or (ctx_i is not None and context is None):
            continue  # not a literal: xgettext cannot see it either
        found.add((context, msgid))
    return found


def _template_messages(source: str) -> set[Key]:
    """What makemessages sees in a template: Django's templatize() turns the
    trans/blocktrans tags into gettext() calls, then we read those calls."""
    from django.utils.translation.template import templatize

    found: set[Key] = set()
    # templatize() keeps the layout; indentation means nothing here and would upset tokenize.
    code = "\n".join(line.lstrip() for line in templatize(source).splitlines())
    tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    for i, tok in enumerate(tokens):
        if tok.type != tokenize.NAME or tok.string not in KEYWORDS:
            continue
        if i + 1 >= len(tokens) or tokens[i + 1].string != "(":
            continue
        args: list[str | None] = []
        for t in tokens[i + 2 :]:
            if t.string == ")":
                break
            if t.type == tokenize.STRING:
                args.append(ast.literal_eval(t.string))
            elif t.type == tokenize.NAME:
                args.append(None)  # e.g. `count`
        ctx_i, id_i, _plural_i = KEYWORDS[tok.string]
        if len(args) > id_i and isinstance(args[id_i], str):
            found.add((args[ctx_i] if ctx_i is not None else None, args[id_i]))  # type: ignore[arg-type]
    return found


def source_messages() -> dict[Key, str]:
    """Every translatable string of the product (as makemessages finds them) -> first file using it."""
    found: dict[Key, str] = {}
    for path in sorted(SOURCE_DIR.rglob("*")):
        rel = path.relative_to(SOURCE_DIR)
        if not path.is_file() or "migrations" in rel.parts or any(p.startswith(".") for p in rel.parts):
            continue
        if path.suffix == ".py":
            keys = _python_messages(path.read_text(encoding="utf-8"))
        elif path.suffix in (".html", ".txt"):
            keys = _template_messages(path.read_text(encoding="utf-8"))
        else:
            continue
        for key in keys:
            found.setdefault(key, str(rel))
    return found


def test_the_catalogue_has_every_string_of_the_source(messages: list[Entry]) -> None:
    """A string added to the code or a template must be in django.po (and so
    translated, by the tests above): re-run makemessages when this fails."""
    in_po = {(e.msgctxt, e.msgid) for e in messages}
    in_source = source_messages()
    missing = {key: where for key, where in in_source.items() if key not in in_po}
    assert not missing, f"strings missing from django.po (re-run makemessages -l fr): {missing}"


def test_the_catalogue_covers_every_app(messages: list[Entry]) -> None:
    # Guards the extraction itself: one string from each app's Python code and templates.
    ids = {e.msgid for e in messages}
    for msgid in [
        "Director of Clinical Services",  # core/roles.py
        "Audit trail",  # core template
        "This account is inactive.",  # accounts/forms.py
        "Log in to CareDesk",  # accounts template
        "Intensive care (ICU)",  # org/models.py
        "Rooms and beds",  # org template
        "Main navigation",  # web template
        "Units",  # web/navigation.py and org templates
    ]:
        assert msgid in ids, f"{msgid!r} is missing from django.po: re-run makemessages"
    found = source_messages()
    apps = {where.split("/")[0] for where in found.values()}
    assert {"core", "accounts", "org", "web"} <= apps, apps
    assert ("", "Units") not in found and (None, "Units") in found
    assert (None, "%(n)s event") in found  # a blocktrans with count, from a template


def _fr(msgid: str) -> str:
    with translation.override("fr"):
        return translation.gettext(msgid)


@pytest.mark.django_db
def test_signed_in_user_gets_pages_in_their_language(world, client) -> None:
    user = world.coordinator_a
    user.language = "fr"
    user.save()
    client.force_login(user)
    response = client.get("/org/units/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert f"<title>{_fr('Units')} · CareDesk</title>" in page
    assert "<title>Unités · CareDesk</title>" in page
    assert re.search(r"<h1[^>]*>\s*" + re.escape(_fr("Units")), page), "the heading is not in French"
    for msgid in ("Unit", "Rooms", "Beds", "Status", "Log out"):
        assert _fr(msgid) in page, msgid
    assert "Réanimation (soins intensifs)" in page  # the ICU's type, a model choice
    assert ">Units<" not in page and ">Rooms<" not in page

    # The same person in English: the language is theirs, not the server's.
    user.language = "en"
    user.save()
    page = client.get("/org/units/").content.decode()
    assert '<html lang="en">' in page and "<title>Units · CareDesk</title>" in page


@pytest.mark.django_db
def test_user_language_wins_over_the_browser(world, client) -> None:
    user = world.coordinator_a
    user.language = "fr"
    user.save()
    client.force_login(user)
    page = client.get("/org/units/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in page and "Unités" in page


@pytest.mark.django_db
def test_login_page_follows_the_browser_language(client) -> None:
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="fr">' in page
    assert "Connexion à CareDesk" in page and "Se connecter" in page
    assert "Mot de passe" in page and _fr("Language") in page

    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page and "Log in to CareDesk" in page


@pytest.mark.django_db
def test_login_page_follows_the_language_cookie(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in page
    assert "Connexion à CareDesk" in page and "Se connecter" in page
