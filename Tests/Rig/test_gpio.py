"""GPIO buttons and LEDs on a gpio-sim chip, with the real daemon playing to the loopback card."""
import time

from rigkit import (Capture, Daemon, GpioSim, Tour, case, check, main, match, noise, rig_audio, say, tone,
                    wait_until)

# Lines of the simulated chip. Button 1 is given by its line name, as a Pi's device tree names lines.
PLAY1, PLAY2_LONG4, LED1, LED2 = 1, 2, 5, 6
KIOSK = f"""
{rig_audio()}triggers:
  gpio:
    chip: rig-buttons
    kernel_debounce_ms: 2
    long_press_ms: 600
    led_idle: off
    buttons:
      - {{line: btn-one, press: "play 1"}}
      - {{line: {PLAY2_LONG4}, press: "play 2", long_press: "play 4"}}
    leds:
      - {{line: {LED1}, stop: 1}}
      - {{line: {LED2}, stop: 2}}
"""


def rig(clips):
    chip = GpioSim(names={PLAY1: "btn-one"})
    for line in (PLAY1, PLAY2_LONG4):
        chip.release(line)
    tour = Tour(clips)
    return chip, tour, Daemon(tour, KIOSK)


def heard(capture_data, tour, expected, others):
    """Checks the capture holds clip `expected` (correlation >= 0.9) and not any of `others`."""
    score, gaps = match(capture_data, tour.reference(expected))
    say(f"clip {expected}: correlation {score:.3f}, {gaps} gaps (underruns) bridged")
    check(score >= 0.9, f"the capture is stop {expected}'s clip (correlation {score:.3f} >= 0.9)")
    for other in others:
        wrong, _ = match(capture_data, tour.reference(other))
        check(wrong < 0.5, f"and not stop {other}'s (correlation {wrong:.3f})")


CLIPS = {1: (noise(0.6, seed=1), 48000), 2: (noise(0.6, seed=2), 48000), 4: (noise(0.6, seed=4), 48000)}


@case
def press_plays_its_stop():
    chip, tour, daemon = rig(CLIPS)
    capture = Capture()
    chip.press(PLAY1)
    wait_until(10, lambda: daemon.status().get("state") == "play", "stop 1 to play")
    chip.release(PLAY1)
    wait_until(10, lambda: daemon.status().get("state") == "stop", "stop 1 to end")
    data = capture.stop()
    heard(data, tour, 1, [2, 4])
    check(daemon.plays(1, "gpio") == 1, "the daemon logs one play of stop 1 from gpio")


@case
def long_press_does_its_action():
    chip, tour, daemon = rig(CLIPS)
    capture = Capture()
    chip.press(PLAY2_LONG4)
    # Held past long_press_ms (600 ms): the long-press action plays stop 4; the release then does nothing.
    wait_until(10, lambda: daemon.status().get("state") == "play", "the long press to play")
    chip.release(PLAY2_LONG4)
    wait_until(10, lambda: daemon.status().get("state") == "stop", "stop 4 to end")
    heard(capture.stop(), tour, 4, [2])
    check(daemon.plays(4, "gpio") == 1 and daemon.plays(2) == 0,
          "a long press plays stop 4 only")
    # A short press of the same button plays stop 2, on release.
    capture = Capture()
    chip.press(PLAY2_LONG4)
    time.sleep(0.1)  # the button is held for 0.1 s: what the test simulates, not a wait for the daemon
    chip.release(PLAY2_LONG4)
    wait_until(10, lambda: daemon.plays(2, "gpio") == 1, "a short press to play stop 2")
    wait_until(10, lambda: daemon.status().get("state") == "stop", "stop 2 to end")
    heard(capture.stop(), tour, 2, [4])


@case
def bouncing_line_is_one_press():
    chip, tour, daemon = rig(CLIPS)
    # Five closures within 10 ms, ending pressed: contact bounce, one press.
    start = time.monotonic()
    for _ in range(5):
        chip.press(PLAY1)
        chip.release(PLAY1)
    chip.press(PLAY1)
    elapsed = time.monotonic() - start
    say(f"bounce took {elapsed * 1000:.1f} ms")
    check(elapsed < 0.010 * 3, f"the bounce happened within tens of ms ({elapsed * 1000:.1f} ms; emulated)")
    wait_until(10, lambda: daemon.plays(1) >= 1, "the press to play")
    chip.release(PLAY1)
    wait_until(10, lambda: daemon.status().get("state") == "stop", "stop 1 to end")
    check(daemon.plays(1) == 1, "one play, not several (same_button: stop would stop it)")


@case
def line_requested_with_bias_and_debounce():
    chip, tour, daemon = rig(CLIPS)
    for line in (PLAY1, PLAY2_LONG4):
        info = chip.line_info(line)
        say(f"line {line}: {info}")
        check(info["consumer"] == "audiogid", f"line {line} is held by audiogid")
        check({"used", "input", "active_low", "edge_rising", "edge_falling", "bias_pull_up"} <= info["flags"],
              f"line {line} is an active-low input on both edges with the pull-up ({sorted(info['flags'])})")
        check(info["debounce_us"] == 2000, f"line {line} has the kernel debounce kiosk.yaml asks (2000 us)")
    check(chip.line_info(0)["consumer"] == "", "an unconfigured line is left alone")
    info = chip.line_info(LED1)
    check("output" in info["flags"] and info["consumer"] == "audiogid", "the LED line is an output held by audiogid")


@case
def led_follows_its_stop():
    clips = {1: (tone(1.5, 440), 48000), 2: (tone(0.5, 660), 48000)}
    chip, tour, daemon = rig(clips)
    wait_until(5, lambda: chip.value(LED1) == 0 and chip.value(LED2) == 0, "the LEDs to be off while idle")
    check(True, "LEDs are off while idle (led_idle: off)")
    chip.press(PLAY1)
    wait_until(5, lambda: chip.value(LED1) == 1, "LED 1 to light while stop 1 plays")
    check(chip.value(LED2) == 0, "LED 1 is lit while stop 1 plays, LED 2 is not")
    chip.release(PLAY1)
    daemon.request("pause 1")
    # Paused: the light blinks (on for 0.5 s, off for 0.5 s): at least two changes within 2.2 s.
    transitions, last = 0, chip.value(LED1)
    deadline = time.monotonic() + 2.2
    while time.monotonic() < deadline:
        now = chip.value(LED1)
        transitions += now != last
        last = now
        time.sleep(0.05)  # sampling the LED at 20 Hz, not waiting for the daemon
    check(transitions >= 2, f"LED 1 blinks while paused ({transitions} changes in 2.2 s)")
    daemon.request("pause 0")
    wait_until(5, lambda: chip.value(LED1) == 1, "LED 1 to stay lit when playing again")
    wait_until(10, lambda: daemon.status().get("state") == "stop", "stop 1 to end")
    wait_until(3, lambda: chip.value(LED1) == 0, "LED 1 to go out after the clip")
    check(True, "LED 1 is out once stop 1 has ended")


if __name__ == "__main__":
    main()
