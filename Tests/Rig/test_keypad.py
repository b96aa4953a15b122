"""A USB numeric keypad made with uinput, read by the real daemon through evdev."""
import time

from rigkit import (Capture, Daemon, EventReader, Keypad, Tour, case, check, main, match, noise, rig_audio, say,
                    wait_until)

CLIPS = {3: (noise(0.6, seed=3), 48000), 5: (noise(0.6, seed=5), 48000)}


def kiosk(grab):
    return f"""
{rig_audio()}triggers:
  keypad: {{device: /dev/input/rig-keypad, grab: {str(grab).lower()}}}
"""


@case
def typed_number_plays_its_stop():
    keypad = Keypad()
    tour = Tour(CLIPS)
    daemon = Daemon(tour, kiosk(grab=True))
    capture = Capture()
    keypad.tap("KP3", "KPENTER")
    wait_until(10, lambda: daemon.plays(3, "keypad") == 1, "3 Enter to play stop 3")
    wait_until(10, lambda: daemon.status().get("state") == "stop", "stop 3 to end")
    score, gaps = match(capture.stop(), tour.reference(3))
    check(score >= 0.9, f"the capture is stop 3's clip (correlation {score:.3f}, {gaps} gaps)")


@case
def grab_hides_the_keys_from_other_readers():
    keypad = Keypad()
    tour = Tour(CLIPS)
    daemon = Daemon(tour, kiosk(grab=True))
    other = EventReader(keypad.node)
    keypad.tap("KP5", "KPENTER")
    wait_until(10, lambda: daemon.plays(5, "keypad") == 1, "5 Enter to play stop 5")
    seen = other.keys()
    check(seen == [], f"another reader of {keypad.node} saw nothing while the daemon holds the grab ({seen})")
    daemon.stop()
    # Control: without the daemon's grab the same reader sees the keys, so the check above can fail.
    keypad.tap("KP5")
    seen = wait_until(5, other.keys, "the reader to see keys once the grab is gone")
    check(len(seen) == 2, f"with the daemon gone the reader sees the key press and release ({seen})")


@case
def unplugged_keypad_is_reopened():
    keypad = Keypad()
    tour = Tour(CLIPS)
    daemon = Daemon(tour, kiosk(grab=True))
    # What the daemon costs with the keypad in (it writes silence to the card while idle), as the baseline.
    cpu_before = daemon.cpu_seconds()
    time.sleep(3)  # a span of normal running to measure, not a wait for the daemon
    baseline = daemon.cpu_seconds() - cpu_before
    keypad.unplug()
    wait_until(10, lambda: daemon.log_count(r"rig-keypad lost") == 1, "the daemon to notice the unplug")
    # Unplugged for 3 s: the daemon retries with back-off, logs once, and does not spin.
    cpu_before = daemon.cpu_seconds()
    time.sleep(3)  # the length of the outage being simulated, not a wait for the daemon
    cpu = daemon.cpu_seconds() - cpu_before
    say(f"daemon CPU in 3 s: {baseline:.2f} s plugged, {cpu:.2f} s unplugged")
    check(cpu < baseline + 0.3, f"the daemon does not spin while the keypad is away ({cpu:.2f} s CPU in 3 s, "
          f"{baseline:.2f} s with it)")
    keypad = Keypad()
    wait_until(15, lambda: daemon.log_count(r"rig-keypad is back") == 1, "the daemon to reopen the keypad")
    capture = Capture()
    keypad.tap("KP3", "KPENTER")
    wait_until(10, lambda: daemon.plays(3, "keypad") == 1, "3 Enter after the replug")
    wait_until(10, lambda: daemon.status().get("state") == "stop", "stop 3 to end")
    score, gaps = match(capture.stop(), tour.reference(3))
    check(score >= 0.9, f"stop 3 plays after the replug (correlation {score:.3f}, {gaps} gaps)")
    log = daemon.log()
    lines = [line for line in log.splitlines() if "rig-keypad" in line and "trigger:" not in line and "entered" not in line]
    say("keypad log lines:\n" + "\n".join(lines))
    check(len(lines) == 2 and "lost" in lines[0] and "is back" in lines[1], "the outage is two log lines: lost, then back")


if __name__ == "__main__":
    main()
