// Mahalleyar sandbox web chat: plays users of the emulated Telegram and Bale bots through the
// emulator's control API (/_emu/...). Plain browser JavaScript, no build step, no dependencies.
'use strict';

(() => {
  const STORE_KEY = 'mahalleyar.sandbox.v1';
  const LONG_POLL_SECONDS = 25;
  // Telegram's limit for one message, in UTF-16 code units (a JavaScript string's length).
  const MAX_TEXT = 4096;
  const STICKERS = ['👍', '🙏', '😊', '😢', '😡', '❤️', '👏', '🤔'];
  const BACKGROUND_POLL_MS = 3000;
  const PLATFORM_NAMES = { telegram: 'تلگرام', bale: 'بله' };
  const AVATAR_COLOURS = ['#e17055', '#0984e3', '#00a383', '#a55eea', '#e58e26', '#d63c6b', '#3c8d5a', '#6c5ce7'];
  const $ = (id) => document.getElementById(id);

  const ui = {
    app: $('app'), chat: $('chat'), people: $('people'), scrim: $('scrim'), list: $('persona-list'),
    messages: $('messages'), replyKb: $('reply-kb'), composer: $('composer'), input: $('input'),
    kbToggle: $('kb-toggle'), photoInput: $('photo-input'), toast: $('toast'), offline: $('offline'),
    platformChip: $('platform-chip'), asPersona: $('as-persona'), othersBadge: $('others-badge'),
    botName: $('bot-name'), jumpDown: $('jump-down'), jumpBadge: $('jump-badge'),
    attachBtn: $('attach-btn'), attachMenu: $('attach-menu'), lengthNote: $('length-note'),
  };

  // ---- persisted state: personas, the active one, and what each has seen ----

  const store = loadStore();
  /** key -> {records: Map(message_id -> snapshot), cursor, replyKeyboard, kbHidden, loaded, nodes} */
  const chats = new Map();
  let config = { bots: {}, bot_name: 'محله‌یار', instance: '' };

  function loadStore() {
    try {
      const raw = JSON.parse(localStorage.getItem(STORE_KEY) || '{}');
      return {
        personas: Array.isArray(raw.personas) ? raw.personas : [],
        active: raw.active || null,
        seen: raw.seen && typeof raw.seen === 'object' ? raw.seen : {},
        instance: raw.instance || '',
      };
    } catch (error) {
      return { personas: [], active: null, seen: {}, instance: '' };
    }
  }

  function saveStore() {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify(store));
    } catch (error) {
      /* private mode: the page still works, it just forgets on reload */
    }
  }

  // ---- digits, phones, names ----

  const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
  const faDigits = (value) => String(value).replace(/[0-9]/g, (d) => PERSIAN_DIGITS[d]);
  const latinDigits = (value) => String(value)
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));

  /** `0912 111 0001`, `+98912…`, `۰۹۱۲…` → `989121110001`; mirrors bot/sandbox_web.phone_digits. */
  function phoneDigits(phone) {
    let digits = latinDigits(phone).replace(/\D/g, '');
    if (digits.startsWith('0098')) digits = digits.slice(2);
    else if (digits.startsWith('0')) digits = '98' + digits.slice(1);
    else if (digits.startsWith('9') && digits.length === 10) digits = '98' + digits;
    return digits;
  }

  /** `989121110001` → `۰۹۱۲۱۱۱۰۰۰۱` for display. */
  function displayPhone(phone) {
    const digits = phoneDigits(phone);
    return faDigits(digits.startsWith('98') ? '0' + digits.slice(2) : digits);
  }

  function splitName(name) {
    const parts = name.trim().split(/\s+/);
    return { first_name: parts[0] || name, last_name: parts.slice(1).join(' ') || undefined };
  }

  function avatarColour(text) {
    let hash = 0;
    for (const ch of text) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
    return AVATAR_COLOURS[hash % AVATAR_COLOURS.length];
  }

  function formatTime(seconds) {
    const date = new Date(seconds * 1000);
    try {
      return date.toLocaleTimeString('fa-IR', { hour: '2-digit', minute: '2-digit' });
    } catch (error) {
      return faDigits(`${date.getHours()}:${String(date.getMinutes()).padStart(2, '0')}`);
    }
  }

  function formatCoordinate(value) {
    try {
      return value.toLocaleString('fa-IR', { minimumFractionDigits: 4, maximumFractionDigits: 4, useGrouping: false });
    } catch (error) {
      return faDigits(value.toFixed(4));
    }
  }

  function formatDay(seconds) {
    const date = new Date(seconds * 1000);
    const today = new Date();
    if (date.toDateString() === today.toDateString()) return 'امروز';
    try {
      return date.toLocaleDateString('fa-IR', { weekday: 'long', day: 'numeric', month: 'long' });
    } catch (error) {
      return date.toDateString();
    }
  }

  // ---- personas ----

  const persona = (key) => store.personas.find((p) => p.key === key) || null;
  const activePersona = () => persona(store.active);
  const botId = (p) => config.bots[p.platform];

  function chatOf(key) {
    let chat = chats.get(key);
    if (!chat) {
      chat = { records: new Map(), cursor: 0, replyKeyboard: null, kbHidden: false, loaded: false, nodes: new Map() };
      chats.set(key, chat);
    }
    return chat;
  }

  function mergeServerPersonas(list) {
    const served = new Set();
    for (const item of list) {
      served.add(item.key);
      const existing = persona(item.key);
      if (existing) Object.assign(existing, item, { fromServer: true });
      else store.personas.push({ ...item, fromServer: true });
    }
    // Personas the server no longer offers (a new seed) are dropped; the visitor's own stay.
    store.personas = store.personas.filter((p) => !p.fromServer || served.has(p.key));
  }

  function addPersona({ name, phone, platform, role }) {
    const userId = Number(phoneDigits(phone));
    const key = `${platform}:${userId}`;
    const existing = persona(key);
    if (existing) {
      Object.assign(existing, { name, role: role || existing.role });
    } else {
      store.personas.push({ key, name, phone, platform, user_id: userId, role: role || '', fromServer: false });
    }
    saveStore();
    return key;
  }

  function removePersona(key) {
    store.personas = store.personas.filter((p) => p.key !== key);
    delete store.seen[key];
    chats.delete(key);
    if (store.active === key) store.active = store.personas[0] ? store.personas[0].key : null;
    saveStore();
    switchTo(store.active);
  }

  function profile(p) {
    return { ...splitName(p.name), language_code: 'fa', phone: phoneDigits(p.phone) };
  }

  // ---- control API ----

  async function api(path, options = {}) {
    const response = await fetch(path, { cache: 'no-store', ...options });
    let body;
    try {
      body = await response.json();
    } catch (error) {
      throw new Error(`HTTP ${response.status}`);
    }
    if (body && body.ok === false) throw new Error(body.description || `HTTP ${response.status}`);
    return body && 'result' in body ? body.result : body;
  }

  /** Act as the active persona: text, contact, photo, location, sticker, voice, press, click. */
  async function act(action, body) {
    const p = activePersona();
    if (!p) {
      openPersonaDialog();
      return null;
    }
    // Like a messenger: whatever you do, the chat follows to its newest message.
    followNewest();
    try {
      return await api(`/_emu/bots/${botId(p)}/users/${p.user_id}/${action}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...body, user: profile(p) }),
      });
    } catch (error) {
      toast(`ارسال نشد: ${error.message}`, 'error');
      return null;
    }
  }

  // ---- transcript polling ----

  async function fetchChanges(key, wait, signal) {
    const p = persona(key);
    if (!p || botId(p) === undefined) return;
    const chat = chatOf(key);
    const initial = !chat.loaded;
    const result = await api(
      `/_emu/bots/${botId(p)}/chats/${p.user_id}/messages?after=${chat.cursor}&wait=${wait}`,
      { signal },
    );
    if (chats.get(key) !== chat) return; // removed meanwhile
    applyChanges(key, chat, result, initial);
  }

  function applyChanges(key, chat, result, initial) {
    let newKeyboard = false;
    for (const record of result.messages) {
      if (record.deleted) chat.records.delete(record.message_id);
      else chat.records.set(record.message_id, record);
      const markup = record.message.reply_markup;
      if (record.direction === 'bot' && !record.edited && markup && markup.keyboard) newKeyboard = true;
    }
    chat.replyKeyboard = result.reply_keyboard;
    if (newKeyboard) chat.kbHidden = false;
    chat.cursor = Math.max(chat.cursor, result.cursor);
    chat.loaded = true;
    const isActive = key === store.active;
    if (isActive && !initial) {
      for (const answer of result.callback_answers) {
        if (answer.text) toast(answer.text, answer.show_alert ? 'alert' : '');
        settleButton(answer.message_id);
      }
    }
    if (isActive) {
      renderMessages();
      renderReplyKeyboard();
      markSeen(key);
    }
    renderPersonaList();
  }

  let activeLoopToken = 0;
  let activeAbort = null;

  async function activeLoop() {
    const token = ++activeLoopToken;
    while (token === activeLoopToken && store.active) {
      const key = store.active;
      activeAbort = new AbortController();
      try {
        await fetchChanges(key, chatOf(key).loaded ? LONG_POLL_SECONDS : 0, activeAbort.signal);
        setOnline(true);
      } catch (error) {
        if (token !== activeLoopToken) return;
        if (error.name !== 'AbortError') {
          setOnline(false);
          await sleep(2000);
        }
      }
    }
  }

  function restartActiveLoop() {
    activeLoopToken += 1;
    if (activeAbort) activeAbort.abort();
    activeLoop();
  }

  async function backgroundLoop() {
    for (;;) {
      for (const p of [...store.personas]) {
        if (p.key === store.active) continue;
        try {
          await fetchChanges(p.key, 0);
        } catch (error) {
          /* the active loop reports connection problems */
        }
      }
      await sleep(BACKGROUND_POLL_MS);
    }
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  function setOnline(online) {
    ui.offline.hidden = online;
  }

  // ---- unread badges ----

  function lastBotMessageId(chat) {
    let last = 0;
    for (const record of chat.records.values()) {
      if (record.direction === 'bot' && record.message_id > last) last = record.message_id;
    }
    return last;
  }

  function unread(key) {
    const chat = chats.get(key);
    if (!chat) return 0;
    const seen = store.seen[key] || 0;
    let count = 0;
    for (const record of chat.records.values()) {
      if (record.direction === 'bot' && record.message_id > seen) count += 1;
    }
    return count;
  }

  function markSeen(key) {
    const last = lastBotMessageId(chatOf(key));
    if ((store.seen[key] || 0) !== last) {
      store.seen[key] = last;
      saveStore();
    }
  }

  // ---- rendering: persona list and header ----

  function svgIcon(path) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    const el = document.createElementNS(ns, 'path');
    el.setAttribute('d', path);
    svg.appendChild(el);
    return svg;
  }
  const ICONS = {
    close: 'M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z',
    place: 'M12 2C8.13 2 5 5.13 5 9c0 5.25 7 13 7 13s7-7.75 7-13c0-3.87-3.13-7-7-7zm0 9.5a2.5 2.5 0 0 1 0-5 2.5 2.5 0 0 1 0 5z',
    contact: 'M12 12c2.21 0 4-1.79 4-4s-1.79-4-4-4-4 1.79-4 4 1.79 4 4 4zm0 2c-2.67 0-8 1.34-8 4v2h16v-2c0-2.66-5.33-4-8-4z',
    file: 'M14 2H6c-1.1 0-2 .9-2 2v16c0 1.1.9 2 2 2h12c1.1 0 2-.9 2-2V8l-6-6zm-1 7V3.5L18.5 9H13z',
    mic: 'M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5.3-3c0 3-2.54 5.1-5.3 5.1S6.7 14 6.7 11H5c0 3.41 2.72 6.23 6 6.72V21h2v-3.28c3.28-.49 6-3.31 6-6.72h-1.7z',
  };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function platformChip(platform) {
    const chip = el('span', `platform-chip ${platform}`, PLATFORM_NAMES[platform] || platform);
    return chip;
  }

  function renderPersonaList() {
    const fragment = document.createDocumentFragment();
    let others = 0;
    for (const p of store.personas) {
      const count = p.key === store.active ? 0 : unread(p.key);
      others += count;
      const li = el('li');
      li.dataset.key = p.key;
      const button = el('button', 'persona');
      button.type = 'button';
      button.setAttribute('aria-current', String(p.key === store.active));
      button.addEventListener('click', () => {
        switchTo(p.key);
        closePeople();
      });
      const avatar = el('span', 'avatar', p.name.trim().charAt(0));
      avatar.style.background = avatarColour(p.name);
      const text = el('span', 'persona-text');
      const name = el('span', 'persona-name', p.name);
      name.dir = 'auto';
      const role = el('span', 'persona-role');
      role.appendChild(platformChip(p.platform));
      role.appendChild(el('span', 'role-text', p.role || displayPhone(p.phone)));
      text.append(name, role);
      button.append(avatar, text);
      if (count > 0) {
        const badge = el('span', 'badge', faDigits(count));
        badge.setAttribute('aria-label', `${faDigits(count)} پیام تازه`);
        button.appendChild(badge);
      }
      li.appendChild(button);
      if (!p.fromServer) {
        const remove = el('button', 'remove-persona');
        remove.type = 'button';
        remove.title = 'حذف این کاربر از فهرست';
        remove.setAttribute('aria-label', remove.title);
        remove.appendChild(svgIcon(ICONS.close));
        remove.addEventListener('click', (event) => {
          event.stopPropagation();
          removePersona(p.key);
        });
        button.appendChild(remove);
      }
      fragment.appendChild(li);
    }
    ui.list.replaceChildren(fragment);
    ui.othersBadge.hidden = others === 0;
    ui.othersBadge.textContent = faDigits(others);
  }

  function renderHeader() {
    const p = activePersona();
    ui.botName.textContent = config.bot_name || 'محله‌یار';
    const platform = p ? p.platform : 'telegram';
    ui.chat.dataset.platform = platform;
    ui.platformChip.textContent = PLATFORM_NAMES[platform];
    ui.asPersona.textContent = p ? `گفتگو به‌عنوان ${p.name}` : 'یک کاربر انتخاب کنید';
    document.title = p ? `محله‌یار · ${p.name}` : 'محله‌یار · گفتگوی آزمایشی';
  }

  // ---- rendering: messages ----

  function renderMessages() {
    const p = activePersona();
    const chat = p ? chatOf(p.key) : null;
    const box = ui.messages;
    const follow = stickToBottom || box.dataset.persona !== (p && p.key);
    const records = chat ? [...chat.records.values()].sort((a, b) => a.message_id - b.message_id) : [];
    if (!records.length) {
      box.replaceChildren(emptyState(p, chat));
      box.dataset.persona = p ? p.key : '';
      return;
    }
    const nodes = [];
    let lastDay = null;
    let arrived = 0;
    const keep = new Map();
    for (const record of records) {
      const day = formatDay(record.message.date);
      if (day !== lastDay) {
        nodes.push(el('div', 'day', day));
        lastDay = day;
      }
      // Reuse a message's node while it is unchanged, so photos do not reload.
      const cached = chat.nodes.get(record.message_id);
      if (!cached && record.direction === 'bot') arrived += 1;
      const node = cached && cached.seq === record.seq ? cached.node : messageNode(record);
      keep.set(record.message_id, { seq: record.seq, node });
      nodes.push(node);
    }
    chat.nodes = keep;
    box.replaceChildren(...nodes);
    if (follow) {
      scrollToNewest();
    } else {
      unseenBelow += arrived;
      updateJump();
    }
    box.dataset.persona = p.key;
  }

  // ---- following the newest message ----
  // The chat sticks to its bottom unless the visitor scrolled up to read: then a ↓ button with
  // the number of new messages waits. Anything that changes the chat's height (a reply keyboard
  // shown or hidden, a photo loaded, the note under a long text, a narrower window) keeps the
  // newest message in view while it sticks.

  let stickToBottom = true;
  let unseenBelow = 0;

  const distanceFromBottom = () => ui.messages.scrollHeight - ui.messages.scrollTop - ui.messages.clientHeight;

  function scrollToNewest() {
    ui.messages.scrollTop = ui.messages.scrollHeight;
    stickToBottom = true;
    unseenBelow = 0;
    updateJump();
  }

  function followNewest() {
    stickToBottom = true;
    scrollToNewest();
  }

  function keepFollowing() {
    if (stickToBottom) ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  function updateJump() {
    const away = !stickToBottom && distanceFromBottom() > 80;
    ui.jumpDown.hidden = !away;
    ui.jumpBadge.hidden = !away || unseenBelow === 0;
    ui.jumpBadge.textContent = faDigits(unseenBelow);
  }

  function emptyState(p, chat) {
    const card = el('div', 'empty');
    if (!p) {
      card.append(el('strong', '', 'به محله‌یار خوش آمدید'), 'برای شروع یک کاربر آزمایشی بسازید یا از فهرست انتخاب کنید.');
      const button = el('button', '', 'کاربر تازه');
      button.type = 'button';
      button.addEventListener('click', openPersonaDialog);
      card.appendChild(button);
      return card;
    }
    if (chat && !chat.loaded) {
      card.append('در حال بارگذاری…');
      return card;
    }
    card.append(el('strong', '', p.name), 'هنوز پیامی رد و بدل نشده است. برای شروع گفتگو با ربات دکمهٔ زیر را بزنید.');
    const button = el('button', '', 'شروع');
    button.type = 'button';
    button.addEventListener('click', () => sendText('/start'));
    card.appendChild(button);
    return card;
  }

  function messageNode(record) {
    const m = record.message;
    const outgoing = record.direction === 'user';
    const row = el('div', `msg ${outgoing ? 'out' : 'in'}`);
    row.dataset.messageId = record.message_id;
    const bubble = el('div', 'bubble');
    bubble.dir = 'auto';

    if (m.photo && m.photo.length) {
      const largest = m.photo[m.photo.length - 1];
      const img = el('img', 'photo');
      img.alt = 'عکس';
      img.loading = 'lazy';
      img.src = `/_emu/files/${encodeURIComponent(largest.file_id)}`;
      img.addEventListener('load', keepFollowing);
      img.addEventListener('click', () => window.open(img.src, '_blank', 'noopener'));
      bubble.appendChild(img);
    }
    if (m.location) {
      bubble.appendChild(card(ICONS.place, 'موقعیت مکانی',
        `${formatCoordinate(m.location.latitude)}، ${formatCoordinate(m.location.longitude)}`));
    }
    if (m.contact) {
      const name = [m.contact.first_name, m.contact.last_name].filter(Boolean).join(' ');
      const lines = card(ICONS.contact, name || 'مخاطب', null);
      const phone = el('span', 'ltr', displayPhone(m.contact.phone_number));
      lines.querySelector('.card-lines').appendChild(phone);
      bubble.appendChild(lines);
    }
    if (m.document) {
      const doc = card(ICONS.file, m.document.file_name || 'پرونده', null);
      bubble.appendChild(doc);
    }
    if (m.sticker) bubble.appendChild(el('div', 'sticker', m.sticker.emoji || '🙂'));
    if (m.voice) {
      const seconds = Number(m.voice.duration) || 0;
      const length = `${faDigits(Math.floor(seconds / 60))}:${faDigits(String(seconds % 60).padStart(2, '0'))}`;
      const voice = card(ICONS.mic, 'پیام صوتی', null);
      voice.classList.add('voice');
      voice.querySelector('.card-lines').appendChild(el('span', 'ltr', length));
      bubble.appendChild(voice);
    }

    const body = m.text !== undefined ? m.text : m.caption;
    if (body) bubble.appendChild(textNode(body, !outgoing));
    else if (!bubble.childNodes.length) bubble.appendChild(textNode(`[${Object.keys(m).filter(isContentKey).join(', ') || 'پیام'}]`, false));

    const meta = el('div', 'meta');
    if (record.edited) meta.appendChild(el('span', '', 'ویرایش‌شده'));
    meta.appendChild(el('span', 'time', formatTime(m.date)));
    bubble.appendChild(meta);
    row.appendChild(bubble);

    const markup = m.reply_markup;
    if (!outgoing && markup && Array.isArray(markup.inline_keyboard)) row.appendChild(inlineKeyboard(record));
    return row;
  }

  const NON_CONTENT = new Set(['message_id', 'from', 'chat', 'date', 'edit_date', 'reply_markup', 'entities',
    'caption_entities', 'reply_to_message', 'message_thread_id']);
  const isContentKey = (key) => !NON_CONTENT.has(key);

  function card(iconPath, title, subtitle) {
    const box = el('div', 'card');
    box.appendChild(svgIcon(iconPath));
    const lines = el('div', 'card-lines');
    lines.appendChild(el('span', 'card-title', title));
    if (subtitle) lines.appendChild(el('span', '', subtitle));
    box.appendChild(lines);
    return box;
  }

  /** Message text as plain text (no HTML), with links and /commands made clickable. */
  function textNode(text, fromBot) {
    const node = el('div', 'text');
    node.dir = 'auto';
    // A command may follow a left-to-right mark (U+200E): the Persian catalogs put one before
    // each /command so that it reads '/join' and not 'join/' inside a right-to-left sentence.
    const pattern = /(https?:\/\/[^\s<>«»]+)|(^|[\s(«\u200e])(\/[a-z][a-z0-9_]*)(?![\w/])/gi;
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      const [whole, url, lead, command] = match;
      const start = match.index + (url ? 0 : lead.length);
      node.append(text.slice(last, start));
      if (url) {
        const link = el('a', '', url);
        link.href = url;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        node.appendChild(link);
      } else if (fromBot) {
        const link = el('a', 'command', command);
        link.href = '#';
        link.addEventListener('click', (event) => {
          event.preventDefault();
          sendText(command);
        });
        node.appendChild(link);
      } else {
        node.append(command);
      }
      last = match.index + whole.length;
    }
    node.append(text.slice(last));
    return node;
  }

  function inlineKeyboard(record) {
    const box = el('div', 'inline-kb');
    for (const row of record.message.reply_markup.inline_keyboard) {
      const line = el('div', 'row');
      for (const button of row) {
        let node;
        if (button.url) {
          node = el('a', '', button.text);
          node.href = button.url;
          node.target = '_blank';
          node.rel = 'noopener noreferrer';
        } else {
          node = el('button', '', button.text);
          node.type = 'button';
          if ('callback_data' in button) {
            node.dataset.callback = button.callback_data;
            node.addEventListener('click', () => pressInline(record.message_id, button.callback_data, node));
          } else {
            node.disabled = true;
            node.title = 'این نوع دکمه در محیط آزمایشی پشتیبانی نمی‌شود';
          }
        }
        node.dir = 'auto';
        line.appendChild(node);
      }
      box.appendChild(line);
    }
    return box;
  }

  const pressedButtons = new Map();

  async function pressInline(messageId, data, node) {
    node.classList.add('busy');
    pressedButtons.set(messageId, node);
    setTimeout(() => settleButton(messageId), 3000);
    await act('press', { message_id: messageId, data });
  }

  function settleButton(messageId) {
    const node = pressedButtons.get(messageId);
    if (node) node.classList.remove('busy');
    pressedButtons.delete(messageId);
  }

  // ---- reply keyboard ----

  function renderReplyKeyboard() {
    const p = activePersona();
    const chat = p ? chatOf(p.key) : null;
    const markup = chat && chat.replyKeyboard;
    const rows = markup && Array.isArray(markup.keyboard) ? markup.keyboard : null;
    ui.input.placeholder = (markup && markup.input_field_placeholder) || 'پیام…';
    ui.kbToggle.hidden = !rows;
    if (!rows || chat.kbHidden) {
      ui.replyKb.hidden = true;
      ui.replyKb.replaceChildren();
      keepFollowing();
      return;
    }
    const fragment = document.createDocumentFragment();
    for (const row of rows) {
      const line = el('div', 'row');
      for (const spec of row) {
        const button = typeof spec === 'string' ? { text: spec } : spec;
        const node = el('button', '', button.text);
        node.type = 'button';
        node.dir = 'auto';
        node.addEventListener('click', () => pressReplyButton(button, markup));
        line.appendChild(node);
      }
      fragment.appendChild(line);
    }
    ui.replyKb.replaceChildren(fragment);
    ui.replyKb.hidden = false;
    keepFollowing();
  }

  async function pressReplyButton(button, markup) {
    const p = activePersona();
    if (!p) return;
    if (markup.one_time_keyboard) {
      chatOf(p.key).kbHidden = true;
      renderReplyKeyboard();
    }
    if (button.request_contact) {
      await act('contact', { phone_number: phoneDigits(p.phone), own: true });
    } else if (button.request_location) {
      openLocationDialog();
    } else {
      await act('text', { text: button.text });
    }
  }

  // ---- sending ----

  async function sendText(text) {
    const value = text.trim();
    if (!value) return null;
    // Telegram's server refuses a text over 4,096; its apps (Desktop, Android, Web) cut a longer
    // one into several messages before sending, preferring a paragraph, line or word break. The
    // bot then meets what it would meet from a real person who pastes a long text.
    const parts = splitLongText(value);
    let sent = null;
    for (const part of parts) {
      sent = await act('text', { text: part });
      if (!sent) return null;
    }
    if (parts.length > 1) {
      toast(`متن بیش از ${formatCount(MAX_TEXT)} نویسه بود و مانند تلگرام در ${faDigits(parts.length)} پیام فرستاده شد.`);
    }
    return sent;
  }

  /** Cut `text` into parts of at most MAX_TEXT UTF-16 units, at the last paragraph, line, sentence
   * or word break in the second half of each part, never inside a surrogate pair. */
  function splitLongText(text) {
    const parts = [];
    let rest = text;
    while (rest.length > MAX_TEXT) {
      const window = rest.slice(0, MAX_TEXT);
      let cut = -1;
      for (const mark of ['\n\n', '\n', '. ', '؟ ', '! ', '، ', ' ']) {
        const at = window.lastIndexOf(mark);
        if (at >= MAX_TEXT / 2) {
          cut = at + mark.length;
          break;
        }
      }
      if (cut < 0) {
        cut = MAX_TEXT;
        const code = rest.charCodeAt(cut - 1);
        if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
      }
      const part = rest.slice(0, cut).trim();
      if (part) parts.push(part);
      rest = rest.slice(cut).trimStart();
    }
    if (rest.trim()) parts.push(rest.trim());
    return parts;
  }

  /** Under the composer, while the text is over the limit: how it will go out. */
  function updateLengthNote() {
    const length = ui.input.value.trim().length;
    const over = length > MAX_TEXT;
    ui.lengthNote.hidden = !over;
    if (over) {
      const count = splitLongText(ui.input.value).length;
      ui.lengthNote.textContent = `${formatCount(length)} نویسه؛ بیش از ${formatCount(MAX_TEXT)} نویسهٔ یک پیام. مانند تلگرام در ${faDigits(count)} پیام فرستاده می‌شود.`;
    }
    keepFollowing();
  }

  function formatCount(value) {
    try {
      return value.toLocaleString('fa-IR');
    } catch (error) {
      return faDigits(value);
    }
  }

  function readAsDataUrl(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
  }

  async function sendPhoto(file) {
    if (!file) return;
    if (file.size > 20 * 1024 * 1024) {
      toast('عکس بزرگ‌تر از ۲۰ مگابایت است.', 'error');
      return;
    }
    const caption = ui.input.value.trim();
    const data = await readAsDataUrl(file);
    const sent = await act('photo', { data, mime_type: file.type || undefined, caption: caption || undefined });
    if (sent && caption) {
      ui.input.value = '';
      autosize();
    }
  }

  // ---- dialogs, drawer, toast ----

  function openPersonaDialog() {
    const dialog = $('persona-dialog');
    $('persona-form').reset();
    $('persona-error').hidden = true;
    if (!dialog.open) dialog.showModal();
    dialog.querySelector('input[name="name"]').focus();
  }

  function submitPersona(event) {
    event.preventDefault();
    const form = new FormData($('persona-form'));
    const name = String(form.get('name') || '').trim();
    const phone = String(form.get('phone') || '').trim();
    const error = $('persona-error');
    if (!name) {
      error.textContent = 'نام را بنویسید.';
      error.hidden = false;
      return;
    }
    if (!/^989\d{9}$/.test(phoneDigits(phone))) {
      error.textContent = 'شمارهٔ همراه باید مانند ۰۹۱۲۳۴۵۶۷۸۹ باشد.';
      error.hidden = false;
      return;
    }
    const key = addPersona({
      name,
      phone: displayPhone(phone),
      platform: String(form.get('platform') || 'telegram'),
      role: String(form.get('role') || '').trim(),
    });
    $('persona-dialog').close();
    switchTo(key);
    closePeople();
  }

  function openLocationDialog() {
    $('location-error').hidden = true;
    $('location-dialog').showModal();
  }

  async function submitLocation(event) {
    event.preventDefault();
    const form = new FormData($('location-form'));
    const latitude = Number(latinDigits(String(form.get('latitude'))).replace('٫', '.'));
    const longitude = Number(latinDigits(String(form.get('longitude'))).replace('٫', '.'));
    if (!(Math.abs(latitude) <= 90) || !(Math.abs(longitude) <= 180)) {
      $('location-error').textContent = 'عرض باید بین ۹۰- و ۹۰ و طول بین ۱۸۰- و ۱۸۰ باشد.';
      $('location-error').hidden = false;
      return;
    }
    $('location-dialog').close();
    await act('location', { latitude, longitude });
  }

  function toggleAttachMenu(open = ui.attachMenu.hidden) {
    ui.attachMenu.hidden = !open;
    if (open) ui.toast.hidden = true; // a note about the last message must not cover the menu
    ui.attachBtn.setAttribute('aria-expanded', String(open));
  }

  function openContactDialog() {
    $('contact-form').reset();
    $('contact-error').hidden = true;
    $('contact-dialog').showModal();
  }

  /** Someone else's contact, as sent from the phone book: a name and a number, no user id. */
  async function submitContact(event) {
    event.preventDefault();
    const form = new FormData($('contact-form'));
    const name = String(form.get('name') || '').trim();
    const phone = phoneDigits(String(form.get('phone') || ''));
    const error = $('contact-error');
    if (!/^98\d{10}$/.test(phone)) {
      error.textContent = 'شمارهٔ همراه باید مانند ۰۹۱۲۳۴۵۶۷۸۹ باشد.';
      error.hidden = false;
      return;
    }
    $('contact-dialog').close();
    const { first_name, last_name } = splitName(name || displayPhone(phone));
    await act('contact', { phone_number: phone, own: false, first_name, last_name });
  }

  function openStickerDialog() {
    const grid = $('sticker-grid');
    if (!grid.childNodes.length) {
      for (const emoji of STICKERS) {
        const button = el('button', 'sticker-choice', emoji);
        button.type = 'button';
        button.setAttribute('aria-label', `برچسب ${emoji}`);
        button.addEventListener('click', async () => {
          $('sticker-dialog').close();
          await act('sticker', { emoji });
        });
        grid.appendChild(button);
      }
    }
    $('sticker-dialog').showModal();
  }

  function openVoiceDialog() {
    $('voice-error').hidden = true;
    $('voice-dialog').showModal();
  }

  async function submitVoice(event) {
    event.preventDefault();
    const form = new FormData($('voice-form'));
    const duration = Number(latinDigits(String(form.get('duration') || '')).trim());
    if (!Number.isInteger(duration) || duration < 1 || duration > 3600) {
      $('voice-error').textContent = 'مدت باید عددی بین ۱ و ۳۶۰۰ ثانیه باشد.';
      $('voice-error').hidden = false;
      return;
    }
    $('voice-dialog').close();
    await act('voice', { duration });
  }

  function openPeople() { ui.app.classList.add('people-open'); ui.scrim.hidden = false; }
  function closePeople() { ui.app.classList.remove('people-open'); ui.scrim.hidden = true; }

  let toastTimer = null;
  function toast(text, kind = '') {
    ui.toast.textContent = text;
    ui.toast.className = `toast ${kind}`.trim();
    ui.toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { ui.toast.hidden = true; }, kind === 'alert' ? 5000 : 2600);
  }

  function autosize() {
    ui.input.style.height = 'auto';
    ui.input.style.height = `${Math.min(ui.input.scrollHeight, 140)}px`;
  }

  // ---- switching personas ----

  function switchTo(key) {
    store.active = key && persona(key) ? key : null;
    saveStore();
    renderHeader();
    renderMessages();
    renderReplyKeyboard();
    if (store.active) markSeen(store.active);
    renderPersonaList();
    restartActiveLoop();
  }

  // ---- wiring ----

  function wire() {
    ui.composer.addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = ui.input.value;
      if (!text.trim()) return;
      ui.input.value = '';
      autosize();
      const p = activePersona();
      const markup = p && chatOf(p.key).replyKeyboard;
      if (markup && markup.one_time_keyboard && markup.keyboard) {
        chatOf(p.key).kbHidden = true;
        renderReplyKeyboard();
      }
      updateLengthNote();
      const sent = await sendText(text);
      if (!sent && !ui.input.value) {
        ui.input.value = text;
        updateLengthNote();
      }
      ui.input.focus();
    });
    ui.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        ui.composer.requestSubmit();
      }
    });
    ui.input.addEventListener('input', () => {
      autosize();
      updateLengthNote();
    });
    ui.messages.addEventListener('scroll', () => {
      stickToBottom = distanceFromBottom() < 80;
      if (stickToBottom) unseenBelow = 0;
      updateJump();
    });
    if (window.ResizeObserver) new ResizeObserver(keepFollowing).observe(ui.messages);
    ui.jumpDown.addEventListener('click', followNewest);
    ui.attachBtn.addEventListener('click', (event) => {
      event.stopPropagation();
      toggleAttachMenu();
    });
    document.addEventListener('click', (event) => {
      if (!ui.attachMenu.hidden && !ui.attachMenu.contains(event.target)) toggleAttachMenu(false);
    });
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !ui.attachMenu.hidden) toggleAttachMenu(false);
    });
    ui.attachMenu.addEventListener('click', (event) => {
      if (event.target.closest('button')) toggleAttachMenu(false);
    });
    $('contact-btn').addEventListener('click', openContactDialog);
    $('contact-form').addEventListener('submit', submitContact);
    $('contact-cancel').addEventListener('click', () => $('contact-dialog').close());
    $('sticker-btn').addEventListener('click', openStickerDialog);
    $('sticker-cancel').addEventListener('click', () => $('sticker-dialog').close());
    $('voice-btn').addEventListener('click', openVoiceDialog);
    $('voice-form').addEventListener('submit', submitVoice);
    $('voice-cancel').addEventListener('click', () => $('voice-dialog').close());
    $('photo-btn').addEventListener('click', () => ui.photoInput.click());
    ui.photoInput.addEventListener('change', async () => {
      const file = ui.photoInput.files && ui.photoInput.files[0];
      ui.photoInput.value = '';
      await sendPhoto(file);
    });
    $('location-btn').addEventListener('click', openLocationDialog);
    ui.kbToggle.addEventListener('click', () => {
      const p = activePersona();
      if (!p) return;
      const chat = chatOf(p.key);
      chat.kbHidden = !chat.kbHidden;
      renderReplyKeyboard();
    });
    $('new-persona').addEventListener('click', openPersonaDialog);
    $('persona-form').addEventListener('submit', submitPersona);
    $('persona-cancel').addEventListener('click', () => $('persona-dialog').close());
    $('location-form').addEventListener('submit', submitLocation);
    $('location-cancel').addEventListener('click', () => $('location-dialog').close());
    $('people-toggle').addEventListener('click', openPeople);
    $('people-close').addEventListener('click', closePeople);
    ui.scrim.addEventListener('click', closePeople);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && store.active) {
        markSeen(store.active);
        renderPersonaList();
      }
    });
  }

  async function start() {
    wire();
    try {
      config = await api('/sandbox/config.json');
    } catch (error) {
      setOnline(false);
    }
    if (config.instance && store.instance !== config.instance) {
      // A restarted sandbox starts with empty transcripts: forget what was seen before.
      store.seen = {};
      store.instance = config.instance;
    }
    try {
      mergeServerPersonas(await api('/sandbox/personas.json'));
    } catch (error) {
      /* keep the personas stored in this browser */
    }
    saveStore();
    if (!persona(store.active)) store.active = store.personas[0] ? store.personas[0].key : null;
    switchTo(store.active);
    if (!store.active) openPersonaDialog();
    backgroundLoop();
  }

  start();
})();
