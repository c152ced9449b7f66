// The dashboard page: joins `plume:dashboard` over Plume's own client (window.Plume) and
// re-renders on every `snapshot` push. All user data (topics, keys, metas) goes through
// textContent, never innerHTML. The page's query string is passed on as socket params, so
// a token that authorized the page also authorizes the socket.
;(function () {
  'use strict'
  var base = location.pathname.replace(/\/$/, '')
  var params = Object.fromEntries(new URLSearchParams(location.search))
  var socket = new Plume.Socket(base + '/socket', { params: params })
  var channel = socket.channel('plume:dashboard')
  var watched = null

  function el(tag, text, className) {
    var node = document.createElement(tag)
    if (text !== undefined) node.textContent = String(text)
    if (className) node.className = className
    return node
  }

  // Rows are rebuilt only when their data changed: a stable table keeps a selection, a hover
  // and a click in progress.
  var shown = {}
  function fill(sectionId, data, build) {
    var key = JSON.stringify(data)
    if (shown[sectionId] === key) return
    shown[sectionId] = key
    var body = document.querySelector('#' + sectionId + ' tbody')
    body.replaceChildren.apply(body, data.map(build))
  }

  function row(cells) {
    var tr = el('tr')
    cells.forEach(function (cell) {
      tr.appendChild(cell)
    })
    return tr
  }

  function formatBytes(value) {
    if (value < 1024) return value + ' B'
    if (value < 1048576) return (value / 1024).toFixed(1) + ' KiB'
    return (value / 1048576).toFixed(1) + ' MiB'
  }

  function plural(n, word) {
    return n + ' ' + word + (n === 1 ? '' : 's')
  }

  function formatValue(name, value) {
    if (/_bytes/.test(name)) return formatBytes(value)
    if (/_seconds/.test(name) && !/_count$/.test(name)) return (value * 1000).toFixed(2) + ' ms'
    return Number.isInteger(value) ? String(value) : value.toFixed(3)
  }

  function renderNodes(snapshot) {
    fill('nodes', snapshot.nodes, function (n) {
      return row([el('td', n.name), el('td', n.status, n.status), el('td', n.presences, 'num')])
    })
  }

  function renderTopics(snapshot) {
    var topics = snapshot.topics.map(function (t) {
      return { topic: t.topic, presences: t.presences, watched: t.topic === watched }
    })
    fill('topics', topics, function (t) {
      var tr = row([el('td', t.topic), el('td', t.presences, 'num')])
      tr.dataset.topic = t.topic
      if (t.watched) tr.className = 'watched'
      tr.addEventListener('click', function () {
        watch(t.topic)
      })
      return tr
    })
  }

  function renderMembers(snapshot) {
    var members = snapshot.members
    document.getElementById('watched').textContent = members ? members.topic : '(no topic chosen)'
    fill('members', members ? members.rows : [], function (m) {
      var latest = m.metas[m.metas.length - 1] || {}
      return row([el('td', m.key), el('td', m.metas.length, 'num'), code(latest)])
    })
  }

  // phx_ref and phx_ref_prev are the tracker's bookkeeping, not what a user put there.
  function code(meta) {
    var shown = {}
    Object.keys(meta).forEach(function (k) {
      if (!/^phx_ref/.test(k)) shown[k] = meta[k]
    })
    var td = el('td')
    td.appendChild(el('code', JSON.stringify(shown)))
    return td
  }

  function renderMetrics(snapshot) {
    fill('metrics', snapshot.metrics, function (m) {
      return row([
        el('td', m.name),
        el('td', m.labels),
        el('td', formatValue(m.name, m.value), 'num'),
      ])
    })
  }

  function render(snapshot) {
    document.getElementById('node').textContent = snapshot.node
    document.getElementById('totals').textContent =
      plural(snapshot.totalPresences, 'presence') + ' in ' + plural(snapshot.totalTopics, 'topic')
    renderNodes(snapshot)
    renderTopics(snapshot)
    renderMembers(snapshot)
    renderMetrics(snapshot)
    document.body.dataset.updatedAt = String(snapshot.at)
  }

  function watch(topic) {
    watched = topic
    channel.push('watch', { topic: topic }).receive('ok', render)
  }

  function setStatus(state, text) {
    var status = document.getElementById('status')
    status.dataset.state = state
    status.textContent = text
  }

  channel.on('snapshot', render)
  channel
    .join()
    .receive('ok', function () {
      setStatus('live', 'live')
      if (watched) watch(watched)
    })
    .receive('error', function (reason) {
      setStatus('offline', 'refused: ' + JSON.stringify(reason))
    })
  socket.onError(function () {
    setStatus('offline', 'offline, reconnecting…')
  })
  socket.connect()
  window.plumeDashboard = { watch: watch }
})()
