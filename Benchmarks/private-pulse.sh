# Sourced by the benchmark scripts: a paced sink of their own, and mpd pointed at it.
# Needs $work (the benchmark's scratch folder). Not run on its own.

# A PulseAudio of our own: its own home, runtime and state folders, so it neither meets nor disturbs another.
# A null sink plays at wall-clock speed; `parec -d bench.monitor` records what reaches it.
private_pulse_environment() {
    export HOME=$work/home PULSE_RUNTIME_PATH=$work/pulse-run PULSE_STATE_PATH=$work/pulse-state XDG_RUNTIME_DIR=$work/xdg
    mkdir -p "$HOME" "$PULSE_RUNTIME_PATH" "$PULSE_STATE_PATH" "$XDG_RUNTIME_DIR"
    export PULSE_SERVER=unix:$work/pulse.sock
}

# Starts the server in the background, sets $pulse_pid, and returns once it answers.
start_private_pulse() {
    pulseaudio -n --daemonize=no --exit-idle-time=-1 --use-pid-file=no --disable-shm=yes --log-level=error \
        -L "module-native-protocol-unix socket=$work/pulse.sock auth-anonymous=1" \
        -L "module-null-sink sink_name=bench rate=48000 channels=2" >>"$work/pulse.log" 2>&1 &
    pulse_pid=$!
    for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
    pactl info >/dev/null
}

# mpd with an ALSA output to the same `pulse` PCM, in one fixed 48 kHz format like Audiogid's engine,
# its music folder $work/music and its socket $work/mpd.sock. Extra config lines may be given as $1.
write_mpd_conf() {
    mkdir -p "$work/music"
    cat >"$work/mpd.conf" <<CONF
music_directory "$work/music"
db_file "$work/mpd.db"
state_file "$work/mpd.state"
pid_file "$work/mpd.pid"
bind_to_address "$work/mpd.sock"
audio_output {
    type "alsa"
    name "bench"
    device "pulse"
    mixer_type "none"
    format "48000:16:2"
}
${1:-}
CONF
}
