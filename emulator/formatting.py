"""Text formatting helpers: parse_mode handling and message entities (UTF-16 offsets).

The Bot API returns *plain* text plus ``entities`` for messages sent with a
``parse_mode``.  This module reproduces that closely enough for tests: HTML is parsed
strictly (unsupported tags and unbalanced tags give the same kind of
``can't parse entities`` error Telegram produces), MarkdownV2 is validated for
unescaped reserved characters, and legacy Markdown is handled leniently.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from .errors import ApiError, bad_request


def utf16_len(text: str) -> int:
    """Return the length of ``text`` in UTF-16 code units (the unit of entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def parse_error(detail: str) -> ApiError:
    """Return the 400 error Telegram answers for malformed formatted text."""
    return bad_request(f"can't parse entities: {detail}")


_SIMPLE_TAGS: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_SUPPORTED_TAGS = {*_SIMPLE_TAGS, "a", "span", "tg-emoji"}


class _TelegramHTMLParser(HTMLParser):
    """HTML parser accepting exactly the tag set of the Bot API's HTML parse mode."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0  # in UTF-16 units
        self.stack: list[tuple[str, dict[str, Any]]] = []
        self.entities: list[dict[str, Any]] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += utf16_len(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SUPPORTED_TAGS:
            raise parse_error(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        attributes = {k: v or "" for k, v in attrs}
        entity: dict[str, Any] = {"offset": self.length}
        if tag == "a":
            href = attributes.get("href", "")
            match = re.match(r"tg://user\?id=(\d+)$", href)
            if match:
                entity.update(type="text_mention", user={"id": int(match.group(1))})
            else:
                entity.update(type="text_link", url=href)
        elif tag == "span":
            if attributes.get("class") != "tg-spoiler":
                raise parse_error(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte_offset()}'
                )
            entity["type"] = "spoiler"
        elif tag == "tg-emoji":
            entity.update(type="custom_emoji", custom_emoji_id=attributes.get("emoji-id", ""))
        elif tag == "blockquote" and "expandable" in attributes:
            entity["type"] = "expandable_blockquote"
        else:
            entity["type"] = _SIMPLE_TAGS[tag]
            if tag == "code" and self.stack and self.stack[-1][0] == "pre":
                lang = attributes.get("class", "")
                if lang.startswith("language-"):
                    self.stack[-1][1]["language"] = lang[len("language-") :]
        self.stack.append((tag, entity))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise parse_error(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')

    def handle_endtag(self, tag: str) -> None:
        if not self.stack:
            raise parse_error(f"Unexpected end tag at byte offset {self._byte_offset()}")
        open_tag, entity = self.stack.pop()
        if open_tag != tag:
            raise parse_error(
                f'Unmatched end tag at byte offset {self._byte_offset()}, expected "</{open_tag}>", '
                f'found "</{tag}>"'
            )
        entity["length"] = self.length - entity["offset"]
        if entity["length"] > 0:
            self.entities.append(entity)

    def _byte_offset(self) -> int:
        return sum(len(p.encode("utf-8")) for p in self.parts)

    def finish(self) -> tuple[str, list[dict[str, Any]]]:
        self.close()
        if self.stack:
            raise parse_error(f'Can\'t find end tag corresponding to start tag "{self.stack[-1][0]}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), self.entities


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Bot API HTML into ``(plain_text, entities)``; raise :class:`ApiError` on bad markup."""
    parser = _TelegramHTMLParser()
    parser.feed(text)
    return parser.finish()


_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse MarkdownV2 into ``(plain_text, entities)``.

    Supports bold, italic, underline, strikethrough, spoiler, inline code, pre blocks,
    inline links and escapes.  Unescaped reserved characters raise the same error as
    Telegram (``Character 'X' is reserved and must be escaped with the preceding '\\'``).
    """
    out: list[str] = []
    length = 0
    entities: list[dict[str, Any]] = []
    stack: list[tuple[str, int]] = []
    i = 0
    n = len(text)

    def emit(s: str) -> None:
        nonlocal length
        out.append(s)
        length += utf16_len(s)

    markers = {"__": "underline", "||": "spoiler", "*": "bold", "_": "italic", "~": "strikethrough"}
    while i < n:
        ch = text[i]
        if ch == "\\":
            if i + 1 < n:
                emit(text[i + 1])
                i += 2
                continue
            raise parse_error("Character '\\' is reserved and must be escaped with the preceding '\\'")
        if text.startswith("```", i):
            end = text.find("```", i + 3)
            if end < 0:
                raise parse_error(f"Can't find end of Pre entity at byte offset {len(text[:i].encode())}")
            body = text[i + 3 : end]
            language = ""
            if "\n" in body:
                first, rest = body.split("\n", 1)
                if first and " " not in first:
                    language, body = first, rest
            start = length
            emit(re.sub(r"\\(.)", r"\1", body))
            entity: dict[str, Any] = {"type": "pre", "offset": start, "length": length - start}
            if language:
                entity["language"] = language
            entities.append(entity)
            i = end + 3
            continue
        if ch == "`":
            end = text.find("`", i + 1)
            if end < 0:
                raise parse_error(f"Can't find end of Code entity at byte offset {len(text[:i].encode())}")
            start = length
            emit(re.sub(r"\\(.)", r"\1", text[i + 1 : end]))
            entities.append({"type": "code", "offset": start, "length": length - start})
            i = end + 1
            continue
        if ch == "[":
            match = re.match(r"\[((?:\\.|[^\]\\])*)\]\(((?:\\.|[^)\\])*)\)", text[i:])
            if not match:
                raise parse_error("Character '[' is reserved and must be escaped with the preceding '\\'")
            inner_text, inner_entities = parse_markdown_v2(match.group(1))
            start = length
            for ent in inner_entities:
                ent["offset"] += start
            entities.extend(inner_entities)
            emit(inner_text)
            url = re.sub(r"\\(.)", r"\1", match.group(2))
            entities.append({"type": "text_link", "offset": start, "length": length - start, "url": url})
            i += match.end()
            continue
        if ch == ">" and (i == 0 or text[i - 1] == "\n"):
            # Blockquote line: strip the marker; entity spans the line.
            end = text.find("\n", i)
            end = n if end < 0 else end
            inner_text, inner_entities = parse_markdown_v2(text[i + 1 : end])
            start = length
            for ent in inner_entities:
                ent["offset"] += start
            entities.extend(inner_entities)
            emit(inner_text)
            entities.append({"type": "blockquote", "offset": start, "length": length - start})
            i = end
            continue
        marker = next((m for m in ("__", "||", "*", "_", "~") if text.startswith(m, i)), None)
        if marker is not None:
            if stack and stack[-1][0] == marker:
                _, start = stack.pop()
                if length > start:
                    entities.append({"type": markers[marker], "offset": start, "length": length - start})
            else:
                stack.append((marker, length))
            i += len(marker)
            continue
        if ch in _MDV2_RESERVED:
            raise parse_error(f"Character '{ch}' is reserved and must be escaped with the preceding '\\'")
        emit(ch)
        i += 1
    if stack:
        kind = markers[stack[-1][0]].capitalize()
        raise parse_error(f"Can't find end of {kind} entity at byte offset {len(text.encode())}")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def parse_markdown_legacy(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Leniently parse legacy Markdown (``*bold*``, ``_italic_``, backticks, links)."""
    out: list[str] = []
    length = 0
    entities: list[dict[str, Any]] = []
    pattern = re.compile(r"\*([^*]+)\*|_([^_]+)_|```([^`]*)```|`([^`]+)`|\[([^\]]+)\]\(([^)]+)\)")
    pos = 0
    for match in pattern.finditer(text):
        plain = text[pos : match.start()]
        out.append(plain)
        length += utf16_len(plain)
        extra: dict[str, Any] = {}
        if match.group(1) is not None:
            kind, inner = "bold", match.group(1)
        elif match.group(2) is not None:
            kind, inner = "italic", match.group(2)
        elif match.group(3) is not None:
            kind, inner = "pre", match.group(3)
        elif match.group(4) is not None:
            kind, inner = "code", match.group(4)
        else:
            kind, inner, extra = "text_link", match.group(5), {"url": match.group(6)}
        out.append(inner)
        entities.append({"type": kind, "offset": length, "length": utf16_len(inner), **extra})
        length += utf16_len(inner)
        pos = match.end()
    out.append(text[pos:])
    return "".join(out), entities


_BALE_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")
_BALE_KINDS = {"*": "bold", "_": "italic"}


def _bale_opens(text: str, i: int) -> bool:
    """Whether the ``*``/``_`` at ``i`` can open an entity: not inside a word, and followed by
    something other than a space (so ``mahalleyar_bot``, ``n_1001``, ``2*3`` and a lone `` * ``
    are literal)."""
    before_ok = i == 0 or not text[i - 1].isalnum()
    after = text[i + 1] if i + 1 < len(text) else ""
    return before_ok and after != "" and not after.isspace() and after != text[i]


def _bale_closer(text: str, start: int, marker: str) -> int | None:
    """Index of the marker closing the entity opened at ``start``: preceded by a non-space and
    not followed by a letter or digit."""
    j = text.find(marker, start + 2)
    while j >= 0:
        after = text[j + 1] if j + 1 < len(text) else ""
        if not text[j - 1].isspace() and not after.isalnum():
            return j
        j = text.find(marker, j + 1)
    return None


def parse_bale_markdown(text: str, *, strict: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse text the way Bale reads every message: ``(plain_text, entities)``.

    Bale formats all message text as Markdown without a ``parse_mode`` (bale-mcp README and
    src/bale_mcp/bot.py; bots on Bale convert their HTML to ``*bold*``, ``_italic_`` and
    ``[text](url)``). Understood here: ``*bold*``, ``_italic_``, backtick code, triple-backtick
    pre and ``[text](url)``. ``*`` and ``_`` inside a word are literal (usernames and deep links
    such as ``ble.ir/mahalleyar_bot?start=n_1001`` survive). With ``strict`` a marker that opens
    an entity and is never closed (a stray ``*``, ``_``, backtick or ``[``) raises the 400
    "can't parse entities" Telegram's Markdown gives; otherwise it stays literal text.
    """
    out: list[str] = []
    length = 0
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(text)

    def emit(s: str) -> None:
        nonlocal length
        out.append(s)
        length += utf16_len(s)

    def unclosed(at: int) -> ApiError:
        return parse_error(
            f"Can't find end of the entity starting at byte offset {len(text[:at].encode('utf-8'))}"
        )

    while i < n:
        ch = text[i]
        if ch == "`":
            fence = "```" if text.startswith("```", i) else "`"
            end = text.find(fence, i + len(fence))
            if end > i + len(fence):
                start = length
                emit(text[i + len(fence) : end])
                kind = "pre" if fence == "```" else "code"
                entities.append({"type": kind, "offset": start, "length": length - start})
                i = end + len(fence)
                continue
            if strict:
                raise unclosed(i)
        elif ch == "[":
            match = _BALE_LINK.match(text, i)
            if match:
                start = length
                emit(match.group(1))
                entities.append(
                    {"type": "text_link", "offset": start, "length": length - start, "url": match.group(2)}
                )
                i = match.end()
                continue
            if strict:
                raise unclosed(i)
        elif ch in _BALE_KINDS and _bale_opens(text, i):
            closer = _bale_closer(text, i, ch)
            if closer is not None:
                start = length
                emit(text[i + 1 : closer])
                entities.append({"type": _BALE_KINDS[ch], "offset": start, "length": length - start})
                i = closer + 1
                continue
            if strict:
                raise unclosed(i)
        emit(ch)
        i += 1
    return "".join(out), entities


def apply_parse_mode(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """Return ``(plain_text, entities)`` for ``text`` sent with ``parse_mode`` or explicit ``entities``."""
    if entities:
        return text, list(entities)
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown_legacy(text)
    if mode:
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    return text, []


def command_entities(text: str) -> list[dict[str, Any]]:
    """Return the ``bot_command`` entity Telegram attaches to a message starting with ``/``."""
    match = re.match(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]+)?", text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]
