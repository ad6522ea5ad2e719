// SPDX-License-Identifier: Apache-2.0
// ilrs plugin for Open MCT 4: login, the object tree (a root for the station and
// one per partner, from GET /api/objects), historical telemetry (GET
// /api/telemetry), real-time telemetry over one WebSocket (/api/realtime) with
// batched delivery, limit evaluation from the dictionary's limits, an event log
// view, a command panel built from the dictionary with argument validation and a
// command history with states, a partners page and the caller's data products
// (files) with downloads.
// The server decides what a user may see and do; this plugin only mirrors its
// answers (a 403 is shown, never hidden).
(function (global) {
  'use strict';

  const NAMESPACE = 'ilrs';
  const TOKEN_KEY = 'ilrs.token';
  const POLL_MS = 2000;

  function token() {
    return global.sessionStorage.getItem(TOKEN_KEY);
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || `HTTP ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  async function api(method, path, body) {
    const headers = { 'Content-Type': 'application/json' };
    if (token()) {
      headers.Authorization = `Bearer ${token()}`;
    }
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    let json = null;
    try {
      json = await res.json();
    } catch (e) {
      json = null;
    }
    if (res.status === 401 && path !== '/api/login') {
      global.sessionStorage.removeItem(TOKEN_KEY);
      global.location.reload();
    }
    if (!res.ok) {
      throw new ApiError(res.status, json);
    }
    return json;
  }

  // ---- login --------------------------------------------------------------------

  function showLogin(message) {
    const box = document.createElement('form');
    box.id = 'ilrs-login';
    box.innerHTML = `
      <h1>ILRS mission control</h1>
      <label>User <input name="user" autocomplete="username" required></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
      <button type="submit">Log in</button>
      <p class="ilrs-login-error" role="alert"></p>`;
    box.querySelector('.ilrs-login-error').textContent = message || '';
    document.body.appendChild(box);
    return new Promise((resolve) => {
      box.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        const err = box.querySelector('.ilrs-login-error');
        err.textContent = '';
        try {
          const answer = await api('POST', '/api/login', {
            user: box.user.value,
            password: box.password.value
          });
          global.sessionStorage.setItem(TOKEN_KEY, answer.token);
          box.remove();
          resolve(answer);
        } catch (e) {
          err.textContent =
            e.status === 429
              ? `Too many failed logins: wait ${Math.ceil(e.body.retry_after_ms / 1000)} s`
              : e.message;
        }
      });
    });
  }

  // Resolves with the identity once a valid session exists.
  async function ensureLogin() {
    if (token()) {
      try {
        return await api('GET', '/api/me');
      } catch (e) {
        global.sessionStorage.removeItem(TOKEN_KEY);
      }
    }
    return showLogin();
  }

  // ---- real-time: one WebSocket shared by every subscription -------------------

  class Realtime {
    constructor() {
      this.callbacks = new Map(); // key -> Set of callbacks
      this.ready = null;
      this.errors = new Map(); // key -> last error message
    }

    connect() {
      if (this.ready) {
        return this.ready;
      }
      const url = `${global.location.protocol === 'https:' ? 'wss' : 'ws'}://${global.location.host}/api/realtime`;
      this.ready = new Promise((resolve, reject) => {
        const ws = new WebSocket(url);
        this.ws = ws;
        ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token: token() }));
        ws.onmessage = (ev) => {
          const msg = JSON.parse(ev.data);
          if (msg.type === 'auth') {
            resolve(ws);
          } else if (msg.type === 'samples') {
            this.deliver(msg.samples);
          } else if (msg.type === 'error') {
            if (msg.key) {
              this.errors.set(msg.key, msg.message);
            }
            if (msg.status === 401) {
              reject(new Error(msg.message));
            }
          }
        };
        ws.onclose = () => {
          this.ready = null;
          // Reconnect and resubscribe after a pause if anyone still listens.
          if (this.callbacks.size > 0) {
            global.setTimeout(() => this.resubscribe(), 2000);
          }
        };
      });
      return this.ready;
    }

    async resubscribe() {
      const ws = await this.connect();
      for (const key of this.callbacks.keys()) {
        ws.send(JSON.stringify({ type: 'subscribe', key }));
      }
    }

    // Batches: all samples of one message for a key go to its callbacks at once.
    deliver(samples) {
      const byKey = new Map();
      for (const s of samples) {
        if (!byKey.has(s.key)) {
          byKey.set(s.key, []);
        }
        byKey.get(s.key).push({ id: s.key, timestamp: s.timestamp, utc: s.timestamp, value: s.value });
      }
      for (const [key, data] of byKey) {
        const set = this.callbacks.get(key);
        if (set) {
          set.forEach((cb) => cb(data));
        }
      }
    }

    subscribe(key, callback) {
      let set = this.callbacks.get(key);
      if (!set) {
        set = new Set();
        this.callbacks.set(key, set);
        this.connect().then((ws) => ws.send(JSON.stringify({ type: 'subscribe', key })));
      }
      set.add(callback);
      return () => {
        set.delete(callback);
        if (set.size === 0) {
          this.callbacks.delete(key);
          if (this.ws && this.ws.readyState === WebSocket.OPEN) {
            this.ws.send(JSON.stringify({ type: 'unsubscribe', key }));
          }
        }
      };
    }
  }

  // ---- helpers for the views ------------------------------------------------------

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === 'class') {
        e.className = v;
      } else {
        e.setAttribute(k, v);
      }
    });
    children.forEach((c) => e.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return e;
  }

  function utc(ms) {
    return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  }

  function pollingView(render) {
    return {
      show(element) {
        this.element = element;
        const tick = async () => {
          try {
            await render(element);
          } catch (e) {
            element.replaceChildren(el('p', { class: 'ilrs-error', role: 'alert' }, e.message));
          }
        };
        tick();
        this.timer = global.setInterval(tick, POLL_MS);
      },
      destroy() {
        global.clearInterval(this.timer);
      }
    };
  }

  function table(headers, rows, cls) {
    return el(
      'table',
      { class: `c-table ${cls || ''}` },
      el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))),
      el('tbody', {}, ...rows.map((r) => el('tr', { class: r.cls || '' }, ...r.cells.map((c) => el('td', {}, c)))))
    );
  }

  // ---- command panel ----------------------------------------------------------------

  // Client-side validation mirrors the dictionary; the server checks again.
  function validateArg(def, text) {
    if (def.enumerations) {
      const ok = def.enumerations.some((e) => e.label === text || String(e.value) === text);
      return ok ? null : `${def.name}: one of ${def.enumerations.map((e) => e.label).join(', ')}`;
    }
    if (def.type === 'string' || def.type === 'bytes') {
      return text.length < def.length ? null : `${def.name}: at most ${def.length - 1} characters`;
    }
    if (def.type === 'bool') {
      return text === 'true' || text === 'false' ? null : `${def.name}: true or false`;
    }
    if (text.trim() === '' || !Number.isFinite(Number(text))) {
      return `${def.name}: a number`;
    }
    const v = Number(text);
    if (def.type[0] !== 'f' && !Number.isInteger(v)) {
      return `${def.name}: an integer`;
    }
    if (def.min !== undefined && (v < def.min || v > def.max)) {
      return `${def.name}: between ${def.min} and ${def.max}`;
    }
    return null;
  }

  function commandForm(cmd, onSent) {
    const form = el('form', { class: 'ilrs-command', 'data-command': cmd.name });
    form.append(el('h3', {}, cmd.name), el('p', {}, cmd.description || ''));
    const inputs = cmd.args.map((a) => {
      let input;
      if (a.enumerations) {
        input = el('select', { name: a.name }, ...a.enumerations.map((e) => el('option', { value: e.label }, e.label)));
      } else if (a.type === 'bool') {
        input = el('select', { name: a.name }, el('option', {}, 'false'), el('option', {}, 'true'));
      } else {
        input = el('input', { name: a.name, type: 'text', placeholder: a.min !== undefined ? `${a.min} .. ${a.max}` : a.type });
      }
      form.append(el('label', {}, `${a.name}${a.unit ? ` [${a.unit}]` : ''} `, input));
      return { def: a, input };
    });
    const status = el('p', { class: 'ilrs-command-status', role: 'status' });
    const send = el('button', { type: 'submit' }, 'Send');
    if (!cmd.may_send) {
      send.disabled = true;
      status.textContent = 'Your role may not send this command.';
    }
    form.append(send, status);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const errors = inputs.map((i) => validateArg(i.def, i.input.value)).filter(Boolean);
      if (errors.length) {
        status.textContent = errors.join('; ');
        status.className = 'ilrs-command-status ilrs-error';
        return;
      }
      try {
        const answer = await api('POST', '/api/commands', { name: cmd.name, args: inputs.map((i) => i.input.value) });
        status.textContent = `Queued as #${answer.id}`;
        status.className = 'ilrs-command-status';
        onSent();
      } catch (e) {
        status.textContent = `${e.status}: ${e.message}`;
        status.className = 'ilrs-command-status ilrs-error';
      }
    });
    return form;
  }

  function commandView(domainObject) {
    const owner = domainObject.owner;
    let history;
    const refresh = async () => {
      const list = await api('GET', '/api/commands/history');
      const rows = list
        .filter((c) => c.owner === owner)
        .reverse()
        .map((c) => ({
          cls: `ilrs-state-${c.state}`,
          cells: [String(c.id), utc(c.queued_ms), c.name, c.args.join(', '), c.issuer, c.state, c.detail]
        }));
      history.replaceChildren(table(['#', 'queued (UTC)', 'command', 'arguments', 'issuer', 'state', 'detail'], rows, 'ilrs-history'));
    };
    return {
      async show(element) {
        element.replaceChildren(el('p', {}, 'Loading commands...'));
        history = el('div', { class: 'ilrs-history-box' });
        try {
          const cmds = (await api('GET', '/api/commands')).filter((c) => c.owner === owner);
          element.replaceChildren(
            el('h2', {}, 'Commands'),
            ...cmds.map((c) => commandForm(c, refresh)),
            el('h2', {}, 'Command history'),
            history
          );
          await refresh();
          this.timer = global.setInterval(() => refresh().catch(() => {}), POLL_MS);
        } catch (e) {
          element.replaceChildren(el('p', { class: 'ilrs-error', role: 'alert' }, `${e.status || ''} ${e.message}`));
        }
      },
      destroy() {
        global.clearInterval(this.timer);
      }
    };
  }

  function eventView(domainObject) {
    return pollingView(async (element) => {
      const list = await api('GET', `/api/events?owner=${encodeURIComponent(domainObject.owner)}`);
      const rows = list.reverse().map((e) => ({
        cls: `ilrs-sev-${e.severity}`,
        cells: [utc(e.timestamp), e.severity, e.app, e.name, e.message]
      }));
      element.replaceChildren(el('h2', {}, 'Event log'), table(['time (UTC)', 'severity', 'app', 'event', 'message'], rows, 'ilrs-events'));
    });
  }

  function partnersView() {
    return pollingView(async (element) => {
      const list = await api('GET', '/api/partners');
      const rows = list.map((p) => ({
        cells: [p.id, p.name, String(p.packets), String(p.parameters), String(p.commands),
          p.readable ? 'yes' : 'no', p.commandable ? 'yes' : 'no']
      }));
      element.replaceChildren(el('h2', {}, 'Partners'),
        table(['id', 'name', 'packets', 'parameters', 'commands', 'you read', 'you command'], rows, 'ilrs-partners'));
    });
  }

  // ---- data products ----------------------------------------------------------------

  // Downloads carry the session token, so a plain link cannot fetch them: the
  // file is fetched with the Authorization header and handed to the browser as a
  // Blob under its own name.
  async function download(url, name) {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token()}` } });
    if (!res.ok) {
      let body = null;
      try {
        body = await res.json();
      } catch (e) {
        body = null;
      }
      throw new ApiError(res.status, body);
    }
    const blob = await res.blob();
    const href = URL.createObjectURL(blob);
    const a = el('a', { href, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    global.setTimeout(() => URL.revokeObjectURL(href), 10000);
  }

  function size(n) {
    return n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
  }

  // The caller's data products (the server lists only what the caller may read:
  // a partner its own, operators and viewers every partner's). Not polled: the
  // catalog changes rarely, and a re-render would move the links under the mouse.
  function filesView() {
    return {
      async show(element) {
        const status = el('p', { class: 'ilrs-files-status', role: 'status' }, '');
        const render = async () => {
          const list = await api('GET', '/api/files');
          const rows = list.map((f) => {
            const link = el('a', { class: 'ilrs-download', href: f.url, 'data-name': f.name }, f.name);
            link.addEventListener('click', (ev) => {
              ev.preventDefault();
              status.textContent = `Downloading ${f.name}...`;
              download(f.url, f.name).then(
                () => { status.textContent = `Downloaded ${f.name}`; },
                (e) => { status.textContent = `${f.name}: ${e.message}`; });
            });
            return {
              cells: [link, f.partner, f.payload, size(f.size), `${utc(f.start_ms)} to ${utc(f.end_ms)}`,
                el('code', { title: f.sha256 }, f.sha256.slice(0, 16))]
            };
          });
          const refresh = el('button', { class: 'ilrs-files-refresh' }, 'Refresh');
          refresh.addEventListener('click', () => render().catch((e) => { status.textContent = e.message; }));
          element.replaceChildren(el('h2', {}, 'Data products'), refresh, status,
            rows.length === 0
              ? el('p', { class: 'ilrs-files-empty' }, 'No data products for you yet.')
              : table(['file', 'partner', 'payload', 'size', 'data (UTC)', 'SHA-256'], rows, 'ilrs-files'));
        };
        try {
          await render();
        } catch (e) {
          element.replaceChildren(el('p', { class: 'ilrs-error', role: 'alert' }, e.message));
        }
      },
      destroy() {}
    };
  }

  // ---- limits ----------------------------------------------------------------------

  function limitEvaluator(domainObject) {
    const l = domainObject.limits;
    return {
      evaluate(datum, valueMetadata) {
        const key = (valueMetadata && valueMetadata.key) || 'value';
        const v = datum[key];
        if (typeof v !== 'number') {
          return undefined;
        }
        if (v > l.crit_high) return { cssClass: 'is-limit--upr is-limit--red', name: 'Critical High' };
        if (v < l.crit_low) return { cssClass: 'is-limit--lwr is-limit--red', name: 'Critical Low' };
        if (v > l.warn_high) return { cssClass: 'is-limit--upr is-limit--yellow', name: 'Warning High' };
        if (v < l.warn_low) return { cssClass: 'is-limit--lwr is-limit--yellow', name: 'Warning Low' };
        return undefined;
      }
    };
  }

  function limitLines(domainObject) {
    const l = domainObject.limits;
    return {
      limits: () =>
        Promise.resolve({
          WARNING: { low: { color: 'yellow', value: l.warn_low }, high: { color: 'yellow', value: l.warn_high } },
          CRITICAL: { low: { color: 'red', value: l.crit_low }, high: { color: 'red', value: l.crit_high } }
        })
    };
  }

  // ---- the plugin -------------------------------------------------------------------

  function plugin(identity, roots) {
    return function install(openmct) {
      const realtime = new Realtime();
      const partners = { namespace: NAMESPACE, key: 'partners' };
      const files = { namespace: NAMESPACE, key: 'files' };

      openmct.types.addType('ilrs.telemetry', { name: 'ILRS telemetry point', cssClass: 'icon-telemetry' });
      openmct.types.addType('ilrs.events', { name: 'ILRS event log', cssClass: 'icon-list-view' });
      openmct.types.addType('ilrs.commands', { name: 'ILRS command panel', cssClass: 'icon-command' });
      openmct.types.addType('ilrs.partners', { name: 'ILRS partners', cssClass: 'icon-person' });
      openmct.types.addType('ilrs.files', { name: 'ILRS data products', cssClass: 'icon-folder' });

      roots.forEach((r) => openmct.objects.addRoot(r.identifier));
      openmct.objects.addRoot(partners);
      openmct.objects.addRoot(files);

      openmct.objects.addProvider(NAMESPACE, {
        get(identifier) {
          if (identifier.key === 'partners') {
            return Promise.resolve({ identifier: partners, name: 'Partners', type: 'ilrs.partners', location: 'ROOT' });
          }
          if (identifier.key === 'files') {
            return Promise.resolve({ identifier: files, name: 'Data products', type: 'ilrs.files', location: 'ROOT' });
          }
          return api('GET', `/api/objects/${NAMESPACE}/${encodeURIComponent(identifier.key)}`);
        }
      });

      openmct.telemetry.addProvider({
        supportsRequest: (o) => o.type === 'ilrs.telemetry',
        async request(domainObject, options) {
          const q = new URLSearchParams({ start: Math.floor(options.start), end: Math.ceil(options.end) });
          if (options.strategy === 'latest') {
            q.set('strategy', 'latest');
          } else if (options.strategy === 'minmax' && options.size) {
            q.set('strategy', 'minmax');
            q.set('size', String(options.size));
          }
          const points = await api('GET', `/api/telemetry/${encodeURIComponent(domainObject.identifier.key)}?${q}`);
          return points.map((p) => ({ id: domainObject.identifier.key, timestamp: p.timestamp, utc: p.timestamp, ...p }));
        },
        supportsSubscribe: (o) => o.type === 'ilrs.telemetry',
        supportsBatching: () => true,
        subscribe(domainObject, callback) {
          return realtime.subscribe(domainObject.identifier.key, callback);
        },
        supportsLimits: (o) => o.type === 'ilrs.telemetry' && Boolean(o.limits),
        getLimitEvaluator: limitEvaluator,
        getLimits: limitLines
      });

      openmct.objectViews.addProvider({
        key: 'ilrs.events.view', name: 'Event log', cssClass: 'icon-list-view',
        canView: (o) => o.type === 'ilrs.events', view: eventView, priority: () => 100
      });
      openmct.objectViews.addProvider({
        key: 'ilrs.commands.view', name: 'Command panel', cssClass: 'icon-command',
        canView: (o) => o.type === 'ilrs.commands', view: commandView, priority: () => 100
      });
      openmct.objectViews.addProvider({
        key: 'ilrs.partners.view', name: 'Partners', cssClass: 'icon-person',
        canView: (o) => o.type === 'ilrs.partners', view: partnersView, priority: () => 100
      });
      openmct.objectViews.addProvider({
        key: 'ilrs.files.view', name: 'Data products', cssClass: 'icon-folder',
        canView: (o) => o.type === 'ilrs.files', view: filesView, priority: () => 100
      });

      const who = el('span', { class: 'ilrs-user' },
        `${identity.user} (${identity.role}${identity.partner ? ` of ${identity.partner}` : ''}) `);
      const logout = el('button', { class: 'ilrs-logout' }, 'Log out');
      logout.addEventListener('click', async () => {
        try {
          await api('POST', '/api/logout');
        } finally {
          global.sessionStorage.removeItem(TOKEN_KEY);
          global.location.reload();
        }
      });
      openmct.indicators.add({ element: el('div', { class: 'c-indicator ilrs-indicator' }, who, logout), priority: 1 });
    };
  }

  // Log in, fetch the roots the user may see, then start Open MCT.
  async function start(openmct) {
    const identity = await ensureLogin();
    const roots = await api('GET', '/api/objects');
    openmct.install(plugin(identity, roots));
    openmct.start();
    return identity;
  }

  global.ILRS = { start, plugin, api, validateArg };
})(window);
