// The web console: pages drawn from the service's JSON API (/api), one per hash route:
//   #/                      pipelines (batch, source, stream), their schedules and last runs
//   #/grid/<pipeline>?page= a pipeline's runs by tasks, paged on the server
//   #/run/<id>              a run: tasks, time line, expectations, dead letters, log lines
//   #/dead-letters          dead letters, with replay
//   #/stream/<name>         a stream: partitions, lag, watermarks, late events, the last hour
//   #/lineage?table=        where a warehouse table's rows come from
//   #/versions/<pipeline>   the versions of a pipeline's definition, and what changed between two
// Every value is put in the page as text (never as HTML). Actions (operators only) ask for confirmation and
// send the CSRF token of the cookie XSRF-TOKEN; the service checks the role and the token again.
'use strict';

const state = { session: null, timer: null };

// ---- DOM and HTTP helpers -------------------------------------------------------------------------------

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.substring(2), value);
    else if (key === 'className') node.className = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key === 'className' ? 'class' : key, value);
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function csrfToken() {
  const cookie = document.cookie.split('; ').find(c => c.startsWith('XSRF-TOKEN='));
  return cookie ? decodeURIComponent(cookie.substring('XSRF-TOKEN='.length)) : '';
}

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-XSRF-TOKEN'] = csrfToken();
  }
  const response = await fetch('api/' + path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401) {
    location.href = 'login.html';
    throw new Error('Signed out');
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: text }; }
  if (!response.ok) {
    const why = data && (data.detail || data.title || data.message) || response.statusText;
    throw new Error(response.status + ': ' + why);
  }
  return data;
}

function flash(message, isError) {
  const box = document.getElementById('flash');
  box.textContent = message || '';
  box.className = isError ? 'error' : '';
}

// Asks before an action; resolves true when confirmed.
function confirmAction(text) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

async function act(question, method, path, body, done) {
  if (!await confirmAction(question)) return;
  try {
    const answer = await api(method, path, body);
    flash(done(answer));
    render();
  } catch (e) {
    flash(e.message, true);
  }
}

const when = t => t ? new Date(t).toISOString().replace('T', ' ').substring(0, 19) + ' UTC' : '';
const ms = n => n === null || n === undefined ? '' : n < 1000 ? n + ' ms' : n < 120000 ? (n / 1000).toFixed(1) + ' s'
  : Math.round(n / 60000) + ' min';
const count = n => n === null || n === undefined ? '' : Number(n).toLocaleString('en');
const status = s => h('span', { className: 'status ' + s }, s);
const canAct = () => state.session && state.session.canAct;
const today = () => new Date(Date.now() - 86400000).toISOString().substring(0, 10);

// ---- pages ----------------------------------------------------------------------------------------------

async function pipelinesPage(main) {
  const pipelines = await api('GET', 'pipelines');
  main.append(h('h1', {}, 'Pipelines'));
  for (const p of pipelines.filter(p => p.autoPaused)) {
    main.append(h('div', { className: 'banner', id: 'auto-paused-' + p.name },
      `${p.name} is paused: its last ${p.autoPaused.failures} runs failed (run ${p.autoPaused.runId}). `,
      'Resume it when the cause is fixed.'));
  }
  const missed = pipelines.filter(p => p.deadline && p.deadline.lastMiss && !p.deadline.lastMiss.metAt);
  if (missed.length) {
    main.append(h('div', { className: 'banner', id: 'deadline-misses' }, missed.map(p => {
      const m = p.deadline.lastMiss;
      return h('div', { 'data-miss': p.name }, h('strong', {}, p.name), ` ${m.logicalDate}: `,
        m.task ? `task ${m.task} over its limit: ${m.blocking}` : `not loaded by its deadline (${when(m.dueAt)}): ${m.blocking}`,
        m.runId ? [' ', h('a', { href: '#/run/' + m.runId }, 'run ' + m.runId)] : '');
    })));
  }
  const rows = pipelines.map(p => {
    const squares = h('div', { className: 'squares' }, (p.recentRuns || []).slice().reverse().map(r =>
      h('a', { href: '#/run/' + r.runId, className: r.status, title: `run ${r.runId}, ${r.logicalDate}: ${r.status}` })));
    const link = p.type === 'stream' ? h('a', { href: '#/stream/' + p.name }, p.name)
      : h('a', { href: '#/grid/' + p.name }, p.name);
    const schedule = p.schedule ? `${p.schedule.cron} (${p.schedule.timeZone})`
      + (p.schedule.catchup ? `, catch-up ${p.schedule.catchup}` + (p.schedule.catchup === 'all' ? ` (at most ${p.schedule.catchupLimit})` : '') : '')
      : p.source ? 'topic ' + p.source.topic : '';
    return h('tr', { 'data-pipeline': p.name },
      h('td', {}, link, h('div', { className: 'muted' }, p.description || '')),
      h('td', {}, p.type), h('td', {}, schedule), h('td', {}, when(p.nextFire)),
      h('td', { className: 'state' }, p.state, p.autoPaused ? ' (auto-paused)' : ''),
      h('td', {}, squares), h('td', { className: 'freshness' }, freshnessState(p.freshness)),
      h('td', { className: 'deadline' }, deadlineState(p.deadline)),
      h('td', {}, canAct() ? pipelineActions(p) : ''));
  });
  main.append(h('table', { id: 'pipelines' },
    h('tr', {}, ['Pipeline', 'Type', 'Schedule', 'Next fire', 'State', 'Last runs', 'Freshness', 'Deadline', canAct() ? 'Actions' : ''].map(t => h('th', {}, t))),
    rows));
}

// How old the newest data of a pipeline's tables is, against its levels.
function freshnessState(f) {
  if (!f) return '';
  const age = f.ageSeconds > 172800 ? `${Math.round(f.ageSeconds / 86400)} days` : `${(f.ageSeconds / 3600).toFixed(1)} h`;
  return h('div', { title: `${f.tables.join(', ')}: newest data from ${when(f.newest)}` },
    h('span', { className: 'status ' + { OK: 'SUCCEEDED', WARN: 'WARNING', ERROR: 'FAILED' }[f.level] }, f.level),
    h('div', { className: 'muted' }, `${age} old (warn ${f.warnAfter || '-'}, error ${f.errorAfter || '-'})`));
}

// A pipeline's deadline and its last miss: red while the date is still not loaded.
function deadlineState(deadline) {
  if (!deadline) return '';
  const rule = h('div', { className: 'muted' }, deadline.after ? `due ${deadline.after} after the date` : '',
    Object.keys(deadline.taskLimits).length ? ` (task limits: ${Object.entries(deadline.taskLimits).map(([t, l]) => t + ' ' + l).join(', ')})` : '');
  const m = deadline.lastMiss;
  if (!m) return h('div', {}, h('span', { className: 'status SUCCEEDED' }, 'on time'), rule);
  const label = m.metAt ? `${m.logicalDate} loaded late` : `${m.logicalDate} missed`;
  return h('div', {}, h('span', { className: 'status ' + (m.metAt ? 'WARNING' : 'FAILED'), title: m.blocking }, label), rule);
}

function pipelineActions(p) {
  const box = h('div', { className: 'actions' });
  const running = p.state === 'started';
  box.append(h('button', { className: 'suspend-resume', onclick: () => act(
    `${running ? 'Suspend' : 'Resume'} ${p.name}${p.type === 'stream' ? '' : "'s schedule on every instance"}?`, 'POST',
    `pipelines/${encodeURIComponent(p.name)}/${running ? 'suspend' : 'resume'}`, undefined,
    () => `${p.name} ${running ? 'suspended' : 'resumed'}`) }, running ? 'Suspend' : 'Resume'));
  if (p.type !== 'stream') {
    const date = h('input', { type: 'date', value: today(), className: 'trigger-date', 'aria-label': 'logical date' });
    box.append(h('span', { className: 'run-date' }, date, h('button', { className: 'trigger', onclick: () => act(
      `Run ${p.name} for ${date.value}?`, 'POST', `pipelines/${encodeURIComponent(p.name)}/runs`, { logicalDate: date.value },
      a => `Run ${a.runId} of ${p.name} for ${date.value} queued`) }, 'Trigger')));
    box.append(h('a', { href: '#/backfill/' + p.name }, 'Backfill...'));
  }
  return box;
}

async function backfillPage(main, name) {
  main.append(h('h1', {}, 'Backfill ', h('a', { href: '#/grid/' + name }, name)));
  const from = h('input', { type: 'date', id: 'backfill-from', value: today() });
  const to = h('input', { type: 'date', id: 'backfill-to', value: today() });
  const mode = h('select', { id: 'backfill-mode' }, ['missing', 'failed', 'all'].map(m => h('option', { value: m }, m)));
  const maxActive = h('input', { type: 'number', id: 'backfill-max-active', min: 1, max: 100, value: 1, style: 'width: 4rem' });
  const preview = h('div', { id: 'backfill-preview' });
  const ask = dryRun => api('POST', `pipelines/${encodeURIComponent(name)}/backfill`,
    { from: from.value, to: to.value, mode: mode.value, dryRun });
  const show = h('button', { id: 'backfill-dry-run', onclick: async () => {
    preview.replaceChildren();
    try {
      const answer = await ask(true);
      preview.append(h('p', {}, `${answer.dates.length} date(s) would be queued: `, answer.dates.join(', ') || 'none'));
      if (answer.dates.length && canAct()) {
        preview.append(h('button', { className: 'primary', id: 'backfill-queue', onclick: () => act(
          `Run ${answer.dates.length} date(s) of ${name} (${mode.value} dates from ${from.value} to ${to.value}), `
            + `${maxActive.value} at a time, behind any scheduled run?`, 'POST',
          `pipelines/${encodeURIComponent(name)}/backfill`,
          { from: from.value, to: to.value, mode: mode.value, maxActive: Number(maxActive.value) },
          a => `Backfill ${a.backfillId} of ${name} started: ${a.dates.length} date(s), ${a.runIds.length} queued now`) },
          'Start the backfill'));
      }
    } catch (e) { flash(e.message, true); }
  } }, 'Show the dates');
  main.append(h('div', { className: 'actions' }, 'From', from, 'to', to, 'mode', mode, 'runs at once', maxActive, show), preview,
    h('p', { className: 'muted' }, 'missing: dates without a run; failed: dates whose latest run failed; all: every date. '
      + 'A backfill runs its dates oldest first, a few at once, after any scheduled or manual run that waits.'));
  const list = await api('GET', `backfills?pipeline=${encodeURIComponent(name)}&limit=20`);
  if (list.length) {
    main.append(h('h2', {}, 'Backfills'), h('table', { id: 'backfills' },
      h('tr', {}, ['Id', 'Dates', 'Mode', 'At once', 'Status', 'Dates by state', 'Runs', ''].map(t => h('th', {}, t))),
      list.map(b => h('tr', { 'data-backfill': b.id }, h('td', {}, b.id), h('td', {}, `${b.from} to ${b.to}`), h('td', {}, b.mode),
        h('td', { className: 'num' }, b.maxActive), h('td', {}, b.status),
        h('td', {}, Object.entries(b.dates).map(([k, v]) => `${v} ${k.toLowerCase()}`).join(', ')),
        h('td', {}, b.runIds.map(r => [h('a', { href: '#/run/' + r }, r), ' '])),
        h('td', {}, canAct() && b.status === 'RUNNING' ? h('button', { className: 'danger cancel-backfill', onclick: () => act(
          `Cancel backfill ${b.id}? Its dates not queued yet will not be; its runs queued or running finish.`, 'POST',
          `backfills/${b.id}/cancel`, undefined, a => `Backfill ${a.id} cancelled`) }, 'Cancel') : '')))));
  }
}

async function gridPage(main, name, query) {
  const page = Number(query.get('page') || 1);
  const grid = await api('GET', `pipelines/${encodeURIComponent(name)}/grid?page=${page}&size=25`);
  const pages = Math.max(1, Math.ceil(grid.total / grid.size));
  main.append(h('h1', {}, name, h('span', { className: 'muted' }, ` (${count(grid.total)} runs)`)));
  const pager = h('div', { className: 'pager' },
    page > 1 ? h('a', { href: `#/grid/${name}?page=${page - 1}`, id: 'newer' }, '< newer') : '',
    `page ${page} of ${pages}`,
    page < pages ? h('a', { href: `#/grid/${name}?page=${page + 1}`, id: 'older' }, 'older >') : '',
    h('a', { href: `api/pipelines/${encodeURIComponent(name)}/data-docs`, target: '_blank' }, 'quality reports'),
    h('a', { href: `#/versions/${name}` }, 'versions'));
  const head = h('tr', {}, h('th', {}, 'Run'), h('th', {}, 'Date'), h('th', {}, 'Status'), h('th', {}, 'By'),
    h('th', {}, 'Version'), grid.tasks.map(t => h('th', {}, t)));
  const rows = grid.runs.map(r => h('tr', { 'data-run': r.runId },
    h('td', {}, h('a', { href: '#/run/' + r.runId }, r.runId)), h('td', {}, r.logicalDate), h('td', {}, status(r.status)),
    h('td', { className: 'muted' }, r.triggeredBy),
    h('td', {}, r.version ? h('a', { href: `#/versions/${name}?to=${r.version}`, className: 'version' }, r.version) : ''),
    grid.tasks.map(t => {
      const task = r.tasks[t];
      if (!task) return h('td', { className: 'cell none' }, '');
      return h('td', { className: 'cell ' + task.status, title: `${t}: ${task.status}, ${task.attempts} attempt(s)` },
        h('a', { href: '#/run/' + r.runId }, ms(task.durationMs) || task.status));
    })));
  main.append(pager, h('table', { className: 'grid', id: 'grid' }, head, rows));
}

async function runPage(main, id) {
  const [run, logs] = await Promise.all([api('GET', 'runs/' + id), api('GET', `runs/${id}/logs?limit=1000`)]);
  main.append(h('h1', {}, `Run ${run.runId}: `, h('a', { href: '#/grid/' + run.pipeline }, run.pipeline), ` for ${run.logicalDate} `,
    h('span', { id: 'run-status' }, status(run.status))));
  main.append(h('dl', { className: 'facts' },
    h('dt', {}, 'Triggered by'), h('dd', {}, run.triggeredBy + (run.force ? ' (forced)' : '')),
    h('dt', {}, 'Version'), h('dd', {}, run.version ? h('a', { href: `#/versions/${run.pipeline}?to=${run.version}` }, run.version) : ''),
    h('dt', {}, 'Queued'), h('dd', {}, when(run.queuedAt)), h('dt', {}, 'Started'), h('dd', {}, when(run.startedAt)),
    h('dt', {}, 'Finished'), h('dd', {}, when(run.finishedAt)),
    h('dt', {}, 'Instance'), h('dd', {}, run.owner || '', run.recoveries ? ` (taken over ${run.recoveries} time(s))` : ''),
    run.error ? [h('dt', {}, 'Error'), h('dd', { className: 'error' }, h('pre', {}, run.error))] : []));
  if (run.status === 'FAILED' && canAct()) {
    main.append(h('div', { className: 'actions' }, h('button', { id: 'resume-run', className: 'primary', onclick: () => act(
      `Resume run ${run.runId} from the task that failed?`, 'POST', `runs/${run.runId}/resume`, undefined,
      a => `Run ${a.runId} resumed from ${a.resumedFrom}`) }, 'Resume from the failed task')));
  }
  main.append(h('h2', {}, 'Tasks'), timeline(run), h('table', { id: 'tasks' },
    h('tr', {}, ['Task', 'Status', 'Rows in', 'Rows out', 'Duration', 'Attempts', 'Lake objects', 'Error'].map(t => h('th', {}, t))),
    run.tasks.map(t => h('tr', { 'data-task': t.task },
      h('td', {}, t.task), h('td', {}, status(t.status)), h('td', { className: 'num' }, count(t.rowsIn)),
      h('td', { className: 'num' }, count(t.rowsOut)), h('td', { className: 'num' }, ms(t.durationMs)),
      h('td', { className: 'num' }, t.attempts),
      h('td', {}, t.lakeKeys.length ? h('details', {}, h('summary', {}, `${t.lakeKeys.length} object(s)`),
        h('pre', {}, t.lakeKeys.join('\n'))) : ''),
      h('td', { className: 'error' }, t.error ? h('pre', {}, t.error) : '')))));
  if (run.failedExpectations.length) {
    main.append(h('h2', {}, 'Failed expectations'), h('table', { id: 'expectations' },
      h('tr', {}, ['Expectation', 'Arguments', 'Severity', 'Unexpected', 'Observed', 'Sample values'].map(t => h('th', {}, t))),
      run.failedExpectations.map(e => h('tr', {},
        h('td', {}, e.expectationType), h('td', {}, h('pre', {}, JSON.stringify(e.kwargs))),
        h('td', {}, status(e.severity === 'warning' ? 'WARNING' : 'FAILED'), ' ', e.severity),
        h('td', { className: 'num' }, `${count(e.unexpectedCount)} of ${count(e.elementCount)}`),
        h('td', {}, e.observedValue === null || e.observedValue === undefined ? '' : JSON.stringify(e.observedValue)),
        h('td', { className: 'samples' }, h('pre', {}, (e.partialUnexpected || []).join('\n')))))));
  }
  main.append(h('p', {}, h('a', { href: `api/runs/${run.runId}/data-docs`, target: '_blank' }, 'Quality report of this run')));
  try {
    const letters = (await api('GET', `dead-letters?pipeline=${encodeURIComponent(run.pipeline)}&limit=1000`))
      .filter(d => d.runId === run.runId);
    if (letters.length) main.append(h('h2', {}, 'Dead letters'), deadLetterTable(letters));
  } catch (e) { /* the run's page stands without them */ }
  const tasks = ['', ...new Set(logs.lines.map(l => l.task).filter(t => t))];
  const pick = h('select', { id: 'log-task' }, tasks.map(t => h('option', { value: t }, t || 'all lines')));
  const box = h('pre', { className: 'log', id: 'log' });
  const show = () => box.replaceChildren(...logs.lines.filter(l => !pick.value || l.task === pick.value).map(l =>
    h('div', { className: l.level }, h('span', { className: 't' }, when(l.at).substring(11, 19)),
      `${l.level} [${l.task || 'run'}] ${l.message}`)));
  pick.addEventListener('change', show);
  show();
  main.append(h('h2', {}, 'Log lines ', pick), box);
  if (run.status === 'QUEUED' || run.status === 'RUNNING') state.timer = setTimeout(render, 2000);
}

// The tasks as bars on the run's time line.
function timeline(run) {
  const tasks = run.tasks.filter(t => t.startedAt);
  if (!tasks.length) return h('p', { className: 'muted' }, 'No task has started yet.');
  const start = Math.min(...tasks.map(t => Date.parse(t.startedAt)));
  const end = Math.max(...tasks.map(t => t.finishedAt ? Date.parse(t.finishedAt) : Date.now()), start + 1);
  const width = 760, label = 150, row = 22;
  const x = t => label + (t - start) / (end - start) * (width - label - 10);
  return svg('svg', { width, height: tasks.length * row + 20, className: 'chart', id: 'timeline' },
    tasks.map((t, i) => {
      const from = x(Date.parse(t.startedAt)), to = x(t.finishedAt ? Date.parse(t.finishedAt) : Date.now());
      const colour = { SUCCEEDED: '#2e9e4f', FAILED: '#d64541', RUNNING: '#3b7dd8' }[t.status] || '#9aa5b1';
      return [svg('text', { x: 4, y: i * row + 16 }, t.task),
        svg('rect', { x: from, y: i * row + 5, width: Math.max(2, to - from), height: row - 8, fill: colour },
          svg('title', {}, `${t.task}: ${ms(t.durationMs)}`))];
    }),
    svg('text', { x: label, y: tasks.length * row + 15 }, when(new Date(start).toISOString())),
    svg('text', { x: width - 80, y: tasks.length * row + 15 }, ms(end - start)));
}

function deadLetterTable(letters) {
  return h('table', { id: 'dead-letters' },
    h('tr', {}, ['Id', 'Pipeline', 'Task', 'Run', 'Date', 'Error', 'Attempts', 'Failed', 'Status', ''].map(t => h('th', {}, t))),
    letters.map(d => h('tr', { 'data-dead-letter': d.id },
      h('td', {}, d.id), h('td', {}, d.pipeline), h('td', {}, d.task),
      h('td', {}, d.runId ? h('a', { href: '#/run/' + d.runId }, d.runId) : ''), h('td', {}, d.logicalDate || ''),
      h('td', {}, h('details', {}, h('summary', {}, `${d.errorClass}: ${(d.message || '').substring(0, 120)}`),
        h('pre', {}, d.message || ''))),
      h('td', { className: 'num' }, d.attempts), h('td', {}, when(d.failedAt)), h('td', {}, d.status),
      h('td', {}, canAct() && d.status === 'NEW' ? h('button', { className: 'replay', onclick: () => act(
        `Replay dead letter ${d.id} (${d.pipeline}, task ${d.task})?`, 'POST', `dead-letters/${d.id}/replay`, undefined,
        a => `Dead letter ${d.id} replayed` + (a.runId ? `: run ${a.runId} resumed` : '')) }, 'Replay') : ''))));
}

async function deadLettersPage(main, query) {
  const show = query.get('status') || 'NEW';
  const letters = await api('GET', `dead-letters?status=${show}&limit=500`);
  main.append(h('h1', {}, 'Dead letters'), h('div', { className: 'actions' },
    ['NEW', 'REPLAYED'].map(s => s === show ? h('strong', {}, s) : h('a', { href: '#/dead-letters?status=' + s }, s))),
    letters.length ? deadLetterTable(letters) : h('p', { className: 'muted' }, 'None.'));
}

async function streamPage(main, name) {
  const stream = await api('GET', 'streams/' + encodeURIComponent(name));
  main.append(h('h1', {}, name, ' ', h('span', { className: 'muted' }, stream.state)));
  if (canAct()) main.append(pipelineActions({ name, type: 'stream', state: stream.state }));
  main.append(h('dl', { className: 'facts' }, h('dt', {}, 'Topic'), h('dd', {}, stream.topic),
    h('dt', {}, 'Group'), h('dd', {}, stream.group), h('dt', {}, 'Window table'), h('dd', {}, stream.windowTable),
    h('dt', {}, 'Late events (last hour, all time)'), h('dd', {}, `${count(stream.lateEventsLastHour)}, ${count(stream.lateEvents)}`)));
  main.append(h('h2', {}, 'Partitions'), h('table', { id: 'partitions' },
    h('tr', {}, ['Partition', 'Lag (records, this instance)', 'Latest event time', 'Watermark updated'].map(t => h('th', {}, t))),
    stream.partitions.map(p => h('tr', {}, h('td', {}, p.partition), h('td', { className: 'num' }, p.lag === null ? '' : count(p.lag)),
      h('td', {}, when(p.maxEventTime)), h('td', {}, when(p.updatedAt))))));
  main.append(h('h2', {}, 'Last hour on this instance'),
    chart('Events committed per minute', stream.lastHour.map(m => [m.minute, m.events]), 'throughput'),
    chart('Latency, event time to commit (p99 of the minute, seconds)', stream.lastHour.map(m => [m.minute, m.latencyP99Ms / 1000]), 'latency'));
}

// A bar chart of [time, value] pairs.
function chart(title, points, id) {
  const width = 760, height = 160, left = 50, bottom = 20;
  const top = Math.max(1, ...points.map(p => p[1]));
  const bar = (width - left) / Math.max(60, points.length);
  return h('div', {}, h('h2', {}, title), svg('svg', { width, height, className: 'chart', id },
    svg('text', { x: 4, y: 12 }, top.toFixed(top < 10 ? 1 : 0)), svg('text', { x: 4, y: height - bottom }, '0'),
    points.map((p, i) => svg('rect', { x: left + i * bar, y: height - bottom - (p[1] / top) * (height - bottom - 10),
      width: Math.max(1, bar - 1), height: (p[1] / top) * (height - bottom - 10), fill: '#3b7dd8' },
      svg('title', {}, `${when(p[0]).substring(11, 16)}: ${p[1]}`))),
    points.length ? svg('text', { x: left, y: height - 4 }, when(points[0][0]).substring(11, 16)) : null,
    points.length ? svg('text', { x: width - 40, y: height - 4 }, when(points[points.length - 1][0]).substring(11, 16)) : null));
}

// A pipeline's versions (which runs and dates each ran) and what changed between two of them.
async function versionsPage(main, name, query) {
  const answer = await api('GET', `pipelines/${encodeURIComponent(name)}/versions`);
  main.append(h('h1', {}, 'Versions of ', h('a', { href: '#/grid/' + name }, name)),
    h('p', { className: 'muted' }, `This instance runs version ${answer.current}. A version is a hash of the route file, `
      + 'the parameters of the schedule and steps (settings included) and the files they name (SQL, suites).'));
  main.append(h('table', { id: 'versions' }, h('tr', {}, ['Version', 'First seen', 'Runs', 'Dates'].map(t => h('th', {}, t))),
    answer.versions.map(v => h('tr', { 'data-version': v.version }, h('td', {}, v.version + (v.version === answer.current ? ' (current)' : '')),
      h('td', {}, when(v.firstSeenAt)), h('td', { className: 'num' }, count(v.runs)),
      h('td', {}, v.firstDate ? `${v.firstDate} to ${v.lastDate}` : '')))));
  const ids = answer.versions.map(v => v.version);
  const to = query.get('to') || answer.current;
  const from = query.get('from') || ids[ids.indexOf(to) + 1] || to;
  const pick = (id, value) => h('select', { id }, ids.map(v => h('option', { value: v, selected: v === value }, v)));
  const fromPick = pick('diff-from', from), toPick = pick('diff-to', to);
  const show = () => { location.hash = `#/versions/${name}?from=${fromPick.value}&to=${toPick.value}`; };
  fromPick.addEventListener('change', show);
  toPick.addEventListener('change', show);
  main.append(h('h2', {}, 'What changed from ', fromPick, ' to ', toPick));
  if (from === to) { main.append(h('p', { className: 'muted' }, 'The same version.')); return; }
  const diff = await api('GET', `pipelines/${encodeURIComponent(name)}/versions/diff?from=${from}&to=${to}`);
  main.append(h('div', { id: 'diff' }, diff.changes.length ? diff.changes.map(c => h('div', { className: 'change' },
    h('h2', {}, c.what), h('pre', { className: 'log' }, c.lines.map(l => h('div', { className: l.startsWith('+') ? 'added' : 'removed' }, l)))))
    : h('p', {}, 'Nothing changed.')));
}

async function lineagePage(main, query) {
  const graph = await api('GET', 'lineage/graph');
  const table = query.get('table');
  main.append(h('h1', {}, 'Lineage'), h('p', { className: 'muted' },
    'Where each warehouse table\'s rows come from, from the pipelines\' definitions; a table\'s loads below it.'));
  const columns = ['source', 'lake', 'staging', 'analytics'];
  const width = 1000, colWidth = width / columns.length, row = 34;
  const picked = table ? new Set([table]) : null;
  if (picked) { // the table and everything upstream of it
    let grew = true;
    while (grew) {
      grew = false;
      for (const e of graph.edges) if (picked.has(e.to) && !picked.has(e.from)) { picked.add(e.from); grew = true; }
    }
  }
  const shown = graph.nodes.filter(n => !picked || picked.has(n.id));
  const place = {};
  const rows = Math.max(...columns.map(c => shown.filter(n => n.kind === c).length), 1);
  columns.forEach((c, ci) => shown.filter(n => n.kind === c).forEach((n, i) => {
    place[n.id] = { x: ci * colWidth + 10, y: 30 + i * row, node: n };
  }));
  if (picked) main.append(h('p', {}, h('a', { href: '#/lineage' }, 'All tables')));
  main.append(svg('svg', { width, height: rows * row + 40, className: 'chart', id: 'lineage' },
    columns.map((c, ci) => svg('text', { x: ci * colWidth + 10, y: 16 }, c)),
    graph.edges.filter(e => place[e.from] && place[e.to]).map(e => svg('line', {
      x1: place[e.from].x + colWidth - 30, y1: place[e.from].y + 11, x2: place[e.to].x, y2: place[e.to].y + 11,
      stroke: '#829ab1' }, svg('title', {}, e.pipeline))),
    Object.values(place).map(p => {
      const n = p.node;
      const box = [svg('rect', { x: p.x, y: p.y, width: colWidth - 30, height: 22, rx: 3,
        fill: n.id === table ? '#fff3c4' : '#e8f1fd', stroke: '#9fb3c8' }), svg('text', { x: p.x + 5, y: p.y + 15 }, n.label)];
      return n.kind === 'staging' || n.kind === 'analytics'
        ? svg('a', { href: '#/lineage?table=' + encodeURIComponent(n.id) }, box) : svg('g', {}, box);
    })));
  if (table) {
    main.append(h('h2', {}, `Loads of ${table}`));
    try {
      const loads = await api('GET', `lineage?table=${encodeURIComponent(table)}&limit=50`);
      main.append(loads.length ? h('table', { id: 'loads' }, h('tr', {}, ['Run', 'Source', 'Date', 'Loaded', 'Rows loaded', 'Lake objects'].map(t => h('th', {}, t))),
        loads.map(l => h('tr', {}, h('td', {}, h('a', { href: '#/run/' + l.runId }, l.runId)), h('td', {}, `${l.source} (${l.origin})`),
          h('td', {}, l.logicalDate), h('td', {}, when(l.loadedAt)), h('td', { className: 'num' }, count(l.rowsLoaded)),
          h('td', {}, h('pre', {}, (l.lakeKeys || []).join('\n'))))))
        : h('p', { className: 'muted' }, 'No load recorded (lineage records are kept for source pipelines).'));
    } catch (e) { main.append(h('p', { className: 'muted' }, e.message)); }
  }
}

// ---- routing --------------------------------------------------------------------------------------------

async function render() {
  clearTimeout(state.timer);
  const [path, search] = (location.hash.substring(1) || '/').split('?');
  const query = new URLSearchParams(search || '');
  const parts = path.split('/').filter(p => p).map(decodeURIComponent);
  const main = document.getElementById('page');
  const page = h('div', { id: 'page-' + (parts[0] || 'pipelines') });
  document.querySelectorAll('header nav a').forEach(a => a.classList.toggle('active', a.dataset.nav === (parts[0] || 'pipelines')));
  try {
    if (!parts.length) { await pipelinesPage(page); state.timer = setTimeout(render, 5000); }
    else if (parts[0] === 'grid') await gridPage(page, parts[1], query);
    else if (parts[0] === 'run') await runPage(page, parts[1]);
    else if (parts[0] === 'backfill') await backfillPage(page, parts[1]);
    else if (parts[0] === 'dead-letters') await deadLettersPage(page, query);
    else if (parts[0] === 'stream') await streamPage(page, parts[1]);
    else if (parts[0] === 'lineage') await lineagePage(page, query);
    else if (parts[0] === 'versions') await versionsPage(page, parts[1], query);
    else page.append(h('p', {}, 'No such page.'));
  } catch (e) {
    page.append(h('p', { className: 'error' }, e.message));
  }
  page.dataset.loaded = 'true';
  main.replaceChildren(page);
}

async function start() {
  document.querySelector('#sign-out input[name=_csrf]').value = csrfToken();
  state.session = await api('GET', 'session');
  document.getElementById('who').textContent = `${state.session.user} (${state.session.role})`;
  document.body.classList.add('role-' + state.session.role);
  window.addEventListener('hashchange', () => { flash(''); render(); });
  await render();
}

start();
