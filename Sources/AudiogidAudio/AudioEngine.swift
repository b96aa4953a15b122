// The audio engine: decoding, resampling, loudness, ALSA output.
enum AudioEngineNamespace {}
