"""The rundown page, rendered for real and checked in a real browser (Debian's headless
Chromium through Selenium); the page's markup is also read back with the stdlib parser."""

from __future__ import annotations

import functools
import io
import json
import re
import shutil
import tempfile
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import broadcaster
from broadcaster.batch.index import write_index
from broadcaster.output import page
from tests.helpers.batching import batch, write_bulletins
from tests.helpers.cli import invoke
from tests.helpers.paths import EXAMPLES, KBS, ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # The page then scrolls at once, not over a few frames, so that clicks land where aimed.
    "--force-prefers-reduced-motion",
    # Lets a test script start real playback (Chromium refuses it, even muted, without a click).
    "--autoplay-policy=no-user-gesture-required",
]  # fmt: skip
HOSTILE = """\
---
title: <script>window.pwned=1</script> & "Quotes" 'too' </title><b>x</b>
date: 2026-06-12
station: <img src=x onerror="window.pwned=2"> Radio & TV 서울
---
## </h2><script>window.pwned=3</script> Fares & "fees" rise in 서울
anchor: Tom said "five < six & seven > three" today. The words </span><b>bold</b> stay plain.
reporter Eve <O'Neil>: Prices rose at AT&amp;T &lt;b&gt; today. She said hello to everyone.
soundbite Sam "Quote" Holt (commuter): <a href="https://evil.example/">click</a> me. Then ‮reversed.
"""
# play() is replaced so that a click seeks and asks to play without the audio then running
# on: currentTime stays where the page put it, whatever the machine's load.
NO_PLAYBACK = """
window.playCalls = 0;
HTMLMediaElement.prototype.play = function () { window.playCalls += 1; return Promise.resolve(); };
"""
SEEK = """
const [time, done] = arguments;
const audio = document.getElementById('player');
audio.addEventListener('seeked', () => done(
  [...document.querySelectorAll('.s')].flatMap((s, i) => s.hasAttribute('aria-current') ? [i] : [])
), {once: true});
audio.currentTime = time;
"""
FIRST_BELOW = """
const below = s => s.getBoundingClientRect().top > innerHeight;
return [...document.querySelectorAll('.s')].findIndex(below);
"""
PAUSE_PAST = """
const audio = document.getElementById('player');
const lit = [...document.querySelectorAll('.s')].findIndex(s => s.hasAttribute('aria-current'));
if (lit > arguments[0]) { audio.pause(); }
return lit > arguments[0];
"""
LIT_IN_VIEW = """
const lit = document.querySelector('.s[aria-current]');
const bar = document.querySelector('.player').getBoundingClientRect().bottom;
const box = lit && lit.getBoundingClientRect();
return Boolean(box && box.top >= bar && box.bottom <= window.innerHeight);
"""
COVERED = """
const target = document.querySelectorAll(arguments[0])[arguments[1]];
target.scrollIntoView({block: 'start'});
const box = target.getClientRects()[0];  // a sentence's first line
const hit = document.elementFromPoint(box.left + 5, box.top + 5).closest(arguments[0]);
return [hit !== target, scrollY > 0];
"""
LIT_TO_CENTRE = "document.querySelector('.s[aria-current]').scrollIntoView({block: 'center'})"
SETTLE = """
const [done] = arguments;
const audio = document.getElementById('player');
const settled = () => done(audio.currentTime);
audio.seeking ? audio.addEventListener('seeked', settled, {once: true}) : settled();
"""


def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, "--window-size=1000,1400"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-')}")
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = _browser()
    yield driver
    driver.quit()
    shutil.rmtree(driver.capabilities["chrome"]["userDataDir"], ignore_errors=True)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, engine):
    """Render a script once per module: its audio path and its manifest read back."""
    made = {}

    def make(script: Path) -> tuple[Path, dict]:
        if script not in made:
            out = tmp_path_factory.mktemp("page") / f"{script.stem}.mp3"
            broadcaster.render(script, out, engine=engine)
            made[script] = out, json.loads(out.with_suffix(".json").read_text("utf-8"))
        return made[script]

    return make


def open_page(browser, audio: Path, url: str | None = None) -> None:
    """Load ``audio``'s page (from file://, or ``url``) and wait until the player knows the
    duration."""
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url or audio.with_suffix(".html").as_uri())
    browser.execute_script(NO_PLAYBACK)
    ready = "return document.getElementById('player').readyState >= 1"
    WebDriverWait(browser, 60).until(lambda b: b.execute_script(ready))


def sentences(manifest: dict) -> list[dict]:
    return [s for segment in manifest["segments"] for s in segment["sentences"]]


def click(browser, element) -> float:
    """Click ``element`` in the middle of the screen, clear of the sticky player; the player's
    time once the seek it started is over (and the page has followed it)."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
    return browser.execute_async_script(SETTLE)


def check_page(browser, audio: Path, manifest: dict, url: str | None = None) -> None:
    """The issue's checks, on the real page: every sentence in order; a click on each seeks
    to its start; a time inside each highlights it alone; each heading seeks to its story."""
    from selenium.webdriver.common.by import By

    open_page(browser, audio, url)
    spans = browser.find_elements(By.CSS_SELECTOR, ".s")
    assert [s.text for s in spans] == [s["text"].strip() for s in sentences(manifest)]
    for span, sentence in zip(spans, sentences(manifest), strict=True):
        assert click(browser, span) == pytest.approx(sentence["start_s"], abs=0.05)
    assert browser.execute_script("return window.playCalls") == len(spans)
    for k, sentence in enumerate(sentences(manifest)):
        middle = (sentence["start_s"] + sentence["end_s"]) / 2
        assert browser.execute_async_script(SEEK, middle) == [k]
    headings = browser.find_elements(By.CSS_SELECTOR, "h2 button")
    assert [h.text for h in headings] == [s["title"] for s in manifest["stories"]]
    for heading, story in zip(headings, manifest["stories"], strict=True):
        assert click(browser, heading) == pytest.approx(story["start_s"], abs=0.05)
    assert _errors(browser) == []


def _errors(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


@pytest.mark.slow
@pytest.mark.parametrize("script", [*sorted(EXAMPLES.glob("*.txt")), KBS], ids=lambda p: p.stem)
def test_every_shipped_page_plays_along(browser, rendered, script):
    check_page(browser, *rendered(script))


def test_enter_on_a_focused_sentence_plays_from_it(browser, rendered):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    audio, manifest = rendered(EXAMPLES / "producer-harbour-evening.txt")
    open_page(browser, audio)
    third = browser.find_elements(By.CSS_SELECTOR, ".s")[2]
    third.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element == third
    settled = browser.execute_async_script(SETTLE)
    assert settled == pytest.approx(sentences(manifest)[2]["start_s"], abs=0.05)
    outline = "return getComputedStyle(document.activeElement).outlineStyle"
    assert browser.execute_script(outline) == "solid"  # the focus ring shows


def test_a_sentence_stays_lit_through_its_pause_but_not_into_the_next_story(browser, rendered):
    audio, manifest = rendered(EXAMPLES / "producer-harbour-evening.txt")
    open_page(browser, audio)
    first, second = sentences(manifest)[:2]
    assert browser.execute_async_script(SEEK, (first["end_s"] + second["start_s"]) / 2) == [0]
    stories = [s["story"] for s in manifest["segments"] for _ in s["sentences"]]
    last = stories.index(2) - 1
    ends = sentences(manifest)[last]["end_s"]
    assert browser.execute_async_script(SEEK, ends + 0.01) == []
    assert browser.execute_async_script(SEEK, manifest["stories"][1]["start_s"]) == []
    # A time read back a hair short of a sentence's start still lights that sentence.
    assert browser.execute_async_script(SEEK, second["start_s"] - 0.0003) == [1]


def test_the_player_never_covers_what_the_page_scrolls_to(browser, rendered):
    """A heading or sentence scrolled to the top (as Tab and Enter do) shows below the
    sticky player, on a phone's screen."""
    audio, _ = rendered(EXAMPLES / "kbs-radio-rail-strike.txt")
    browser.set_window_size(390, 844)
    try:
        open_page(browser, audio)
        for selector, n in (("h2 button", 1), (".s", 5)):
            assert browser.execute_script(COVERED, selector, n) == [False, True]
    finally:
        browser.set_window_size(1000, 1400)


def test_captions_are_the_players_track(browser, rendered):
    from selenium.webdriver.support.ui import WebDriverWait

    audio, manifest = rendered(EXAMPLES / "producer-harbour-evening.txt")
    open_page(browser, audio)
    cues = """
    const track = document.getElementById('player').textTracks[0];
    track.mode = 'hidden';
    return track.cues && track.cues.length ? [...track.cues].map(c => c.startTime) : null;
    """
    starts = WebDriverWait(browser, 30).until(lambda b: b.execute_script(cues))
    vtt = audio.with_suffix(".vtt").read_text("utf-8")
    assert len(starts) == vtt.count(" --> ")
    assert starts[0] == pytest.approx(sentences(manifest)[0]["start_s"], abs=0.001)


def test_hostile_text_is_shown_as_text(browser, rendered, tmp_path):
    script = tmp_path / "hostile.txt"
    script.write_text(HOSTILE, encoding="utf-8")
    audio, manifest = rendered(script)
    check_page(browser, audio, manifest)
    from selenium.webdriver.common.by import By

    assert browser.execute_script("return window.pwned") is None
    assert len(browser.find_elements(By.CSS_SELECTOR, "script")) == 1
    assert browser.find_elements(By.CSS_SELECTOR, "main b, main a, main img, header img") == []
    assert browser.title == manifest["title"]
    assert browser.find_element(By.TAG_NAME, "h1").text == manifest["title"]
    assert manifest["station"] in browser.find_element(By.CSS_SELECTOR, ".meta").text
    speakers = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".speaker")]
    assert speakers == ["Eve <O'Neil>", 'Sam "Quote" Holt']
    links = "return [...document.querySelectorAll('[src],[href]')].map(e => e.src || e.href)"
    assert all(u.startswith(("file://", "data:")) for u in browser.execute_script(links))


def test_a_file_name_that_needs_quoting_still_links(browser, rendered, tmp_path):
    audio, manifest = rendered(EXAMPLES / "voa-robot-library.txt")
    odd = tmp_path / 'a "b" #1 & <c>?.mp3'
    shutil.copy(audio, odd)
    odd.with_suffix(".html").write_text(
        page.page({**manifest, "audio": {**manifest["audio"], "file": odd.name}}, "WEBVTT\n"),
        encoding="utf-8",
    )
    open_page(browser, odd)
    assert browser.execute_script("return document.getElementById('player').duration") == (
        pytest.approx(manifest["duration_s"], abs=0.1)
    )


def test_screenshots_for_a_person_to_look_at(browser, rendered):
    """The corpus bulletin's page, mid-bulletin, at desktop and phone widths: saved under
    output/ (ignored by git) for a person to look at."""
    audio, manifest = rendered(KBS)
    open_page(browser, audio)
    fourth = sentences(manifest)[3]
    assert browser.execute_async_script(SEEK, fourth["start_s"] + 0.01) == [3]
    width = "return document.documentElement.scrollWidth <= window.innerWidth"
    for name, size in (("desktop", (1000, 1400)), ("phone", (390, 844))):
        browser.set_window_size(*size)
        assert browser.execute_script(width)  # nothing wider than the screen
        browser.execute_script(LIT_TO_CENTRE)
        assert browser.save_screenshot(str(ROOT / "output" / f"rundown-page-{name}.png"))
    browser.set_window_size(1000, 1400)


class _RangeHandler(SimpleHTTPRequestHandler):
    """A static server that answers byte ranges, as web servers do (a player seeks with them;
    the stdlib's own handler ignores them, and then the audio cannot seek)."""

    def send_head(self):
        found = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not found or not path.is_file():
            return super().send_head()
        data = path.read_bytes()
        first, last = int(found[1]), int(found[2] or len(data) - 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {first}-{last}/{len(data)}")
        self.send_header("Content-Length", str(last - first + 1))
        self.end_headers()
        return io.BytesIO(data[first : last + 1])

    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture
def served(tmp_path):
    """A static web server on localhost for ``tmp_path``: its base URL."""
    handler = functools.partial(_RangeHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


def test_the_page_works_from_a_web_server(browser, rendered, served, tmp_path):
    audio, manifest = rendered(EXAMPLES / "kbs-web-two-stories.txt")
    for kind in (".mp3", ".html"):
        shutil.copy(audio.with_suffix(kind), tmp_path)
    check_page(browser, audio, manifest, f"{served}/{audio.with_suffix('.html').name}")


class _Markup(HTMLParser):
    """Every start tag with its attributes, and the text inside sentence spans."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.sentences: list[str] = []
        self._in_sentence = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_sentence = ("class", "s") in attrs
        if self._in_sentence:
            self.sentences.append("")

    def handle_data(self, data: str) -> None:
        if self._in_sentence:
            self.sentences[-1] += data

    def handle_endtag(self, tag: str) -> None:
        self._in_sentence = False


def test_markup_holds_transcript_text_only_as_text():
    hostile = "</span></p><script>alert(1)</script><p data-start=\"0\" x='y'>&amp; ‮"
    manifest = {
        "title": hostile,
        "date": None,
        "station": hostile,
        "duration_s": 3.0,
        "audio": {"file": hostile + ".mp3"},
        "stories": [{"index": 1, "title": hostile, "start_s": 0.0, "end_s": 3.0}],
        "segments": [
            {
                "story": 1,
                "role": "reporter",
                "speaker": hostile,
                "voice": hostile,
                "sentences": [
                    {"start_s": 0.5, "end_s": 1.0, "text": hostile},
                    {"start_s": 1.5, "end_s": 2.5, "text": "Second."},
                ],
            }
        ],
    }
    markup = _Markup()
    markup.feed(page.page(manifest, f"WEBVTT\n\n00:00.500 --> 00:01.000\n{hostile}\n"))
    assert [tag for tag, _ in markup.tags].count("script") == 1
    assert [attrs for _, attrs in markup.tags if "x" in attrs] == []
    starts = [attrs["data-start"] for _, attrs in markup.tags if "data-start" in attrs]
    assert starts == ["0.000", "0.500", "1.500"]
    assert markup.sentences == [hostile, "Second."]


class _Index(HTMLParser):
    """Each bulletin of an index: its links, its metadata line and its stories."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[dict] = []
        self._field: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "li" and not self._field:
            self.items.append({"links": [], "meta": "", "stories": [], "title": ""})
        elif tag == "a" and self.items:
            self.items[-1]["links"].append(found["href"])
        if tag == "li" and self._field == "stories":
            self.items[-1]["stories"].append("")
        if tag in ("h2", "p") or found.get("class") == "stories":
            self._field = {"h2": "title", "p": "meta", "ol": "stories"}[tag]

    def handle_data(self, data: str) -> None:
        if self.items and self._field in ("title", "meta"):
            self.items[-1][self._field] += data
        elif self.items and self._field == "stories" and self.items[-1]["stories"]:
            self.items[-1]["stories"][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "p", "ol"):
            self._field = None


def read_index(folder: Path) -> list[dict]:
    parser = _Index()
    parser.feed((folder / "index.html").read_text(encoding="utf-8"))
    return parser.items


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Three small bulletins rendered by ``batch`` into dated folders."""
    root = tmp_path_factory.mktemp("archive")
    write_bulletins(root / "in", 3)
    out = root / "out"
    done = batch(str(root / "in"), "--out", str(out), "--name", "{date}/{stem}.{ext}", "-j", "2")
    assert done.returncode == 0, done.stderr
    return out


def test_batch_writes_the_archive_index_newest_first(archive):
    items = read_index(archive)
    assert [i["title"] for i in items] == [f"Test Bulletin {n}" for n in (3, 2, 1)]
    for item, number in zip(items, (3, 2, 1), strict=True):
        stem = f"2026-06-{number:02d}/bulletin-{number:02d}"
        assert item["links"] == [f"{stem}.html", f"{stem}.mp3"]
        assert all((archive / link).is_file() for link in item["links"])
        manifest = json.loads((archive / f"{stem}.json").read_text(encoding="utf-8"))
        clock = page.clock(manifest["duration_s"])
        assert item["meta"] == f"2026-06-{number:02d} · Test Radio · {clock} · audio (MP3)"
        assert item["stories"] == ["Ferries"]


def test_the_index_links_open_in_a_browser(browser, archive):
    from selenium.webdriver.common.by import By

    browser.get((archive / "index.html").as_uri())
    browser.find_element(By.CSS_SELECTOR, "h2 a").click()
    assert browser.current_url == (archive / "2026-06-03" / "bulletin-03.html").as_uri()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Test Bulletin 3"
    assert _errors(browser) == []


def test_feed_links_each_page_and_writes_the_index(archive, tmp_path):
    import feedparser

    site = tmp_path / "site"
    shutil.copytree(archive, site)
    (site / "index.html").unlink()
    base = "https://news.example.org/bulletins"
    done = invoke("feed", str(site), "--base-url", base, "--title", "Harbour <news>")
    assert done.returncode == 0, done.stderr
    entries = feedparser.parse((site / "feed.xml").read_bytes()).entries
    pages = [f"{base}/2026-06-0{n}/bulletin-0{n}.html" for n in (3, 2, 1)]
    assert [e.link for e in entries] == pages
    assert (site / "index.html").read_text(encoding="utf-8").count("Harbour &lt;news&gt;") == 2
    assert len(read_index(site)) == 3


def test_the_index_leaves_a_users_own_index_alone(archive, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(archive, site)
    (site / "index.html").write_text("<p>my own home page</p>", encoding="utf-8")
    done = invoke("feed", str(site), "--base-url", "https://example.org/")
    assert done.returncode == 0, done.stderr
    assert (
        done.stderr
        == f"Warning: left {site / 'index.html'} as it is: broadcaster did not write it\n"
    )
    assert (site / "index.html").read_text(encoding="utf-8") == "<p>my own home page</p>"


def test_the_index_lists_only_manifests_and_escapes_them(archive, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(archive, site)
    audio = next(site.rglob("bulletin-01.mp3"))
    hostile = '<script>alert(1)</script> & "x"'
    manifest = json.loads(audio.with_suffix(".json").read_text(encoding="utf-8"))
    manifest |= {"title": hostile, "station": hostile, "stories": [{"title": hostile}]}
    audio.with_suffix(".json").write_text(json.dumps(manifest), encoding="utf-8")
    (site / "report.json").write_text('{"items": []}')  # JSON, but no bulletin's
    (site / "broken.json").write_bytes(b"\xff{not json")
    (site / "orphan.json").write_text(json.dumps({**manifest, "audio": {"file": "gone.mp3"}}))
    shutil.copy(audio, tmp_path / "outside.mp3")
    (site / "escape.json").write_text(json.dumps({**manifest, "audio": {"file": "../outside.mp3"}}))
    assert write_index(site) == 3
    text = (site / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in text and text.count("&lt;script&gt;") == 3
    [item] = [i for i in read_index(site) if "bulletin-01" in i["links"][0]]
    assert (item["title"], item["stories"]) == (hostile, [hostile])
