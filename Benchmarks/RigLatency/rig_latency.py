"""Guest side of Benchmarks/rig-latency.sh: press-to-sound on real drivers for audiogid and, beside it, mpd.

Series, each of PRESSES presses of a short clip on the idle player, measured by rig-latency (one program, one
CLOCK_MONOTONIC clock):
- audiogid, gpio-sim line pulled low (button "play 1");
- audiogid, uinput keypad 1 + Enter (Enter is the press);
- audiogid, `playstop 1` on its control socket;
- mpd 0.23 (Debian), `play 0` on its control socket, with its defaults (the ALSA device is closed while
  stopped, as users run it) — the same loopback device, format and clip.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "Rig"))
from rigkit import cleanup, Daemon, GpioSim, Keypad, OUT, Tour, noise, say, wait_until, write  # noqa: E402

PRESSES = int(os.environ.get("RIG_PRESSES", "60"))
TOOL = os.environ["RIG_LATENCY"]


def series(name, args, pass_fds=()):
    say(f"--- {name}: {PRESSES} presses")
    run = subprocess.run([TOOL, *args, str(PRESSES)], capture_output=True, text=True, pass_fds=pass_fds,
                         timeout=900)
    if run.returncode != 0:
        raise SystemExit(f"{name}: rig-latency failed: {run.stderr}")
    values = run.stdout.split("\n")
    summary = values[-2] if values[-1] == "" else values[-1]
    say(f"{name}: {summary}")
    write(f"{OUT}/latency-{name}.txt", run.stdout)
    fields = summary.split()
    return {fields[i]: float(fields[i + 1]) for i in range(0, len(fields), 2)}


def main():
    results = {}
    clip = {1: (noise(0.25, seed=1, amplitude=0.5), 48000)}
    chip = GpioSim(names={1: "btn-one"})
    chip.release(1)
    keypad = Keypad()
    tour = Tour(clip)
    daemon = Daemon(tour, """
audio: {device: "hw:Loopback,0,0"}
volume: 100
triggers:
  gpio:
    chip: rig-buttons
    buttons: [{line: 1, press: "play 1"}]
  keypad: {device: /dev/input/rig-keypad}
""", name="bench-daemon")
    say("audiogid: " + daemon.ready_line())
    results["audiogid gpio"] = series("audiogid-gpio", ["gpio", f"{chip.sys}/sim_gpio1"])
    results["audiogid keypad"] = series("audiogid-keypad", ["key", str(keypad.fd)], pass_fds=(keypad.fd,))
    results["audiogid socket"] = series("audiogid-socket", ["socket", daemon.socket, "playstop 1"])
    daemon.stop()

    music = tour.dir + "/audio/rig"
    mpd_dir = tour.dir + "/mpd"
    os.makedirs(mpd_dir + "/playlists")
    write(mpd_dir + "/mpd.conf", f"""
music_directory "{music}"
playlist_directory "{mpd_dir}/playlists"
db_file "{mpd_dir}/database"
log_file "{mpd_dir}/log"
bind_to_address "{mpd_dir}/socket"
audio_output {{
    type "alsa"
    name "loopback"
    device "hw:Loopback,0,0"
    format "48000:16:2"
    mixer_type "none"
}}
""")
    mpd = subprocess.Popen(["mpd", "--no-daemon", mpd_dir + "/mpd.conf"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        wait_until(120, lambda: os.path.exists(mpd_dir + "/socket"), "mpd's socket")
        env = dict(os.environ, MPD_HOST=mpd_dir + "/socket")
        subprocess.run(["mpc", "-q", "update", "--wait"], env=env, check=True)
        subprocess.run(["mpc", "-q", "add", "01.wav"], env=env, check=True)
        version = subprocess.run(["mpd", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
        say("mpd: " + version)
        results["mpd socket"] = series("mpd-socket", ["socket", mpd_dir + "/socket", "play 0"])
    finally:
        mpd.terminate()
        mpd.wait(20)

    lines = ["| player, press | p50 ms | p90 ms | p99 ms | min | max | n |", "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['p50']:.1f} | {r['p90']:.1f} | {r['p99']:.1f} | {r['min']:.1f} | {r['max']:.1f} "
                     f"| {int(r['n'])} |")
    mpd_p50 = results["mpd socket"]["p50"]
    for name in ("audiogid gpio", "audiogid keypad", "audiogid socket"):
        lines.append(f"\n{name}: p50 {results[name]['p50']:.1f} ms = {results[name]['p50'] / mpd_p50:.2f} x mpd's "
                     f"{mpd_p50:.1f} ms")
    table = "\n".join(lines)
    print(table)
    write(f"{OUT}/latency.md", table + "\n")


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
