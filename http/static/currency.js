// The converter at /currency, live as the reader types: it asks
// /api/v1/convert (the server's exact arithmetic and rounding) and shows
// the answer without reloading. Without this script the form still works:
// it is a GET form the server answers with the result.
(function () {
  'use strict';
  var form = document.querySelector('form.converter');
  var out = document.getElementById('cc-result');
  if (!form || !out || !window.fetch || !window.URLSearchParams) return;
  var lang = document.documentElement.lang || 'en';
  var timer = 0;
  var asked = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function longDate(iso) {
    try {
      return new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(iso + 'T00:00:00Z'));
    } catch (e) {
      return iso;
    }
  }

  // Numbers as the page's language writes them: a decimal comma in Russian.
  function num(n) {
    return lang === 'ru' ? String(n).replace(/\./g, ',') : String(n);
  }

  function show(ok, body) {
    var parts = [];
    if (ok) {
      var sum = el('p', 'sum');
      sum.appendChild(el('span', 'in', num(body.amount) + ' ' + body.from + ' ='));
      sum.appendChild(document.createTextNode(' '));
      sum.appendChild(el('strong', 'out', num(body.result) + ' ' + body.to));
      parts.push(sum);
      parts.push(el('p', 'rate', '1 ' + body.from + ' = ' + num(body.rate) + ' ' + body.to + ' · 1 ' + body.to + ' = ' + num(body.inverse) + ' ' + body.from));
      var of = el('p', 'rate-of', out.getAttribute('data-at') || 'Rates used:');
      of.textContent += ' ' + (out.getAttribute('data-source-name') || body.source_name) + ', ';
      var t = el('time', '', longDate(body.date));
      t.setAttribute('datetime', body.date);
      of.appendChild(t);
      parts.push(of);
    } else {
      // The API explains in English; other pages say it in their language.
      var msg = out.getAttribute('data-error') || 'No conversion: check the amount, the currencies and the date.';
      if (lang === 'en' && body && body.error && body.error.message) msg = body.error.message;
      var p = el('p', 'error', msg);
      p.setAttribute('role', 'alert');
      parts.push(p);
    }
    out.replaceChildren.apply(out, parts);
  }

  function update() {
    var q = new URLSearchParams();
    ['source', 'amount', 'from', 'to', 'date'].forEach(function (name) {
      var f = form.elements[name];
      if (f && f.value !== '') q.set(name, f.value);
    });
    if (!q.has('amount')) q.set('amount', '');
    var mine = ++asked;
    fetch(form.getAttribute('data-api') + '?' + q.toString(), { headers: { Accept: 'application/json' } })
      .then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      })
      .then(function (res) {
        if (mine !== asked) return; // a newer answer is on its way
        show(res.ok, res.body);
        if (res.ok && window.history && history.replaceState) {
          history.replaceState(null, '', form.getAttribute('action') + '?' + q.toString());
        }
      })
      .catch(function () { /* offline: the form still submits */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  }
  form.addEventListener('input', later);
  // A new date converts at once too; the table and chart below follow
  // when the form is sent.
  form.addEventListener('change', later);
})();
