"""Screenshots of the pages under test, for people to look at: into LEXGRAPH_SCREENSHOT_DIR
when it is set (a folder that outlives the run), else into the test's own tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

from selenium.webdriver.remote.webdriver import WebDriver


MAX_HEIGHT = 4000
"""The tallest screenshot taken of a whole page, in CSS pixels."""


def screenshot(driver: WebDriver, name: str, tmp_path: Path, *, whole_page: bool = False) -> Path:
    """Save the browser's window as ``<name>.png`` (with ``whole_page``, the window made as
    tall as the page first, up to :data:`MAX_HEIGHT`, and restored after) and return where it went."""
    folder = Path(os.environ.get("LEXGRAPH_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    size = driver.get_window_size()
    if whole_page:
        height = int(driver.execute_script("return document.documentElement.scrollHeight"))
        driver.set_window_size(size["width"], min(max(height, size["height"]), MAX_HEIGHT))
    try:
        assert driver.save_screenshot(str(path)), path
    finally:
        if whole_page:
            driver.set_window_size(size["width"], size["height"])
    return path
