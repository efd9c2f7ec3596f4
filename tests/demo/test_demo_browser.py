"""The page in a real browser (Debian's chromium + chromium-driver, headless): upload a photo,
draw a stroke with the mouse, run, and check the result shown on the page."""

import io
import shutil
import urllib.request

import numpy as np
import pytest
from PIL import Image

webdriver = pytest.importorskip("selenium.webdriver", reason="the demo extra is not installed")
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER), reason="needs chromium and chromium-driver (apt-get install)"
)


@pytest.fixture
def browser():
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--enable-unsafe-swiftshader",  # the editor draws with WebGL: software rendering
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _fetch(url: str) -> Image.Image:
    with urllib.request.urlopen(url, timeout=30) as response:
        return Image.open(io.BytesIO(response.read()))


def test_upload_draw_run_shows_a_full_size_result_with_the_stroke_filled(
    served_page, browser, tmp_path
):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    pixels = np.random.default_rng(0).integers(0, 256, size=(240, 320, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(tmp_path / "photo.png")
    wait = WebDriverWait(browser, 60)
    browser.get(served_page)
    upload = wait.until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#photo-editor input[type=file]")
    )
    upload[0].send_keys(str(tmp_path / "photo.png"))
    canvas = wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#photo-editor canvas"))[-1]
    wait.until(
        lambda b: b.find_element(By.CSS_SELECTOR, "#photo-editor button[aria-label='Brush']")
    )
    browser.find_element(By.CSS_SELECTOR, "#photo-editor button[aria-label='Brush']").click()
    stroke = ActionChains(browser).move_to_element_with_offset(canvas, -60, -20).click_and_hold()
    stroke.move_by_offset(40, 10).move_by_offset(60, 10).release().perform()
    browser.find_element(By.CSS_SELECTOR, "#inpaint-button").click()
    shown = wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#result img, #used-mask img"))
    wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#result img, #used-mask img")) == 2)
    result = np.asarray(
        _fetch(browser.find_element(By.CSS_SELECTOR, "#result img").get_attribute("src"))
    )
    mask = _fetch(browser.find_element(By.CSS_SELECTOR, "#used-mask img").get_attribute("src"))
    holes = np.asarray(mask.convert("L")) > 127
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(entry => entry.name)"
    )
    assert loaded and all(url.startswith(served_page) for url in loaded)  # nothing from elsewhere
    assert shown and result.shape == pixels.shape
    assert 500 < holes.sum() < holes.size // 2  # the stroke, not the whole photo
    np.testing.assert_array_equal(result[~holes], pixels[~holes])
    assert not np.array_equal(result[holes], pixels[holes])
