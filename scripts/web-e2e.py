#!/usr/bin/env python3
"""End-to-end test of the staff web page in a real browser (headless Debian chromium + chromium-driver, Selenium).

Starts a silent daemon on a copy of the demo tours and `audiogid web` in front of it, then, as a librarian would:
a wrong password is refused; log in; press stop 3 and see it on the Now page (and in the daemon's own status);
switch the page to Russian; switch the tour; upload a package made with `audiogid pack` and see the new tour (and an
unsigned one refused in plain words); open the statistics and see the chart; open the Kiosk page; restart the daemon
with ALSA's file plugin as its speaker and hear stop 3, pressed on the page, in what it captured.
Screenshots of each page go to .build/web-e2e/ (and to docs/ with --docs).

    swift build && python3 scripts/web-e2e.py [--docs]
"""
import array, json, os, shutil, socket, subprocess, sys, tempfile, time

from e2ekit import AUDIOGID, ROOT, copy_demo_tours, ctl, free_port, page_wait, staff_user_line, stop_all, wait_for
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

SHOTS = os.path.join(ROOT, ".build", "web-e2e")
PASSWORD = "lighthouse-keeper"


def captured_peak(wav):
    """The loudest 16-bit sample ALSA's file plugin has written so far (its header sizes come only at close)."""
    try:
        data = open(wav, "rb").read()
    except FileNotFoundError:
        return 0
    start = data.find(b"data")
    if start < 0:
        return 0
    body = data[start + 8:]
    samples = array.array("h", body[: len(body) // 2 * 2])
    return max((abs(s) for s in samples), default=0)


def make_package(work, signed=True):
    """A small tour `dvor` packed with `audiogid pack` (signed with the key the kiosk trusts, unless not)."""
    library = os.path.join(work, "library")
    tour, audio = os.path.join(library, "tours", "dvor"), os.path.join(library, "audio", "dvor")
    if not os.path.isdir(tour):
        os.makedirs(tour)
        os.makedirs(audio)
        for name, demo in (("01.ru.ogg", "01-library.ru.ogg"), ("01.en.ogg", "01-library.en.ogg"),
                           ("02.ru.ogg", "02-school.ru.ogg"), ("02.en.ogg", "02-school.en.ogg")):
            shutil.copy(os.path.join(ROOT, "audio", "moyo-selo", demo), os.path.join(audio, name))
        with open(os.path.join(tour, "tour.yaml"), "w") as f:
            f.write("format: 1\nid: dvor\nversion: 1\ntitle: {ru: \"Двор\", en: \"The yard\"}\nlanguages: [ru, en]\nstops:\n"
                    "  - {id: vorota, number: 1, title: {ru: Ворота, en: The gate}, audio: {ru: dvor/01.ru.ogg, en: dvor/01.en.ogg}}\n"
                    "  - {id: kolodets, number: 2, title: {ru: Колодец, en: The well}, audio: {ru: dvor/02.ru.ogg, en: dvor/02.en.ogg}}\n")
    output = os.path.join(work, "dvor-1.audiogid" if signed else "dvor-1-unsigned.audiogid")
    command = [AUDIOGID, "pack", tour, "--output", output] + (["--key", os.path.join(work, "museum.key")] if signed else [])
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=60)
    return output


def main():
    to_docs = "--docs" in sys.argv
    os.makedirs(SHOTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="agweb-e2e-")
    processes = []
    try:
        copy_demo_tours(work)
        sock = os.path.join(work, "control.sock")
        user_line = staff_user_line(PASSWORD)
        # At the end the daemon is restarted with ALSA's file plugin as its speaker: what it plays is written to a
        # WAV this test reads. (Until then it keeps time silently, so a stop stays "playing" long enough to see.)
        wav = os.path.join(work, "out.wav")
        alsa = os.path.join(work, "asound.conf")
        with open(alsa, "w") as f:
            f.write('pcm.capture {\n @args [ FILE ]\n @args.FILE { type string }\n type file\n slave.pcm { type null }\n'
                    ' file $FILE\n format "wav"\n}\n')
        # The museum's signing key; the kiosk trusts its public half (packages.trusted_keys).
        keys = os.path.join(work, "trusted-keys")
        os.makedirs(keys)
        subprocess.run([AUDIOGID, "keygen", "--secret-key", os.path.join(work, "museum.key"),
                        "--public-key", os.path.join(keys, "museum.pub")], check=True, capture_output=True, timeout=30)
        config = os.path.join(work, "kiosk.yaml")
        with open(config, "w") as f:
            f.write(f"tour: moyo-selo\ndata: {work}\nvolume_cap: 90\naudio:\n  device: none\n  sample_rate: 48000\n"
                    f"control:\n  socket: {sock}\npackages:\n  trusted_keys: {keys}\nweb:\n  users:\n  {user_line}\n")
        daemon = subprocess.Popen([AUDIOGID, "daemon", "--config", config], stderr=open(os.path.join(SHOTS, "daemon.log"), "w"))
        processes.append(daemon)
        wait_for(lambda: os.path.exists(sock) and "state:" in ctl(sock, "status"), 30, "the daemon")
        port = free_port()
        processes.append(subprocess.Popen([AUDIOGID, "web", "--config", config, "--listen", f"127.0.0.1:{port}"],
                                          stderr=open(os.path.join(SHOTS, "web.log"), "w")))
        base = f"http://127.0.0.1:{port}"

        def page_up():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return True
            except OSError:
                return False
        wait_for(page_up, 30, "the web page")

        options = webdriver.ChromeOptions()
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=430,1100", "--lang=en-US"):
            options.add_argument(flag)
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        service = webdriver.ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
        browser = webdriver.Chrome(options=options, service=service)
        wait = page_wait(browser, 10)
        try:
            def shot(name):
                path = os.path.join(SHOTS, f"{name}.png")
                browser.save_screenshot(path)
                if to_docs:
                    shutil.copy(path, os.path.join(ROOT, "docs", f"web-{name}.png"))

            # A wrong password is refused.
            browser.get(base + "/?lang=en")
            wait.until(EC.url_contains("/login"))
            browser.find_element(By.NAME, "user").send_keys("anna")
            browser.find_element(By.NAME, "password").send_keys("not-the-password")
            browser.find_element(By.CSS_SELECTOR, "form.login button").click()
            wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "p.warning"), "Wrong user name or password"))
            shot("login-refused")
            print("ok: wrong password refused")

            browser.find_element(By.NAME, "user").send_keys("anna")
            browser.find_element(By.NAME, "password").send_keys(PASSWORD)
            browser.find_element(By.CSS_SELECTOR, "form.login button").click()
            wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "table[data-live]")))
            # The one script loaded without an error (a broken live.js would show only as missing live updates).
            console = browser.get_log("browser")
            broken = [entry for entry in console if entry.get("source") == "javascript"]
            assert not broken, f"/static/live.js failed: {json.dumps(broken)}"

            # Press stop 3: the page shows it, and so does the daemon.
            browser.find_element(By.CSS_SELECTOR, 'button[data-stop="3"]').click()
            wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, '[data-field="stop"]'), "3"))
            assert "stop: 3" in ctl(sock, "status"), ctl(sock, "status")
            shot("now")
            print("ok: stop 3 pressed on the page, playing in the daemon")

            # A press elsewhere (the control socket, as mpc or a button) reaches the open page within a second.
            pressed = time.monotonic()
            ctl(sock, "play", "2")
            page_wait(browser, 5, poll_frequency=0.05).until(
                lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-live-state") == "play:2")
            live = time.monotonic() - pressed
            assert live < 1.0, f"live update took {live:.2f} s"
            print(f"ok: a press elsewhere shown live in {live * 1000:.0f} ms")

            # The page in Russian.
            browser.find_element(By.CSS_SELECTOR, 'a[hreflang="ru"]').click()
            wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Сейчас"))
            shot("now-ru")
            browser.get(base + "/?lang=en")
            print("ok: language switched")

            # Tours: switch to the other tour.
            browser.get(base + "/tours")
            browser.find_element(By.CSS_SELECTOR, 'button[name="tour"][value="teplokhodik"]').click()
            wait.until(lambda b: "tour: teplokhodik" in ctl(sock, "status"))
            print("ok: tour switched")

            # Upload a package made with `audiogid pack`: the progress, then the new tour with its version and signer.
            # An unsigned one first: refused in plain words, in place, and nothing changes.
            browser.get(base + "/tours")
            browser.find_element(By.CSS_SELECTOR, 'form.upload input[type="file"]').send_keys(make_package(work, signed=False))
            browser.find_element(By.CSS_SELECTOR, "form.upload button").click()
            wait.until(lambda b: b.find_element(By.CSS_SELECTOR, "form.upload output").get_attribute("data-status") == "422")
            refusal = browser.find_element(By.CSS_SELECTOR, "form.upload output").text
            assert "not signed" in refusal, refusal
            assert not os.path.exists(os.path.join(work, "tours", "dvor"))
            browser.execute_script("document.querySelector('section.upload').scrollIntoView()")
            shot("upload-refused")
            print("ok: an unsigned package refused in plain words")

            browser.get(base + "/tours")
            browser.find_element(By.CSS_SELECTOR, 'form.upload input[type="file"]').send_keys(make_package(work))
            browser.find_element(By.CSS_SELECTOR, "form.upload button").click()
            wait.until(EC.url_contains("installed=dvor"))
            notice = browser.find_element(By.CSS_SELECTOR, "p.notice").text
            assert "Tour dvor version 1 is installed" in notice and "The player has taken it up" in notice, notice
            section = browser.find_element(By.ID, "tour-dvor")
            assert section.find_element(By.CSS_SELECTOR, '[data-field="version"]').text == "1"
            assert section.find_element(By.CSS_SELECTOR, '[data-field="signer"]').text.startswith("museum (")
            assert os.readlink(os.path.join(work, "tours", "dvor")).endswith("releases/dvor/1")
            ctl(sock, "tour", "dvor")
            wait.until(lambda b: "tour: dvor" in ctl(sock, "status"))
            browser.get(base + "/tours")
            shot("tours")
            ctl(sock, "tour", "teplokhodik")
            print("ok: package uploaded with the page; the new tour is listed with its version and signer and plays")

            # Statistics: the plays just made, with the chart.
            ctl(sock, "stop")
            browser.get(base + "/stats")
            chart = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "img.chart")))
            wait.until(lambda b: b.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", chart))
            shot("stats")
            print("ok: statistics chart shown")

            browser.get(base + "/kiosk")
            wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "time[data-server-time]")))
            shot("kiosk")
            print("ok: kiosk page shown")
            # Network errors are the refusals this test asked for (the wrong password's 401, no favicon); a script
            # error or a Content-Security-Policy violation would show as another source.
            # The daemon restarts (now with the capture device); the open page reconnects by itself, and stop 3
            # pressed on it is heard.
            daemon.terminate()
            daemon.wait(timeout=10)
            daemon = subprocess.Popen([AUDIOGID, "daemon", "--config", config, "--device", f'capture:FILE="{wav}"'],
                                      env=dict(os.environ, ALSA_CONFIG_PATH=alsa),
                                      stderr=open(os.path.join(SHOTS, "daemon-capture.log"), "w"))
            processes.append(daemon)
            browser.get(base + "/")
            wait.until(lambda b: "state:" in ctl(sock, "status"))
            wait.until(lambda b: not b.find_elements(By.CSS_SELECTOR, '[data-field="unreachable"]') or b.refresh())
            browser.find_element(By.CSS_SELECTOR, 'button[data-stop="3"]').click()
            wait_for(lambda: captured_peak(wav) > 1000, 10, "stop 3 to sound in the capture device")
            print(f"ok: after a daemon restart, stop 3 pressed on the page is heard in the capture device (peak {captured_peak(wav)})")

            errors = [entry for entry in browser.get_log("browser")
                      if entry.get("level") == "SEVERE" and entry.get("source") != "network"]
            assert not errors, f"browser console errors: {json.dumps(errors)}"
            print("ok: no script errors or CSP violations in the console")
        finally:
            browser.quit()
    finally:
        stop_all(processes)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
