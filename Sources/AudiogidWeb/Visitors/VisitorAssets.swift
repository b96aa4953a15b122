/// The visitor page's style sheet, script and service worker, served from the binary like the staff page's.
/// Raw string literals: what is between `#"""` and `"""#` is sent as it stands.
enum VisitorAssets {
    static let css = #"""
        :root { --ink: #1b1b1b; --paper: #fbfaf7; --accent: #0b5fff; --warn: #9a3412; font-family: system-ui, "Noto Sans", "Noto Sans CJK SC", sans-serif; }
        html.large { font-size: 150%; }
        body { margin: 0; color: var(--ink); background: var(--paper); font-size: 18px; line-height: 1.5; }
        header { padding: .75rem 1rem; background: #12324a; color: #fff; }
        header h1 { margin: 0 0 .5rem; font-size: 1.4rem; }
        header a { color: #fff; }
        nav.languages { display: flex; flex-wrap: wrap; gap: .5rem; }
        nav.languages a { padding: .5rem .9rem; border: 1px solid #fff; border-radius: .5rem; text-decoration: none; min-height: 2.75rem; box-sizing: border-box; display: inline-flex; align-items: center; }
        nav.languages a[aria-current] { background: #fff; color: #12324a; font-weight: bold; }
        label.large { display: inline-flex; gap: .4rem; align-items: center; margin-top: .5rem; }
        main { padding: 1rem; max-width: 40rem; margin: auto; }
        button { font-size: 1.1rem; min-height: 3rem; min-width: 3rem; padding: .5rem 1rem; border-radius: .5rem; border: 1px solid #777; background: #fff; color: var(--ink); cursor: pointer; }
        button:focus-visible, a:focus-visible, input:focus-visible, summary:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
        #start { display: block; width: 100%; font-size: 1.5rem; min-height: 4rem; background: var(--accent); color: #fff; border: 0; margin: 1rem 0; }
        #now { border: 2px solid #12324a; border-radius: .75rem; padding: .5rem 1rem; margin: 1rem 0; background: #fff; }
        #now h2 { margin: .25rem 0; font-size: 1rem; text-transform: uppercase; letter-spacing: .05em; color: #555; }
        #now img { max-width: 100%; height: auto; border-radius: .5rem; }
        audio { width: 100%; }
        ol#stops { padding-left: 0; list-style: none; }
        ol#stops li { border-top: 1px solid #ddd; padding: .5rem 0; }
        ol#stops li.current { background: #eef4ff; }
        ol#stops h3 { margin: .25rem 0; font-size: 1.1rem; }
        .transcript p { margin: .25rem 0 .5rem; }
        .warning { color: var(--warn); font-weight: bold; }
        .notice { background: #fff3c4; padding: .5rem; }
        progress { width: 10rem; }
        """#

    /// Follows the kiosk's events, plays the chosen language's clip where the kiosk is, keeps the tour for
    /// when the Wi-Fi drops, and reports what was heard. The page reads without it.
    static let script = #"""
        'use strict';
        (function () {
          var body = document.body;
          var tour = body.getAttribute('data-tour');
          var lang = body.getAttribute('data-lang');
          var player = document.getElementById('player');
          var startButton = document.getElementById('start');
          function say(key) { return body.getAttribute('data-say-' + key) || ''; }
          function store(key, value) { try { if (value === undefined) { return localStorage.getItem(key); } localStorage.setItem(key, value); } catch (e) { return null; } return value; }

          // The chosen language is remembered on this phone; a bare address opens in it.
          if (new URLSearchParams(location.search).get('lang')) { store('audiogid-lang', lang); }
          else {
            var kept = store('audiogid-lang');
            if (kept && kept !== lang && document.querySelector('a[data-lang="' + kept + '"]')) { location.replace('/?lang=' + encodeURIComponent(kept)); return; }
          }
          var large = document.getElementById('large-text');
          if (large) {
            large.checked = store('audiogid-large') === '1';
            document.documentElement.classList.toggle('large', large.checked);
            large.addEventListener('change', function () {
              store('audiogid-large', large.checked ? '1' : '0');
              document.documentElement.classList.toggle('large', large.checked);
            });
          }
          if (!tour || !player) { return; }

          // An anonymous id for this browser, kept in localStorage (no cookie): it counts listeners, nothing more.
          var listener = store('audiogid-listener');
          if (!/^[0-9a-f]{32}$/.test(listener || '')) {
            var bytes = new Uint8Array(16);
            crypto.getRandomValues(bytes);
            listener = Array.prototype.map.call(bytes, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
            store('audiogid-listener', listener);
          }

          var stops = {};
          document.querySelectorAll('#stops li[data-stop]').forEach(function (li) { stops[li.getAttribute('data-stop')] = li; });
          var started = false, following = true, latest = null, latestAt = 0, playing = null, seekTo = null;
          var nowState = document.getElementById('now-state'), nowTitle = document.getElementById('now-title');
          var nowTranscript = document.getElementById('now-transcript'), nowImage = document.getElementById('now-image');
          var nowFallback = document.getElementById('now-fallback'), mode = document.getElementById('mode');
          var connection = document.getElementById('connection');

          function position(event) { return (event.elapsed || 0) + (performance.now() - latestAt) / 1000; }

          function show(number, word) {
            var li = number === null ? null : stops[String(number)];
            Object.keys(stops).forEach(function (key) { stops[key].classList.toggle('current', stops[key] === li); });
            nowState.textContent = say(word);
            nowTitle.textContent = li ? li.querySelector('.stop-title').textContent : '';
            var text = li ? li.querySelector('.transcript') : null;
            nowTranscript.innerHTML = '';
            if (text) { nowTranscript.appendChild(text.cloneNode(true)); }
            var image = li ? li.getAttribute('data-image') : null;
            nowImage.hidden = !image;
            if (image) { nowImage.src = image; } else { nowImage.removeAttribute('src'); }
            nowFallback.hidden = !(li && li.getAttribute('data-fallback') === 'true');
            body.setAttribute('data-now', number === null ? '' : String(number));
          }

          // What was heard of the clip that played, to the daemon's play log (through this page's server).
          function report(finished) {
            if (!playing || playing.reported || playing.heard < 0.5) { return; }
            playing.reported = true;
            var pending = JSON.parse(store('audiogid-pending') || '[]');
            pending.push({ listener: listener, tour: tour, stop: playing.stop, language: lang,
                           seconds: Math.round(playing.heard * 10) / 10, finished: finished });
            store('audiogid-pending', JSON.stringify(pending.slice(-50)));
            flush();
          }
          function flush() {
            var pending = JSON.parse(store('audiogid-pending') || '[]');
            if (!pending.length) { return; }
            store('audiogid-pending', '[]');
            pending.forEach(function (play) {
              fetch('/plays', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(play), keepalive: true })
                .then(function (r) { if (r.status >= 500) { throw new Error(String(r.status)); } })
                .catch(function () {
                  var again = JSON.parse(store('audiogid-pending') || '[]');
                  again.push(play);
                  store('audiogid-pending', JSON.stringify(again.slice(-50)));
                });
            });
          }

          function load(number, at) {
            var li = stops[String(number)];
            if (!li || !li.getAttribute('data-clip')) { return; }
            report(false);
            playing = { stop: number, heard: 0, last: null, reported: false, corrections: 0 };
            seekTo = at;
            player.src = kept[li.getAttribute('data-clip')] || li.getAttribute('data-clip');
            player.play().catch(function () {});
          }
          // A seek takes time (fetching and decoding from the new point): measured, and added to where a seek aims.
          var seekCost = 0.15, seekStarted = null;
          player.addEventListener('loadedmetadata', function () {
            if (seekTo) {
              var target = seekTo();
              seekTo = null;
              if (target > 0.2 && (!isFinite(player.duration) || target < player.duration)) { player.currentTime = target + seekCost; }
            }
          });
          player.addEventListener('seeked', function () {
            if (seekStarted !== null) { seekCost = Math.min(1, Math.max(0.05, (performance.now() - seekStarted) / 1000)); seekStarted = null; }
          });
          player.addEventListener('timeupdate', function () {
            if (!playing) { return; }
            var t = player.currentTime;
            // Following the kiosk: a clip that drifted more than 0.3 s (a slow start, a stall) is put back, a few
            // times at most per clip so a phone that cannot keep up does not stutter.
            if (following && latest && latest.state === 'play' && latest.stop === playing.stop && !player.seeking &&
                playing.corrections < 3 && Math.abs(t - position(latest)) > 0.3) {
              playing.corrections += 1;
              player.currentTime = position(latest) + seekCost;
              return;
            }
            if (playing.last !== null && t > playing.last && t - playing.last < 1.5) { playing.heard += t - playing.last; }
            playing.last = t;
          });
          player.addEventListener('seeking', function () { seekStarted = performance.now(); if (playing) { playing.last = null; } });
          player.addEventListener('ended', function () { report(true); });

          function apply(event) {
            latest = event;
            latestAt = performance.now();
            body.setAttribute('data-event', String(event.id));
            connection.hidden = event.reachable;
            if (!event.reachable) { connection.textContent = say('unreachable'); return; }
            if (event.tour && event.tour !== tour) { location.reload(); return; }
            if (!following) { return; }
            if (event.state === 'stop' || event.stop === null || event.stop === undefined) {
              show(null, 'waiting');
              if (started && playing) { player.pause(); report(false); playing = null; }
              return;
            }
            show(event.stop, event.state === 'pause' ? 'paused' : 'following');
            if (!started) { return; }
            if (event.state === 'pause') { player.pause(); return; }
            if (!playing || playing.stop !== event.stop) { load(event.stop, function () { return position(event); }); return; }
            var target = position(event);
            if (Math.abs(player.currentTime - target) > 1 && player.readyState > 0) { player.currentTime = target; }
            if (player.paused) { player.play().catch(function () {}); }
          }

          var source = null, lost = null;
          function connect() {
            source = new EventSource('/events');
            source.addEventListener('kiosk', function (message) { apply(JSON.parse(message.data)); });
            source.addEventListener('open', function () {
              clearTimeout(lost);
              lost = null;
              if (latest) { connection.hidden = latest.reachable; }
              flush();
            });
            source.addEventListener('error', function () {
              if (lost === null) {
                lost = setTimeout(function () { connection.hidden = false; connection.textContent = say(navigator.onLine ? 'unreachable' : 'offline'); }, 3000);
              }
            });
          }
          connect();

          // Self-paced: a stop played from the list; the page stops following until "follow the boat".
          document.querySelectorAll('#stops button.play').forEach(function (button) {
            button.addEventListener('click', function () {
              started = true;
              following = false;
              mode.hidden = false;
              var number = Number(button.getAttribute('data-stop'));
              show(number, 'following');
              nowState.textContent = mode.querySelector('span').textContent;
              load(number, null);
            });
          });
          document.getElementById('follow').addEventListener('click', function () {
            following = true;
            mode.hidden = true;
            player.pause();
            report(false);
            playing = null;
            if (latest) { apply(latest); }
          });

          // Start: browsers allow sound only after a tap; then the tour is kept on the phone for the decks without Wi-Fi.
          startButton.addEventListener('click', function () {
            if (started && following) { return; }
            started = true;
            following = true;
            startButton.setAttribute('aria-pressed', 'true');
            body.setAttribute('data-started', 'true');
            if (latest && latest.state === 'play') { apply(latest); }
            else {
              // Unlocks the audio element within the tap (iOS plays later only what was started by a tap once).
              player.muted = true;
              var first = document.querySelector('#stops li[data-clip]');
              if (first && !player.src) { player.src = first.getAttribute('data-clip'); }
              player.play().then(function () { player.pause(); player.muted = false; }, function () { player.muted = false; });
            }
            save();
          });

          // Clips held in memory (blob: URLs) where the browser allows no service worker: plain HTTP on the boat's
          // Wi-Fi is not a secure context. They last while the page stays open, which covers a walk between decks.
          var kept = {};
          function megabytes(n) { return (n / 1048576).toFixed(n < 1048576 ? 2 : 1) + ' MB'; }
          function save() {
            var offline = 'serviceWorker' in navigator && 'caches' in window;
            if (offline) { navigator.serviceWorker.register('/sw.js').catch(function () {}); }
            var urls = offline ? [location.pathname + location.search, '/visitor.js', '/visitor.css'] : [];
            Object.keys(stops).forEach(function (key) {
              ['data-clip', 'data-image'].forEach(function (name) {
                var url = stops[key].getAttribute(name);
                if (url && urls.indexOf(url) < 0) { urls.push(url); }
              });
            });
            var shown = document.getElementById('save'), bar = document.getElementById('save-progress'), text = document.getElementById('save-text');
            shown.hidden = false;
            bar.max = urls.length;
            var done = 0, bytes = 0;
            var memory = { match: function () { return Promise.resolve(null); },
                           put: function (url, response) { return response.blob().then(function (blob) { kept[url] = URL.createObjectURL(blob); }); } };
            (offline ? caches.open('audiogid-' + tour) : Promise.resolve(memory)).then(function (cache) {
              var next = function () {
                if (done === urls.length) {
                  text.textContent = say('ready') + ' · ' + say('size') + ': ' + megabytes(bytes);
                  body.setAttribute('data-saved', String(bytes));
                  body.setAttribute('data-saved-in', offline ? 'service-worker' : 'memory');
                  return;
                }
                var url = urls[done];
                text.textContent = say('saving') + ' ' + megabytes(bytes);
                return cache.match(url).then(function (hit) {
                  return hit || fetch(url).then(function (response) {
                    if (response.status !== 200) { throw new Error(url + ': ' + response.status); }
                    return cache.put(url, response.clone()).then(function () { return response; });
                  });
                }).then(function (response) { return response.clone().blob(); }).then(function (blob) {
                  bytes += blob.size;
                  done += 1;
                  bar.value = done;
                  return next();
                });
              };
              return next();
            }).catch(function () { text.textContent = say('offline'); });
          }
        })();
        """#

    /// The service worker: the page, its script and style from the network when it answers and from the phone's
    /// cache when it does not; clips from the cache first (they are named by their hash), cut to the range the
    /// audio element asks for.
    static let serviceWorker = #"""
        'use strict';
        self.addEventListener('install', function () { self.skipWaiting(); });
        self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });
        self.addEventListener('fetch', function (event) {
          var request = event.request;
          var url = new URL(request.url);
          if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname === '/events' || url.pathname === '/sw.js') { return; }
          if (url.pathname.indexOf('/audio/') === 0) {
            event.respondWith(cached(request).then(function (response) { return response || fetch(request); }));
            return;
          }
          event.respondWith(fetch(request).catch(function () {
            return caches.match(request).then(function (hit) {
              return hit || caches.match(request, { ignoreSearch: true }).then(function (page) { return page || Response.error(); });
            });
          }));
        });
        function cached(request) {
          return caches.match(request.url).then(function (hit) {
            if (!hit) { return null; }
            var range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get('range') || '');
            if (!range) { return hit; }
            return hit.blob().then(function (blob) {
              var size = blob.size, start, end;
              if (range[1] === '') { start = Math.max(0, size - Number(range[2])); end = size - 1; }
              else { start = Number(range[1]); end = range[2] === '' ? size - 1 : Math.min(Number(range[2]), size - 1); }
              if (start >= size || start > end) { return new Response(null, { status: 416, headers: { 'Content-Range': 'bytes */' + size } }); }
              return new Response(blob.slice(start, end + 1), { status: 206, headers: {
                'Content-Type': hit.headers.get('Content-Type') || 'audio/ogg', 'Accept-Ranges': 'bytes',
                'Content-Range': 'bytes ' + start + '-' + end + '/' + size, 'Content-Length': String(end - start + 1) } });
            });
          });
        }
        """#
}
