#!/usr/bin/env python3
"""End-to-end test of the visitor page on phones, in real browsers (headless Debian chromium + Selenium).

Starts a silent daemon on a copy of the demo tours and `audiogid web` with its visitor listener, then, as visitors
on the boat would: one phone in Russian and one in Chinese tap Start (the tour is saved on each); `audiogid ctl
play 3` makes each play stop 3's clip in its own language within a second, with the transcript on the page; a
third phone joining mid-clip starts where the kiosk is (± 0.5 s); with the network cut and the web process gone,
the saved clip still plays; back in range, the page follows the boat again; the plays heard are in the daemon's
statistics as phone listeners per language. Screenshots go to .build/visitors-e2e/ (--docs refreshes
docs/visitors-page-zh.png).

    swift build && python3 scripts/visitors-e2e.py [--docs]
"""
import json, os, re, shutil, socket, subprocess, sys, tempfile, time

from e2ekit import AUDIOGID, ROOT, copy_demo_tours, ctl, free_port, page_wait, staff_user_line, stop_all, wait_for
from selenium import webdriver
from selenium.webdriver.common.by import By

SHOTS = os.path.join(ROOT, ".build", "visitors-e2e")
PASSWORD = "lighthouse-keeper"

AUDIO = "return (function (a) { return {src: a.currentSrc, time: a.currentTime, paused: a.paused}; })(document.getElementById('player'))"


def kiosk_elapsed(sock):
    match = re.search(r"^elapsed: ([0-9.]+)$", ctl(sock, "status"), re.M)
    return float(match.group(1)) if match else None


def listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def phone(language, *extra):
    """A browser of its own (its own profile, cache and service workers): one visitor's phone."""
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=420,900",
                 f"--lang={language}", "--autoplay-policy=no-user-gesture-required", "--mute-audio", *extra):
        options.add_argument(flag)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


def advancing(browser, within=3):
    """The audio element's time moves on: it is really playing, not just loaded."""
    first = browser.execute_script(AUDIO)
    return wait_for(lambda: (lambda now: now if now["time"] > first["time"] + 0.1 and not now["paused"] else None)(
        browser.execute_script(AUDIO)), within, "currentTime to advance")


def main():
    to_docs = "--docs" in sys.argv
    os.makedirs(SHOTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="agvis-e2e-")
    processes, browsers = [], []
    try:
        copy_demo_tours(work)
        sock = os.path.join(work, "control.sock")
        user_line = staff_user_line(PASSWORD)
        staff_port, port = free_port(), free_port()
        config = os.path.join(work, "kiosk.yaml")
        with open(config, "w") as f:
            f.write(f"tour: moyo-selo\ndata: {work}\naudio:\n  device: none\n  sample_rate: 48000\n"
                    f"control:\n  socket: {sock}\nweb:\n  visitors: {{listen: \"127.0.0.1:{port}\", url: \"http://boat.test:{port}/\"}}\n  users:\n  {user_line}\n")
        processes.append(subprocess.Popen([AUDIOGID, "daemon", "--config", config],
                                          stderr=open(os.path.join(SHOTS, "daemon.log"), "w")))
        wait_for(lambda: os.path.exists(sock) and "state:" in ctl(sock, "status"), 30, "the daemon", poll=0.1)

        def start_web():
            web = subprocess.Popen([AUDIOGID, "web", "--config", config, "--listen", f"127.0.0.1:{staff_port}"],
                                   stderr=open(os.path.join(SHOTS, "web.log"), "a"))
            processes.append(web)
            wait_for(lambda: listening(port), 30, "the visitor page", poll=0.1)
            return web
        web = start_web()
        base = f"http://127.0.0.1:{port}"

        def shot(browser, name):
            path = os.path.join(SHOTS, f"{name}.png")
            browser.save_screenshot(path)
            if to_docs and name == "page-zh":  # the one docs/kiosk-setup.md shows
                shutil.copy(path, os.path.join(ROOT, "docs", f"visitors-{name}.png"))

        # Two visitors, one reading Russian and one Chinese, each tap Start; the tour is saved on each phone.
        visitors = {}
        for language in ("ru", "zh"):
            browser = phone(language)
            browsers.append(browser)
            browser.get(f"{base}/?lang={language}")
            browser.find_element(By.ID, "start").click()
            visitors[language] = browser
        for language, browser in visitors.items():
            page_wait(browser, 30).until(lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-saved"))
            saved = int(browser.find_element(By.TAG_NAME, "body").get_attribute("data-saved"))
            assert saved > 10_000, f"{language}: only {saved} bytes saved"
            text = browser.find_element(By.ID, "save-text").text
            assert "MB" in text, text
            print(f"ok: {language} phone saved the tour for offline ({saved / 1024:.0f} KB, shown as '{text}')")

        # The kiosk plays stop 3: each phone plays its own language's clip within a second.
        clips = {language: browser.execute_script(
            "return document.querySelector('#stops li[data-stop=\"3\"]').getAttribute('data-clip')")
            for language, browser in visitors.items()}
        pressed = time.monotonic()
        ctl(sock, "play", "3")
        started = {}

        def both_playing():
            # Both phones are watched in one loop, so neither's time includes the other's checks.
            for language, browser in visitors.items():
                a = browser.execute_script(AUDIO)
                if language not in started and clips[language].split("?")[0] in a["src"] and a["time"] > 0 and not a["paused"]:
                    started[language] = time.monotonic() - pressed
            return len(started) == len(visitors)
        wait_for(both_playing, 5, "both phones to play stop 3")
        for language, browser in visitors.items():
            wanted = clips[language].split("?")[0]
            assert f".{language}." in wanted, wanted
            advancing(browser)
            assert started[language] < 1.0, f"{language}: playing {started[language]:.2f} s after the press"
            print(f"ok: {language} phone plays {wanted.split('/')[-1]} {started[language] * 1000:.0f} ms after `ctl play 3`, and it advances")
            transcript = browser.find_element(By.ID, "now-transcript").text
            expected = browser.execute_script(
                "return document.querySelector('#stops li[data-stop=\"3\"] .transcript').textContent")
            assert transcript and transcript.strip() == expected.strip(), (transcript, expected)
            print(f"ok: {language} transcript on the page: {transcript[:40]}…")
        shot(visitors["zh"], "page-zh")
        shot(visitors["ru"], "page-ru")

        # A third visitor joins mid-clip (the Chinese clip is 19 s): it starts where the kiosk is.
        wait_for(lambda: (kiosk_elapsed(sock) or 0) >= 4, 10, "the kiosk to be 4 s into stop 3", poll=0.1)
        late = phone("zh")
        browsers.append(late)
        late.get(f"{base}/?lang=zh")
        late.find_element(By.ID, "start").click()
        wait_for(lambda: late.execute_script(AUDIO)["time"] > 0.5, 5, "the joining phone to play")
        # Its first second: loading, seeking to where the kiosk is, and putting back a drift.
        wait_for(lambda: (lambda a: a["time"] > 5.5 and not a["paused"])(late.execute_script(AUDIO)), 5, "the joining phone to settle")
        gaps = []
        for _ in range(5):
            before = kiosk_elapsed(sock)
            heard = late.execute_script(AUDIO)["time"]
            after = kiosk_elapsed(sock)
            gaps.append(heard - (before + after) / 2)
        gap = sorted(gaps)[len(gaps) // 2]
        assert abs(gap) <= 0.5, f"the joining phone is {gap:+.2f} s from the kiosk ({gaps})"
        print(f"ok: a phone joining {before:.1f} s into the clip plays {gap * 1000:+.0f} ms from the kiosk's position")

        # Out of range: the network cut and the web process gone. The saved clips still play, the page reloads.
        ru = visitors["ru"]
        ru.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
        web.terminate()
        web.wait(timeout=10)
        ru.find_element(By.CSS_SELECTOR, '#stops button.play[data-stop="2"]').click()
        wanted = ru.execute_script("return document.querySelector('#stops li[data-stop=\"2\"]').getAttribute('data-clip')")
        wait_for(lambda: (lambda a: a if wanted.split("?")[0] in a["src"] and a["time"] > 0 else None)(ru.execute_script(AUDIO)),
                 5, "the saved clip to play offline")
        advancing(ru)
        print("ok: offline (no network, no web process), stop 2 plays from the phone's saved copy")
        ru.refresh()
        page_wait(ru, 10).until(lambda b: b.find_elements(By.ID, "start"))
        assert "2." in ru.find_element(By.CSS_SELECTOR, '#stops li[data-stop="2"] h3').text
        shot(ru, "offline")
        print("ok: offline, the page itself reloads from the phone's saved copy")

        # Back in range: the page follows the boat again.
        web = start_web()
        ru.set_network_conditions(offline=False, latency=0, download_throughput=-1, upload_throughput=-1)
        ru.get(f"{base}/?lang=ru")
        ru.find_element(By.ID, "start").click()
        ctl(sock, "play", "4")
        wanted = ru.execute_script("return document.querySelector('#stops li[data-stop=\"4\"]').getAttribute('data-clip')")
        wait_for(lambda: (lambda a: a if wanted.split("?")[0] in a["src"] and a["time"] > 0 else None)(ru.execute_script(AUDIO)),
                 5, "the phone back in range to follow stop 4")
        print("ok: back in range, the phone follows the kiosk to stop 4")

        # The boat's plain http://10.42.0.1/ is not a secure context: no service worker, no Cache API. (Chromium
        # counts 127.0.0.1 as secure, so this phone reaches the page by the name kiosk.yaml's `url` gives it.) After Start the page keeps
        # the clips in memory, and out of range any stop still plays from there while the page stays open.
        boat = phone("en", "--host-resolver-rules=MAP boat.test 127.0.0.1")
        browsers.append(boat)
        boat.get(f"http://boat.test:{port}/?lang=en")
        assert boat.execute_script("return window.isSecureContext") is False, "http://boat.test should not be a secure context"
        boat.find_element(By.ID, "start").click()
        page_wait(boat, 30).until(lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-saved"))
        kept_in = boat.find_element(By.TAG_NAME, "body").get_attribute("data-saved-in")
        assert kept_in == "memory", kept_in
        boat.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
        boat.find_element(By.CSS_SELECTOR, '#stops button.play[data-stop="5"]').click()
        wait_for(lambda: (lambda a: a if a["src"].startswith("blob:") and a["time"] > 0 else None)(boat.execute_script(AUDIO)),
                 5, "the clip kept in memory to play offline")
        advancing(boat)
        boat.set_network_conditions(offline=False, latency=0, download_throughput=-1, upload_throughput=-1)
        print("ok: on plain HTTP (no service worker) the clips are kept in memory: offline, stop 5 plays from there")

        # What the phones heard is in the daemon's play log: phone listeners per language.
        ctl(sock, "stop")

        def phone_stats():
            report = json.loads(subprocess.run([AUDIOGID, "stats", "--data", work, "--format", "json"],
                                               capture_output=True, text=True, timeout=10).stdout or "{}")
            listeners = {row["key"]: row["listeners"] for row in report.get("phoneListeners") or []}
            return listeners if listeners.get("ru", 0) >= 1 and listeners.get("zh", 0) >= 2 else None
        listeners = wait_for(phone_stats, 10, "the phones' plays in the statistics", poll=0.2)
        print(f"ok: phone listeners per language in the statistics: {listeners}")

        for language, browser in (("ru", ru), ("zh", visitors["zh"]), ("zh-late", late)):
            errors = [entry for entry in browser.get_log("browser")
                      if entry.get("level") == "SEVERE" and entry.get("source") not in ("network",)
                      and "Failed to fetch" not in entry.get("message", "")]
            assert not errors, f"{language}: browser console errors: {json.dumps(errors)}"
        print("ok: no script errors or CSP violations in the consoles")
    finally:
        for browser in browsers:
            browser.quit()
        stop_all(processes)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
