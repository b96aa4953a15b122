"""What the browser end-to-end tests (scripts/web-e2e.py, scripts/visitors-e2e.py) share: the built program, a free
port, a wait on a condition with a deadline, `audiogid ctl`, a data folder with the demo tours, a staff user for
kiosk.yaml, and stopping the processes a test started. (Benchmarks/visitors-load.py uses it too.)"""
import os, shutil, socket, subprocess, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AUDIOGID = os.path.join(ROOT, ".build", "debug", "audiogid")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, seconds, what, poll=0.02):
    """The predicate's first true value, polled until `seconds` pass; an AssertionError naming `what` after that."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def ctl(sock, *words):
    return subprocess.run([AUDIOGID, "ctl", "--socket", sock, *words], capture_output=True, text=True, timeout=10).stdout


def copy_demo_tours(work, tours=("moyo-selo", "teplokhodik")):
    """The demo tours and their audio, copied into the data folder `work`."""
    for part in ("tours", "audio"):
        for tour in tours:
            shutil.copytree(os.path.join(ROOT, part, tour), os.path.join(work, part, tour))


def staff_user_line(password, audiogid=AUDIOGID):
    """kiosk.yaml's `web.users` entry for staff member `anna` with `password`, as `audiogid passwd` writes it."""
    hashed = subprocess.run([audiogid, "passwd", "--user", "anna", "--role", "staff", "--stdin", "--cost", "10"],
                            input=password + "\n", capture_output=True, text=True, check=True).stdout
    return [line for line in hashed.splitlines() if line.strip().startswith("anna:")][0]


def stop_all(processes):
    """SIGTERM to each, then up to 10 s for each to end before SIGKILL."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def page_wait(browser, seconds, poll_frequency=0.5):
    """A WebDriverWait that looks again when the element it read was replaced meanwhile.

    The pages re-render parts of themselves on every live event, so an element found a moment ago can be gone from
    the document when its text is read. Selenium's conditions retry a StaleElementReferenceException, but Chromium
    also reports this as a plain WebDriverException ("Node with given id does not belong to the document"), which
    failed a CI run. Any WebDriverException is looked at again until the deadline; a condition that never holds
    still ends in a TimeoutException.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, seconds, poll_frequency=poll_frequency, ignored_exceptions=(WebDriverException,))
