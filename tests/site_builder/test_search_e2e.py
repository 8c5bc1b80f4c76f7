"""End to end: the built wiki in headless Chromium, found through Material's search box."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest
from wikikit import Repo, build

if TYPE_CHECKING:
    from playwright.sync_api import Browser


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(repo: Repo) -> Iterator[str]:
    site = build(repo.root, strict=True)
    handler = functools.partial(_Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_search_finds_a_glossary_term(served: str, chromium_browser: Browser) -> None:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        tab = context.new_page()
        tab.goto(served)
        tab.locator("input.md-search__input").click()
        box = tab.locator("input.md-search__input")
        box.press_sequentially("verkoopklare", delay=30)
        result = tab.locator("a.md-search-result__link").first
        result.wait_for(timeout=15000)
        result.click()
        tab.wait_for_url("**/glossary/**", timeout=15000)
        assert "/glossary/" in tab.url
        assert "verkoopklare lead" in tab.locator("article").inner_text()
    finally:
        context.close()


def test_search_finds_an_agreement_by_commitment(served: str, chromium_browser: Browser) -> None:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        tab = context.new_page()
        tab.goto(served)
        tab.locator("input.md-search__input").click()
        tab.locator("input.md-search__input").press_sequentially("contact name", delay=30)
        result = tab.locator(
            'a.md-search-result__link[href*="agreements/marketing-sales-sla"]'
        ).first
        result.wait_for(timeout=15000)
        result.click()
        tab.wait_for_url("**/agreements/marketing-sales-sla/**", timeout=15000)
        assert "Contact name" in tab.locator("article").inner_text()
    finally:
        context.close()


def test_pictures_render_with_the_network_off(served: str, chromium_browser: Browser) -> None:
    """Nothing but the wiki's own server answers: the funnel and the maturity chart still
    show, and no diagram source is left on the page."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 800})
    elsewhere: list[str] = []

    def only_the_wiki(route: Any) -> None:
        if route.request.url.startswith(served):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_wiki)
    try:
        tab = context.new_page()
        for page, picture in (("funnel/", "funnel.svg"), ("assessment/", "maturity.svg")):
            tab.goto(served + page)
            image = tab.locator(f"article img[src$='{picture}']")
            image.wait_for(timeout=15000)
            tab.wait_for_function(
                "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
            )
            box = image.bounding_box()
            assert box is not None and box["width"] > 200, (page, box)
            article = tab.locator("article").inner_text()
            assert "flowchart" not in article and "xychart" not in article
    finally:
        context.close()
    assert not [url for url in elsewhere if "mermaid" in url]
