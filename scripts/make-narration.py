#!/usr/bin/env python3
"""Regenerates the demo tours' narration from their transcripts with espeak-ng.

For every stop clip a manifest names, speaks the stop's transcript in that language; for the tour's
intro clip, speaks the tour description. Writes mono Ogg Vorbis at 22.05 kHz under audio/.
Needs: espeak-ng, sox, vorbis-tools (oggenc), python3-yaml.

    scripts/make-narration.py                 # every tour under tours/
    scripts/make-narration.py tours/moyo-selo # one tour
"""
import os, subprocess, sys, tempfile
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VOICES = {"ru": "ru", "zh": "cmn", "en": "en-gb"}
# A slightly slower rate than espeak's default 175 wpm: visitors listen while walking.
RATE = {"ru": "150", "zh": "150", "en": "150"}


def text_in(field, lang, default):
    if field is None:
        return None
    if isinstance(field, str):
        return field if lang == default else None
    return field.get(lang)


def clips_of(field, default):
    if field is None:
        return {}
    if isinstance(field, str):
        return {default: field}
    return field


def speak(text, lang, out_path):
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "speech.wav")
        padded = os.path.join(tmp, "padded.wav")
        subprocess.run(["espeak-ng", "-v", VOICES.get(lang, lang), "-s", RATE.get(lang, "150"), "-w", wav, text], check=True)
        # A quarter second of lead-in so the first syllable is never lost, then mono 22.05 kHz.
        subprocess.run(["sox", wav, "-c", "1", "-r", "22050", padded, "pad", "0.25", "0.3"], check=True)
        subprocess.run(["oggenc", "-Q", "-q", "-1", "-o", out_path, padded], check=True)


def main(paths):
    tours = paths or sorted(os.path.join(ROOT, "tours", d) for d in os.listdir(os.path.join(ROOT, "tours"))
                            if os.path.isfile(os.path.join(ROOT, "tours", d, "tour.yaml")))
    for tour_dir in tours:
        with open(os.path.join(tour_dir, "tour.yaml"), encoding="utf-8") as f:
            tour = yaml.safe_load(f)
        default = tour["languages"][0]
        jobs = []
        for lang, path in clips_of(tour.get("intro"), default).items():
            jobs.append((text_in(tour.get("description"), lang, default), lang, path))
        for stop in tour["stops"]:
            for lang, path in clips_of(stop.get("audio"), default).items():
                jobs.append((text_in(stop.get("transcript"), lang, default), lang, path))
        for text, lang, path in jobs:
            if not text:
                sys.exit(f"{tour_dir}: no {lang} text for {path}")
            speak(text, lang, os.path.join(ROOT, "audio", path))
            print(f"audio/{path}")


if __name__ == "__main__":
    main(sys.argv[1:])
