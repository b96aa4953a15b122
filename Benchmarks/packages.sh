#!/usr/bin/env bash
# Tour packages at full size: pack, verify and install a 200-stop tour with 600 clips (about 300 MB),
# three runs each, reporting the median time and peak memory (/usr/bin/time -v), and sha256sum over the
# same clips in the same run as the yardstick for verify's speed.
#
#   bash Benchmarks/packages.sh            # builds release, makes the tour in a temp folder, removes it after
#   AUDIOGID=path/to/audiogid bash Benchmarks/packages.sh
#
# Needs sox and GNU time (apt-get install time). The clips are generated (distinct WAV tones, ~500 kB each),
# never committed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${AUDIOGID:-}" ]; then
    swift build -c release --product audiogid >/dev/null
    AUDIOGID="$PWD/.build/release/audiogid"
fi
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
WORK=$(mktemp -d /tmp/audiogid-packages-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
STOPS=${STOPS:-200}
RUNS=${RUNS:-3}

echo "making a tour of $STOPS stops, 3 languages, in $WORK" >&2
mkdir -p "$WORK/library/tours/big" "$WORK/library/audio/big" "$WORK/keys"
{
    echo "format: 1"; echo "id: big"; echo "version: 1"; echo "title: Big"; echo "languages: [ru, zh, en]"; echo "stops:"
    for i in $(seq 1 "$STOPS"); do
        echo "  - id: s$i"; echo "    number: $i"; echo "    title: Stop $i"
        echo "    audio: {ru: big/$i.ru.wav, zh: big/$i.zh.wav, en: big/$i.en.wav}"
    done
} > "$WORK/library/tours/big/tour.yaml"
for i in $(seq 1 "$STOPS"); do
    for lang in ru zh en; do
        # 11.3 s of 22.05 kHz mono 16-bit: ~500 kB, each a different tone so no two files are alike.
        sox -n -r 22050 -c 1 -b 16 "$WORK/library/audio/big/$i.$lang.wav" synth 11.3 sine $((200 + i * 3 + ${#lang})) vol 0.3
    done
done
"$AUDIOGID" keygen --secret-key "$WORK/keys/bench.key" --public-key "$WORK/keys/bench.pub" >/dev/null
BYTES=$(du -cb "$WORK/library/audio/big" | tail -1 | cut -f1)
echo "clips: $(ls "$WORK/library/audio/big" | wc -l) files, $((BYTES / 1000000)) MB" >&2

# Runs "$@" under GNU time; prints "seconds max_rss_kB".
measure() {
    /usr/bin/time -v -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/err.txt" || { cat "$WORK/err.txt" >&2; exit 1; }
    local elapsed rss
    elapsed=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$WORK/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    echo "$elapsed $rss"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A TIMES RSS
for run in $(seq 1 "$RUNS"); do
    rm -rf "$WORK/data" "$WORK/big-1.audiogid"; mkdir -p "$WORK/data/tours"
    read -r t m < <(measure "$AUDIOGID" pack "$WORK/library/tours/big" --key "$WORK/keys/bench.key" -o "$WORK/big-1.audiogid")
    TIMES[pack]+="$t "; RSS[pack]+="$m "
    read -r t m < <(measure "$AUDIOGID" verify "$WORK/big-1.audiogid" --public-key "$WORK/keys/bench.pub")
    TIMES[verify]+="$t "; RSS[verify]+="$m "
    read -r t m < <(measure sha256sum "$WORK"/library/audio/big/*.wav)
    TIMES[sha256sum]+="$t "; RSS[sha256sum]+="$m "
    mkdir -p "$WORK/trusted"; cp "$WORK/keys/bench.pub" "$WORK/trusted/"
    read -r t m < <(measure "$AUDIOGID" install "$WORK/big-1.audiogid" --data "$WORK/data" --trusted-keys "$WORK/trusted" --socket "$WORK/none.sock")
    TIMES[install]+="$t "; RSS[install]+="$m "
    # The same without measuring loudness, to show what the clip index costs.
    rm -rf "$WORK/data"; mkdir -p "$WORK/data/tours"
    read -r t m < <(measure "$AUDIOGID" install "$WORK/big-1.audiogid" --data "$WORK/data" --trusted-keys "$WORK/trusted" --socket "$WORK/none.sock" --no-index)
    TIMES[install-no-index]+="$t "; RSS[install-no-index]+="$m "
done

PACKAGE_BYTES=$(stat -c %s "$WORK/big-1.audiogid")
echo "package: $((PACKAGE_BYTES / 1000000)) MB, $RUNS runs, medians"
printf '%-17s %8s %10s %12s\n' step seconds "MB/s" "peak RSS MB"
for step in pack verify sha256sum install install-no-index; do
    t=$(echo "${TIMES[$step]}" | tr ' ' '\n' | grep . | median)
    m=$(echo "${RSS[$step]}" | tr ' ' '\n' | grep . | median)
    printf '%-17s %8.2f %10.0f %12.1f\n' "$step" "$t" "$(echo "$BYTES / $t / 1000000" | bc -l)" "$(echo "$m / 1024" | bc -l)"
done
