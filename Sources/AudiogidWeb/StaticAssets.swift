/// The page's one style sheet and one script, served from the binary: no build step, nothing from npm.
enum StaticAssets {
    static let css = """
        :root { --ink: #1b1b1b; --paper: #fbfaf7; --accent: #0b5fff; --warn: #9a3412; font-family: system-ui, sans-serif; }
        body { margin: 0; color: var(--ink); background: var(--paper); font-size: 18px; line-height: 1.4; }
        header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .5rem 1rem; background: #222; color: #fff; }
        header a { color: #fff; }
        header nav { display: flex; gap: .75rem; flex-wrap: wrap; }
        header nav a { padding: .5rem .25rem; }
        header nav a[aria-current] { font-weight: bold; text-decoration: underline; }
        .brand { font-weight: bold; }
        .logout { display: flex; gap: .5rem; align-items: center; margin-left: auto; }
        .logout button { min-height: 2.2rem; }
        main { padding: 1rem; max-width: 60rem; margin: auto; }
        h1 { margin-top: 0; }
        table { border-collapse: collapse; margin: .5rem 0 1rem; }
        th, td { text-align: left; padding: .35rem .75rem .35rem 0; border-bottom: 1px solid #ddd; vertical-align: top; }
        .figures td { text-align: right; }
        button, .button { font-size: 1.05rem; min-height: 3rem; min-width: 3rem; padding: .5rem 1rem; border-radius: .5rem;
          border: 1px solid #999; background: #fff; color: var(--ink); cursor: pointer; text-decoration: none; display: inline-flex; align-items: center; }
        button[aria-pressed="true"] { background: var(--accent); color: #fff; }
        form.stops, form.controls, form.languages, form.volume, form.range { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
        form.stops button { flex: 1 1 14rem; justify-content: flex-start; gap: .5rem; }
        button.playing { outline: 3px solid var(--accent); }
        input { font-size: 1.05rem; min-height: 2.6rem; padding: 0 .5rem; }
        form.login { display: grid; gap: 1rem; max-width: 22rem; }
        form.login label { display: grid; }
        .warning { color: var(--warn); font-weight: bold; }
        .notice { background: #fff3c4; padding: .5rem; }
        .badge { background: var(--accent); color: #fff; border-radius: .3rem; padding: 0 .4rem; font-size: .8em; }
        pre { overflow-x: auto; background: #f0efe9; padding: .5rem; font-size: .8rem; max-height: 30rem; }
        img.chart, img.map { max-width: 100%; height: auto; background: #fff; }
        section.tour { border-top: 1px solid #ccc; padding-top: .5rem; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
        dl.facts dt { font-weight: bold; }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        .actions { display: flex; flex-wrap: wrap; gap: .5rem; margin: .5rem 0; }
        section.upload { border-top: 2px solid #999; margin-top: 1.5rem; padding-top: .5rem; }
        form.upload { display: grid; grid-template-columns: minmax(0, 1fr); gap: .75rem; max-width: 32rem; }
        form.upload input[type=file] { min-height: 3rem; }
        form.upload progress { width: 100%; height: 1.5rem; }
        form.upload output { white-space: pre-line; overflow-wrap: anywhere; }
        form.upload output pre, .refusal pre { white-space: pre-wrap; overflow-wrap: anywhere; }
        .refusal { border: 2px solid var(--warn); border-radius: .5rem; padding: .25rem .75rem; margin: .5rem 0 1rem; }
        ul.findings code { white-space: pre-wrap; }
        """

    /// Live updates for the Now page (Server-Sent Events), the clock check on the Kiosk page, and on the Tours page
    /// the upload with its progress and rollback through the JSON API. The page works without it: every button is a
    /// form that posts and comes back.
    static let script = """
        'use strict';
        (function () {
          function duration(s) {
            if (s === null || s === undefined || !isFinite(s)) { return '\\u2013'; }
            s = Math.max(0, Math.round(s));
            var m = Math.floor(s / 60), r = s % 60;
            return m + ':' + (r < 10 ? '0' : '') + r;
          }
          var table = document.querySelector('table[data-live]');
          if (table && window.EventSource) {
            var left = null, state = 'stop';
            var set = function (name, text) {
              var cell = table.querySelector('[data-field="' + name + '"]');
              if (cell) { cell.textContent = text; }
            };
            var stopTitle = function (n) {
              var button = document.querySelector('button[data-stop="' + n + '"]');
              return button ? button.textContent.replace(/^\\s*/, '').replace(/^(\\d+)\\s*/, '$1 \\u00b7 ') : String(n);
            };
            var source = new EventSource(table.getAttribute('data-live'));
            source.addEventListener('status', function (event) {
              var s = JSON.parse(event.data);
              state = s.state;
              left = s.timeLeft;
              set('state', table.getAttribute('data-state-' + s.state) || s.state);
              set('stop', s.stop === null || s.stop === undefined ? '\\u2013' : stopTitle(s.stop));
              set('language', s.language);
              set('volume', String(s.volume));
              set('timeLeft', duration(left));
              set('device', s.device + ' \\u00b7 ' + table.getAttribute(s.deviceOpen ? 'data-device-open' : 'data-device-closed'));
              set('underruns', String(s.underruns));
              set('lastError', s.lastError || '\\u2013');
              document.querySelectorAll('button[data-stop]').forEach(function (b) {
                b.classList.toggle('playing', String(s.stop) === b.getAttribute('data-stop'));
              });
              document.body.setAttribute('data-live-state', s.state + ':' + (s.stop === undefined || s.stop === null ? '' : s.stop));
            });
            setInterval(function () {
              if (state === 'play' && left !== null && left !== undefined) { left = Math.max(0, left - 1); set('timeLeft', duration(left)); }
            }, 1000);
          }
          var time = document.querySelector('time[data-server-time]');
          if (time) {
            var offset = Date.now() - Number(time.getAttribute('data-server-time'));
            var warning = document.getElementById('clock-warning');
            if (warning && Math.abs(offset) > 120000) { warning.hidden = false; }
            var form = document.querySelector('form.clock');
            if (form) {
              var input = form.querySelector('input[name="time"]');
              if (input) { input.value = new Date().toISOString().slice(0, 19); }
              form.addEventListener('submit', function () {
                form.querySelector('input[name="epoch_ms"]').value = String(Date.now());
              });
            }
          }
          // Tours: where to go once the library changed, so the page shows it from the server.
          var done = function (key, reply) {
            window.location.assign('/tours?' + key + '=' + encodeURIComponent(reply.tour) +
                                   '&daemon=' + encodeURIComponent(reply.daemon));
          };
          var refused = function (output, form, status, text) {
            var reply = null;
            try { reply = JSON.parse(text); } catch (e) { reply = null; }
            output.textContent = '';
            var head = document.createElement('strong');
            head.className = 'warning';
            head.textContent = form.getAttribute('data-refused') || '';
            output.appendChild(head);
            output.appendChild(document.createTextNode('\\n' + (reply && reply.error ? reply.error : 'HTTP ' + status)));
            var more = reply ? (reply.findings || []).concat(reply.detail ? [reply.detail] : []) : [];
            if (more.length) {
              var pre = document.createElement('pre');
              pre.textContent = more.join('\\n');
              output.appendChild(pre);
            }
            output.setAttribute('data-status', String(status));
          };
          var csrf = function (form) { return form.querySelector('input[name="csrf"]').value; };
          var upload = document.querySelector('form.upload');
          if (upload && window.XMLHttpRequest) {
            upload.addEventListener('submit', function (event) {
              var input = upload.querySelector('input[type="file"]');
              var file = input.files && input.files[0];
              if (!file) { return; }
              event.preventDefault();
              var output = upload.querySelector('output'), bar = upload.querySelector('progress');
              var button = upload.querySelector('button');
              if (file.size > Number(upload.getAttribute('data-limit'))) {
                refused(output, upload, 413, JSON.stringify({ error: upload.getAttribute('data-too-large') }));
                return;
              }
              var request = new XMLHttpRequest();
              request.open('POST', upload.getAttribute('data-api') + '?name=' + encodeURIComponent(file.name));
              request.setRequestHeader('Content-Type', 'application/octet-stream');
              request.setRequestHeader('X-CSRF-Token', csrf(upload));
              bar.hidden = false;
              bar.value = 0;
              button.disabled = true;
              output.removeAttribute('data-status');
              output.textContent = upload.getAttribute('data-uploading');
              request.upload.addEventListener('progress', function (e) {
                if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
              });
              request.upload.addEventListener('load', function () {
                bar.value = 100;
                output.textContent = upload.getAttribute('data-installing');
              });
              request.addEventListener('load', function () {
                button.disabled = false;
                if (request.status === 200) {
                  done('installed', JSON.parse(request.responseText));
                } else {
                  bar.hidden = true;
                  refused(output, upload, request.status, request.responseText);
                }
              });
              request.addEventListener('error', function () {
                button.disabled = false;
                bar.hidden = true;
                refused(output, upload, 0, '');
              });
              request.send(file);
            });
          }
          document.querySelectorAll('form.rollback').forEach(function (form) {
            if (!window.fetch) { return; }
            form.addEventListener('submit', function (event) {
              event.preventDefault();
              var button = form.querySelector('button');
              button.disabled = true;
              fetch(form.getAttribute('data-api'), { method: 'POST', credentials: 'same-origin',
                                                     headers: { 'X-CSRF-Token': csrf(form) } })
                .then(function (response) {
                  return response.text().then(function (text) {
                    button.disabled = false;
                    if (response.ok) { done('rolledback', JSON.parse(text)); return; }
                    var output = form.querySelector('output') || form.appendChild(document.createElement('output'));
                    refused(output, form, response.status, text);
                  });
                });
            });
          });
        })();
        """
}
