/* mod_concerto's participant runner: shows the pages the server renders
 * (templateHtml/Css/Js/Head), posts the named fields of a page when a
 * button is pressed, and tells the participant what is going on. Plain
 * JavaScript, no framework, no build step. Protocol: spec section 4. */
(function () {
  'use strict';

  var CODE = { ERROR: -1, VIEW: 0, FINISHED: 1, STOPPED: 4, KEEPALIVE: 10, SESSION_LOST: 14, RESUME: 16 };
  var BUSY_INDICATOR_MS = 300; // show "Loading" only when it takes a while
  var REQUEST_TIMEOUT_MS = 20000;
  var RETRY_DELAYS_MS = [1000, 2000, 4000]; // automatic retries, then a button
  var KEEPALIVE_MS = 60000;
  var TEXT_TYPES = /^(text|email|number|tel|url|search|password|date|time|datetime-local|month|week)$/;

  var boot = JSON.parse(document.getElementById('cc-boot').textContent);
  var base = boot.base || '';
  var nonce = boot.nonce || '';
  var main = document.getElementById('cc-main');
  var statusBox = document.getElementById('cc-status');
  var alertBox = document.createElement('div');
  var timerBox = document.createElement('div');

  var session = { hash: boot.hash || null, token: null };
  var page = { submitId: null, shownAt: 0, deadline: 0, params: {} };
  var busy = false;
  var busyTimer = null;
  var keepaliveTimer = null;
  var countdownTimer = null;
  var styleElement = null;
  var headNodes = [];
  var loggedErrors = {};
  var extraControls = {};

  alertBox.id = 'cc-alert';
  alertBox.className = 'ccr-alert';
  alertBox.setAttribute('role', 'alert');
  timerBox.id = 'cc-timer';
  timerBox.className = 'ccr-timer';
  timerBox.hidden = true;
  document.body.insertBefore(timerBox, main);
  document.body.insertBefore(alertBox, main);

  // ---- storage of hash -> token (so a reload or a later visit resumes)

  function storageKey(hash) {
    return 'concerto.session.' + hash;
  }
  /* Stored as {token, slug}: the slug gives the "start again" link. */
  function storeToken() {
    try {
      if (session.hash && session.token) {
        localStorage.setItem(storageKey(session.hash), JSON.stringify({ token: session.token, slug: boot.slug || null }));
      }
    } catch (e) { /* storage disabled: the session lasts as long as the tab */ }
  }
  function storedSession(hash) {
    try {
      var stored = JSON.parse(localStorage.getItem(storageKey(hash)) || 'null');
      return stored && typeof stored.token === 'string' ? stored : null;
    } catch (e) {
      return null;
    }
  }
  function forgetToken() {
    try {
      if (session.hash) localStorage.removeItem(storageKey(session.hash));
    } catch (e) { /* nothing stored */ }
  }

  // ---- messages

  function say(text) {
    statusBox.textContent = text;
  }
  function clearAlert() {
    alertBox.textContent = '';
    alertBox.className = 'ccr-alert';
  }
  /* A message with optional action elements, in the alert region. */
  function alertWith(text, actions) {
    var p = document.createElement('p');
    alertBox.textContent = '';
    alertBox.className = 'ccr-alert ccr-alert-shown';
    p.textContent = text;
    alertBox.appendChild(p);
    (actions || []).forEach(function (a) { alertBox.appendChild(a); });
  }
  function actionButton(label, onClick) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'ccr-button';
    b.textContent = label;
    b.addEventListener('click', onClick);
    return b;
  }
  function startAgainLink() {
    var a = document.createElement('a');
    a.className = 'ccr-link';
    a.textContent = 'Start the test again';
    a.href = base + '/test/' + encodeURIComponent(boot.slug);
    return a;
  }
  /* A page of our own in the main region (stopped, session lost, ...). */
  function showMessagePage(title, text, actions) {
    var box = document.createElement('div');
    var h = document.createElement('h1');
    var p = document.createElement('p');
    box.className = 'ccr-message';
    h.textContent = title;
    h.tabIndex = -1;
    h.setAttribute('data-cc-focus', '');
    p.textContent = text;
    box.appendChild(h);
    box.appendChild(p);
    (actions || []).forEach(function (a) { box.appendChild(a); });
    clearPage();
    main.appendChild(box);
    h.focus();
  }

  // ---- busy state

  function setBusy(on) {
    busy = on;
    main.setAttribute('aria-busy', on ? 'true' : 'false');
    Array.prototype.forEach.call(main.querySelectorAll('button, input, select, textarea'), function (el) {
      if (on) {
        if (!el.disabled) { el.disabled = true; el.setAttribute('data-ccr-disabled', ''); }
      } else if (el.hasAttribute('data-ccr-disabled')) {
        el.disabled = false;
        el.removeAttribute('data-ccr-disabled');
      }
    });
    clearTimeout(busyTimer);
    if (on) {
      busyTimer = setTimeout(function () {
        document.body.classList.add('ccr-loading');
        say('Loading, please wait…');
      }, BUSY_INDICATOR_MS);
    } else {
      document.body.classList.remove('ccr-loading');
      if (statusBox.textContent === 'Loading, please wait…') say('');
    }
  }

  // ---- HTTP

  function newSubmitId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join('');
  }

  /* POSTs fields (an object; arrays repeat the key). Resolves to
   * {status, body} where status 0 means the network failed. */
  function post(path, fields) {
    var form = new URLSearchParams();
    var controller = typeof AbortController === 'function' ? new AbortController() : null;
    var timeout = setTimeout(function () { if (controller) controller.abort(); }, REQUEST_TIMEOUT_MS);
    Object.keys(fields).forEach(function (k) {
      var v = fields[k];
      if (Array.isArray(v)) v.forEach(function (x) { form.append(k, x); });
      else if (v !== null && v !== undefined) form.append(k, v);
    });
    return fetch(base + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: form.toString(),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: controller ? controller.signal : undefined
    }).then(function (resp) {
      return resp.text().then(function (text) {
        var body = null;
        try { body = JSON.parse(text); } catch (e) { body = null; }
        return { status: resp.status, body: body };
      });
    }, function () {
      return { status: 0, body: null };
    }).then(function (result) {
      clearTimeout(timeout);
      return result;
    });
  }

  function transient(result) {
    if (result.status === 0 || result.status >= 500 || result.body === null) return true;
    // 409 without "ended" is a submit racing another one: "please retry".
    return result.status === 409 && !(result.body && result.body.code === CODE.SESSION_LOST);
  }

  /* Sends until an answer that is not transient, with backoff; after the
   * automatic retries, offers a "Try again" button that sends the very
   * same request (same submitId) again. */
  function send(path, fields, onDone) {
    var attempt = 0;
    function once() {
      post(path, fields).then(function (result) {
        if (!transient(result)) {
          clearAlert();
          onDone(result);
          return;
        }
        if (attempt < RETRY_DELAYS_MS.length) {
          say(result.status === 0 ? 'The connection was interrupted; trying again…'
            : 'The server had a problem; trying again…');
          setTimeout(once, RETRY_DELAYS_MS[attempt++]);
          return;
        }
        setBusy(false);
        say('');
        alertWith(result.status === 0
          ? 'We could not reach the server. Please check your internet connection. Your answers so far are saved.'
          : 'The server could not take your answer just now. Your answers so far are saved.',
        [actionButton('Try again', function () {
          clearAlert();
          attempt = 0;
          setBusy(true);
          once();
        })]);
      });
    }
    once();
  }

  // ---- showing pages

  function clearPage() {
    main.textContent = '';
    headNodes.forEach(function (n) { if (n.parentNode) n.parentNode.removeChild(n); });
    headNodes = [];
  }

  function setCss(css) {
    css = css || '';
    if (styleElement && styleElement.textContent === css) return;
    if (!styleElement) {
      styleElement = document.createElement('style');
      styleElement.id = 'cc-template-css';
      if (nonce) styleElement.setAttribute('nonce', nonce);
      document.head.appendChild(styleElement);
    }
    styleElement.textContent = css;
  }

  /* A script element that runs (innerHTML-inserted scripts do not). */
  function runnableScript(from) {
    var s = document.createElement('script');
    Array.prototype.forEach.call(from.attributes || [], function (a) { s.setAttribute(a.name, a.value); });
    if (nonce) s.setAttribute('nonce', nonce);
    s.textContent = from.textContent;
    return s;
  }

  function setHead(head) {
    var holder;
    if (!head) return;
    holder = document.createElement('template');
    holder.innerHTML = head;
    Array.prototype.slice.call(holder.content.childNodes).forEach(function (n) {
      var node = n.nodeName === 'SCRIPT' ? runnableScript(n) : document.importNode(n, true);
      headNodes.push(node);
      document.head.appendChild(node);
    });
  }

  function focusPage() {
    var target = main.querySelector('[data-cc-focus]');
    if (!target) target = main;
    if (!target.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(target.nodeName)) {
      target.setAttribute('tabindex', '-1');
    }
    target.focus();
  }

  function showTemplate(data) {
    var js;
    data = data || {};
    clearPage();
    setCss(data.templateCssOverride || data.templateCss);
    setHead(data.templateHeadOverride || data.templateHead);
    page.params = data.templateParams || {};
    window.testRunner.R = page.params;
    main.innerHTML = data.templateHtmlOverride || data.templateHtml || '';
    // Scripts inside the HTML run too, as they would in Concerto.
    Array.prototype.forEach.call(main.querySelectorAll('script'), function (old) {
      old.parentNode.replaceChild(runnableScript(old), old);
    });
    js = data.templateJsOverride || data.templateJs;
    if (js) {
      var s = document.createElement('script');
      if (nonce) s.setAttribute('nonce', nonce);
      s.textContent = js;
      main.appendChild(s);
    }
    if (page.params.title) document.title = String(page.params.title);
    focusPage();
  }

  // ---- timers

  function stopTimers() {
    clearInterval(keepaliveTimer);
    clearInterval(countdownTimer);
    keepaliveTimer = countdownTimer = null;
    page.deadline = 0;
    timerBox.hidden = true;
  }

  function keepalive() {
    if (document.visibilityState !== 'visible' || busy || !session.token) return;
    post('/test/session/' + encodeURIComponent(session.hash) + '/keepalive', { token: session.token })
      .then(function (result) {
        if (result.status === 200 && result.body && result.body.token && !busy) {
          session.token = result.body.token;
          storeToken();
        } else if (result.status === 403 || result.status === 404 ||
                   (result.status === 409 && result.body && result.body.code === CODE.SESSION_LOST)) {
          sessionLost();
        }
      });
  }

  function formatTime(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ':' + (s < 10 ? '0' : '') + s;
  }

  function tick() {
    var left = Math.max(0, Math.round((page.deadline - Date.now()) / 1000));
    // Read by screen readers on request, announced only at a few moments.
    timerBox.textContent = 'Time left: ' + formatTime(left);
    if (left === 300 || left === 60) say('Time left: ' + (left / 60) + (left === 60 ? ' minute' : ' minutes'));
    if (left <= 0) {
      clearInterval(countdownTimer);
      countdownTimer = null;
      say('Time is up.');
      submit('timeout', true);
    }
  }

  function startTimers(timeLimit) {
    stopTimers();
    keepaliveTimer = setInterval(keepalive, KEEPALIVE_MS);
    if (timeLimit > 0) {
      page.deadline = Date.now() + timeLimit * 1000;
      timerBox.hidden = false;
      tick();
      countdownTimer = setInterval(tick, 1000);
    }
  }

  // ---- answers from the server

  function sessionLost() {
    stopTimers();
    forgetToken();
    session.token = null;
    setBusy(false);
    showMessagePage('This session has ended',
      'This session has ended or can\'t be found. If you were still taking the test, you can start it again.',
      boot.slug ? [startAgainLink()] : []);
  }

  function handle(result) {
    var body = result.body || {};
    setBusy(false);
    if (result.status === 403 || result.status === 404 ||
        (result.status === 409 && body.code === CODE.SESSION_LOST) ||
        (result.status === 200 && body.code === CODE.SESSION_LOST)) {
      sessionLost();
      return;
    }
    if (result.status !== 200) {
      // 400: values the server refused; the page stays as it was.
      alertWith((body.error && body.error.message ? capitalise(body.error.message) + '. '
        : 'The server refused the answer. ') + 'Please check your answer and try again.');
      focusPage();
      return;
    }
    if (body.token) session.token = body.token;
    if (body.hash && body.hash !== session.hash) {
      session.hash = body.hash;
      try {
        history.replaceState(null, '', base + '/test/session/' + encodeURIComponent(body.hash));
      } catch (e) { /* the address stays; resuming then needs the link */ }
    }
    window.testRunner.sessionHash = session.hash;
    switch (body.code) {
      case CODE.VIEW:
      case CODE.RESUME:
        storeToken();
        page.submitId = newSubmitId();
        page.shownAt = Date.now();
        showTemplate(body.data);
        startTimers(body.timeLimit || 0);
        say('');
        break;
      case CODE.FINISHED:
        stopTimers();
        forgetToken();
        showTemplate(body.data);
        say('');
        break;
      case CODE.ERROR: // the test's own code failed; the session has ended
        stopTimers();
        forgetToken();
        session.token = null;
        showMessagePage('The test stopped because of an error',
          'The test could not go on because of a problem in the test itself, not in anything you did. ' +
          'The problem has been recorded for the test\'s author.' +
          (body.data && body.data.message ? ' Details: ' + capitalise(body.data.message) + '.' : ''),
          boot.slug ? [startAgainLink()] : []);
        break;
      case CODE.STOPPED:
        stopTimers();
        forgetToken();
        showMessagePage('The test was stopped', 'This test has been stopped. Thank you for your time.');
        break;
      default:
        stopTimers();
        alertWith('Something went wrong on the server. Please reload the page in a minute; your answers so far are saved.');
    }
  }

  function capitalise(text) {
    text = String(text).replace(/\.$/, '');
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  // ---- collecting and submitting

  function collectValues() {
    var values = {};
    function add(name, value) {
      if (Object.prototype.hasOwnProperty.call(values, name)) {
        if (!Array.isArray(values[name])) values[name] = [values[name]];
        values[name].push(value);
      } else {
        values[name] = value;
      }
    }
    Array.prototype.forEach.call(main.querySelectorAll('input[name], textarea[name], select[name]'), function (el) {
      var type = (el.type || '').toLowerCase();
      if (el.hasAttribute('data-ccr-disabled') ? false : el.disabled) return;
      if (el.nodeName === 'INPUT') {
        if (type === 'radio' || type === 'checkbox') {
          if (el.checked) add(el.name, el.value);
        } else if (type !== 'button' && type !== 'submit' && type !== 'image' && type !== 'file' && type !== 'reset') {
          add(el.name, el.value);
        }
      } else if (el.nodeName === 'SELECT') {
        Array.prototype.forEach.call(el.selectedOptions || [], function (o) { add(el.name, o.value); });
      } else {
        add(el.name, el.value);
      }
    });
    Object.keys(extraControls).forEach(function (name) { add(name, extraControls[name]()); });
    return values;
  }

  function submit(button, isTimeout) {
    var fields, values;
    if (busy) return;
    clearAlert();
    if (!session.hash) { // the start page: begin a session
      setBusy(true);
      // The page's query parameters are the test's parameters (R tests).
      send('/test/' + encodeURIComponent(boot.slug) + '/start_session' + (location.search || ''), {}, handle);
      return;
    }
    values = collectValues();
    values.buttonPressed = button || 'next';
    values.timeTaken = String(Math.round((Date.now() - page.shownAt) / 1000));
    if (isTimeout) values.isTimeout = '1';
    fields = { token: session.token, submitId: page.submitId };
    Object.keys(values).forEach(function (k) { fields['values[' + k + ']'] = values[k]; });
    setBusy(true);
    send('/test/session/' + encodeURIComponent(session.hash) + '/submit', fields, function (result) {
      // A retried request must carry the newest token only if it was not sent yet.
      handle(result);
    });
  }

  main.addEventListener('click', function (event) {
    var el = event.target.closest ? event.target.closest('button[name], input[type=submit][name], input[type=button][name], input[type=image][name]') : null;
    if (!el || !main.contains(el) || el.classList.contains('concerto-nosubmit')) return;
    event.preventDefault();
    submit(el.name, false);
  });

  main.addEventListener('keydown', function (event) {
    var el = event.target;
    if (event.key !== 'Enter' || el.nodeName !== 'INPUT' || !TEXT_TYPES.test((el.type || 'text').toLowerCase())) return;
    if (!main.querySelector('button[name=next]')) return;
    event.preventDefault();
    submit('next', false);
  });

  // Nothing in a template may submit a form behind the runner's back.
  main.addEventListener('submit', function (event) { event.preventDefault(); });

  // ---- client errors go to /log, once each

  window.addEventListener('error', function (event) {
    var text = (event.message || 'error') + ' at ' + (event.filename || '?') + ':' + (event.lineno || 0);
    if (!session.hash || !session.token || loggedErrors[text]) return;
    loggedErrors[text] = true;
    post('/test/session/' + encodeURIComponent(session.hash) + '/log', { token: session.token, error: text });
  });

  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible' && keepaliveTimer) keepalive();
  });

  // A small part of Concerto's window.testRunner, for template scripts.
  window.testRunner = {
    R: {},
    sessionHash: session.hash,
    submitView: function (button, isTimeout) { submit(button || 'next', !!isTimeout); },
    addExtraControl: function (name, getter) { extraControls[name] = getter; },
    getToken: function () { return session.token; },
    getControlValues: collectValues
  };

  // ---- start

  if (boot.intro) {
    handleIntro(boot.intro);
  } else if (session.hash) {
    var stored = storedSession(session.hash);
    if (stored) {
      session.token = stored.token;
      if (stored.slug) boot.slug = stored.slug;
    }
    if (!session.token) {
      showMessagePage('This session can\'t be continued here',
        'This session has ended or can\'t be found on this device. If you were taking the test in another browser, please go back to it.',
        []);
    } else {
      setBusy(true);
      send('/test/session/' + encodeURIComponent(session.hash) + '/resume', { token: session.token }, handle);
    }
  } else {
    showMessagePage('Nothing to show', 'This address does not lead to a test.');
  }

  /* An R test has no start page of its own: its session starts at once. */
  function handleIntro(intro) {
    if (intro.data && intro.data.autostart) {
      if (intro.data.templateParams && intro.data.templateParams.title) document.title = String(intro.data.templateParams.title);
      submit();
      return;
    }
    showTemplate(intro.data);
  }
}());
