// The reader's city. Pages are the same bytes for every reader: the server
// writes every time in the site's zone, names that zone in the footer and
// shows the default city in the header. This script shows them in the
// city the reader chose (the `city` cookie): the header's city, its clock
// (ticking) and its weather from GET /api/v1/weather, and every
// <time data-t> in the formats the server uses ("stamp": "November 27,
// 16:06 UTC+3 MOSCOW", "when", "clock"), with the feed's day headings. With
// --times agency (data-times on the footer's line) times stay as they are.
// It also narrows the /city list as the reader types.
(function () {
	"use strict";
	var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
	var MONTHS_RU = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];
	var lang = document.documentElement.lang === "ru" ? "ru" : "en";

	var formats = {};
	function format(zone) {
		if (!(zone in formats)) {
			try {
				formats[zone] = new Intl.DateTimeFormat("en-US", { timeZone: zone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", hourCycle: "h23" });
			} catch (e) {
				formats[zone] = null; // an engine without the zone keeps the server's times
			}
		}
		return formats[zone];
	}

	// local is the instant t in zone: its fields and its offset from UTC in
	// minutes; null when the browser does not know the zone.
	function local(t, zone) {
		var f = format(zone);
		if (!f || isNaN(t.getTime())) {
			return null;
		}
		var p = {};
		f.formatToParts(t).forEach(function (x) { p[x.type] = x.value; });
		var l = { y: +p.year, mo: +p.month, d: +p.day, h: +p.hour % 24, mi: +p.minute };
		l.off = Math.round((Date.UTC(l.y, l.mo - 1, l.d, l.h, l.mi) - Math.floor(t.getTime() / 60000) * 60000) / 60000);
		return l;
	}

	function pad(n) { return (n < 10 ? "0" : "") + n; }
	function dayKey(l) { return l.y + "-" + pad(l.mo) + "-" + pad(l.d); }
	function clock(l) { return pad(l.h) + ":" + pad(l.mi); }
	// date is "November 27" or "27 ноября"; dateYear adds the year.
	function date(l) { return lang === "ru" ? l.d + " " + MONTHS_RU[l.mo - 1] : MONTHS[l.mo - 1] + " " + l.d; }
	function dateYear(l) { return lang === "ru" ? date(l) + " " + l.y + " года" : date(l) + ", " + l.y; }
	// offset is "UTC+3", "UTC+5:30", "UTC-3:30", as agencies write it.
	function offset(min) {
		var sign = min < 0 ? "-" : "+";
		min = Math.abs(min);
		return "UTC" + sign + Math.floor(min / 60) + (min % 60 ? ":" + pad(min % 60) : "");
	}
	function stamp(l, now, city) {
		return (l.y !== now.y ? dateYear(l) : date(l)) + ", " + clock(l) + " " + offset(l.off) + " " + city.toUpperCase();
	}
	// when is a short time for lists: "13:43" today, "Oct 22, 13:43" before.
	function when(l, now) {
		if (dayKey(l) === dayKey(now)) {
			return clock(l);
		}
		if (lang === "ru") {
			return l.y === now.y ? date(l) + ", " + clock(l) : dateYear(l);
		}
		var short = MONTHS[l.mo - 1].slice(0, 3) + " " + l.d;
		return l.y === now.y ? short + ", " + clock(l) : short + ", " + l.y;
	}

	// city is what GET /api/v1/weather said of the reader's city.
	var city = null;
	var agency = false;

	function showTimes(root) {
		if (!city || agency) {
			return;
		}
		var now = local(new Date(), city.zone);
		if (!now) {
			return;
		}
		var name = city.name[lang] || city.name.en;
		var els = root.querySelectorAll("time[data-t]");
		for (var i = 0; i < els.length; i++) {
			var el = els[i];
			var l = local(new Date(el.getAttribute("datetime")), city.zone);
			if (!l || el.getAttribute("data-shown") === city.zone) {
				continue;
			}
			var kind = el.getAttribute("data-t");
			el.textContent = kind === "stamp" ? stamp(l, now, name) : kind === "when" ? when(l, now) : clock(l);
			el.setAttribute("data-shown", city.zone);
		}
		var feeds = document.querySelectorAll("#feed");
		for (var f = 0; f < feeds.length; f++) {
			regroup(feeds[f], now);
		}
		var line = document.querySelector(".zone-line");
		if (line && line.getAttribute("data-text")) {
			line.textContent = line.getAttribute("data-text").replace("{city}", name).replace("{offset}", offset(now.off));
		}
	}

	// regroup puts the feed's items under the days of the reader's city,
	// "Today, November 27" and "Yesterday, November 26" as the server does.
	function regroup(feed, now) {
		var days = feed.querySelectorAll(".feed-day");
		if (!days.length) {
			return;
		}
		var groups = [];
		var items = feed.querySelectorAll(".feed-day .feed-item");
		for (var i = 0; i < items.length; i++) {
			var t = items[i].querySelector("time[datetime]");
			var l = t && local(new Date(t.getAttribute("datetime")), city.zone);
			if (!l) {
				return;
			}
			var last = groups[groups.length - 1];
			if (!last || last.key !== dayKey(l)) {
				last = { key: dayKey(l), l: l, items: [] };
				groups.push(last);
			}
			last.items.push(items[i]);
		}
		var y = new Date(Date.UTC(now.y, now.mo - 1, now.d - 1));
		var yesterday = dayKey({ y: y.getUTCFullYear(), mo: y.getUTCMonth() + 1, d: y.getUTCDate() });
		var same = groups.length === days.length;
		for (var g = 0; same && g < groups.length; g++) {
			same = days[g].getAttribute("data-date") === groups[g].key && days[g].querySelectorAll(".feed-item").length === groups[g].items.length;
		}
		var model = days[0], frag = document.createDocumentFragment();
		groups.forEach(function (g, n) {
			var h = g.l.y !== now.y ? dateYear(g.l) : date(g.l);
			if (g.key === dayKey(now)) {
				h = feed.getAttribute("data-today") + ", " + h;
			} else if (g.key === yesterday) {
				h = feed.getAttribute("data-yesterday") + ", " + h;
			}
			var sec = same ? days[n] : model.cloneNode(false);
			var head = same ? sec.querySelector("h2") : model.querySelector("h2").cloneNode(false);
			sec.setAttribute("data-date", g.key);
			sec.setAttribute("aria-label", h);
			if (head.textContent !== h) {
				head.textContent = h;
			}
			if (!same) {
				var ol = model.querySelector("ol").cloneNode(false);
				g.items.forEach(function (li) { ol.appendChild(li); });
				sec.appendChild(head);
				sec.appendChild(ol);
				frag.appendChild(sec);
			}
		});
		if (!same) {
			model.parentNode.insertBefore(frag, model);
			for (var d = 0; d < days.length; d++) {
				days[d].remove();
			}
		}
	}

	// showCity puts the reader's city, its clock and weather in the header.
	function showCity() {
		var box = document.querySelector(".city-clock");
		if (!box || !city) {
			return;
		}
		var pick = box.querySelector(".city-pick"), name = box.querySelector(".city-name");
		pick.textContent = city.name[lang] || city.name.en;
		pick.title = box.getAttribute("data-change") || "";
		if (name) {
			name.remove();
		}
		box.querySelector(".city-time").setAttribute("data-zone", city.zone);
		var w = box.querySelector(".city-weather");
		if (w) {
			var cond = city.weather && city.weather.condition[lang];
			w.textContent = city.weather ? " · " + city.weather.temp + (cond ? ", " + cond : "") : "";
			w.hidden = !city.weather;
		}
	}

	function tick() {
		var now = new Date();
		var els = document.querySelectorAll("[data-zone]");
		for (var i = 0; i < els.length; i++) {
			var l = local(now, els[i].getAttribute("data-zone"));
			if (l) {
				var text = clock(l);
				if (els[i].textContent !== text) {
					els[i].textContent = text;
				}
				els[i].hidden = false;
			}
		}
		// Next just after the turn of the second: a clock put right by the
		// system (or a tab woken from sleep) is right within a second.
		setTimeout(tick, 1000 - now.getMilliseconds() + 20);
	}

	function chosen() {
		var m = document.cookie.match(/(?:^|;\s*)city=([^;]+)/);
		return m ? decodeURIComponent(m[1]) : "";
	}

	var KEY = "dateline.city";
	function remembered(slug) {
		try {
			var c = JSON.parse(localStorage.getItem(KEY) || "null");
			return c && c.city === slug && c.zone && c.name ? c : null;
		} catch (e) {
			return null;
		}
	}

	function use(c) {
		city = c;
		showCity();
		showTimes(document);
	}

	// readerCity shows the reader's city at once from what this browser
	// remembers of it, then from the server's fresh answer (its weather).
	function readerCity() {
		var slug = chosen();
		if (!slug) {
			return;
		}
		var known = remembered(slug);
		if (known) {
			use(known);
		}
		if (!window.fetch) {
			return;
		}
		fetch("/api/v1/weather?city=" + encodeURIComponent(slug))
			.then(function (r) { return r.ok ? r.json() : null; })
			.then(function (c) {
				if (!c || !c.zone) {
					return;
				}
				try {
					localStorage.setItem(KEY, JSON.stringify(c));
				} catch (e) { /* private mode: ask again next time */ }
				use(c);
			})
			.catch(function () {}); // the site's zone stays, named in the footer
	}

	// Stories put on the page later ("More news", live news) are shown in
	// the reader's city too.
	function watch() {
		if (!window.MutationObserver) {
			return;
		}
		new MutationObserver(function () {
			if (city && document.querySelector("time[data-t]:not([data-shown])")) {
				showTimes(document);
			}
		}).observe(document.body, { childList: true, subtree: true });
	}

	function fold(s) {
		return s.toLowerCase().replace(/ё/g, "е").replace(/[\u0300-\u036f]/g, "");
	}
	function filter() {
		var box = document.querySelector(".city-filter");
		if (!box) {
			return;
		}
		var input = box.querySelector("input");
		var none = box.querySelector(".city-none");
		var items = document.querySelectorAll(".city-list li");
		var keys = [];
		for (var i = 0; i < items.length; i++) {
			keys.push(fold((items[i].textContent || "").normalize ? items[i].textContent.normalize("NFD") : items[i].textContent));
		}
		box.hidden = false;
		input.addEventListener("input", function () {
			var q = fold(input.value.normalize ? input.value.normalize("NFD") : input.value).trim();
			var shown = 0;
			for (var i = 0; i < items.length; i++) {
				var on = q === "" || keys[i].indexOf(q) >= 0;
				items[i].hidden = !on;
				if (on) {
					shown++;
				}
			}
			var groups = document.querySelectorAll(".city-group");
			for (var g = 0; g < groups.length; g++) {
				groups[g].hidden = groups[g].querySelector("li:not([hidden])") === null;
			}
			none.hidden = shown > 0;
		});
	}

	function start() {
		var line = document.querySelector(".zone-line");
		agency = !!line && line.getAttribute("data-times") === "agency";
		readerCity();
		tick();
		watch();
		filter();
	}
	if (document.readyState === "loading") {
		document.addEventListener("DOMContentLoaded", start);
	} else {
		start();
	}
})();
