// The sandbox page's behaviour: pick who you are and a chat, send messages, click card buttons, move the clock, and
// poll every second for what the bot posted. Cards arrive as HTML rendered (and escaped) by the server.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var store = window.localStorage;
  var state = { me: store.getItem('duban.me') || '', chat: store.getItem('duban.chat') || '', people: [], chats: [], seen: {}, shown: '', peopleKey: '' };

  function api(method, path, body) {
    return fetch('/sandbox/api/' + path, {
      method: method,
      headers: body ? { 'content-type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (r) {
      return r.json().then(function (j) { if (!r.ok && j && j.ok !== false) j.ok = false; return j; });
    });
  }

  var toastTimer;
  function toast(text, kind) {
    var t = $('toast');
    t.textContent = text;
    t.className = 'toast show ' + (kind || '');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.className = 'toast'; }, 3500);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function renderPeople() {
    var key = state.people.map(function (p) { return p.openId; }).join(',');
    if (key === state.peopleKey) return;
    state.peopleKey = key;
    var sel = $('me');
    sel.innerHTML = '';
    state.people.forEach(function (p) {
      var o = el('option', '', p.name + ' · ' + p.unit + (p.roles.length ? '（' + p.roles.join('、') + '）' : ''));
      o.value = p.openId;
      sel.appendChild(o);
    });
    if (!state.people.some(function (p) { return p.openId === state.me; })) state.me = state.people.length ? state.people[0].openId : '';
    sel.value = state.me;
  }

  function renderMe() {
    var p = state.people.find(function (x) { return x.openId === state.me; });
    $('me-info').textContent = p ? p.unit + (p.roles.length ? ' · ' + p.roles.join('、') : '') + ' · ' + p.openId : '';
  }

  function renderChats() {
    var ul = $('chats');
    ul.innerHTML = '';
    if (!state.chats.some(function (c) { return c.id === state.chat; })) state.chat = state.chats.length ? state.chats[0].id : '';
    state.chats.forEach(function (c) {
      var li = el('li', 'chat-item' + (c.id === state.chat ? ' current' : '') + (c.active ? '' : ' inactive'));
      li.dataset.chat = c.id;
      li.appendChild(el('span', 'chat-name', c.name));
      if (c.id === state.chat) state.seen[c.id] = c.count;
      var unread = c.count - (state.seen[c.id] === undefined ? c.count : state.seen[c.id]);
      if (unread > 0) li.appendChild(el('span', 'badge', String(unread)));
      li.addEventListener('click', function () { selectChat(c.id); });
      ul.appendChild(li);
    });
    var cur = state.chats.find(function (c) { return c.id === state.chat; });
    $('chat-name').textContent = cur ? cur.name : '';
    $('chat-id').textContent = cur ? cur.id : '';
    $('mention').style.display = cur && cur.kind === 'p2p' ? 'none' : '';
  }

  function renderClock(s) {
    $('now').textContent = s.nowText;
    $('zone').textContent = s.campaign ? s.campaign.timezone : '';
    $('move-due').textContent = s.nextDue ? '到截止时间 ' + s.nextDue.text : '到截止时间';
    $('move-due').title = s.nextDue ? s.nextDue.rule + ' ' + s.nextDue.period + '：拨到截止后 1 分钟，催报随即发出' : '';
    $('move-friday').textContent = '到 ' + s.friday;
    Array.prototype.forEach.call(document.querySelectorAll('[data-move]'), function (b) { b.disabled = !s.movable || state.moving; });
  }

  function loadState() {
    return api('GET', 'state?me=' + encodeURIComponent(state.me)).then(function (s) {
      if (!s.campaign) { $('campaign').textContent = s.error || ''; return; }
      $('campaign').textContent = s.campaign.name;
      state.people = s.people;
      renderPeople();
      // the private chat depends on who I am: ask again once `me` is known
      var mine = s.chats.find(function (c) { return c.kind === 'p2p'; });
      if (mine && mine.id !== 'oc_p2p_sandbox_' + state.me) return loadState();
      state.chats = s.chats;
      renderMe();
      renderChats();
      renderClock(s);
      document.body.dataset.ready = '1';
    });
  }

  function loadMessages() {
    var chat = state.chat;
    if (!chat) return Promise.resolve();
    return api('GET', 'messages?chat=' + encodeURIComponent(chat)).then(function (r) {
      if (chat !== state.chat) return;
      var sig = r.messages.map(function (m) { return m.key + m.html.length; }).join('|') + state.me;
      if (sig === state.shown) return;
      state.shown = sig;
      var box = $('messages');
      var atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
      box.innerHTML = '';
      if (!r.messages.length) box.appendChild(el('div', 'empty', '还没有消息。试试发送「帮助」。'));
      r.messages.forEach(function (m) {
        var mine = m.from === state.me && m.kind !== 'bot';
        var row = el('div', 'msg ' + m.kind + (mine ? ' mine' : ''));
        row.dataset.key = m.key;
        if (m.messageId) row.dataset.messageId = m.messageId;
        var head = el('div', 'msg-head');
        head.appendChild(el('span', 'who', m.fromName));
        head.appendChild(el('span', 'when', m.when));
        var body = el('div', 'bubble');
        body.innerHTML = m.html; // rendered and escaped by the server (src/sandbox/markdown.ts)
        row.appendChild(head);
        row.appendChild(body);
        box.appendChild(row);
      });
      if (atBottom || r.messages.length && r.messages[r.messages.length - 1].from === state.me) box.scrollTop = box.scrollHeight;
    });
  }

  function selectChat(id) {
    state.chat = id;
    store.setItem('duban.chat', id);
    state.shown = '';
    renderChats();
    loadMessages().then(function () { var b = $('messages'); b.scrollTop = b.scrollHeight; });
  }

  function send() {
    var text = $('text').value.trim();
    if (!text || !state.chat) return;
    $('send').disabled = true;
    api('POST', 'send', { chat: state.chat, from: state.me, text: text }).then(function (r) {
      if (!r.ok) toast(r.error || '发送失败', 'error');
      else $('text').value = '';
      return loadMessages();
    }).finally(function () { $('send').disabled = false; $('text').focus(); });
  }

  function click(btn) {
    var value = JSON.parse(btn.dataset.value);
    var form = btn.dataset.submit ? btn.closest('form') : null;
    var formValue;
    if (form) {
      formValue = {};
      var missing = [];
      Array.prototype.forEach.call(form.querySelectorAll('input[name], textarea[name]'), function (i) {
        formValue[i.name] = i.value;
        if (i.required && !i.value.trim()) missing.push(i.placeholder || i.name);
      });
      if (missing.length) { toast('请填写：' + missing.join('、'), 'error'); return; }
    }
    var row = btn.closest('.msg');
    btn.disabled = true;
    api('POST', 'card', { chat: state.chat, from: state.me, messageId: (row && row.dataset.messageId) || '', name: btn.dataset.name || undefined, value: value, formValue: formValue })
      .then(function (r) {
        if (r.toast) toast(r.toast.content, r.toast.type);
        else if (!r.ok) toast(r.error || '操作失败', 'error');
        return loadMessages();
      })
      .finally(function () { btn.disabled = false; });
  }

  function move(kind) {
    var body = { kind: kind };
    if (kind === 'days') body.days = Number($('days').value);
    state.moving = true;
    $('clock-status').textContent = '正在拨动时钟并运行定时任务… / running the jobs…';
    Array.prototype.forEach.call(document.querySelectorAll('[data-move]'), function (b) { b.disabled = true; });
    api('POST', 'clock', body).then(function (r) {
      if (!r.ok) { toast(r.error || '无法拨动时钟', 'error'); $('clock-status').textContent = ''; return; }
      var n = r.sent.reduce(function (a, s) { return a + s.posts; }, 0);
      var jobs = {};
      r.sent.forEach(function (s) { jobs[s.job] = (jobs[s.job] || 0) + s.posts; });
      var list = Object.keys(jobs).map(function (j) { return j + ' ×' + jobs[j]; }).join('，');
      $('clock-status').textContent = n ? '定时任务发出 ' + n + ' 条消息：' + list : '这段时间没有定时任务要发消息。';
    }).finally(function () {
      state.moving = false;
      loadState().then(loadMessages);
    });
  }

  $('me').addEventListener('change', function () {
    state.me = $('me').value;
    store.setItem('duban.me', state.me);
    if (state.chat.indexOf('oc_p2p_sandbox_') === 0) state.chat = 'oc_p2p_sandbox_' + state.me;
    state.shown = '';
    loadState().then(loadMessages);
  });
  $('send').addEventListener('click', send);
  $('text').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
  });
  $('chips').addEventListener('click', function (e) {
    var b = e.target.closest('[data-fill]');
    if (!b) return;
    $('text').value = b.dataset.fill;
    $('text').focus();
  });
  $('messages').addEventListener('click', function (e) {
    var b = e.target.closest('button[data-value]');
    if (b) click(b);
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-move]'), function (b) {
    b.addEventListener('click', function () { move(b.dataset.move); });
  });

  function poll() {
    Promise.resolve()
      .then(function () { return state.moving ? null : loadState(); })
      .then(loadMessages)
      .catch(function () { /* the server restarting: try again next second */ })
      .finally(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
