"""The rundown page, ``<stem>.html``: the bulletin to read while it plays, built from the
manifest. One self-contained file (inline CSS and script, the captions inline too), so it
works from ``file://`` and from any static server, with nothing fetched from the network.

Every piece of transcript text goes through :func:`html.escape`; the script reads only
numbers (``data-start``) from the markup, so no transcript can add markup or code.
"""

from __future__ import annotations

from base64 import b64encode
from html import escape
from itertools import groupby
from urllib.parse import quote

GENERATOR = "broadcaster"
"""The ``<meta name="generator">`` of every page broadcaster writes."""

BASE_STYLE = """
:root { color-scheme: light dark; --ink: #1b1b1b; --paper: #fdfdfb; --soft: #5c5c5c;
  --line: #d8d8d0; --now: #ffe58a; --ring: #1a5fb4; --bar: #f1f1ec; }
@media (prefers-color-scheme: dark) { :root { --ink: #ececec; --paper: #17181a;
  --soft: #a8a8a8; --line: #3a3b3e; --now: #5c4a00; --ring: #8ab4ff; --bar: #222326; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font: 1.0625rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, main, footer { max-width: 44rem; margin: 0 auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 1.25rem 0 .25rem; overflow-wrap: anywhere; }
.meta { color: var(--soft); margin: 0; }
h2 { font-size: 1.25rem; line-height: 1.3; margin: 1rem 0 .5rem; }
:focus-visible { outline: 3px solid var(--ring); outline-offset: 2px; }
footer { color: var(--soft); font-size: .9rem; border-top: 1px solid var(--line);
  margin-top: 2rem; padding-block: 1rem 2rem; }
"""
"""What the rundown page and the archive's index share."""

STYLE = (
    BASE_STYLE
    + """
.hint { color: var(--soft); font-size: .95rem; margin: .25rem 0 1rem; }
html { scroll-padding-top: 7rem; }
.player { position: sticky; top: 0; z-index: 1; background: var(--bar);
  border-bottom: 1px solid var(--line); padding: .5rem 0; }
.player > div { max-width: 44rem; margin: 0 auto; padding: 0 1rem; display: flex;
  flex-wrap: wrap; gap: .25rem 1rem; align-items: center; }
audio { width: 100%; }
.player label { color: var(--soft); font-size: .95rem; }
.story + .story { border-top: 1px solid var(--line); margin-top: 1.5rem; }
h2 button { font: inherit; color: inherit; background: none; border: 0; padding: 0;
  text-align: start; cursor: pointer; overflow-wrap: anywhere; }
h2 button:hover { text-decoration: underline; }
.at { color: var(--soft); font-size: .9rem; font-weight: normal; margin-inline-start: .5rem; }
.turn { margin: 0 0 1rem; padding-inline-start: .75rem;
  border-inline-start: 4px solid var(--line); }
.turn.reporter { border-color: #6a9fd8; }
.turn.soundbite { border-color: #d89a6a; }
.who { margin: 0; font-size: .9rem; color: var(--soft); overflow-wrap: anywhere; }
.who .speaker { color: var(--ink); font-weight: 600; }
.words { margin: .15rem 0 0; overflow-wrap: anywhere; }
.s { cursor: pointer; border-radius: 3px; unicode-bidi: isolate; }
.s:hover { text-decoration: underline; }
.s[aria-current] { background: var(--now); }
"""
)

SCRIPT = """
(function () {
  "use strict";
  var audio = document.getElementById("player");
  var follow = document.getElementById("follow");
  var spoken = Array.prototype.slice.call(document.querySelectorAll(".s"));
  var starts = spoken.map(function (s) { return parseFloat(s.dataset.start); });
  // A sentence stays lit through the pause after it, unless a new story comes next.
  var until = spoken.map(function (s, k) {
    var next = spoken[k + 1];
    var same = next && next.closest(".story") === s.closest(".story");
    return same ? starts[k + 1] : parseFloat(s.dataset.end);
  });
  var smooth = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var current = -1;

  function spokenAt(time) {
    var lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= time) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found >= 0 && time < until[found] ? found : -1;
  }

  function outOfView(element) {
    var box = element.getBoundingClientRect();
    var bar = document.querySelector(".player").getBoundingClientRect().bottom;
    return box.top < bar || box.bottom > window.innerHeight;
  }

  function highlight() {
    // Times are in whole milliseconds; half of one more keeps a time read back a hair
    // short of where it was set (32.674 became sentence 8's, which ends there) in place.
    var now = spokenAt(audio.currentTime + 0.0005);
    if (now === current) { return; }
    if (current >= 0) { spoken[current].removeAttribute("aria-current"); }
    current = now;
    if (now < 0) { return; }
    spoken[now].setAttribute("aria-current", "true");
    if (follow.checked && outOfView(spoken[now])) {
      spoken[now].scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" });
    }
  }

  function playFrom(element) {
    audio.currentTime = parseFloat(element.dataset.start);
    var playing = audio.play();
    if (playing) { playing.catch(function () {}); }
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-start]");
    if (target) { playFrom(target); }
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.classList.contains("s") && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      playFrom(target);
    }
  });
  ["timeupdate", "seeking", "seeked"].forEach(function (name) {
    audio.addEventListener(name, highlight);
  });
  // timeupdate comes only every quarter second or so: follow each frame while playing.
  var ticking = false;
  function tick() {
    highlight();
    ticking = !audio.paused;
    if (ticking) { window.requestAnimationFrame(tick); }
  }
  audio.addEventListener("play", function () { if (!ticking) { tick(); } });
})();
"""


def clock(seconds: float) -> str:
    """``M:SS``, or ``H:MM:SS`` from an hour on."""
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def page(manifest: dict, captions: str) -> str:
    """The rundown page of the bulletin ``manifest`` describes (its audio beside the page),
    with the WebVTT ``captions`` as the player's track."""
    title = escape(manifest["title"])
    body = [
        f'<header><h1>{title}</h1><p class="meta">{escape(_meta(manifest))}</p>',
        '<p class="hint">Click a sentence, or press Enter on it, to listen from there;'
        " a story's heading plays the story.</p></header>",
        _player(manifest["audio"]["file"], captions),
        '<main id="rundown">',
        *_stories(manifest),
        "</main>",
        f"<script>{SCRIPT}</script>",
    ]
    return document(title, STYLE, body)


def document(title: str, style: str, body: list[str]) -> str:
    """A whole page: ``title`` (already escaped) and ``style`` in its head, ``body`` and
    the footer in its body."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta name="generator" content="{GENERATOR}">',
            '<link rel="icon" href="data:,">',  # else the browser asks a server for one
            f"<title>{title}</title>",
            f"<style>{style}</style>",
            "</head>",
            "<body>",
            *body,
            "<footer>Rendered by broadcaster.</footer>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _meta(manifest: dict) -> str:
    """Date, station and duration, those that are known."""
    known = (manifest.get("date"), manifest.get("station"), clock(manifest["duration_s"]))
    return " · ".join(part for part in known if part)


def _player(audio: str, captions: str) -> str:
    # The captions are inline: Chromium refuses a <track> from a file:// page (every file
    # URL is its own origin), so a relative link to the .vtt would not work opened locally.
    track = "data:text/vtt;charset=utf-8;base64," + b64encode(captions.encode()).decode()
    return (
        '<div class="player"><div>'
        f'<audio id="player" controls preload="metadata" src="{escape(quote(audio))}"'
        ' aria-label="Bulletin audio">'
        f'<track kind="captions" srclang="en" label="Captions" src="{track}" default>'
        f'<a href="{escape(quote(audio))}">Download the audio</a></audio>'
        '<label><input type="checkbox" id="follow" checked> Follow the speech</label>'
        "</div></div>"
    )


def _stories(manifest: dict) -> list[str]:
    """One section per story: its heading (which plays it), then its turns."""
    spans = {story["index"]: story for story in manifest["stories"]}
    html = []
    for number, segments in groupby(manifest["segments"], key=lambda s: s["story"]):
        span = spans.get(number, {})
        start = span.get("start_s", 0.0)
        heading = escape(span.get("title") or f"Story {number}")
        html += [
            f'<section class="story" aria-labelledby="story-{number}">',
            f'<h2 id="story-{number}"><button type="button" data-start="{start:.3f}">'
            f'{heading}</button><span class="at">{clock(start)}</span></h2>',
            *map(_turn, segments),
            "</section>",
        ]
    return html


def _turn(segment: dict) -> str:
    """A turn: who speaks (speaker, role, voice), then each sentence, focusable."""
    who = [
        f'<span class="role">{escape(segment["role"])}</span>',
        f'<span class="voice">voice: {escape(segment["voice"])}</span>',
    ]
    if segment["speaker"]:
        who.insert(0, f'<span class="speaker">{escape(segment["speaker"])}</span>')
    sentences = " ".join(
        f'<span class="s" role="button" tabindex="0" dir="auto"'
        f' data-start="{s["start_s"]:.3f}" data-end="{s["end_s"]:.3f}">{escape(s["text"])}</span>'
        for s in segment["sentences"]
    )
    return (
        f'<div class="turn {escape(segment["role"])}"><p class="who">{" · ".join(who)}</p>'
        f'<p class="words">{sentences}</p></div>'
    )
