"""The dashboard in a real browser: JupyterLab serves its notebook, Debian's chromium (headless, driven by
chromium-driver) runs it, clicks Step, and the picture on the page changes. Nothing is downloaded."""
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

import jupyterlab  # noqa: F401  (the notebook extra, which the test command's set-up installs)
from selenium import webdriver

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
SCREENSHOT = os.environ.get("DASHBOARD_SCREENSHOT")  # where to keep the page's picture (the README's)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """JupyterLab serving a copy of the dashboard's notebook (its first cells: build and show), with the
    worktree's code on the kernel's path."""
    import nbformat
    notebook = nbformat.read(ROOT / "docs" / "dashboard.ipynb", as_version=4)
    notebook.cells = notebook.cells[:2]  # the title and the dashboard: the rest trains and renders from code
    nbformat.write(notebook, tmp_path / "dashboard.ipynb")
    port, token = free_port(), "nnscratch-test"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings")}
    # No news fetched, nor asked about: nothing leaves the machine, and no toast covers the page.
    news = tmp_path / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True)
    news.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start in a minute")
        yield f"{url}/lab/tree/dashboard.ipynb?token={token}"
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture
def browser(tmp_path):
    assert CHROMIUM and DRIVER, "needs Debian's chromium and chromium-driver (bash scripts/test.sh installs them)"
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1500,1300",
                 f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def picture_pixels(element) -> np.ndarray:
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(element.screenshot_as_png)).convert("RGB")).astype(int)


@pytest.mark.slow
def test_step_in_the_browser_changes_the_picture(lab, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as seen
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(lab)
    wait = WebDriverWait(browser, 120)
    run_menu = (By.XPATH, "//div[contains(@class, 'lm-MenuBar-itemLabel')][text()='Run']")
    wait.until(seen.element_to_be_clickable(run_menu))
    wait.until(seen.presence_of_element_located((By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")))
    time.sleep(2)  # the kernel's start
    browser.find_element(*run_menu).click()
    wait.until(seen.element_to_be_clickable(
        (By.XPATH, "//div[contains(@class, 'lm-Menu-itemLabel')][text()='Run All Cells']"))).click()
    picture = wait.until(seen.visibility_of_element_located((By.CSS_SELECTOR, ".widget-image")))
    wait.until(lambda _: picture.size["width"] > 400 and picture.get_attribute("src").startswith("blob:"))
    time.sleep(1)
    before = picture_pixels(picture)
    assert before.max() > 100  # the network is drawn
    step = browser.find_element(By.XPATH, "//button[contains(@class, 'widget-button')][contains(., 'Step')]")
    source = picture.get_attribute("src")
    step.click()
    wait.until(lambda _: picture.get_attribute("src") != source)  # a new PNG came back from the kernel
    time.sleep(0.5)
    after = picture_pixels(picture)
    assert before.shape == after.shape
    changed = np.abs(after - before).max(axis=2) > 30
    assert changed.mean() > 0.001, changed.mean()
    # Train runs its 50 epochs in the kernel's thread; the page hears of each repaint, then the last epoch.
    browser.find_element(By.XPATH, "//button[contains(@class, 'widget-button')][contains(., 'Train')]").click()
    panel = browser.find_element(By.CSS_SELECTOR, ".jp-OutputArea-output .widget-vbox")
    wait.until(lambda _: "epoch 51 " in panel.text)
    if SCREENSHOT:
        time.sleep(0.5)
        panel.screenshot(SCREENSHOT)
