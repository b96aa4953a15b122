"""The daemon on a real ALSA driver: snd-aloop's playback side, whose sound its capture side gives back exactly."""
import os
import re
import signal
import subprocess
import time

from rigkit import (Capture, Daemon, Failed, Tour, case, check, correlation, last_sound, main, match, noise, onset,
                    peak, rig_audio, samples, say, tone, wait_until)

HW = rig_audio()
VERBOSE = "log: {verbose: true}\n"


def played(daemon):
    wait_until(15, lambda: daemon.status().get("state") == "stop", "the clip to end")


@case
def plays_on_hw_device():
    tour = Tour({1: (noise(0.8, seed=11), 48000)})
    daemon = Daemon(tour, HW)
    status = daemon.status()
    check(status.get("device_open") == "1", f"the daemon holds hw:Loopback,0,0 open ({status.get('device')})")
    capture = Capture()
    daemon.request("playstop 1")
    played(daemon)
    data = capture.stop()
    score, gaps = match(data, tour.reference(1), length_s=0.7)
    check(score >= 0.9, f"the capture matches the clip (correlation {score:.3f}, {gaps} gaps)")
    sounding = sum(b - a for a, b in sounding_spans(data, peak(data) * 0.02)) / 48000
    check(abs(sounding - 0.8) < 0.05, f"the whole clip was played ({sounding:.3f} s of sound, the clip is 0.8 s)")


@case
def plays_clip_of_another_rate_on_plughw():
    # A 44.1 kHz clip on a 48 kHz output: the daemon converts it (libsoxr) and plughw takes the result.
    tour = Tour({1: (noise(0.8, seed=12, rate=44100), 44100)})
    daemon = Daemon(tour, rig_audio("plughw:Loopback,0,0", sample_rate=48000))
    capture = Capture()
    daemon.request("playstop 1")
    played(daemon)
    score, gaps = match(capture.stop(), tour.reference(1, rate=48000), length_s=0.7)
    check(score >= 0.9, f"the capture matches the clip resampled to 48 kHz (correlation {score:.3f}, {gaps} gaps)")


def sounding_spans(data, threshold, shortest_gap=48):
    """(start, end) sample spans louder than `threshold`, split at silences of at least `shortest_gap` samples."""
    s = samples(data)
    spans, start, quiet = [], None, 0
    for i, v in enumerate(s):
        if v > threshold or v < -threshold:
            if start is None:
                start = i
            quiet = 0
        elif start is not None:
            quiet += 1
            if quiet == shortest_gap:
                spans.append((start, i - quiet + 1))
                start = None
    if start is not None:
        spans.append((start, len(s) - quiet))
    return spans


# The daemon's debug log says how each cut took the card's queue back: `how=rewind` (snd_pcm_rewind: the card keeps
# running and the fade follows on seamlessly) or `how=drop` (snd_pcm_drop: the queue is thrown away).
TAKEN_BACK = r"queue taken back.*how=(\w+)|how=(\w+).*queue taken back"


def taken_back(daemon):
    return [a or b for a, b in re.findall(TAKEN_BACK, daemon.log())]


@case
def press_mid_clip_fades_over():
    tour = Tour({1: (tone(3.0, 440), 48000), 2: (tone(1.0, 660), 48000)})
    daemon = Daemon(tour, HW + VERBOSE)
    # A cut during which the emulator stalls longer than the period left queued runs the card dry, and the old clip
    # stops dead: that says nothing about the fade. Such an attempt (an underrun counted across it) is tried again,
    # up to three times; a click without an underrun fails at once.
    for attempt in range(1, 4):
        earlier = len(taken_back(daemon))
        step, loudest, underran = cut_over(tour, daemon)
        ways = taken_back(daemon)[earlier:]
        say(f"how this attempt's cuts took the queue back: {ways}")
        if step <= 0.3 * loudest or not underran:
            break
        say(f"attempt {attempt}: the card ran dry during the cut (an emulation stall); trying again")
    # hw:Loopback rewinds: the cuts of the attempt judged (the idle player's at stop 1, stop 1's at stop 2) kept the
    # card running with snd_pcm_rewind rather than dropping its queue. (A card found run dry at the press has nothing
    # to rewind and is dropped and restarted; that is counted as an underrun, and such an attempt is tried again.)
    check(ways and (underran or all(way == "rewind" for way in ways)),
          f"the cuts took the queue back with snd_pcm_rewind on hw: ({ways})"
          + (" (every attempt underran)" if underran else ""))
    check(step <= 0.3 * loudest, f"no click at the cut-over: largest step {step / loudest:.3f} of the peak (<= 0.3)"
          + (" (every attempt underran)" if underran and step > 0.3 * loudest else ""))


def cut_over(tour, daemon):
    """Plays stop 1, presses stop 2 0.6 s into it; returns the largest step at the cut-over, the peak, and whether
    an underrun was counted meanwhile."""
    capture = Capture()
    before = int(daemon.status()["underruns"])
    daemon.request("playstop 1")
    # 0.6 s into stop 1's 3 s clip, by the daemon's own position (a wall-clock sleep would land anywhere when the
    # emulator stalls).
    wait_until(10, lambda: float(daemon.status().get("elapsed", 0)) >= 0.6, "stop 1 to play 0.6 s")
    daemon.request("playstop 2")
    played(daemon)
    after = int(daemon.status()["underruns"])
    data = capture.stop()
    loudest = peak(data)
    s = samples(data)
    # Over 40 ms: enough to tell 440 Hz from 660 Hz, short enough not to straddle an emulation stall's gap.
    first, at1 = correlation(data, tour.reference(1), length_s=0.04)
    second, at2 = correlation(data, tour.reference(2), at=last_sound(data, loudest * 0.05) - 48000, length_s=0.04,
                              slack=24000)
    say(f"stop 1 at {at1 / 48000:.3f} s (correlation {first:.3f}), stop 2 at {at2 / 48000:.3f} s ({second:.3f}); "
        f"underruns: {before} -> {after}")
    check(first >= 0.9 and second >= 0.9, f"stop 1 then stop 2 are heard (correlations {first:.3f}, {second:.3f})")
    cut_after = (at2 - at1) / 48000
    check(0.4 < cut_after < 2.5, f"stop 2 started {cut_after:.2f} s into stop 1 (a cut, not the end of its 3 s)")
    # The cut-over: from 50 ms before stop 1's sound ends to 50 ms after stop 2's begins.
    spans = sounding_spans(data, loudest * 0.02)
    say(f"sounding spans (s): {[(round(a / 48000, 3), round(b / 48000, 3)) for a, b in spans]}")
    end1 = max((b for a, b in spans if b <= at2 + 48), default=at2)
    lo, hi = max(1, end1 - 2400), min(len(s), at2 + 2400)
    step, where = max((abs(s[i] - s[i - 1]), i) for i in range(lo, hi))
    say(f"cut-over {lo / 48000:.3f}-{hi / 48000:.3f} s: largest step {step} at {where / 48000:.4f} s "
        f"({step / loudest:.3f} of the peak {loudest}); gap between the clips {(at2 - end1) / 48000 * 1000:.0f} ms")
    return step, loudest, after > before


@case
def stalled_process_underrun_is_recovered():
    tour = Tour({1: (tone(4.0, 440), 48000), 2: (noise(0.6, seed=13), 48000)})
    daemon = Daemon(tour, HW)
    before = int(daemon.status()["underruns"])
    capture = Capture()
    daemon.request("playstop 1")
    wait_until(10, lambda: daemon.status().get("state") == "play", "stop 1 to play")
    # Stall the whole daemon for 1.5 s: far longer than its buffer (0.4 s here), so the card runs dry.
    os.kill(daemon.proc.pid, signal.SIGSTOP)
    time.sleep(1.5)  # the stall being simulated
    os.kill(daemon.proc.pid, signal.SIGCONT)
    status = wait_until(10, lambda: (s := daemon.status()) and int(s["underruns"]) > before and s, "an underrun")
    check(int(status["underruns"]) > before, f"the underrun is counted ({before} -> {status['underruns']})")
    played(daemon)
    data = capture.stop()
    # Sound resumed after the stall: the tone runs on to the end of the clip, well after the gap.
    threshold = peak(data) * 0.05
    s = samples(data)
    start = onset(data, threshold)
    gaps = []
    silent_from = None
    for i in range(start, last_sound(data, threshold)):
        if -threshold < s[i] < threshold:
            silent_from = i if silent_from is None else silent_from
        elif silent_from is not None:
            if i - silent_from > 480:
                gaps.append((silent_from - start, i - silent_from))
            silent_from = None
    say(f"gaps (start, length) in samples: {gaps}")
    check(len(gaps) >= 1, "the stall left a gap in the sound")
    stall = max(gaps, key=lambda gap: gap[1])
    resumed = (last_sound(data, threshold) - (start + stall[0] + stall[1])) / 48000
    check(stall[1] > 48000 // 2 and resumed > 0.5,
          f"a {stall[1] / 48000:.2f} s gap, then the tone goes on for {resumed:.2f} s (sound resumed)")
    capture = Capture()
    daemon.request("playstop 2")
    played(daemon)
    score, gaps = match(capture.stop(), tour.reference(2))
    check(score >= 0.9, f"the next press plays normally (correlation {score:.3f}, {gaps} gaps)")


def aloop_loaded():
    return os.path.exists("/proc/asound/Loopback")


def remove_card(daemon, losses):
    """Pulls the card out, as a USB card unplugged: its driver unbound, then the module unloaded. Unbinding waits
    in the kernel until every handle on the card is closed, so it finishing at all shows the daemon let go; it
    runs in a child process, and if the daemon still holds the card after 20 s the daemon is killed, which frees
    the card and fails the test rather than leaving the guest blocked."""
    start = time.monotonic()
    unbind = subprocess.Popen(["sh", "-c", "echo snd_aloop.0 > /sys/bus/platform/drivers/snd_aloop/unbind"])
    try:
        unbind.wait(20)
    except subprocess.TimeoutExpired:
        daemon.proc.kill()
        unbind.wait()
        raise Failed("the daemon kept the vanished card open for 20 s: unbinding snd_aloop waited for it")
    say(f"snd_aloop unbound in {time.monotonic() - start:.2f} s (the daemon's handle closed)")
    wait_until(10, lambda: daemon.log_count(r"\[AudiogidAudio\] audio device lost") == losses,
               "the daemon to notice the card is gone")
    subprocess.run(["modprobe", "-r", "snd-aloop"], check=True)
    check(not aloop_loaded(), "snd-aloop is unloaded while the daemon runs")
    check(daemon.status().get("device_open") == "0", "the daemon reports the device closed")


def reload_card(daemon, returns):
    time.sleep(1)  # the card stays away for a second: the outage being simulated, not a wait for the daemon
    subprocess.run(["modprobe", "snd-aloop", "index=0", "id=Loopback", "pcm_substreams=2"], check=True)
    wait_until(20, lambda: daemon.status().get("device_open") == "1", "the daemon to reopen the card")
    wait_until(5, lambda: daemon.log_count(r"\[AudiogidAudio\] audio device is back") >= returns,
               "the daemon to log the card's return")
    check(daemon.log_count(r"\[AudiogidAudio\] audio device is back") == returns,
          f"the daemon logs the card's return once ({returns} in all)")


@case
def card_removed_and_reloaded():
    tour = Tour({1: (tone(3.0, 440), 48000), 2: (noise(0.6, seed=14), 48000)})
    daemon = Daemon(tour, HW)
    # Idle (the daemon keeps the card open and fed with silence): no write fails, yet it must let go at once.
    check(daemon.status().get("device_open") == "1", "the idle daemon holds the card open")
    remove_card(daemon, losses=1)
    reload_card(daemon, returns=1)
    # Mid-play.
    daemon.request("playstop 1")
    wait_until(10, lambda: daemon.status().get("state") == "play", "stop 1 to play")
    remove_card(daemon, losses=2)
    reload_card(daemon, returns=2)
    capture = Capture()
    daemon.request("playstop 2")
    played(daemon)
    # The clip that was playing when the card went may go on when it is back, until the press cuts it: look for
    # stop 2 where the capture ends.
    data = capture.stop()
    score, gaps = match(data, tour.reference(2), at=last_sound(data, peak(data) * 0.05) - int(0.6 * 48000))
    check(score >= 0.9, f"the next press plays on the reloaded card (correlation {score:.3f}, {gaps} gaps)")
    check(daemon.proc.poll() is None, "the daemon is still running")
    lost = [line for line in daemon.log().splitlines() if "audio device" in line]
    say("audio device log lines:\n" + "\n".join(lost))


if __name__ == "__main__":
    main()
