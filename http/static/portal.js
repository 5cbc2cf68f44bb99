// The client portal's wire page: new items appear without a reload. The
// page listens to /wire/stream (the events of the company's products
// only) and, on each, reads the list again as the server renders it for
// the same filter, marking the items it did not show before. Without
// script the page is complete; "Older items" and the filters are links
// and forms.
(function () {
	"use strict";
	var list = document.getElementById("wire-list");
	if (!list || list.dataset.live !== "1" || !window.EventSource || !window.fetch) return;
	var status = document.getElementById("live-status");
	var query = list.dataset.query;
	var url = "/wire/?" + (query ? query + "&" : "") + "part=list";
	var busy = false, again = false;
	var say = function (text) { if (status) status.textContent = text; };
	var lang = document.documentElement.lang === "ru";
	var words = lang ? { live: "Обновляется сам", off: "Нет связи: обновите страницу", n: "Новое: " } : { live: "Live", off: "Offline: reload the page", n: "New: " };
	function ids(root) {
		var out = {};
		root.querySelectorAll(".wire-item").forEach(function (li) { out[li.dataset.id] = true; });
		return out;
	}
	function refresh() {
		if (busy) { again = true; return; }
		busy = true;
		fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (r) {
			if (!r.ok) throw new Error(r.status);
			return r.text();
		}).then(function (html) {
			var seen = ids(list);
			var checked = {};
			list.querySelectorAll("input[name=id]:checked").forEach(function (i) { checked[i.value] = true; });
			var doc = new DOMParser().parseFromString(html, "text/html");
			var fresh = 0;
			doc.querySelectorAll(".wire-item").forEach(function (li) {
				if (!seen[li.dataset.id]) { li.classList.add("new"); fresh++; }
				var box = li.querySelector("input[name=id]");
				if (box && checked[box.value]) box.checked = true;
			});
			list.replaceChildren.apply(list, Array.prototype.slice.call(doc.body.childNodes));
			if (fresh) say(words.n + fresh);
		}).catch(function () {}).then(function () {
			busy = false;
			if (again) { again = false; refresh(); }
		});
	}
	var es = new EventSource("/wire/stream");
	es.onopen = function () { say(words.live); };
	es.onerror = function () { if (es.readyState === EventSource.CLOSED) say(words.off); };
	["published", "updated", "withdrawn", "embargoed", "embargo-canceled"].forEach(function (k) {
		es.addEventListener(k, refresh);
	});
	es.onmessage = refresh;
})();
